"""Votes and search analytics on both real backends: SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import threading
import uuid

import pytest

from kbgen.feedback import StoreError, normalize_query, open_store

UTC = dt.timezone.utc


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/feedback.sqlite3"
    base = request.getfixturevalue("postgres_url")
    # a fresh database per test
    import psycopg

    name = "t" + uuid.uuid4().hex[:12]
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return base.rsplit("/", 1)[0] + "/" + name


def window():
    now = dt.datetime.now(UTC)
    return now - dt.timedelta(days=1), now + dt.timedelta(days=1)


@pytest.fixture
def store(store_url):
    with open_store(store_url) as opened:
        yield opened


def test_schema_is_created_on_first_use_and_migrations_are_kept(store, store_url):
    assert store.version == 1
    with open_store(store_url) as again:
        assert again.version == 1  # reopening applies nothing twice
    assert store.counts() == (0, 0)


def test_searches_votes_and_opened_results(store):
    search = store.record_search("  Where's my PARCEL?! ", 4, "browser-1")
    assert store.record_open(search, "/shipping/tracking/", "browser-1")
    assert not store.record_open(search, "/shipping/", "browser-2")  # another browser's search
    assert store.record_search("?!", 0) is None  # nothing left after normalising
    store.record_vote("/returns/refunds/", False, "Too vague", "browser-1")
    assert store.searches(*window()) == [("where's my parcel", 4, "/shipping/tracking/")]
    assert store.votes(*window()) == [("/returns/refunds/", False, "Too vague")]


def test_one_vote_per_page_per_browser(store):
    store.record_vote("/returns/", False, "Unclear", "b1")
    store.record_vote("/returns/", True, "", "b1")  # changed their mind
    store.record_vote("/returns/", False, "", "b2")
    assert sorted(store.votes(*window())) == [("/returns/", False, ""), ("/returns/", True, "")]


def test_retention_removes_old_rows(store):
    old = dt.datetime.now(UTC) - dt.timedelta(days=400)
    store.record_search("old question", 1, at=old)
    store.record_vote("/returns/", True, "", "b1", at=old)
    store.record_search("new question", 1)
    assert store.purge(365) == 2
    assert store.counts() == (1, 0)


def _write_many(url: str, worker: int, n: int) -> None:
    with open_store(url) as store:
        for i in range(n):
            store.record_search(f"question {worker} {i}", i % 3, f"w{worker}")
            store.record_vote(f"/page/{i}/", i % 2 == 0, "", f"w{worker}")


def test_concurrent_writers_lose_nothing(store, store_url):
    # `store` created the schema before anyone writes, as `kbgen serve` does
    # separate processes (spawned: forking a process with open database handles is unsafe)
    # and threads in this one, all at once
    ctx = multiprocessing.get_context("spawn")
    processes = [ctx.Process(target=_write_many, args=(store_url, 100 + w, 40)) for w in range(3)]
    threads = [threading.Thread(target=_write_many, args=(store_url, w, 40)) for w in range(6)]
    for worker in [*processes, *threads]:
        worker.start()
    for worker in [*threads, *processes]:
        worker.join(timeout=120)
    assert all(p.exitcode == 0 for p in processes)
    assert store.counts() == (9 * 40, 9 * 40)


def test_queries_are_normalised():
    assert normalize_query("  Money BACK??  ") == "money back"
    assert normalize_query("can't   log-in") == "can't log-in"


def test_bad_urls_are_clear_errors(tmp_path):
    with pytest.raises(StoreError, match="unsupported database URL 'mysql://x'"):
        open_store("mysql://x")
    with pytest.raises(StoreError, match="cannot connect to PostgreSQL"):
        open_store("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")

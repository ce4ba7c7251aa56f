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
    assert store.version == 2
    with open_store(store_url) as again:
        assert again.version == 2  # reopening applies nothing twice
    assert store.counts() == (0, 0)


def test_searches_votes_and_opened_results(store):
    search = store.record_search("  Where's my PARCEL?! ", 4, "browser-1")
    assert store.record_open(search, "/shipping/tracking/", "browser-1")
    assert not store.record_open(search, "/shipping/", "browser-2")  # another browser's search
    assert store.record_search("?!", 0) is None  # nothing left after normalising
    store.record_vote("/returns/refunds/", False, "Too vague", "browser-1")
    assert store.searches(*window()) == [("where's my parcel", 4, "/shipping/tracking/", "")]
    assert store.votes(*window()) == [("/returns/refunds/", False, "Too vague")]


def test_each_search_records_its_language(store):
    store.record_search("Rücksendung", 3, "b1", language="de")
    store.record_search("refund", 5, "b1", language="en")
    assert sorted(store.searches(*window())) == [("refund", 5, None, "en"), ("rücksendung", 3, None, "de")]


def test_a_database_of_before_languages_is_migrated_and_keeps_its_searches(store_url):
    """Migration 2 adds the language column to a database made by migration 1 alone."""
    from kbgen.feedback import store as store_module

    first = store_module.MIGRATIONS[:1]
    saved = store_module.MIGRATIONS[:]
    store_module.MIGRATIONS[:] = first
    try:
        with open_store(store_url) as old:
            assert old.version == 1
            old._run(
                old._sql("INSERT INTO kb_searches (at, query, hits, browser) VALUES (?, ?, ?, ?)"),
                (old._ts(dt.datetime.now(UTC)), "old question", 2, "b"),
            )
    finally:
        store_module.MIGRATIONS[:] = saved
    with open_store(store_url) as new:
        assert new.version == 2
        new.record_search("neue frage", 1, "b", language="de")
        assert sorted(new.searches(*window())) == [("neue frage", 1, None, "de"), ("old question", 2, None, "")]


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


def _migrate_at_once(url: str, barrier) -> None:
    barrier.wait(timeout=60)
    with open_store(url) as store:
        store.record_vote("/returns/", True, "", f"b{id(store)}")


def test_replicas_starting_together_on_an_empty_database_all_migrate(store_url):
    # several processes create the schema at the same moment (PostgreSQL: UniqueViolation
    # on CREATE TABLE; SQLite: "table already exists" without a lock)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(6)
    processes = [ctx.Process(target=_migrate_at_once, args=(store_url, barrier)) for _ in range(6)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * 6
    with open_store(store_url) as store:
        assert store.version == 2 and store.counts() == (0, 6)


def test_a_locked_sqlite_file_refuses_within_about_two_seconds(tmp_path):
    import sqlite3
    import time

    path = tmp_path / "feedback.sqlite3"
    with open_store(f"sqlite:///{path}") as store:
        store.record_vote("/returns/", True, "", "b0")
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")  # another process holding the write lock
        outcome = []

        def vote():
            started = time.monotonic()
            try:
                store.record_vote("/returns/", False, "", "b1")
                outcome.append(("stored", time.monotonic() - started))
            except StoreError as exc:
                outcome.append((str(exc), time.monotonic() - started))

        thread = threading.Thread(target=vote, daemon=True)
        thread.start()
        thread.join(timeout=8)
        holder.execute("ROLLBACK")
        holder.close()
        assert outcome, "the write was still waiting after 8 s"
        message, waited = outcome[0]
        assert message.startswith("database busy") and 1.5 <= waited < 5
        store.record_vote("/returns/", False, "", "b1")  # free again: works
        assert store.counts() == (0, 2)


def test_a_deleted_sqlite_file_is_created_again_and_no_vote_is_lost(tmp_path):
    path = tmp_path / "feedback.sqlite3"
    with open_store(f"sqlite:///{path}") as store:
        store.record_vote("/returns/", True, "", "b0")
        for file in tmp_path.glob("feedback.sqlite3*"):
            file.unlink()  # an operator cleans up while the server runs
        store.record_vote("/returns/refunds/", False, "", "b1")
        assert store.counts() == (0, 1)
    with open_store(f"sqlite:///{path}") as again:
        assert again.votes(*window()) == [("/returns/refunds/", False, "")]


def test_a_full_disk_is_a_store_error(tmp_path):
    import resource
    import signal

    path = tmp_path / "feedback.sqlite3"
    with open_store(f"sqlite:///{path}") as store:
        store.record_vote("/returns/", True, "", "b0")
        used = sum(f.stat().st_size for f in tmp_path.glob("feedback.sqlite3*"))
        soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (used + 32_768, hard))  # files cannot grow past this
        try:
            with pytest.raises(StoreError):
                for i in range(400):
                    store.record_vote(f"/page/{i}/", False, "x" * 500, f"b{i}")
        finally:
            resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
            signal.signal(signal.SIGXFSZ, previous)

"""The bodies' word positions written at build time (positions.bin) are Whoosh's own, and
search without them (missing, damaged, from another index) is the same, only slower."""

from __future__ import annotations

import logging
import shutil
import sys

import pytest
import yaml
from conftest import ROOT, article_document

from kbgen.search import index, open_engine
from kbgen.search import positions as body_positions
from kbgen.search.documents import SearchDocument
from kbgen.search.index import INDEX_DIR


def _docs(count: int) -> list[SearchDocument]:
    words = "parcel return refund item order seller the and of postage damaged tracking late".split()
    docs = []
    for i in range(count):
        body = " ".join(words[(i * 7 + k * 3) % len(words)] for k in range(20 + i % 37))
        docs.append(article_document(i, body))
    return docs


def test_the_file_holds_every_body_posting_with_whooshs_own_positions(sample_site):
    engine = open_engine(sample_site, cache_size=0)
    loaded = engine._current()
    assert loaded.body is not None
    checked = 0
    with loaded.index.reader() as reader:
        for term in reader.lexicon(body_positions.FIELD):
            stem = term.decode("utf-8") if isinstance(term, bytes) else term
            expected = dict(reader.postings(body_positions.FIELD, term).items_as("positions"))
            every = list(range(loaded.doc_count))
            assert loaded.body.get(stem, every) == expected
            some = sorted(expected)[::3] + [loaded.doc_count + 5]
            assert loaded.body.get(stem, sorted(some)) == {d: expected[d] for d in some if d in expected}
            checked += len(expected)
    assert checked > 1000
    assert loaded.body.get("nosuchword", [0, 1, 2]) == {}


def test_the_same_documents_give_the_same_bytes(tmp_path):
    docs = _docs(120)
    one = index.write(docs, [], tmp_path / "one") / body_positions.FILE
    two = index.write(docs, [], tmp_path / "two") / body_positions.FILE
    assert one.read_bytes() == two.read_bytes()
    assert index.write(docs[:-1], [], tmp_path / "three").joinpath(body_positions.FILE).read_bytes() != one.read_bytes()


def test_without_numpy_the_same_bytes(tmp_path, monkeypatch):
    """numpy comes with the semantic extra only: without it the postings are arranged in Python."""
    docs = _docs(150)
    with_numpy = index.write(docs, [], tmp_path / "numpy") / body_positions.FILE
    monkeypatch.setitem(sys.modules, "numpy", None)  # import numpy raises ImportError
    without = index.write(docs, [], tmp_path / "python") / body_positions.FILE
    assert with_numpy.read_bytes() == without.read_bytes()


def _queries() -> list[str]:
    return [q["q"] for q in yaml.safe_load((ROOT / "benchmarks/relevance/queries.yml").read_text())]


@pytest.mark.parametrize("damage", ["missing", "truncated", "flipped", "garbage", "another index"])
def test_without_a_usable_file_search_reads_positions_through_whoosh_with_one_warning(
    sample_site, tmp_path, damage, caplog
):
    site = tmp_path / "site"
    shutil.copytree(sample_site, site)
    path = site / INDEX_DIR / body_positions.FILE
    data = path.read_bytes()
    if damage == "missing":
        path.unlink()
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":
        path.write_bytes(data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:])
    elif damage == "garbage":
        path.write_bytes(b"KBPOS\x00 not positions at all")
    else:
        shutil.copy(index.write(_docs(30), [], tmp_path / "other") / body_positions.FILE, path)
    with caplog.at_level(logging.WARNING, logger="kbgen.search"):
        slow = open_engine(site, cache_size=0)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and body_positions.FILE in warnings[0] and "rebuilt" in warnings[0]
    assert slow._current().body is None
    fast = open_engine(sample_site, cache_size=0)
    assert fast._current().body is not None
    phrased = 0
    for q in _queries():
        assert slow.search(q) == fast.search(q), q
        phrased += len(q.split()) >= 2
    assert phrased > 100  # the phrase boost had plenty to check


def test_the_api_answers_200_with_a_damaged_positions_file(sample_site, tmp_path, serve):
    from test_search_api import call

    from kbgen.server import HelpCenterApp

    site = tmp_path / "site"
    shutil.copytree(sample_site, site)
    (site / INDEX_DIR / body_positions.FILE).write_bytes(b"KBPOS\x00broken")
    base = serve(HelpCenterApp(site))
    status, _, body = call(base, "/api/search?q=return+an+item")
    assert status == 200 and body["hits"]


def test_one_documents_positions_are_those_of_the_lookup_by_many(sample_site):
    loaded = open_engine(sample_site, cache_size=0)._current()
    every = list(range(loaded.doc_count))
    checked = 0
    for stem in ("return", "item", "refund", "seller", "order", "nosuchword"):
        found = loaded.body.get(stem, every)
        for docnum in every:
            assert list(loaded.body.of(stem, docnum)) == found.get(docnum, [])
            checked += docnum in found
    assert checked > 50

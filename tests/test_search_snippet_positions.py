"""Snippets of an English body find the query's words from the index's word positions
(positions.bin) instead of scanning the text: exactly what the scan finds, on every page of
the sample and on awkward text, and a scan wherever that can't be known."""

from __future__ import annotations

import random
import shutil

import pytest
from conftest import article_document
from test_search_positions import _queries

from kbgen.search import engine as search_engine
from kbgen.search import index, open_engine
from kbgen.search import positions as body_positions
from kbgen.search.analysis import WORD, stem
from kbgen.search.index import INDEX_DIR
from kbgen.search.snippets import MAX_SCAN, STOP_STEMS, BodyWords, _folded, _matches, _single_spaced, located, snippet

AWKWARD = [
    "Returns don’t cost €5 any more: return the item, then the refund follows (refunds take 3-5 days).",
    "Café owners return items; the café’s refund is paid in 2 days.",  # accented letters: scanned
    "The ﬁnal refund ﬁle: returns and refunds, ﬁled.",  # a ligature: scanned
    "snake_case words, e-mail, e‑mail and seller's returns; returning RETURNED Returns.",
    "\u00a0Seller\u00a0fees are charged on   every sale. Fees, fees and more fees.",  # not single-spaced as stored
    "a " * 30 + "refund at the end after stop words the and of refund",
    "Over and over " + "return refund postage " * 1200,  # past the snippet's scan limit: scanned
    "Ⓐ circled letters, ½ a refund, ™ marks and ² squares return ﬀ.",
    "Postage postage POSTAGE postal post posted posting posts poster.",
]


def _bodies(engine) -> list[tuple[int, str]]:
    loaded = engine._current()
    with loaded.index.searcher() as searcher:
        return [(d, searcher.stored_fields(d).get("body") or "") for d in range(loaded.doc_count)]


def _wanted_sets(text: str, rng: random.Random) -> list[set[str]]:
    """Stems of the page's own words (short and long, stop words' too), and some it lacks."""
    own = sorted({stem(w) for w in WORD.findall(_folded(text))})
    sets = [{s} for s in own[:40]]
    for _ in range(30):
        sets.append(set(rng.sample(own, min(len(own), rng.randint(2, 6)))) | {"refund", "zzyzx"})
    sets += [{"pay", "p", "fee"}, {"return", "item"}, {"the", "return"}, {"nosuchstem"}]
    return sets


def _check(engine, pages, rng) -> tuple[int, int]:
    """Compare the positions' finds with the scan's for every page and stem set; (located, scanned)."""
    loaded = engine._current()
    located_count = scanned = 0
    for docnum, body in pages:
        text = _single_spaced(body[:MAX_SCAN]) if body else ""
        if not text:
            continue
        words = BodyWords.of(body)
        for wanted in _wanted_sets(text, rng):
            expected = _matches(_folded(text), wanted, stem)
            found = None
            if words is not None:
                found = located(text, wanted, words, lambda s, d=docnum: loaded.body.get(s, [d]).get(d, ()))
            if found is None:
                scanned += 1
            else:
                located_count += 1
                assert found == expected, (docnum, sorted(wanted))
            find = search_engine._finder(loaded, docnum, body)
            phrases = {tuple(sorted(wanted))[:2]} if len(wanted) > 1 else set()
            assert snippet(text, wanted, phrases=phrases, find=find) == snippet(text, wanted, phrases=phrases)
    return located_count, scanned


def test_positions_find_what_the_scan_finds_on_every_page_of_the_sample(sample_site, monkeypatch):
    monkeypatch.setattr(BodyWords, "SHORTEST", 0)  # every page, however short
    engine = open_engine(sample_site, cache_size=0)
    assert engine._current().body is not None
    pages = _bodies(engine)
    located_count, scanned = _check(engine, pages, random.Random(5))
    assert located_count > 5000 and scanned > 0  # (sets with a stop word's stem are scanned)
    readable = [BodyWords.of(body) is not None for _, body in pages if body]
    assert sum(readable) > 0.9 * len(readable)


def test_positions_find_what_the_scan_finds_in_awkward_text(tmp_path, monkeypatch):
    monkeypatch.setattr(BodyWords, "SHORTEST", 0)  # short pages too: the finding must be exact on any text
    site = tmp_path / "site"
    index.write([article_document(i, body, "A summary about refunds") for i, body in enumerate(AWKWARD)], [], site)
    engine = open_engine(site, cache_size=0)
    pages = _bodies(engine)
    located_count, scanned = _check(engine, pages, random.Random(7))
    assert located_count and scanned
    # what can't be known is scanned: accents, ligatures, a page past the scan limit
    by_body = {body: BodyWords.of(body) for _, body in pages}
    assert by_body[" ".join(AWKWARD[1].split())] is None
    assert by_body[" ".join(AWKWARD[2].split())] is None
    assert by_body[" ".join(AWKWARD[6].split())] is None
    assert by_body[" ".join(AWKWARD[0].split())] is not None  # ’ and € are gaps between words on both sides


def test_a_stop_words_stem_is_scanned_for(monkeypatch):
    monkeypatch.setattr(BodyWords, "SHORTEST", 0)
    text = "The refund is on the way"
    words = BodyWords.of(text)
    assert "the" in STOP_STEMS and words is not None
    assert located(text, {"the", "refund"}, words, lambda s: [1] if s == "refund" else []) is None
    assert located(text, {"refund"}, words, lambda s: [1] if s == "refund" else []) == (
        [(4, 10)],
        ["refund"],
        ["refund"],
    )


def test_word_numbers_past_the_words_are_scanned_for(monkeypatch):
    monkeypatch.setattr(BodyWords, "SHORTEST", 0)
    text = "refund and refund"
    words = BodyWords.of(text)
    assert located(text, {"refund"}, words, lambda s: [0, 9]) is None


@pytest.mark.parametrize("damage", ["missing", "garbage"])
def test_without_a_usable_positions_file_the_snippets_are_scanned_and_the_same(sample_site, tmp_path, damage):
    site = tmp_path / "site"
    shutil.copytree(sample_site, site)
    path = site / INDEX_DIR / body_positions.FILE
    if damage == "missing":
        path.unlink()
    else:
        path.write_bytes(b"KBPOS\x00 not positions at all")
    scanned = open_engine(site, cache_size=0)
    assert scanned._current().body is None
    fast = open_engine(sample_site, cache_size=0)
    for q in _queries()[:120]:
        expected = scanned.search(q, limit=20)
        assert fast.search(q, limit=20) == expected, q  # pages shown for the first time: scanned
        assert fast.search(q, limit=20) == expected, q  # shown again: from positions
    kept = fast._current().body_words.items.values()
    assert sum(isinstance(words, BodyWords) for words in kept) > 30  # the fast one did find words from positions


def test_a_page_is_scanned_when_first_shown_and_found_from_positions_after(sample_site):
    engine = open_engine(sample_site, cache_size=0)
    loaded = engine._current()
    docnum, body = next((d, b) for d, b in _bodies(engine) if BodyWords.of(b) is not None)
    asked = []

    def positions(stem_):
        asked.append(stem_)
        return loaded.body.of(stem_, docnum)

    find = search_engine._finder(loaded, docnum, body)
    assert find(body, {"return"}) is None  # first shown: scanned
    words = BodyWords.of(body)
    assert (
        find(body, {"return"})
        == located(body, {"return"}, words, positions)
        == _matches(body.lower(), {"return"}, stem)
    )
    assert asked == ["return"]
    assert isinstance(loaded.body_words.get(docnum), BodyWords)


def test_short_pages_are_scanned(sample_site):
    """Looking a short page's words up costs as much as scanning it (measured): it is scanned."""
    engine = open_engine(sample_site, cache_size=0)
    loaded = engine._current()
    pages = _bodies(engine)
    short = [(d, b) for d, b in pages if b and len(b) < BodyWords.SHORTEST]
    long = [(d, b) for d, b in pages if len(b) >= BodyWords.SHORTEST and BodyWords.of(b) is not None]
    assert short and long
    assert all(search_engine._finder(loaded, d, b) is None and BodyWords.of(b) is None for d, b in short)
    assert all(search_engine._finder(loaded, d, b) is not None for d, b in long)


def test_a_servers_parent_finds_every_long_pages_words_before_forking(sample_site, tmp_path):
    """``serve`` finds them once, before its workers fork: no page's snippet scans its body,
    not even the first time it is shown, and the snippets are the same."""
    from kbgen.server import HelpCenterApp

    app = HelpCenterApp(sample_site, search_cache=0)
    app.warm_up(body_words=True)
    loaded = app.engine._current()
    long = [(d, b) for d, b in _bodies(app.engine) if len(b) >= BodyWords.SHORTEST and BodyWords.of(b) is not None]
    assert long and all(isinstance(loaded.body_words.get(d), BodyWords) for d, _ in long)
    site = tmp_path / "site"
    shutil.copytree(sample_site, site)
    (site / INDEX_DIR / body_positions.FILE).unlink()
    scanned = open_engine(site, cache_size=0)
    for q in _queries()[:120]:
        assert app.engine.search(q, limit=20) == scanned.search(q, limit=20), q
    plain = HelpCenterApp(sample_site, search_cache=0)
    plain.warm_up()  # a worker of its own (one process, a preview): found from a page's second showing
    kept = plain.engine._current().body_words.items.values()
    assert sum(isinstance(words, BodyWords) for words in kept) < len(long)


def test_the_sliding_window_and_the_words_end_are_the_plain_counts():
    """The best window found by sliding one (each word counted in and out) is the one counting
    a set of every window's words, and the end of ``count`` words found by one regex is the
    ``count``-th space found one by one, on random texts, hits and window sizes."""
    from bisect import bisect_left

    from kbgen.search.snippets import _best_window, _end_of_words

    def plain_window(places, found, size):
        best, best_score = 0, -1
        for i, place in enumerate(places):
            start = max(0, place - 3)
            last = bisect_left(places, start + size)
            score = len(set(found[i:last])) * 10 + (last - i)
            if score > best_score:
                best, best_score = i, score
        return best

    def plain_end(text, start, count):
        end = start
        for _ in range(count):
            end = text.find(" ", end + 1)
            if end < 0:
                return len(text)
        return end

    rng = random.Random(11)
    for _ in range(3000):
        span = rng.randint(1, 400)
        places = sorted(rng.sample(range(span), min(span, rng.randint(0, 40))))
        found = [rng.choice("abcdef") for _ in places]
        for size in (1, 3, 4, 10, 30):
            assert _best_window(places, found, size) == plain_window(places, found, size)
        text = "".join(rng.choice(["a", "bc", " ", "d e", "  "]) for _ in range(rng.randint(0, 60)))
        for start in range(0, len(text) + 2, 3):
            for count in (0, 1, 2, 5, 30):
                assert _end_of_words(text, start, count) == plain_end(text, start, count)

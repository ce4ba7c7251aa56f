"""Precomputed scores give exactly Whoosh's BM25F; snippets find words on any page."""

from __future__ import annotations

import json
from array import array

import pytest
from whoosh import query as Q

from kbgen.search import IndexMissing, open_engine, ranking
from kbgen.search import impacts as scored
from kbgen.search.index import INDEX_DIR, TEXT_FIELDS, weighting
from kbgen.search.query import Clause, Plan
from kbgen.search.snippets import snippet


@pytest.fixture(scope="module")
def loaded(sample_site):
    engine = open_engine(sample_site, cache_size=0)
    return engine._loaded


def whoosh_scores(loaded, query) -> dict[int, float]:
    with loaded.index.searcher(weighting=weighting()) as searcher:
        return {hit.docnum: hit.score for hit in searcher.search(query, limit=None, optimize=False)}


def test_every_posting_carries_whooshs_own_bm25f_score(loaded):
    """Scored all at once with numpy (kbgen.search.impacts), every posting of every term has
    exactly the float32 of the score Whoosh's matcher gives it (bytes unchanged by the speed-up)."""
    checked = 0
    with loaded.index.searcher(weighting=weighting()) as searcher:
        for field in TEXT_FIELDS:
            terms = list(searcher.reader().field_terms(field))
            assert len(loaded.impacts._entries[field]) - len(loaded.vocab.searched_phrases()) <= len(terms)
            for term in terms:
                ids, scores = loaded.impacts.postings(field, (term,))
                matcher = searcher.postings(field, term)
                expected = array("i"), array("f")
                while matcher.is_active():
                    expected[0].append(matcher.id())
                    expected[1].append(matcher.score())
                    matcher.next()
                assert (ids, scores) == expected, (field, term)
                checked += 1
    assert checked > 1000
    # and Whoosh's own search agrees (a spread of terms, rare and common)
    for term in terms[::50]:
        ids, scores = loaded.impacts.postings("body", (term,))
        expected = whoosh_scores(loaded, Q.Term("body", term))
        assert list(scores) == pytest.approx([expected[d] for d in ids], rel=1e-6)


def test_synonym_phrases_are_scored_as_whoosh_scores_the_phrase(loaded):
    phrases = loaded.vocab.searched_phrases()
    found = 0
    for stems in phrases:
        for field in TEXT_FIELDS:
            expected = whoosh_scores(loaded, Q.Phrase(field, list(stems)))
            entry = loaded.impacts.postings(field, stems)
            if not expected:
                assert entry is None
                continue
            found += 1
            assert list(entry[0]) == sorted(expected)
            assert list(entry[1]) == pytest.approx([expected[d] for d in entry[0]], rel=1e-6)
    assert found >= 5  # "money back", "call off", ... occur in the sample


def test_ranking_adds_up_to_whooshs_score_for_the_same_query(loaded):
    # One concept (so coverage is the same for every match), no phrase:
    # the ranking must be Whoosh's own scores, times the constant 1 + 2·1².
    alternatives = [(("refund",), 1.0), (("money", "back"), 0.6), (("reimburs",), 0.6)]
    plan = Plan([alternatives], literal=["refund"])
    clauses = [
        [
            Clause(field, stems, boost * field_weight)
            for stems, boost in alternatives
            for field, field_weight in (("title", 4.0), ("meta", 2.0), ("body", 1.0))
        ]
    ]
    expected = whoosh_scores(
        loaded,
        Q.Or(
            [
                (Q.Term(c.field, c.stems[0]) if len(c.stems) == 1 else Q.Phrase(c.field, list(c.stems))).with_boost(
                    c.boost
                )
                for c in clauses[0]
            ]
        ),
    )
    total, ranked = ranking.rank(
        loaded.impacts, plan, clauses, positions=None, weight=lambda doc: 1.0, depth=500, rescore=500
    )
    assert total == len(expected) > 20
    assert [doc for _, doc in ranked] == sorted(expected, key=lambda d: (-expected[d], d))
    assert [score / 3 for score, _ in ranked] == pytest.approx(sorted(expected.values(), reverse=True), rel=1e-5)


def test_filters_keep_only_matching_pages_and_count_them(loaded):
    everything, _ = ranking.rank(
        loaded.impacts, Plan([[(("order",), 1.0)]], ["order"]), [[Clause("body", ("order",), 1.0)]], None, lambda d: 1.0
    )
    returns = loaded.groups[("category", "returns")]
    total, ranked = ranking.rank(
        loaded.impacts,
        Plan([[(("order",), 1.0)]], ["order"]),
        [[Clause("body", ("order",), 1.0)]],
        None,
        lambda d: 1.0,
        allowed=returns,
    )
    assert 0 < total < everything
    assert {doc for _, doc in ranked} <= returns


def test_an_index_without_its_scores_is_refused_with_a_clear_message(sample_site, tmp_path):
    import shutil

    copy = tmp_path / "site"
    shutil.copytree(sample_site / INDEX_DIR, copy / INDEX_DIR)
    (copy / INDEX_DIR / scored.DATA_FILE).unlink()
    with pytest.raises(IndexMissing, match="rebuild the site"):
        open_engine(copy)


def test_scores_of_an_unknown_format_are_refused(sample_site):
    directory = json.loads((sample_site / INDEX_DIR / scored.DIRECTORY_FILE).read_text())
    with pytest.raises(ValueError, match="unknown format"):
        scored.Impacts(b"", {**directory, "format": 99})


def test_snippet_marks_accented_words_of_the_page_as_written():
    text = "Nous remboursons votre Café au lait. Le café est livré en 2 jours."
    assert snippet(text, {"cafe"}) == (
        "Nous remboursons votre <mark>Café</mark> au lait. Le <mark>café</mark> est livré en 2 jours."
    )


def test_snippet_survives_characters_that_fold_to_several():
    text = "The ﬁrst refund arrives in ½ a week; refunds go to the card."
    assert snippet(text, {"refund"}).count("<mark>") == 2


def test_snippet_shows_the_passage_around_matches_deep_in_a_long_page():
    filler = " ".join(f"word{i}" for i in range(400))
    text = f"{filler} You can cancel a bid before the auction ends. {filler}"
    result = snippet(text, {"cancel", "bid"})
    assert result.startswith("… ") and result.endswith(" …")
    assert "<mark>cancel</mark> a <mark>bid</mark>" in result
    assert len(result.split()) <= 32


def test_snippet_of_a_page_without_the_words_is_its_beginning():
    assert snippet("Returns are free within the window. " * 20, {"auction"}).startswith("Returns are free")


def test_title_words_kept_in_memory_follow_each_other_as_in_the_index(loaded):
    # The phrase boost reads title words from memory; word for word they must be
    # the index's own (Whoosh numbers positions with the stop words left out).
    analyzer = loaded.index.schema["title"].analyzer
    with loaded.index.searcher() as searcher:
        for doc in range(searcher.doc_count_all()):
            title = searcher.stored_fields(doc)["title"]
            tokens = sorted((t.pos, t.text) for t in analyzer(title, positions=True))  # one Token, reused
            assert [pos - tokens[0][0] for pos, _ in tokens] == list(range(len(tokens)))
            assert loaded.titles[doc] == tuple(text for _, text in tokens), title


def test_snippet_of_text_with_loose_whitespace_is_single_spaced():
    text = "Refunds\n\n  go\tback to\u00a0the card you paid with.  "
    assert snippet(text, {"refund", "card"}) == "<mark>Refunds</mark> go back to the <mark>card</mark> you paid with."


@pytest.mark.parametrize("ascii_only", [True, False])
def test_the_snippet_scan_finds_exactly_the_words_a_look_behind_scan_finds(ascii_only):
    """The scan for words that may stem to the query's stems puts each candidate's first
    letter before its look-behind (so the regex engine can skip ahead); on random text it
    finds the same words, at the same places, as the plain pattern that starts with it."""
    import random
    import re

    from kbgen.search.snippets import _candidates

    rng = random.Random(17)
    letters = "abcdeinorstu" + ("" if ascii_only else "äöüß") + "0_-. '"
    letter = "[a-z0-9]" if ascii_only else r"[^\W_]"
    for _ in range(300):
        text = "".join(rng.choice(letters) for _ in range(rng.randint(0, 400)))
        stems = {"".join(rng.choice(letters[:12]) for _ in range(rng.randint(1, 6))) for _ in range(rng.randint(1, 5))}
        keys = sorted({s[: max(1, len(s) - 2)] for s in stems}, key=lambda k: (-len(k), k))
        plain = re.compile(r"(?<!{})(?:{}){}*".format(letter, "|".join(map(re.escape, keys)), letter))
        found = [m.span() for m in _candidates(frozenset(stems), ascii_only).finditer(text)]
        assert found == [m.span() for m in plain.finditer(text)], (text, stems)


def test_sums_made_with_numpy_rank_exactly_as_the_dictionary_does(sample_site, monkeypatch):
    """With numpy installed (hybrid search brings it) long postings are summed in arrays and
    the concepts each page covers found by array search; the responses (hits, order, scores,
    totals, snippets) are those without numpy, with filters, on later pages and for
    typeahead, over every page's title and parts of it."""
    pytest.importorskip("numpy")
    engine = open_engine(sample_site, cache_size=0)
    loaded = engine._loaded
    with loaded.index.searcher() as searcher:
        titles = [searcher.stored_fields(doc)["title"] for doc in range(loaded.doc_count)]
    queries = titles + [" ".join(t.split()[:2]) for t in titles] + ["refund", "how do i return an item", "parcel"]

    def responses() -> list:
        out = []
        for q in queries:
            out.append(engine.search(q))
            out.append(engine.search(q, page=2, limit=5))
            out.append(engine.search(q, audience="seller", type="faq"))
            out.append(engine.suggest(q[:6]))
        return out

    monkeypatch.setattr(ranking, "_np", None)  # as without numpy: dictionaries and bisection
    by_dictionary = responses()
    monkeypatch.setattr(ranking, "_np", False)  # looked for again: found
    monkeypatch.setattr(ranking, "ARRAY_SUM", 0)
    assert responses() == by_dictionary
    assert any(response.get("total", 0) > 20 for response in by_dictionary)  # ties and cut-offs were there to get wrong


def test_array_sums_break_ties_in_the_order_documents_were_first_matched():
    """Many equal scores over several clauses whose documents come in different orders: the
    best ``k`` by arrays are the dictionary's best ``k`` for every ``k``, with and without a filter."""
    np = pytest.importorskip("numpy")
    import random
    from array import array

    rng = random.Random(3)
    for _ in range(200):
        entries = []
        for _ in range(rng.randint(1, 4)):
            docs = sorted(rng.sample(range(40), rng.randint(1, 15)))
            values = [float(rng.choice([0.5, 1.0, 1.5])) for _ in docs]
            entries.append(((array("i", docs), array("f", values)), rng.choice([1.0, 2.0, 0.5])))
        allowed = set(rng.sample(range(40), 25)) if rng.random() < 0.3 else None
        plain = ranking._sums(entries, allowed)
        arrays = ranking._ArraySums(np, entries, allowed)
        assert len(arrays) == len(plain) and set(arrays) == set(plain)
        assert dict(arrays.items()) == dict(plain.items())
        for k in range(1, len(plain) + 2):
            assert arrays.best(k) == plain.best(k)
        asked = rng.sample(range(45), 12)
        assert arrays.outside(asked) == plain.outside(asked) == sum(1 for doc in asked if doc not in plain)
        assert [doc in arrays for doc in asked] == [doc in plain for doc in asked]


def test_array_sums_are_the_dictionary_sums_to_the_last_bit():
    """Scores of every magnitude over up to forty clauses (a long query with synonyms in every
    field), documents matched by many of them: each array total is the float the dictionary
    adds up clause by clause, not merely a close one (a sum in another order would differ)."""
    np = pytest.importorskip("numpy")
    import random
    from array import array

    rng = random.Random(5)
    differ = 0
    for _ in range(60):
        entries = []
        for _ in range(rng.randint(2, 40)):
            docs = sorted(rng.sample(range(300), rng.randint(1, 120)))
            values = array("f", [rng.uniform(0.01, 30.0) for _ in docs])
            entries.append(((array("i", docs), values), rng.choice([0.35, 1.0, 2.5, 0.7 * 1.3])))
        plain = ranking._sums(entries, None)
        arrays = ranking._ArraySums(np, entries, None)
        assert list(arrays) == sorted(plain)
        for doc, total in arrays.items():
            assert total == plain[doc]  # exactly
        some = rng.sample(sorted(plain), min(75, len(plain)))
        assert arrays.of(some) == plain.of(some) == {doc: plain[doc] for doc in some}
        for k in (1, 10, 75, len(plain)):
            assert arrays.best(k) == plain.best(k)
        # the same additions in another order give other floats: this test can tell them apart
        reordered = ranking._sums(entries[::-1], None)
        differ += sum(1 for doc, total in plain.items() if reordered[doc] != total)
    assert differ > 0

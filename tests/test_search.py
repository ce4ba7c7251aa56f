"""Search over a real prebuilt Whoosh index: analysis, synonyms, typos, filters, snippets."""

from __future__ import annotations

import re

import pytest

from kbgen.search import RequestError, SearchRequest
from kbgen.search.analysis import words
from kbgen.search.query import SYNONYM_WEIGHT, Vocabulary, plan


def urls(result):
    return [hit["url"] for hit in result["hits"]]


def test_result_shape_follows_the_api_contract(engine):
    result = engine.search("refund")
    assert set(result) == {"query", "total", "suggestion", "hits", "definition"}
    assert result["query"] == "refund" and result["suggestion"] is None
    hit = result["hits"][0]
    assert set(hit) == {"url", "title", "type", "category", "score", "snippet"}
    assert hit["type"] in ("article", "faq") and hit["category"] == "Returns & refunds"


def test_one_document_per_article_and_per_faq_entry(engine):
    assert engine.meta["documents"] == 7
    faq = engine.search("parcel never arrived")["hits"][0]
    assert faq == {**faq, "type": "faq", "url": "/shipping/#lost-parcel", "title": "My parcel never arrived. What now?"}


def test_stemming_matches_other_word_forms(engine):
    assert urls(engine.search("refunding"))[:2] == ["/returns/refunds/", "/returns/#refund-time"]


def test_title_outranks_body(engine):
    # "label" is the title of one page and nowhere else; "parcel" is in a title and a question
    assert urls(engine.search("parcel"))[0] == "/shipping/tracking/"


def test_builtin_vocabulary_finds_refunds_for_money_back(engine):
    assert urls(engine.search("money back"))[0] in ("/returns/refunds/", "/returns/#refund-time")


def test_builtin_vocabulary_knows_package_means_parcel(engine):
    assert "/shipping/tracking/" in urls(engine.search("track my package"))[:2]


def test_writers_synonyms_extend_the_vocabulary(engine):
    assert urls(engine.search("promo token"))[0] == "/selling/fees/"


def test_question_and_stop_words_do_not_drown_the_meaning(engine):
    plain = urls(engine.search("refund"))
    assert urls(engine.search("how long do i have to wait for my refund"))[0] in plain[:2]
    assert engine.search("how do i what is the")["total"] == 0


def test_typos_still_find_the_article_and_suggest_a_correction(engine):
    result = engine.search("refnud")
    assert result["suggestion"] == "refund"
    assert urls(result)[0] in ("/returns/refunds/", "/returns/#refund-time")
    result = engine.search("trakcing numbr")
    assert result["suggestion"] == "tracking number"
    assert urls(result)[0] == "/shipping/tracking/"


def test_correct_words_get_no_suggestion(engine):
    assert engine.search("tracking number")["suggestion"] is None


def test_phrase_in_order_ranks_higher(engine):
    # both words appear in both pages; only one has them side by side
    result = engine.search("business days")
    assert result["total"] >= 2
    scores = {hit["url"]: hit["score"] for hit in result["hits"]}
    assert min(scores.values()) > 0


@pytest.mark.parametrize(
    "noise",
    [
        "refund*",
        "title:refund",
        "refund~2",
        '"refund',
        "refund)",
        "(refund OR",
        "body:refund AND ?",
        "refund^10",
        "+refund -",
    ],
)
def test_query_syntax_typed_by_accident_is_just_words(engine, noise):
    result = engine.search(noise)
    assert urls(result)[:2] == urls(engine.search("refund"))[:2]


def test_filters_by_category_type_and_audience(engine):
    assert {h["category"] for h in engine.search("business days", category="selling")["hits"]} == {"Selling"}
    assert {h["type"] for h in engine.search("refund", type="faq")["hits"]} == {"faq"}
    sellers = urls(engine.search("business days", audience="sellers"))
    assert "/selling/fees/" in sellers and "/returns/refunds/" not in sellers
    # "everyone" pages are shown to buyers too
    assert "/shipping/tracking/" in urls(engine.search("parcel", audience="buyers"))


def test_snippets_mark_matched_words_and_escape_everything_else(engine):
    hit = engine.search("paste scanner scripts")["hits"][0]
    snippet = hit["snippet"]
    assert "<mark>scanner</mark>" in snippet and "<mark>scripts</mark>" in snippet
    assert "<script" not in snippet and "&lt;<mark>script</mark>&gt;alert(&quot;x&quot;)" in snippet
    assert re.sub(r"</?mark>", "", snippet).count("<") == 0
    assert hit["title"] == "Unsafe listings <script>alert(1)</script>"  # JSON, escaped by the UI


def test_script_in_the_query_is_harmless(engine):
    result = engine.search('<script>alert("x")</script>')
    for hit in result["hits"]:
        assert "<script" not in hit["snippet"]
    assert result["query"] == '<script>alert("x")</script>'


def test_paging(engine):
    first = engine.search(SearchRequest("business days", limit=1, page=1))
    second = engine.search(SearchRequest("business days", limit=1, page=2))
    assert first["total"] == second["total"] >= 2
    assert urls(first) != urls(second)


def test_suggest_completes_the_last_word_from_titles(engine):
    result = engine.suggest("refu")
    titles = [s["title"] for s in result["suggestions"]]
    assert "Refunds" in titles and "How long does a refund take?" in titles
    assert engine.suggest("tracking num")["suggestions"][0]["url"] == "/shipping/tracking/"


@pytest.mark.parametrize(
    "params, message",
    [
        ({}, "missing parameter 'q'"),
        ({"q": "x" * 201}, "'q' is longer than 200 characters"),
        ({"q": "x", "limit": "0"}, "'limit' must be between 1 and 50"),
        ({"q": "x", "limit": "51"}, "'limit' must be between 1 and 50"),
        ({"q": "x", "page": "two"}, "'page' must be a whole number"),
        ({"q": "x", "type": "video"}, "'type' must be one of article, faq, notice, flow"),
        ({"q": "x", "audience": "admins"}, "'audience' must be one of buyers, sellers, everyone"),
        ({"q": "x", "category": "../etc"}, "'category' must be a category's folder name"),
        ({"q": "x", "sort": "date"}, "unknown parameter 'sort'"),
    ],
)
def test_bad_parameters_are_rejected_with_a_reason(params, message):
    with pytest.raises(RequestError, match=re.escape(message)):
        SearchRequest.from_params(params)


def test_synonym_phrases_match_longest_first():
    vocab = Vocabulary.from_groups([("refund", "money back"), ("not received", "never arrived")])
    p = plan("i need my money back", vocab, known=lambda s: True, correct=lambda w: None)
    assert [[stems for stems, _ in concept] for concept in p.concepts] == [
        [("need",)],
        [("refund",), ("monei", "back")],
    ]
    assert dict(p.concepts[1]) == {("refund",): SYNONYM_WEIGHT, ("monei", "back"): 1.0}  # typed words first
    p = plan("parcel never arrived", vocab, known=lambda s: True, correct=lambda w: None)
    assert len(p.concepts) == 2


def test_words_fold_accents_and_split_punctuation():
    assert words("Café's  REFUND-policy!") == ["cafe", "s", "refund", "policy"]


def test_builtin_vocabulary_can_be_switched_off(make_site, tmp_path):
    from conftest import MINIMAL_CONFIG, SEARCH_FILES

    from kbgen.build import build
    from kbgen.search import open_engine

    config = MINIMAL_CONFIG.replace("  - kbgen\n", "  - kbgen:\n      search_builtin_synonyms: false\n")
    project = make_site(SEARCH_FILES, config=config)
    engine = open_engine(build(project / "mkdocs.yml"))
    assert "/returns/refunds/" not in urls(engine.search("money back"))
    assert urls(engine.search("promo token"))[0] == "/selling/fees/"  # the writer's own still work


def test_very_common_words_leave_the_scored_query_but_not_the_plan():
    from kbgen.search.query import clauses

    vocab = Vocabulary.from_groups([])
    p = plan("order refund", vocab, known=lambda s: True, correct=lambda w: None)

    def terms(concepts):
        return {(c.field, c.stems[0]) for concept in concepts for c in concept}

    everything = terms(clauses(p))
    pruned = terms(clauses(p, common=lambda field, stem: stem == "order"))
    assert ("body", "order") in everything and ("title", "order") in everything
    assert not any(stem == "order" for _, stem in pruned) and ("body", "refund") in pruned
    assert p.concepts[0] == [(("order",), 1.0)]  # the plan keeps it for the re-ranking
    # when every word is common, all of them are scored again
    assert terms(clauses(p, common=lambda field, stem: True)) == everything


def test_warm_up_prepares_a_worker_before_its_first_shopper(search_site):
    from kbgen.server import HelpCenterApp

    app = HelpCenterApp(search_site)
    app.warm_up()
    loaded = app.engine._loaded  # opened, with a searcher ready, and nothing cached from the warm-up
    assert loaded.pool and not loaded.cache.items
    searcher = loaded.pool[0]
    app.engine.search("refund")
    assert loaded.pool == [searcher]  # the first search reused it


@pytest.mark.parametrize("semantic", [False, True], ids=["lexical", "hybrid"])
@pytest.mark.parametrize("limit", [10, 50])
def test_pages_of_results_never_repeat_or_skip_a_page(sample_site, semantic, limit):
    """Page after page, every matching page shows up exactly once, whatever the page size:
    the re-scored head of the ranking does not depend on how deep the shopper goes."""
    from kbgen.search import open_engine

    if semantic:
        pytest.importorskip("wordllama")
    engine = open_engine(sample_site, semantic=semantic)
    for q in ("need help", "item", "refund", "contact us"):
        first = engine.search(SearchRequest(q, limit=limit))
        total, urls, page = first["total"], [], 1
        while True:
            hits = engine.search(SearchRequest(q, limit=limit, page=page))["hits"]
            if not hits:
                break
            urls += [hit["url"] for hit in hits]
            page += 1
        assert total > limit or limit == 50, q  # the sample has enough matches to page through
        assert len(urls) == len(set(urls)) == total, q


@pytest.mark.parametrize("semantic", [False, True], ids=["lexical", "hybrid"])
@pytest.mark.parametrize(("typed", "meant"), [("refnud", "refund"), ("retrun label", "return label")])
def test_a_corrected_typo_finds_what_the_corrected_words_find(sample_site, typed, meant, semantic):
    from kbgen.search import open_engine

    if semantic:
        pytest.importorskip("wordllama")
    engine = open_engine(sample_site, semantic=semantic)
    corrected, wanted = engine.search(SearchRequest(typed, limit=50)), engine.search(SearchRequest(meant, limit=50))
    assert corrected["suggestion"] == meant
    assert corrected["total"] == wanted["total"] > 10
    assert [h["url"] for h in corrected["hits"]] == [h["url"] for h in wanted["hits"]]


def test_a_synonym_phrase_is_marked_only_where_its_words_stand_together():
    from kbgen.search.analysis import stem
    from kbgen.search.snippets import snippet

    text = "Getting your money back is quick. Send the item back and keep the money for postage."
    marked = snippet(text, {"refund"}, phrases={(stem("money"), stem("back"))})
    assert marked.count("<mark>") == 2
    assert "<mark>money</mark> <mark>back</mark> is quick" in marked
    assert "item back" in marked and "the money for" in marked


@pytest.mark.parametrize("q", ["money back", "refund"])
def test_snippets_do_not_mark_a_lone_word_of_a_synonym_phrase(sample_site, q):
    """ "money back" is one of refund's synonyms: its "back" is marked only right after "money"."""
    from kbgen.search import open_engine

    hits = open_engine(sample_site, semantic=False).search(SearchRequest(q, limit=20))["hits"]
    snippets = " ".join(hit["snippet"] for hit in hits).lower()
    assert "<mark>money</mark> <mark>back</mark>" in snippets or q == "refund"
    assert snippets.count("<mark>back</mark>") == snippets.count("<mark>money</mark> <mark>back</mark>")
    assert "back" in re.sub(r"<mark>back</mark>", "", snippets)  # an unmarked "back" was there to mark


@pytest.mark.parametrize("semantic", [False, True], ids=["lexical", "hybrid"])
@pytest.mark.parametrize("q", ["where is my parcel", "Where is my parcel?", "WHERE IS MY PARCEL"])
def test_a_title_typed_exactly_comes_first(sample_site, semantic, q):
    from kbgen.search import open_engine

    if semantic:
        pytest.importorskip("wordllama")
    hits = open_engine(sample_site, semantic=semantic).search(SearchRequest(q))["hits"]
    assert hits[0]["title"] == "Where is my parcel?"
    assert len({hit["url"] for hit in hits}) == len(hits)

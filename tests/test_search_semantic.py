"""Hybrid search: page vectors written at build time and fused with the lexical ranking.

Tests that need the model skip without it (``pip install 'kbgen[semantic]'``); those
about the lexical-only path run in both cases.
"""

from __future__ import annotations

import json
import logging
import shutil

import pytest
from conftest import MINIMAL_CONFIG, write_tree

from kbgen.build import build
from kbgen.search import INDEX_DIR, SearchDocument, open_engine, semantic_available
from kbgen.search import vectors as semantic

needs_model = pytest.mark.skipif(not semantic_available(), reason="kbgen[semantic] (wordllama) is not installed")

LEXICAL_CONFIG = MINIMAL_CONFIG.replace("  - kbgen\n", "  - kbgen:\n      search_semantic: false\n")
assert LEXICAL_CONFIG != MINIMAL_CONFIG

# "bill" is in none of these pages (nor in a synonym of their words): only meaning links it to invoices.
MEANING_FILES = {
    "content/orders/_category.yml": "title: Orders\n",
    "content/orders/invoices.md": """
        ---
        title: Invoices and receipts
        summary: An invoice or receipt for each purchase.
        ---
        An invoice or receipt for each purchase: the price paid, tax and total.
        """,
    "content/orders/gift-wrapping.md": """
        ---
        title: Gift wrapping
        ---
        Add gift wrapping and a message at checkout.
        """,
    "content/orders/faq/how-fast-is-delivery.md": """
        ---
        question: How fast is delivery?
        ---
        Parcels arrive in two to five days.
        """,
    "content/account/_category.yml": "title: Account\n",
    "content/account/password.md": """
        ---
        title: Changing your password
        ---
        Pick a strong password and sign in again on every device.
        """,
    "content/account/tracking.md": """
        ---
        title: Tracking a parcel
        ---
        Follow your parcel with the carrier tracking number.
        """,
    "content/auctions/_category.yml": "title: Auctions\n",
    "content/auctions/bidding.md": """
        ---
        title: How bidding works
        ---
        Place a maximum bid and the auction bids for you.
        """,
    "content/auctions/returns.md": """
        ---
        title: Returning an item
        ---
        Send an item back within 30 days.
        """,
}


@pytest.fixture(scope="module")
def meaning_site(tmp_path_factory):
    project = write_tree(tmp_path_factory.mktemp("meaning"), {"mkdocs.yml": MINIMAL_CONFIG, **MEANING_FILES})
    return build(project / "mkdocs.yml", project / "site")


def urls(result):
    return [hit["url"] for hit in result["hits"]]


@needs_model
def test_a_meaning_only_match_ranks_above_unrelated_pages(meaning_site):
    hybrid = open_engine(meaning_site, cache_size=0)
    lexical = open_engine(meaning_site, cache_size=0, semantic=False)
    assert hybrid.semantic and not lexical.semantic
    assert "/orders/invoices/" not in urls(lexical.search("bill"))
    assert urls(hybrid.search("bill"))[0] == "/orders/invoices/"


@needs_model
def test_pages_found_by_meaning_respect_the_filters(meaning_site):
    engine = open_engine(meaning_site, cache_size=0)
    assert engine.search("bill", category="orders")["hits"][0]["url"] == "/orders/invoices/"
    for category in ("account", "auctions"):
        assert all(url.startswith(f"/{category}/") for url in urls(engine.search("bill", category=category)))
    assert "/orders/invoices/" not in urls(engine.search("bill", type="faq"))


@needs_model
@pytest.mark.parametrize("query", ["zanzibar", "asdf qwerty", "xyzzy plugh"])
def test_words_that_mean_nothing_here_find_nothing(meaning_site, query):
    assert open_engine(meaning_site, cache_size=0).search(query)["total"] == 0


@needs_model
def test_lexical_matches_still_lead_when_the_words_are_there(meaning_site):
    engine = open_engine(meaning_site, cache_size=0)
    assert urls(engine.search("gift wrapping"))[0] == "/orders/gift-wrapping/"
    assert urls(engine.search("password"))[0] == "/account/password/"


@needs_model
def test_vectors_are_reproducible_bytes(tmp_path):
    project = write_tree(tmp_path, {"mkdocs.yml": MINIMAL_CONFIG, **MEANING_FILES})
    first = build(project / "mkdocs.yml", tmp_path / "one") / INDEX_DIR / semantic.FILE
    second = build(project / "mkdocs.yml", tmp_path / "two") / INDEX_DIR / semantic.FILE
    assert first.read_bytes() == second.read_bytes()


def _doc(id_, type_, title, body, summary=""):
    return SearchDocument(id_, "/" + id_, type_, title, summary, "", "", body, "c", "C", "everyone", False)


@needs_model
def test_stored_vectors_equal_a_fresh_embedding_within_the_quantisation_step(tmp_path):
    import numpy as np

    long_body = " ".join(f"word{i % 37} parcel refund invoice" for i in range(60))  # several hundred words
    docs = [
        _doc("a.md", "article", "Refunds", long_body, "When your money comes back."),
        _doc("c/faq/b.md", "faq", "Where is my parcel?", "Track it from Your orders."),
    ]
    path = semantic.write(docs, tmp_path)
    data = path.read_bytes()
    head = len(semantic.MAGIC) + 6
    size = int.from_bytes(data[len(semantic.MAGIC) + 2 : head], "little")
    header = json.loads(data[head : head + size])
    rows, dim = header["rows"], header["dim"]
    payload = data[head + size :]
    values = np.frombuffer(payload, dtype=np.int8, count=len(rows) * dim).reshape(len(rows), dim)
    scales = np.frombuffer(payload, dtype="<f4", offset=len(rows) * dim)
    expected = [(i, kind, text) for i, doc in enumerate(docs) for kind, text in semantic.texts(doc)]
    assert [[i, kind] for i, kind, _ in expected] == rows
    assert {kind for _, kind, _ in expected} == {"page", "question"}
    fresh = semantic.embed([text for _, _, text in expected])
    error = np.abs(values * scales[:, None] - fresh)
    assert (error <= scales[:, None] / 2 + 1e-6).all()


@needs_model
def test_explain_shows_lexical_score_similarity_and_fused_score(meaning_site, invoke):
    result = open_engine(meaning_site, cache_size=0).search("invoice for my purchase", explain=True)
    hit = result["hits"][0]
    assert hit["url"] == "/orders/invoices/"
    assert hit["lexical"] > 0 and 0 < hit["similarity"] <= 1 and hit["fused"] == hit["score"]
    out = invoke("search", "-d", meaning_site, "--explain", "bill").output
    assert "Invoices and receipts" in out
    assert "lexical 0" in out and "similarity 0." in out and "fused " in out


@needs_model
@pytest.mark.parametrize("damage", ["missing", "truncated", "flipped", "garbage"])
def test_a_missing_or_damaged_vectors_file_falls_back_to_lexical_with_a_warning(meaning_site, tmp_path, damage, caplog):
    site = tmp_path / "site"
    shutil.copytree(meaning_site, site)
    path = site / INDEX_DIR / semantic.FILE
    data = path.read_bytes()
    if damage == "missing":
        path.unlink()
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":
        path.write_bytes(data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:])
    else:
        path.write_bytes(b"not vectors at all")
    with caplog.at_level(logging.WARNING, logger="kbgen.search"):
        engine = open_engine(site, cache_size=0)
    assert not engine.semantic
    assert any("lexical only" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    lexical = open_engine(meaning_site, cache_size=0, semantic=False)
    assert engine.search("gift wrapping") == lexical.search("gift wrapping")


@needs_model
def test_the_api_answers_200_with_a_damaged_vectors_file(meaning_site, tmp_path, serve):
    from test_search_api import call

    from kbgen.server import HelpCenterApp

    site = tmp_path / "site"
    shutil.copytree(meaning_site, site)
    (site / INDEX_DIR / semantic.FILE).write_bytes(b"KBVEC\x00broken")
    base = serve(HelpCenterApp(site))
    status, _, body = call(base, "/api/search?q=gift+wrapping")
    assert status == 200 and body["hits"][0]["url"] == "/orders/gift-wrapping/"


def test_search_semantic_false_writes_no_vectors_and_searches_as_before(make_site, invoke):
    project = make_site(MEANING_FILES, config=LEXICAL_CONFIG)
    result = invoke("build", cwd=project)
    assert result.exit_code == 0, result.output
    index = project / "site" / INDEX_DIR
    assert not (index / semantic.FILE).exists()
    assert json.loads((index / "meta.json").read_text())["vectors"] is None
    engine = open_engine(project / "site", cache_size=0)
    assert not engine.semantic
    assert urls(engine.search("gift wrapping"))[0] == "/orders/gift-wrapping/"
    assert engine.search("bill")["total"] == 0
    assert "semantic search is off" not in result.output


@pytest.mark.skipif(semantic_available(), reason="checks the build without the model")
def test_without_the_model_the_build_says_once_how_to_turn_semantic_search_on(make_site, invoke, monkeypatch):
    import kbgen.plugin

    monkeypatch.setattr(kbgen.plugin, "_said_semantic_off", False)  # said once per process: earlier builds said it
    project = make_site(MEANING_FILES)
    result = invoke("build", cwd=project)
    assert result.exit_code == 0, result.output
    assert result.output.count("semantic search is off") == 1
    assert "pip install 'kbgen[semantic]'" in result.output
    assert not (project / "site" / INDEX_DIR / semantic.FILE).exists()


@pytest.mark.skipif(semantic_available(), reason="checks the build without the model")
def test_asking_for_semantic_search_without_the_model_is_a_clear_error(make_site, invoke):
    config = MINIMAL_CONFIG.replace("  - kbgen\n", "  - kbgen:\n      search_semantic: true\n")
    project = make_site(MEANING_FILES, config=config)
    result = invoke("build", cwd=project)
    assert result.exit_code == 1
    assert "kbgen[semantic]" in result.output and "Traceback" not in result.output


def test_the_fused_score_is_the_learned_weights_times_the_features_the_tuning_script_reads():
    import numpy as np

    from kbgen.search import ranking

    similarity = np.array([0.1, 0.5, 0.2, 0.9, 0.05, 0.1, 0.12, 0.08], dtype=np.float32)
    kinds = np.array([0, 1, 2, 0, 0, 0, 1, 0], dtype=np.int8)
    lexical = [(8.0, 1), (4.0, 2)]
    hits = ranking.fuse(lexical, similarity, kinds=kinds)
    # document 3 is found by meaning alone (z-score above the floor, cosine above the minimum)
    assert [hit.doc for hit in hits if hit.lexical == 0] == [3]
    candidates = ranking.pool(lexical, similarity)
    rows = ranking.features(lexical, candidates, similarity, kinds)
    expected = dict(zip(candidates, rows @ np.asarray(ranking.weights()), strict=True))
    assert {hit.doc: hit.score for hit in hits} == pytest.approx(expected)
    first = rows[candidates.index(1)]
    assert list(first[:3]) == [1.0, 1.0, 1.0]  # the lexical best: L / L_best, 1 / place, found
    assert list(first[4:]) == [0.0, 1.0, 0.0]  # a FAQ entry
    assert first[3] == pytest.approx((0.5 - similarity.mean()) / similarity.std())
    second = rows[candidates.index(2)]
    assert list(second[:3]) == [0.5, 0.5, 1.0] and list(second[4:]) == [0.0, 0.0, 1.0]  # a flow or notice
    assert list(rows[candidates.index(3)][:3]) == [0.0, 0.0, 0.0]


def test_the_pool_adds_the_most_similar_pages_passing_both_thresholds_as_a_full_sort_would():
    """The pool looks only among pages above the thresholds (not every page): its candidates
    are those of sorting every page by similarity, with many equal similarities, filters and
    pages the lexical ranking already has."""
    import random

    import numpy as np

    from kbgen.search import ranking

    def reference(lexical, similarity, fusion, allowed):
        found = [doc for _, doc in lexical]
        mean, spread = ranking._z(similarity)
        wanted = min(len(similarity), fusion.candidates * 4 if allowed is not None else fusion.candidates)
        added = 0
        for doc in sorted(range(len(similarity)), key=lambda d: (-similarity[d], d))[:wanted]:
            if added >= fusion.candidates or (similarity[doc] - mean) / spread < fusion.floor:
                break
            if similarity[doc] < fusion.minimum:
                break
            if (allowed is not None and doc not in allowed) or doc in found:
                continue
            found.append(doc)
            added += 1
        return found

    rng = random.Random(5)
    for _ in range(300):
        count = rng.choice([1, 5, 30, 200, 2000])
        values = np.round(np.array([rng.gauss(0.1, 0.12) for _ in range(count)], dtype=np.float32), rng.choice([2, 6]))
        similarity = values.astype(np.float32)
        fusion = ranking.Fusion(
            candidates=rng.choice([0, 1, 3, 20]), floor=rng.choice([-1.0, 0.5, 1.5]), minimum=rng.choice([-1.0, 0.2])
        )
        allowed = set(rng.sample(range(count), count // 2)) if rng.random() < 0.4 else None
        lexical = [(1.0, doc) for doc in rng.sample(range(count), min(count, rng.randint(0, 5)))]
        assert ranking.pool(lexical, similarity, fusion, allowed) == reference(lexical, similarity, fusion, allowed)


def test_kind_codes_follow_the_engine_type_groups():
    from kbgen.search import ranking

    groups = {("type", "article"): {0, 3}, ("type", "faq"): {1}, ("type", "flow"): {2}, ("type", "notice"): {4}}
    assert ranking.kind_codes(groups, 5).tolist() == [0, 1, 2, 0, 2]


@needs_model
def test_word_by_word_token_ids_are_the_tokenizers_own():
    """Embedding tokenizes each distinct word once (``vectors._Words``): the ids of every text
    are those the tokenizer gives the whole text, so the rows are the same bytes."""
    from conftest import ROOT

    texts = [
        "",
        " ",
        "a",
        "  two  spaces  ",
        "tab\tand\nnew line\r\n",
        "Héllo wörld ✓ 😀 日本語 — “quotes” 1,000.50 € e-mail@example.com https://x.y/z?q=1#f",
        "\u2581 already \u2581\u2581marked",
        "non\u00a0breaking",
        "special <s> tokens </s> and <unk>",
        "Refund within 30 days. Refunds, refunded, REFUND!",
    ]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "content").rglob("*.md"))[:60]]
    model = semantic.model()
    tokenizer = semantic._tokenizer(model)
    words = semantic._Words.of(tokenizer)
    assert words is not None  # wordllama's tokenizer is the kind it reads word by word
    for text in texts:
        ids = words.ids(text)
        assert ids is None or ids == tokenizer.encode(text, add_special_tokens=False).ids, text[:60]
    assert words.ids("special <s> token") is None  # the tokenizer takes those whole
    fast = semantic.embed(texts)
    tokenizer._kbgen_words = None  # every text through the tokenizer, as before
    try:
        assert semantic.embed(texts).tobytes() == fast.tobytes()
    finally:
        tokenizer._kbgen_words = False


def test_the_fused_hits_are_those_made_hit_by_hit_with_ties_and_any_candidate_order():
    """The fusion builds its features by whole columns and sorts with numpy: every hit (score,
    document, lexical score, cosine, z-score, to the last bit) and their order are those of
    the features looked up candidate by candidate and a sort by (-score, document), with many
    equal scores; ``features`` of candidates in another order than the pool's gives the same rows."""
    import random

    import numpy as np

    from kbgen.search import ranking

    def reference(lexical, similarity, kinds):
        scale = ranking._z(similarity)
        candidates = ranking.pool(lexical, similarity, scale=scale)
        best = lexical[0][0] if lexical and lexical[0][0] > 0 else 1.0
        places = {doc: (score / best, 1.0 / place, 1.0) for place, (score, doc) in enumerate(lexical, 1)}
        lex = dict((doc, score) for score, doc in lexical)
        rows, zs = [], []
        for doc in candidates:
            z = (similarity[doc] - scale[0]) / scale[1]
            row = [*places.get(doc, (0.0, 0.0, 0.0)), z, 0.0, 0.0, 0.0]
            row[4 + min(int(kinds[doc]), len(ranking.KINDS))] = 1.0
            rows.append(row)
            zs.append(float(z))
        scores = (np.asarray(rows).reshape(-1, 7) @ np.asarray(ranking.weights())).tolist()
        hits = [
            (score, doc, lex.get(doc, 0.0), float(similarity[doc]), z)
            for score, doc, z in zip(scores, candidates, zs, strict=True)
        ]
        hits.sort(key=lambda hit: (-hit[0], hit[1]))
        return hits

    rng = random.Random(9)
    for _ in range(200):
        count = rng.choice([3, 40, 500])
        similarity = np.round(np.array([rng.gauss(0.1, 0.15) for _ in range(count)]), 2).astype(np.float32)
        kinds = np.array([rng.randint(0, 3) for _ in range(count)], dtype=np.int8)
        docs = rng.sample(range(count), min(count, rng.randint(0, 50)))
        lexical = sorted(((float(rng.choice([1, 2, 3, 7.5])), doc) for doc in docs), key=lambda p: (-p[0], p[1]))
        hits = ranking.fuse(lexical, similarity, kinds=kinds)
        assert [tuple(hit) for hit in hits] == reference(lexical, similarity, kinds)
        candidates = [hit.doc for hit in hits]
        shuffled = rng.sample(candidates, len(candidates))
        rows = ranking.features(lexical, candidates, similarity, kinds)
        again = ranking.features(lexical, shuffled, similarity, kinds)
        assert np.array_equal(again, rows[[candidates.index(doc) for doc in shuffled]])

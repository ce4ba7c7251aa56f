"""German search: the analysis, the built-in vocabulary and a real index of the German sample."""

from __future__ import annotations

import json

import pytest
from conftest import GERMAN_PAGES, german_source

from kbgen.search import german, languages, open_engine
from kbgen.search.index import INDEX_DIR
from kbgen.search.query import Vocabulary, plan


def terms(text: str) -> list[str]:
    return [german.stem(w) for w in german.words(text) if not german.is_stop(w)]


@pytest.mark.parametrize(
    "typed, written",
    [
        ("Rueckgabe", "Rückgabe"),  # the ASCII spelling finds the umlaut
        ("Rückgabe", "Rueckgabe"),  # and the other way round
        ("Ruckgabe", "Rückgabe"),  # umlaut left off
        ("strasse", "Straße"),
        ("Straße", "STRASSE"),
        ("Käuferschutz", "Kaeuferschutz"),
        ("Gebühren", "gebuehr"),
        ("Rücksendungen", "Rücksendung"),  # stemmed
    ],
)
def test_umlauts_and_sharp_s_fold_both_ways(typed, written):
    assert terms(typed) == terms(written)


def test_german_stems_and_spellings_that_must_stay_apart():
    assert german.stem("rücksendungen") == german.stem("rücksendung") == "rucksend"
    assert german.stem("ruecksendungen") == "rucksend"
    # "ue" after a vowel or q is no umlaut: Steuer is not "Steur", Quelle not "Qulle"
    assert german.normalize("steuer") == "steuer" and german.normalize("quelle") == "quelle"
    assert german.stem("steuer") == german.stem("steuern")
    assert german.words("Größe der Straße") == ["größe", "der", "straße"]  # umlauts kept for corrections


def test_german_stop_words_and_the_words_that_carry_meaning():
    assert terms("Wie kann ich meine Bestellung stornieren?") == [german.stem("bestellung"), german.stem("stornieren")]
    assert german.is_stop("für") and german.is_stop("fuer")
    # "nicht angekommen" and "kein Geld" mean something in a help center
    assert not german.is_stop("nicht") and not german.is_stop("kein")


def test_the_german_vocabulary_makes_everyday_words_find_the_policy_words():
    vocab = Vocabulary.from_groups(languages.GERMAN.synonyms, languages.GERMAN)
    searched = plan("Geld zurück", vocab, lambda s: True, lambda w: None, languages.GERMAN)
    alternatives = {stems for concept in searched.concepts for stems, _ in concept}
    assert (german.stem("erstattung"),) in alternatives and (german.stem("rückerstattung"),) in alternatives
    retoure = plan("retoure", vocab, lambda s: True, lambda w: None, languages.GERMAN)
    assert (german.stem("rücksendung"),) in {stems for concept in retoure.concepts for stems, _ in concept}


def test_an_unknown_language_is_refused_with_the_supported_ones():
    with pytest.raises(languages.UnsupportedLanguage, match="'xx'.*supported: de, en"):
        languages.get("xx")
    assert languages.get("de-DE") is languages.GERMAN and languages.get(None) is languages.ENGLISH


@pytest.fixture(scope="module")
def de_engine(german_site):
    return open_engine(german_site)


def test_the_german_index_records_its_language_and_has_no_page_vectors(german_site, sample_site):
    meta = json.loads((german_site / INDEX_DIR / "meta.json").read_text(encoding="utf-8"))
    assert meta["language"] == "de"
    assert meta["vectors"] is None  # the semantic model is English-centric: German search is lexical
    assert json.loads((sample_site / INDEX_DIR / "meta.json").read_text(encoding="utf-8"))["language"] == "en"


@pytest.mark.parametrize(
    "q, expected",
    [
        ("rücksendung", "returns/how-to-return-an-item.md"),
        ("ruecksendung", "returns/how-to-return-an-item.md"),
        ("Rucksendung", "returns/how-to-return-an-item.md"),
        ("Geld zurück", "returns/refunds.md"),
        ("Käuferschutz", None),
    ],
)
def test_german_queries_find_german_pages_only(de_engine, q, expected):
    hits = de_engine.search(q, limit=5)["hits"]
    sources = [german_source(h["url"]) for h in hits]
    assert hits and all(h["url"].startswith("/de-de/") for h in hits)
    assert set(sources) <= GERMAN_PAGES, sources  # no English page answers a German question
    if expected:
        assert expected in sources[:3], sources


def test_a_german_typo_is_corrected_to_a_german_word(de_engine):
    result = de_engine.search("Rücksendeetiket")
    assert result["suggestion"] == "Rücksendeetikett"
    assert "returns/how-to-return-an-item.md" in [german_source(h["url"]) for h in result["hits"][:5]]
    # typed with "ue" for ü, one letter off: corrected all the same
    assert de_engine.search("Erstatung")["suggestion"] == "Erstattung"
    assert de_engine.search("zurueckschiken")["suggestion"] == "zurückschicken"


def test_a_word_finds_the_compounds_it_ends(de_engine):
    """Light decompounding: "Etikett" finds the pages that only say "Rücksendeetikett"."""
    sources = [german_source(h["url"]) for h in de_engine.search("Etikett", limit=10)["hits"]]
    assert "returns/faq/who-pays-return-postage.md" in sources  # says Rücksendeetikett, never Etikett
    assert "shipping/tracking-a-parcel.md" in sources  # Versandetikett


def test_snippets_mark_the_german_words_that_matched(de_engine):
    hit = de_engine.search("Rücksendungen", limit=1)["hits"][0]
    assert "<mark>Rücksendung" in hit["snippet"] or "<mark>rücksendung" in hit["snippet"].lower()


def test_glossary_definitions_in_german(de_engine):
    result = de_engine.search("Kontosperre")
    assert result["definition"] and result["definition"]["term"] == "Kontosperre"
    assert result["definition"]["url"].startswith("/de-de/")


def test_search_as_you_type_in_german(de_engine):
    titles = [s["title"] for s in de_engine.suggest("Rücksen")["suggestions"]]
    assert titles and all(s["url"].startswith("/de-de/") for s in de_engine.suggest("Rücksen")["suggestions"])
    assert any("Rücksend" in t or "zurück" in t for t in titles), titles


GERMAN_FILES = {
    "content/rueckgabe/_category.yml": "title: Rückgabe\ndescription: Zurückschicken.\n",
    "content/rueckgabe/kaffeemaschine.md": (
        "---\ntitle: Kaffeemaschine zurückgeben\n---\nSo geben Sie eine Kaffeemaschine zurück.\n"
    ),
    "content/rueckgabe/gutschein.md": "---\ntitle: Gutscheine\n---\nEin Gutschein gilt ein Jahr.\n",
    # English search's synonyms: not German search's
    "content/synonyms.yml": "- [espressomaschine, gutschein]\n",
    "content/synonyms.de.yml": "- [espressomaschine, kaffeemaschine]\n",
}


def test_a_german_help_center_reads_synonyms_de_yml_not_synonyms_yml(make_site):
    from conftest import MINIMAL_CONFIG

    from kbgen.build import build

    config = MINIMAL_CONFIG.replace("  name: material\n", "  name: material\n  language: de\n")
    engine = open_engine(build(make_site(GERMAN_FILES, config=config) / "mkdocs.yml"))
    assert engine.meta["language"] == "de"
    assert [h["url"] for h in engine.search("Espressomaschine")["hits"]] == ["/rueckgabe/kaffeemaschine/"]


def test_search_language_overrides_the_theme_and_an_unknown_one_is_a_config_error(make_site, invoke):
    from conftest import MINIMAL_CONFIG

    from kbgen.build import build

    config = MINIMAL_CONFIG.replace("  - kbgen\n", "  - kbgen:\n      search_language: de\n")
    project = make_site(GERMAN_FILES, config=config)
    assert open_engine(build(project / "mkdocs.yml")).meta["language"] == "de"
    (project / "mkdocs.yml").write_text(config.replace("search_language: de", "search_language: xx"), encoding="utf-8")
    result = invoke("build", "-f", project / "mkdocs.yml")
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "mkdocs.yml:9: search_language: search has no analysis for language 'xx'" in result.output


def test_an_unknown_compound_is_searched_as_its_indexed_parts(de_engine):
    """ "Werbemails" is nowhere in the pages; "Werbe-E-Mails" is: the query word is split."""
    sources = [german_source(h["url"]) for h in de_engine.search("zu viele Werbemails", limit=5)["hits"]]
    assert "privacy/faq/stop-marketing-emails.md" in sources


def test_a_theme_language_search_has_no_analysis_for_falls_back_to_english(make_site):
    from conftest import MINIMAL_CONFIG, SEARCH_FILES

    from kbgen.build import build

    config = MINIMAL_CONFIG.replace("  name: material\n", "  name: material\n  language: fr\n")
    engine = open_engine(build(make_site(SEARCH_FILES, config=config) / "mkdocs.yml"))
    assert engine.meta["language"] == "en" and engine.search("money back")["hits"]

"""Search indexes hold what writers wrote, never the widgets kbgen adds to a page.

Expectations come from the content files themselves: a widget's words may be
indexed only where the writer's own Markdown has them, and glossary
definitions only where the writer wrote them out.
"""

from __future__ import annotations

import functools
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from kbgen.content.glossary import Glossary, Term
from kbgen.pages.terms import mark_terms
from kbgen.search import extract, open_engine
from kbgen.search.analysis import stem, words

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"

# What kbgen's own widgets say: "Still need help?", votes, permalinks, contact
# cards, the status line, flow controls.
WIDGET_TEXT = (
    "Still need help?",
    "Still need help? Contact us",
    "Was this helpful?",
    "Link to this answer",
    "All the ways to contact us",
    "Need a hand?",
    "Start over",
    "Open now",
    "Write any time",
    "Times are Europe",
)


@functools.cache
def glossary_definitions() -> tuple[str, ...]:
    return tuple(e["definition"] for e in yaml.safe_load((CONTENT / "glossary.yml").read_text(encoding="utf-8")))


def own_text(doc_id: str) -> str:
    """A document's source file as the writer wrote it, link targets left out."""
    text = (CONTENT / doc_id).read_text(encoding="utf-8")
    if doc_id.endswith(".yml"):  # a flow: its values, not its keys ("help:", "next:")
        text = re.sub(r"^[\s-]*[a-z_]+:", "", text, flags=re.M)
    return re.sub(r"\]\([^)]*\)", "]", text)


@pytest.fixture(scope="module")
def engine(sample_site):
    return open_engine(sample_site, cache_size=0)


@pytest.fixture(scope="module")
def stored(engine) -> list[dict]:
    """Every indexed document's stored fields (id, url, title, body)."""
    with engine._loaded.index.searcher() as searcher:
        return list(searcher.all_stored_fields())


def test_indexed_bodies_hold_no_widget_text_nor_tooltip_definitions(stored):
    assert len(stored) > 100
    leaks = []
    for doc in stored:
        source = own_text(doc["id"])
        for text in (*WIDGET_TEXT, *glossary_definitions()):
            if doc["body"].count(text) > source.count(text):
                leaks.append((doc["id"], text))
    assert leaks == []


def test_need_help_matches_only_pages_whose_own_text_says_so(sample_site, stored):
    wanted = {stem("need"), stem("help")}
    expected = {doc["url"] for doc in stored if wanted & {stem(w) for w in words(own_text(doc["id"]))}}
    # which pages hold the words: the lexical ranking alone (hybrid search adds pages by meaning)
    lexical = open_engine(sample_site, cache_size=0, semantic=False)
    result = lexical.search("need help", limit=len(stored))  # one page: every match
    found = {hit["url"] for hit in result["hits"]}
    assert len(found) == result["total"]
    assert found == expected
    assert len(found) < len(stored) / 2  # the words of a widget are on every answer


@pytest.mark.parametrize("query", ["need help", "contact us", "helpful", "link to this answer", "refund", "seller"])
def test_snippets_never_show_widget_text(engine, query):
    hits = engine.search(query, limit=50)["hits"]
    assert hits
    for hit in hits:
        text = re.sub(r"</?mark>", "", hit["snippet"]).removesuffix(" …")
        for widget in WIDGET_TEXT:
            assert not text.endswith(widget), (hit["url"], text[-80:])
        assert "Still need help" not in text and "Link to this answer" not in text


def test_static_index_keeps_glossary_terms_but_not_their_definitions(sample_site):
    """Material's search_index.json (the static host's search): no tooltip text glued
    to its word ("refundMoney paid back ..."), while the word itself stays."""
    entries = json.loads((sample_site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    texts: dict[str, str] = {}
    for entry in entries:
        page = entry["location"].split("#")[0]
        texts[page] = texts.get(page, "") + " " + html.unescape(re.sub(r"<[^>]+>", " ", entry["text"]))
    definitions = glossary_definitions()
    everything = " ".join(texts.values())
    for definition in definitions:
        assert definition not in everything
        assert not re.search(r"\w" + re.escape(definition[:30]), everything), definition
    explained = 0
    for page, text in texts.items():
        built = sample_site / page / "index.html"
        if not page or not built.is_file():
            continue
        for term in re.findall(r'class="kb-term__link"[^>]*>([^<]+)</a>', built.read_text(encoding="utf-8")):
            assert html.unescape(term) in text, (page, term)
            explained += 1
    assert explained > 20  # the sample explains terms on many pages


def test_static_index_has_no_widget_text(sample_site):
    index = (sample_site / "search/search_index.json").read_text(encoding="utf-8")
    for widget in ("Still need help?", "Link to this answer", "Was this helpful?"):
        assert not any(widget in path.read_text(encoding="utf-8") for path in CONTENT.rglob("*.md"))
        assert widget not in index


def test_faq_structured_data_answers_are_the_writers_text(sample_site):
    page = (sample_site / "returns/index.html").read_text(encoding="utf-8")
    blocks = [json.loads(b) for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)]
    faq = next(b for b in blocks if b.get("@type") == "FAQPage")
    answers = [q["acceptedAnswer"]["text"] for q in faq["mainEntity"]]
    assert answers and all(answers)
    assert not any("Still need help" in a or "Link to this answer" in a for a in answers)


def test_marked_elements_and_everything_inside_them_are_left_out():
    text = extract(
        "<p>kept <span data-search-exclude>gone <span>inner</span> still gone</span> kept too</p>"
        '<div data-search-exclude="data-search-exclude"><div>nested</div>after nested</div><p>last</p>'
    )
    assert text.body == "kept kept too\nlast"


def test_text_of_untidy_markup_faq_entries_and_headings():
    """What the extractor does with stray and unclosed tags, void elements written either way
    inside a part left out, a FAQ entry's answer (its question and permalink left out) and
    headings (their permalink left out): pinned, as the index reads every page through it."""
    text = extract(
        '<h2 id="a">Title<a class="headerlink" href="#a">¶</a></h2>'
        "<p>one<br>two<br />three <b>bold <i>both</b> after</i> end</p></span>"
        '<div data-search-exclude><img src="x.png"/>gone<br/>gone too<hr></div>'
        '<details class="kb-faq__item" data-kb-faq id="q1"><summary>Question?</summary>'
        '<div class="kb-faq__answer"><p>Answer <a href="#x">link</a></p><h3>In answer</h3><ul><li>a<li>b</ul>'
        '<p class="kb-faq__permalink" data-search-exclude><a href="#q1">Link</a></p></div></details>'
        "<details data-kb-faq><summary>no id</summary>text of no id</details>"
        "<table><tr><td>c1<td>c2</tr></table><script>var x = '<p>';</script><h4>Last &amp; least</h4>"
    )
    assert text.body == "Title\none two\nthree bold both after end\nno id\ntext of no id\nc1\nc2\nLast & least"
    assert text.headings == ["Title", "Last & least"]
    assert text.faq_answers == {"q1": "Answer link\nIn answer\na\nb"}


def test_tooltips_add_nothing_to_the_extracted_text():
    glossary = Glossary(terms=[Term(term="refund", definition="Money paid back for a return.")])
    page = "<p>Your refund arrives in 5 days.</p>"
    marked = mark_terms(page, glossary, lambda term: "/glossary/#refund")
    assert "Money paid back" in marked
    assert extract(marked).body == extract(page).body == "Your refund arrives in 5 days."


# The outermost element of every widget kbgen renders, by class.
WIDGET_ROOTS = (
    "kb-breadcrumbs",
    "kb-status-line",
    "kb-banners",
    "kb-still-need-help",
    "kb-feedback",
    "kb-channel",
    "kb-flow",
    "kb-dead-end",
    "kb-notice",
    "kb-term__tip",
)


class _Roots(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, bool]] = []  # (widget class, marked)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in set((attrs.get("class") or "").split()) & set(WIDGET_ROOTS):
            self.found.append((name, "data-search-exclude" in attrs))


def test_every_widget_on_every_page_is_marked_for_search_to_leave_out(sample_site):
    seen, unmarked = set(), set()
    for path in sample_site.rglob("*.html"):
        parser = _Roots()
        parser.feed(path.read_text(encoding="utf-8"))
        for name, marked in parser.found:
            seen.add(name)
            if not marked:
                unmarked.add((path.relative_to(sample_site).as_posix(), name))
    assert seen == set(WIDGET_ROOTS)
    assert sorted(unmarked) == []


def test_writers_can_keep_a_block_out_of_both_indexes(make_site):
    from conftest import CATEGORY_FILES

    from kbgen.build import build

    project = make_site(
        {
            **CATEGORY_FILES,
            "content/returns/return-policy.md": (
                "---\ntitle: Return policy\n---\n## Window\n\nThirty days.\n\n"
                '<div class="note" data-search-exclude markdown>\nInternal **zanzibar** note.\n</div>\n\nKept.\n'
            ),
        }
    )
    site = build(project / "mkdocs.yml", project / "site")
    assert "zanzibar" in (site / "returns/return-policy/index.html").read_text(encoding="utf-8")
    assert "zanzibar" not in (site / "search/search_index.json").read_text(encoding="utf-8")
    result = open_engine(site).search("zanzibar")
    assert result["total"] == 0
    assert open_engine(site).search("kept")["hits"][0]["url"].endswith("/returns/return-policy/")

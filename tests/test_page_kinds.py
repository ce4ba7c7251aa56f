"""Page kinds, each declared once in ``kbgen.pages.kinds``: classification, meta, views,
structured data and search entries dispatch to the declaration. Built from a loaded content
model: no MkDocs."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import ROOT, write_tree
from test_views import FILES, TODAY, url_for, view

from kbgen import content, search
from kbgen.constants import DOCUMENT_TYPES
from kbgen.pages import GLOSSARY_SRC, NOTICES_SRC, SEARCH_SRC, UPDATES_SRC, Layout, kinds, seo
from kbgen.pages.brand import Brand
from kbgen.pages.images import Image
from kbgen.searchable import PageText, SearchEntry
from kbgen.themes import material

BRAND = Brand(name="Example", url="https://help.example.com/", logo=Image("logo.png"), social_image=Image("s.png"))


@pytest.fixture(scope="module")
def layout(tmp_path_factory) -> Layout:
    docs = write_tree(tmp_path_factory.mktemp("kinds") / "content", FILES)
    center, report = content.load(docs, today=TODAY)
    assert not report.errors, [d.format() for d in report.errors]
    return Layout(center)


def meta_of(layout: Layout, src: str, writer: dict | None = None, site_name: str = "Example Help") -> dict:
    """The page meta the plugin gives MkDocs, from the writer's front matter and the kind."""
    kind, model = layout.classify(src)
    meta = dict(writer or {})
    fixed, defaults = kind.meta(model, site_name)
    meta.update(fixed)
    for key, value in defaults.items():
        meta.setdefault(key, value)
    material.page_meta(meta, hide=kind.hide, searchable=kind.searchable)
    return meta


def test_every_kind_with_a_view_has_its_template_and_every_template_a_kind():
    templates = {p.name for p in (ROOT / "theme/kbgen").glob("*.html")} - {"base.html"}
    declared = {kind.template.removeprefix("kbgen/") for kind in kinds.KINDS if kind.template}
    assert declared == templates
    assert kinds.OTHER.template is None
    assert len({kind.name for kind in kinds.KINDS}) == len(kinds.KINDS)
    assert set(kinds.GENERATED) <= set(kinds.KINDS)


def test_generated_pages_in_their_build_order(layout):
    assert layout.generated_sources() == [
        "index.md",
        "returns/index.md",
        "shipping/index.md",
        "flows/not-received.md",
        SEARCH_SRC,
        UPDATES_SRC,
        NOTICES_SRC,
        GLOSSARY_SRC,
    ]


def test_kbgen_own_pages_get_english_titles_descriptions_and_hidden_parts(layout):
    assert meta_of(layout, SEARCH_SRC) == {
        "template": "kbgen/search.html",
        "title": "Search",
        "hide": ["navigation", "toc"],
        "search": {"exclude": True},
    }
    assert meta_of(layout, NOTICES_SRC) == {
        "template": "kbgen/notices.html",
        "title": "Service notices",
        "description": "What is going on right now, and what happened before.",
        "hide": ["navigation", "toc"],
    }
    assert meta_of(layout, GLOSSARY_SRC)["title"] == "Glossary"
    assert meta_of(layout, UPDATES_SRC)["description"] == "Changes to our policies, newest first."
    # the same titles are the last breadcrumb
    for src, title in [(SEARCH_SRC, "Search"), (NOTICES_SRC, "Service notices"), (UPDATES_SRC, "Policy updates")]:
        assert view(layout, src)["breadcrumbs"][-1] == {"title": title, "url": None}


def test_home_is_titled_by_the_site_unless_the_writer_titled_it(layout):
    assert meta_of(layout, "index.md") == {
        "template": "kbgen/home.html",
        "title": "Example Help",
        "hide": ["navigation", "toc"],
    }
    writer = {"title": "Welcome", "template": "custom.html", "hide": ["toc"]}
    assert meta_of(layout, "index.md", writer) == writer  # every value the writer gave wins


def test_pages_with_content_take_title_and_description_from_the_model(layout):
    # the model's title (facts rendered) replaces the front matter's; the summary is a default
    article = meta_of(layout, "returns/return-policy.md", {"title": "{{ fact:x }}"})
    assert article == {
        "title": "Return policy",
        "template": "kbgen/article.html",
        "description": "Most items within 30 days.",
    }
    assert meta_of(layout, "returns/index.md")["description"] == "Send it back."
    assert "description" not in meta_of(layout, "shipping/index.md")  # no description in _category.yml
    assert meta_of(layout, "flows/not-received.md")["hide"] == ["toc"]
    assert meta_of(layout, "notices/kettle.md")["hide"] == ["navigation"]
    assert meta_of(layout, "images/logo.md") == {}  # a page kbgen knows nothing about is left alone


def test_pages_kept_out_of_the_navigation(layout):
    out = {src for src in [*layout.generated_sources(), "notices/kettle.md"] if not layout.classify(src)[0].in_nav}
    assert out == {SEARCH_SRC, UPDATES_SRC, NOTICES_SRC, "notices/kettle.md"}


def test_only_articles_and_categories_mark_glossary_terms_and_only_articles_have_own_images(layout):
    explains = {}
    for src in ["returns/return-policy.md", "returns/damaged/broken-on-arrival.md", "returns/index.md", SEARCH_SRC]:
        kind, model = layout.classify(src)
        explains[src] = bool(kind.explains and kind.explains(model))
    assert explains == {
        "returns/return-policy.md": True,
        "returns/damaged/broken-on-arrival.md": True,
        "returns/index.md": True,
        SEARCH_SRC: False,
    }
    assert [k.name for k in kinds.KINDS if k.own_image] == ["article"]


def test_a_category_page_appends_its_faq_accordion_with_a_contact_link(layout):
    from kbgen.content.links import Resolver

    kind, model = layout.classify("returns/index.md")
    page = kinds.MarkdownPage("returns/index.md", model, Resolver(layout.center), "shipping/index.md", "FAQ")
    accordion = kind.appendix(page)
    assert accordion.markdown.startswith("\n\n## FAQ {#faq}")
    assert "how-long-do-refunds-take" in accordion.anchors and "../shipping/index.md" in accordion.markdown
    on_contact_page = dataclasses.replace(page, contact_src="returns/index.md")
    assert "../shipping/index.md" not in kind.appendix(on_contact_page).markdown
    inside = kind.appendix(dataclasses.replace(page, placeholders=False))  # all of it for md_in_html
    assert 'id="how-long-do-refunds-take"' in inside.markdown and not inside.anchors


def seo_of(layout: Layout, src: str, **options) -> dict:
    kind, model = layout.classify(src)
    page_url = "https://help.example.com/" + url_for(src)
    return seo.page_data(
        kind,
        model,
        view(layout, src),
        page_url=page_url,
        base="https://help.example.com/",
        site_name="Example Help",
        title=options.get("title", "A title"),
        description="",
        faq_answers={"how-long-do-refunds-take": "Five days."},
        brand=BRAND,
    )


def test_structured_data_comes_from_the_kind(layout):
    types = {
        src: [data["@type"] for data in seo_of(layout, src)["jsonld"]]
        for src in ["index.md", "returns/index.md", "shipping/index.md", "returns/return-policy.md", GLOSSARY_SRC]
    }
    assert types == {
        "index.md": ["WebSite"],
        "returns/index.md": ["BreadcrumbList", "FAQPage"],
        "shipping/index.md": ["BreadcrumbList"],  # no FAQ entries, no FAQPage
        "returns/return-policy.md": ["BreadcrumbList", "Article"],
        GLOSSARY_SRC: ["BreadcrumbList"],
    }
    og = {tag["property"]: tag["content"] for tag in seo_of(layout, "returns/return-policy.md")["og"]}
    assert (og["og:type"], og["og:title"]) == ("article", "A title")
    home = {tag["property"]: tag["content"] for tag in seo_of(layout, "index.md")["og"]}
    assert (home["og:type"], home["og:title"]) == ("website", "Example Help")  # the site's name


def test_a_new_kind_is_one_declaration(layout, monkeypatch):
    """Classification, the template, the meta and the view all follow the declaration."""
    contact = kinds.PageKind(
        "contact",
        pages=lambda layout: [("shipping/index.md", layout.center.category("shipping"))],
        title="Contact us",
        hide=("toc",),
        view=lambda page: {"channels": len(page.center.contact.channels)},
    )
    monkeypatch.setattr(kinds, "KINDS", (contact, *kinds.KINDS))
    fresh = Layout(layout.center)
    assert fresh.classify("shipping/index.md")[0] is contact
    assert meta_of(fresh, "shipping/index.md") == {
        "template": "kbgen/contact.html",
        "title": "Shipping",
        "hide": ["toc"],
    }
    shown = view(fresh, "shipping/index.md")
    assert (shown["kind"], shown["channels"]) == ("contact", 2)
    assert fresh.classify("returns/index.md")[0] is kinds.CATEGORY


def test_the_kinds_declare_every_document_type_search_knows():
    """Each type the API and the CLI filter by (``DOCUMENT_TYPES``) comes from a kind's declaration."""
    declared = [kind.document_type for kind in kinds.KINDS if kind.documents is not None]
    assert sorted(declared) == sorted(DOCUMENT_TYPES)
    assert [k.name for k in kinds.KINDS if k.documents] == ["notice", "flow", "article", "category"]
    with pytest.raises(ValueError, match="documents need a document_type"):
        kinds.PageKind("untyped", documents=lambda page: [])
    with pytest.raises(ValueError, match="documents need a document_type"):
        kinds.PageKind("policy", documents=lambda page: [], document_type="policy")
    with pytest.raises(ValueError, match="type 'policy' is not one of"):
        SearchEntry(type="policy", id="x.md", src="x.md", title="X")


def test_search_entries_come_from_each_kind_in_the_index_order(tmp_path):
    """A category's articles, then its FAQ entries (anchors on its page, their answers as
    rendered there); then notices, flows and top-level articles: the order the index had
    when search built its documents itself, so the index bytes did not change."""
    docs = write_tree(tmp_path / "content", {**FILES, "about-us.md": "---\ntitle: About us\n---\nWho we are.\n"})
    center, report = content.load(docs, today=TODAY)
    assert not report.errors, [d.format() for d in report.errors]
    layout = Layout(center)
    texts = {
        "returns/index.md": PageText(body="Our FAQ.", faq_answers={"how-long-do-refunds-take": "Five working days."}),
        "shipping/tracking.md": PageText(body="Track it.", headings=["Where", "When"]),
    }
    entries = layout.search_entries(texts)
    assert [(e.type, e.id, e.src, e.anchor) for e in entries] == [
        ("article", "returns/return-policy.md", "returns/return-policy.md", ""),
        ("article", "returns/damaged/broken-on-arrival.md", "returns/damaged/broken-on-arrival.md", ""),
        ("faq", "returns/faq/how-long-do-refunds-take.md", "returns/index.md", "how-long-do-refunds-take"),
        ("faq", "returns/faq/who-pays-postage.md", "returns/index.md", "who-pays-postage"),
        ("article", "shipping/tracking.md", "shipping/tracking.md", ""),
        ("notice", "notices/kettle.md", "notices/kettle.md", ""),
        ("notice", "notices/outage.md", "notices/outage.md", ""),
        ("flow", "flows/not-received.yml", "flows/not-received.md", ""),
        ("article", "about-us.md", "about-us.md", ""),
    ]
    for entry in entries:  # every entry is of its kind's declared type
        assert entry.type == layout.classify(entry.src)[0].document_type
    by_id = {e.id: e for e in entries}
    refunds = by_id["returns/faq/how-long-do-refunds-take.md"]
    assert (refunds.title, refunds.body, refunds.category_title, refunds.promoted) == (
        "How long do refunds take?",
        "Five working days.",
        "Returns & refunds",
        True,
    )
    assert by_id["returns/faq/who-pays-postage.md"].body == ""  # no rendered answer: nothing made up
    tracking = by_id["shipping/tracking.md"]
    assert (tracking.headings, tracking.body, tracking.audience) == (("Where", "When"), "Track it.", "sellers")
    kettle = by_id["notices/kettle.md"]
    assert (kettle.category_title, kettle.severity, kettle.ends) == ("Product recalls", "warning", None)
    assert kettle.starts.isoformat() == "2026-11-18T09:00:00+00:00"
    assert by_id["notices/outage.md"].category_title == "Service notices"
    flow = by_id["flows/not-received.yml"]
    assert (flow.category_title, flow.headings) == ("Guided help", ("Has the delivery date passed?",))
    assert "Wait a little" in flow.body and "Yes" in flow.body
    assert by_id["about-us.md"].category == ""


def test_the_search_plan_gives_each_page_its_entries_before_any_is_rendered(tmp_path):
    """``search_plan`` lists, before rendering, the pages that add to search in index order
    with how to make each one's entries from its text: applied to the texts it gives exactly
    ``search_entries``, whatever the order the pages' texts come in."""
    docs = write_tree(tmp_path / "content", {**FILES, "about-us.md": "---\ntitle: About us\n---\nWho we are.\n"})
    center, report = content.load(docs, today=TODAY)
    assert not report.errors, [d.format() for d in report.errors]
    layout = Layout(center)
    plan = layout.search_plan()
    assert [src for src, _make in plan] == [
        "returns/return-policy.md",
        "returns/damaged/broken-on-arrival.md",
        "returns/index.md",
        "shipping/tracking.md",
        "notices/kettle.md",
        "notices/outage.md",
        "flows/not-received.md",
        "about-us.md",
    ]
    texts = {
        "returns/index.md": PageText(body="Our FAQ.", faq_answers={"how-long-do-refunds-take": "Five working days."}),
        "shipping/tracking.md": PageText(body="Track it.", headings=["Where", "When"]),
    }
    made = {src: make(texts.get(src) or PageText()) for src, make in reversed(plan)}  # pages render in any order
    assert [entry for src, _make in plan for entry in made[src]] == layout.search_entries(texts)
    assert [e.anchor for e in made["returns/index.md"]] == ["how-long-do-refunds-take", "who-pays-postage"]
    for src, make in plan:  # how many entries a page makes never depends on its text
        assert len(make(PageText())) == len(made[src])


def _term_entries(page: kinds.SearchPage) -> list[SearchEntry]:
    """A new kind's search entries: each glossary term, at its anchor on the glossary page."""
    return [
        SearchEntry(
            type="article",
            id=f"glossary.yml#{term.anchor}",
            src=page.src,
            anchor=term.anchor,
            title=term.term,
            body=term.definition,
        )
        for term in page.model.terms
    ]


def _declare_terms_kind(monkeypatch, documents) -> None:
    """A new page kind, "terms" (the glossary page), whose search entries ``documents`` makes."""
    terms = kinds.PageKind(
        "terms",
        pages=lambda layout: [(GLOSSARY_SRC, layout.center.glossary)],
        documents=documents,
        document_type="article",
    )
    monkeypatch.setattr(kinds, "KINDS", (terms, *kinds.KINDS))


def test_a_new_kind_with_documents_is_indexed_without_touching_search(layout, monkeypatch, tmp_path):
    """Declaring ``documents`` is all it takes: the entries reach a real Whoosh index
    through ``kbgen.search``'s unchanged code, and searching finds them at their anchor."""
    _declare_terms_kind(monkeypatch, _term_entries)
    fresh = Layout(layout.center)
    entries = fresh.search_entries({})
    assert [e.id for e in entries if e.src == GLOSSARY_SRC] == ["glossary.yml#reserve-price", "glossary.yml#escrow"]
    docs = search.collect(entries, lambda src: "/" + url_for(src))
    search.write_index(docs, [], tmp_path)
    engine = search.open_engine(tmp_path)
    hits = engine.search("escrow")["hits"]
    assert [(h["url"], h["type"], h["title"]) for h in hits] == [("/glossary/#escrow", "article", "Escrow")]
    assert engine.search("money")["hits"][0]["url"] == "/glossary/#escrow"  # its definition is its text
    # the kinds that were there are indexed as before
    assert engine.search("refunds", type="faq")["hits"][0]["url"] == "/returns/#how-long-do-refunds-take"


def test_a_page_s_entries_are_made_once_per_text(layout, monkeypatch):
    """A build asks for a page's entries to plan the index (an empty text, twice), as the page
    renders and for the whole list at the end (its text, twice): a category page of a
    FAQ-heavy help center makes 900 entries each time, so each text's are made once."""
    made = []

    def counted(page: kinds.SearchPage) -> list[SearchEntry]:
        made.append(page.text)
        return _term_entries(page)

    _declare_terms_kind(monkeypatch, counted)
    fresh = Layout(layout.center)
    make = dict(fresh.search_plan())[GLOSSARY_SRC]
    assert len(make(PageText())) == 2
    text = PageText(body="Terms we use.")
    first = make(text)
    everything = fresh.search_entries({GLOSSARY_SRC: text})
    assert first == [e for e in everything if e.src == GLOSSARY_SRC] and fresh.search_plan() is fresh.search_plan()
    first.clear()  # each caller gets its own list
    assert len(make(text)) == 2 and len(make(PageText(body="Other words."))) == 2
    assert made == [PageText(), text, PageText(body="Other words.")]

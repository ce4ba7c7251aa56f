"""Page kinds, each declared once in ``kbgen.pages.kinds``: classification, meta, views and
structured data dispatch to the declaration. Built from a loaded content model: no MkDocs."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import ROOT, write_tree
from test_views import FILES, TODAY, url_for, view

from kbgen import content
from kbgen.pages import GLOSSARY_SRC, NOTICES_SRC, SEARCH_SRC, UPDATES_SRC, Layout, kinds, seo
from kbgen.pages.brand import Brand
from kbgen.pages.images import Image
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
    assert accordion.startswith("\n\n## FAQ {#faq}")
    assert 'id="how-long-do-refunds-take"' in accordion and "../shipping/index.md" in accordion
    on_contact_page = dataclasses.replace(page, contact_src="returns/index.md")
    assert "../shipping/index.md" not in kind.appendix(on_contact_page)


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

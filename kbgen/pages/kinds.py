"""Every kind of page, declared once: which sources it owns, its template, its meta,
its view, its structured data and what the build does with its Markdown and HTML.

A new kind is one ``PageKind`` here (plus its template and view builder); the
plugin, ``views.page_view`` and ``seo.page_data`` only loop over or dispatch to
these declarations. Nothing here knows the theme: ``hide`` names the parts of the
page a kind does without ("navigation", "toc") and ``searchable`` whether the
theme's own static search may list it; ``kbgen.themes.material`` turns both into
Material's page meta.

Search documents are not declared here: ``kbgen.search.documents`` has one builder per
document type (article, FAQ entry, notice, flow), because the pages may not import the
search package; moving them into these declarations is left to do.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..content.links import Resolver
from ..content.model import Article, Category
from . import seo, views
from .faq import faq_accordion
from .sources import (
    GLOSSARY_SRC,
    GLOSSARY_TITLE,
    HOME_SRC,
    NOTICES_SRC,
    NOTICES_TITLE,
    SEARCH_SRC,
    SEARCH_TITLE,
    UPDATES_SRC,
    UPDATES_TITLE,
)

if TYPE_CHECKING:
    from .layout import Layout


@dataclass(frozen=True)
class MarkdownPage:
    """What a kind's ``appendix`` needs to add Markdown to a page's source."""

    src: str
    model: Any
    resolver: Resolver
    contact_src: str | None
    faq_heading: str


def _none(*_args) -> tuple:
    return ()


@dataclass(frozen=True, eq=False)
class PageKind:
    """One kind of page. Kinds compare by identity; ``name`` is what templates see."""

    name: str
    # (src, model) of every page of this kind; the first kind in KINDS to claim a src wins
    pages: Callable[[Layout], Iterable[tuple[str, Any]]] = _none
    # sources kbgen adds because no writer wrote them
    generated: Callable[[Layout], Iterable[str]] = _none
    title: str | None = None  # the title of a page without a model of its own
    site_titled: bool = False  # titled by the site's name (the home page)
    description: Callable[[Any], str | None] | None = None  # the meta description, from the model
    hide: tuple[str, ...] = ()  # parts of the page it does without: "navigation", "toc"
    searchable: bool = True  # whether the theme's own static search lists it
    in_nav: bool = True  # MkDocs may list it in the navigation (kbgen's nav lists what it should)
    view: Callable[[views.PageContext], dict] | None = None  # its part of the ``kb`` view
    structured_data: Callable[[seo.SeoPage], dict | None] | None = None  # JSON-LD besides breadcrumbs
    og_type: str = "website"
    appendix: Callable[[MarkdownPage], str] | None = None  # Markdown added after the page's own
    explains: Callable[[Any], bool] | None = None  # glossary terms are marked in its HTML
    own_image: bool = False  # its first image is its image for shared links
    banners_everywhere: bool = False  # shows every current notice, not only its category's

    @property
    def template(self) -> str | None:
        """``theme/kbgen/<name>.html`` renders a kind with a view; other pages keep MkDocs' default."""
        return f"kbgen/{self.name}.html" if self.view is not None else None

    def meta(self, model, site_name: str) -> tuple[dict, dict]:
        """MkDocs page meta as (values that override the writer's, defaults): the model's
        title wins over the front matter's (facts rendered); the rest only fills gaps."""
        fixed: dict = {}
        defaults: dict = {}
        if self.template:
            defaults["template"] = self.template
        if self.site_titled:
            defaults["title"] = site_name
        elif model is not None:
            fixed["title"] = model.title
        elif self.title:
            defaults["title"] = self.title
        description = self.description(model) if self.description else None
        if description:
            defaults["description"] = description
        return fixed, defaults

    def __repr__(self) -> str:
        return f"<PageKind {self.name}>"


def _one(src: str, model=None) -> Callable[[Layout], list[tuple[str, Any]]]:
    return lambda layout: [(src, model)]


def _when(flag: str, src: str) -> Callable[[Layout], list]:
    """``src`` only when the layout's ``flag`` is true (e.g. there are notices)."""
    return lambda layout: [src] if getattr(layout, flag) else []


def _page_when(flag: str, src: str) -> Callable[[Layout], list[tuple[str, Any]]]:
    """The generated page ``src`` (no model) only when the layout's ``flag`` is true."""
    return lambda layout: [(src, None)] if getattr(layout, flag) else []


def _summary(model) -> str | None:
    return model.summary


def _fixed(text: str) -> Callable[[Any], str]:
    return lambda _model: text


def _faq_accordion(page: MarkdownPage) -> str:
    """A category page's FAQ accordion, its answers' links rebased onto the page."""
    contact_src = page.contact_src
    contact_link = (
        posixpath.relpath(contact_src, posixpath.dirname(page.src)) if contact_src and contact_src != page.src else None
    )
    return faq_accordion(
        page.model,
        lambda entry: page.resolver.rebase(entry.body, entry.src, page.src),
        heading=page.faq_heading,
        contact_link=contact_link,
    )


HOME = PageKind(
    "home",
    pages=lambda layout: [(HOME_SRC, layout.center.home)],
    generated=lambda layout: [] if layout.center.home is not None else [HOME_SRC],
    site_titled=True,
    hide=("navigation", "toc"),
    view=views.home_page,
    structured_data=seo.website_data,
    banners_everywhere=True,
)
SEARCH = PageKind(
    "search",
    in_nav=False,
    pages=_one(SEARCH_SRC),
    generated=lambda layout: [SEARCH_SRC],
    title=SEARCH_TITLE,
    hide=("navigation", "toc"),
    searchable=False,
    view=views.search_page,
)
UPDATES = PageKind(
    "updates",
    in_nav=False,
    pages=_page_when("has_updates", UPDATES_SRC),
    generated=_when("has_updates", UPDATES_SRC),
    title=UPDATES_TITLE,
    description=_fixed("Changes to our policies, newest first."),
    view=views.updates_page,
)
GLOSSARY = PageKind(
    "glossary",
    pages=_page_when("has_glossary", GLOSSARY_SRC),
    generated=_when("has_glossary", GLOSSARY_SRC),
    title=GLOSSARY_TITLE,
    description=_fixed("The words of our marketplace, explained."),
    view=views.glossary_page,
)
NOTICES = PageKind(
    "notices",
    in_nav=False,
    pages=_page_when("notices", NOTICES_SRC),
    generated=_when("notices", NOTICES_SRC),
    title=NOTICES_TITLE,
    description=_fixed("What is going on right now, and what happened before."),
    hide=("navigation", "toc"),
    view=views.notices_page,
)
NOTICE = PageKind(
    "notice",
    in_nav=False,
    pages=lambda layout: layout.notices.items(),
    description=_summary,
    hide=("navigation",),
    view=views.notice_page,
)
FLOW = PageKind(
    "flow",
    pages=lambda layout: layout.flows.items(),
    generated=lambda layout: list(layout.flows),
    description=_summary,
    hide=("toc",),
    view=views.flow_page,
)
CATEGORY = PageKind(
    "category",
    pages=lambda layout: [(src, p) for src, p in layout.pages.items() if isinstance(p, Category)],
    generated=lambda layout: [c.index_src for c in layout.center.categories if c.intro is None],
    description=lambda category: category.description,
    view=views.category_page,
    structured_data=seo.faq_data,
    appendix=_faq_accordion,
    explains=lambda category: True,
)
ARTICLE = PageKind(
    "article",
    pages=lambda layout: [(src, p) for src, p in layout.pages.items() if isinstance(p, Article)],
    description=_summary,
    view=views.article_page,
    structured_data=seo.article_data,
    og_type="article",
    explains=lambda article: article.glossary,
    own_image=True,
)
OTHER = PageKind("other")  # any other page MkDocs publishes (a writer's own template, say)

# In the order a source is claimed: the first kind that lists a page owns it.
KINDS: tuple[PageKind, ...] = (HOME, SEARCH, UPDATES, GLOSSARY, NOTICES, NOTICE, FLOW, CATEGORY, ARTICLE)
# In the order generated pages are added to MkDocs' files (and so built).
GENERATED: tuple[PageKind, ...] = (HOME, CATEGORY, FLOW, SEARCH, UPDATES, NOTICES, GLOSSARY)


def index(layout: Layout) -> dict[str, tuple[PageKind, Any]]:
    """Every page source of the help center with its kind and model."""
    found: dict[str, tuple[PageKind, Any]] = {}
    for kind in KINDS:
        for src, model in kind.pages(layout):
            found.setdefault(src, (kind, model))
    return found


def generated_sources(layout: Layout) -> list[str]:
    return [src for kind in GENERATED for src in kind.generated(layout)]

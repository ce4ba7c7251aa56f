"""Every kind of page, declared once: which sources it owns, its template, its meta,
its view, its structured data, what it adds to search and what the build does with
its Markdown and HTML.

A new kind is one ``PageKind`` here (plus its template and view builder); the
plugin, ``views.page_view``, ``seo.page_data`` and ``search_entries`` only loop over
or dispatch to these declarations. Nothing here knows the theme: ``hide`` names the
parts of the page a kind does without ("navigation", "toc") and ``searchable`` whether
the theme's own static search may list it; ``kbgen.themes.material`` turns both into
Material's page meta. Nor the search engine: ``documents`` returns neutral
``kbgen.searchable.SearchEntry`` records, which ``kbgen.search`` indexes.
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..constants import DOCUMENT_TYPES
from ..content.links import Resolver
from ..content.model import Article, Category
from ..i18n import N_, Messages, messages
from ..searchable import PageText, SearchEntry
from . import seo, views
from .documents import SearchPage, article_entries, faq_entries, flow_entries, notice_entries
from .faq import Accordion, faq_accordion
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
    faq_heading: str | None  # the project's own wording; None: the catalog's
    messages: Messages | None = None  # the page's language
    placeholders: bool = True  # whether the appendix may leave HTML to fill in (kbgen.pages.faq)


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
    title: str | None = None  # the title (a msgid) of a page without a model of its own
    site_titled: bool = False  # titled by the site's name (the home page)
    # the meta description, from the model (and the page's messages, for kbgen's own pages)
    description: Callable[[Any, Messages], str | None] | None = None
    hide: tuple[str, ...] = ()  # parts of the page it does without: "navigation", "toc"
    searchable: bool = True  # whether the theme's own static search lists it
    in_nav: bool = True  # MkDocs may list it in the navigation (kbgen's nav lists what it should)
    view: Callable[[views.PageContext], dict] | None = None  # its part of the ``kb`` view
    structured_data: Callable[[seo.SeoPage], dict | None] | None = None  # JSON-LD besides breadcrumbs
    og_type: str = "website"
    # Markdown added after the page's own, and what its HTML still needs (Accordion.fill)
    appendix: Callable[[MarkdownPage], Accordion] | None = None
    explains: Callable[[Any], bool] | None = None  # glossary terms are marked in its HTML
    own_image: bool = False  # its first image is its image for shared links
    banners_everywhere: bool = False  # shows every current notice, not only its category's
    # what each of its pages adds to search; every entry of the one ``document_type``
    documents: Callable[[SearchPage], Iterable[SearchEntry]] | None = None
    document_type: str | None = None  # one of kbgen.constants.DOCUMENT_TYPES

    def __post_init__(self):
        if (self.documents is None) != (self.document_type is None) or (
            self.document_type is not None and self.document_type not in DOCUMENT_TYPES
        ):
            raise ValueError(f"page kind {self.name!r}: documents need a document_type, one of {DOCUMENT_TYPES}")

    @property
    def template(self) -> str | None:
        """``theme/kbgen/<name>.html`` renders a kind with a view; other pages keep MkDocs' default."""
        return f"kbgen/{self.name}.html" if self.view is not None else None

    def meta(self, model, site_name: str, m: Messages | None = None) -> tuple[dict, dict]:
        """MkDocs page meta as (values that override the writer's, defaults): the model's
        title wins over the front matter's (facts rendered); the rest only fills gaps."""
        m = m or messages()
        fixed: dict = {}
        defaults: dict = {}
        if self.template:
            defaults["template"] = self.template
        if self.site_titled:
            defaults["title"] = site_name
        elif model is not None:
            fixed["title"] = model.title
        elif self.title:
            defaults["title"] = m.gettext(self.title)
        description = self.description(model, m) if self.description else None
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


def _summary(model, _m: Messages) -> str | None:
    return model.summary


def _fixed(msgid: str) -> Callable[[Any, Messages], str]:
    """The same description for every page of a kind (``msgid``, in the page's language)."""
    return lambda _model, m: m.gettext(msgid)


def _faq_accordion(page: MarkdownPage) -> Accordion:
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
        m=page.messages,
        placeholders=page.placeholders,
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
    description=_fixed(N_("Changes to our policies, newest first.")),
    view=views.updates_page,
)
GLOSSARY = PageKind(
    "glossary",
    pages=_page_when("has_glossary", GLOSSARY_SRC),
    generated=_when("has_glossary", GLOSSARY_SRC),
    title=GLOSSARY_TITLE,
    description=_fixed(N_("The words of our marketplace, explained.")),
    view=views.glossary_page,
)
NOTICES = PageKind(
    "notices",
    in_nav=False,
    pages=_page_when("notices", NOTICES_SRC),
    generated=_when("notices", NOTICES_SRC),
    title=NOTICES_TITLE,
    description=_fixed(N_("What is going on right now, and what happened before.")),
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
    documents=notice_entries,
    document_type="notice",
)
FLOW = PageKind(
    "flow",
    pages=lambda layout: layout.flows.items(),
    generated=lambda layout: list(layout.flows),
    description=_summary,
    hide=("toc",),
    view=views.flow_page,
    documents=flow_entries,
    document_type="flow",
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
    documents=article_entries,
    document_type="article",
)
CATEGORY = PageKind(
    "category",
    pages=lambda layout: [(src, p) for src, p in layout.pages.items() if isinstance(p, Category)],
    generated=lambda layout: [c.index_src for c in layout.center.categories if c.intro is None],
    description=lambda category, _m: category.description,
    view=views.category_page,
    structured_data=seo.faq_data,
    appendix=_faq_accordion,
    explains=lambda category: True,
    documents=faq_entries,  # a FAQ entry is an anchor on its category's page
    document_type="faq",
)
OTHER = PageKind("other")  # any other page MkDocs publishes (a writer's own template, say)

# In the order a source is claimed: the first kind that lists a page owns it. Also the
# order of search entries within a category (see search_entries): ARTICLE and CATEGORY
# never claim the same source, and a category's articles come before its FAQ entries.
KINDS: tuple[PageKind, ...] = (HOME, SEARCH, UPDATES, GLOSSARY, NOTICES, NOTICE, FLOW, ARTICLE, CATEGORY)
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


def search_entries(layout: Layout, texts: Mapping[str, PageText]) -> list[SearchEntry]:
    """What every page adds to search, each by its kind's ``documents``; ``texts`` maps a
    page's source to its rendered text (a page without one counts as empty).

    In a reproducible order: by category (the categories' order, then entries of no
    category), and within that by kind (``KINDS``) and page. So a category's articles
    come before its FAQ entries, then notices, flows and top-level articles: the order
    the index had before the kinds declared their entries, kept so that the same content
    gives the same index bytes and Whoosh breaks ties (by document number) as before.
    """
    return plan_entries(search_plan(layout), texts)


def plan_entries(
    plan: list[tuple[str, Callable[[PageText], list[SearchEntry]]]], texts: Mapping[str, PageText]
) -> list[SearchEntry]:
    """:func:`search_entries` from a plan made already (:func:`search_plan`)."""
    return [entry for src, make in plan for entry in make(texts.get(src) or PageText())]


def search_plan(layout: Layout) -> list[tuple[str, Callable[[PageText], list[SearchEntry]]]]:
    """The pages that add to search, in the order of :func:`search_entries`, before any is
    rendered: each page's source and how to make its entries from its rendered text.

    So the index can take a page's entries as soon as the page is rendered
    (``kbgen.search.Indexing``). How many entries a page has and their category never
    depend on its text (the kinds' ``documents`` read the text only for bodies and
    headings): they are read from the entries of an empty text.
    """
    plan: list[tuple[str, Callable[[PageText], list[SearchEntry]]]] = []
    categories: list[str] = []  # each planned page's category (all its entries share it)
    for src, (kind, model) in index(layout).items():
        if kind.documents is None:
            continue
        make = _entries_of(kind, SearchPage(src, model, layout.center, PageText()))
        found = make(PageText())
        if found:
            plan.append((src, make))
            categories.append(found[0].category)
    rank = {category.slug: i for i, category in enumerate(layout.center.categories)}
    order = sorted(range(len(plan)), key=lambda i: rank.get(categories[i], len(rank)))  # stable
    return [plan[i] for i in order]


def _entries_of(kind: PageKind, page: SearchPage) -> Callable[[PageText], list[SearchEntry]]:
    """A page's search entries from its rendered text."""
    return _PageEntries(kind, page)


class _PageEntries:
    """A page's search entries from its rendered text, made once per text: a build asks for
    them with an empty text to plan the index, again when the page is rendered, and again
    for the whole list at its end (a category page of a FAQ-heavy help center: 900 entries
    each time). A page's text is never changed once made, so the same text object gives the
    same entries."""

    __slots__ = ("_kind", "_page", "_empty", "_text", "_entries")

    def __init__(self, kind: PageKind, page: SearchPage):
        self._kind, self._page = kind, page
        self._empty: list[SearchEntry] | None = None  # the entries of an empty text
        self._text: PageText | None = None  # the last text asked for, and its entries
        self._entries: list[SearchEntry] = []

    def __call__(self, text: PageText) -> list[SearchEntry]:
        if text is self._text:
            return list(self._entries)
        if text == _NO_TEXT:
            if self._empty is None:
                self._empty = self._make(text)
            return list(self._empty)
        self._text, self._entries = text, self._make(text)
        return list(self._entries)

    def _make(self, text: PageText) -> list[SearchEntry]:
        return list(self._kind.documents(dataclasses.replace(self._page, text=text)))


_NO_TEXT = PageText()

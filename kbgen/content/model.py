"""The help center as typed objects: what the loader produces and every later step reads.

Paths (``src``) are POSIX paths relative to the content folder, as MkDocs names
files, so pages, links and the search index agree on one key per page.
"""

from __future__ import annotations

import datetime as dt
import functools
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..contact.hours import Schedule
from . import urls
from .facts import Facts
from .notices import Notice
from .yamlfile import Lines

if TYPE_CHECKING:  # the glossary resolves its links through the model: annotation only
    from .glossary import Glossary


@functools.lru_cache(maxsize=65536)
def _stem(src: str) -> str:
    """A file's name without its extension: an article's or a FAQ entry's slug. Kept per path, as
    pages, checks and search ask for each one's slug many times (80,000 times in a build of
    8,600 files)."""
    return posixpath.splitext(posixpath.basename(src))[0]


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str
    line: int


@dataclass
class Article:
    src: str
    path: Path
    category: str | None
    section: str | None
    title: str
    body: str
    body_line: int
    summary: str = ""
    tags: tuple[str, ...] = ()
    audience: str = "everyone"
    updated: dt.date | None = None
    effective: dt.date | None = None
    review_by: dt.date | None = None
    owner: str = ""
    promoted: bool = False
    contact: bool = True  # show "Still need help?"
    glossary: bool = True  # explain glossary terms on first use
    changes: list[tuple[dt.date, str]] = field(default_factory=list)  # change history
    facts_used: list[str] = field(default_factory=list)  # {{ fact:... }} in the body
    headings: list[Heading] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)
    meta: dict = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)  # front-matter key -> line

    kind = "article"

    @property
    def slug(self) -> str:
        return _stem(self.src)


@dataclass
class FaqEntry:
    src: str
    path: Path
    category: str
    question: str
    body: str
    body_line: int
    tags: tuple[str, ...] = ()
    audience: str = "everyone"
    updated: dt.date | None = None
    promoted: bool = False
    contact: bool = True
    glossary: bool = True
    headings: list[Heading] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)
    lines: dict[str, int] = field(default_factory=dict)

    kind = "faq"

    @property
    def slug(self) -> str:
        """The entry's file name without ``.md``: its anchor and its stable id."""
        return _stem(self.src)

    @property
    def title(self) -> str:
        return self.question

    @property
    def page_src(self) -> str:
        """The page that shows this entry: its category's page."""
        return urls.category_page(self.category)


@dataclass
class Section:
    slug: str
    title: str
    articles: list[Article] = field(default_factory=list)


@dataclass
class Category:
    slug: str
    path: Path
    title: str
    description: str = ""
    icon: str = ""
    order: int = 1000
    articles: list[Article] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    faqs: list[FaqEntry] = field(default_factory=list)
    intro: Article | None = None  # the writer's own <category>/index.md, if any
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def index_src(self) -> str:
        return urls.category_page(self.slug)

    @property
    def all_articles(self) -> list[Article]:
        return self.articles + [a for s in self.sections for a in s.articles]


@dataclass
class HelpCenter:
    docs_dir: Path
    categories: list[Category] = field(default_factory=list)
    loose_articles: list[Article] = field(default_factory=list)  # top-level pages
    home: Article | None = None  # the writer's own index.md, if any
    synonyms: list[tuple[str, ...]] = field(default_factory=list)  # synonyms.yml (English)
    synonyms_by_language: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)  # synonyms.de.yml ...
    contact: Contact | None = None
    flows: list[Flow] = field(default_factory=list)
    facts: Facts | None = None
    glossary: Glossary | None = None
    notices: list[Notice] = field(default_factory=list)
    zone: str = "UTC"  # the help center's time zone (contact.yml), for naive times
    market: object = None  # the markets.Market whose facts, channels and notices these are
    language: str = "en"  # the language the pages are written in
    # pages of the default language this one lacks (untranslated): source -> address, which
    # links to them use (set by kbgen.pairs before the checks)
    fallbacks: dict[str, str] = field(default_factory=dict)

    def flow(self, flow_id: str) -> Flow | None:
        return next((f for f in self.flows if f.id == flow_id), None)

    def category(self, slug: str | None) -> Category | None:
        return next((c for c in self.categories if c.slug == slug), None)

    @property
    def articles(self) -> list[Article]:
        return [a for c in self.categories for a in c.all_articles] + self.loose_articles

    @property
    def faqs(self) -> list[FaqEntry]:
        return [f for c in self.categories for f in c.faqs]

    def written(self, notices: bool = True) -> list[Article | FaqEntry | Notice]:
        """Every page body a writer wrote: articles, FAQ answers, category intros, the
        home page and (unless ``notices`` is false) notices. What checks scan."""
        pages: list[Article | FaqEntry | Notice] = [*self.articles, *self.faqs]
        pages += [c.intro for c in self.categories if c.intro is not None]
        if self.home is not None:
            pages.append(self.home)
        if notices:
            pages += self.notices
        return pages

    def by_src(self) -> dict[str, Article | FaqEntry | Category | Notice]:
        """Every page source (and FAQ file) keyed by its docs-relative path."""
        pages: dict[str, Article | FaqEntry | Category | Notice] = {}
        for c in self.categories:
            pages[c.index_src] = c
            for a in c.all_articles:
                pages[a.src] = a
            for f in c.faqs:
                pages[f.src] = f
        for a in self.loose_articles:
            pages[a.src] = a
        for n in self.notices:
            pages[n.src] = n
        return pages


@dataclass
class Channel:
    """One way to reach support (contact.yml)."""

    id: str
    type: str  # phone | email | chat | messaging | social | form | post
    label: str
    address: str = ""  # number, e-mail address, handle or postal address
    url: str = ""  # where the channel starts (tel:, mailto:, https:)
    audience: str = "everyone"
    schedule: Schedule | None = None  # None: any time
    response_minutes: int | None = None
    response: str = ""  # the promise as shoppers read it
    escalation: int | None = None  # place in the escalation order (1 = first)
    script: str = ""  # a live-chat provider's script, loaded only on request
    note: str = ""
    line: int = 1
    response_fact: str = ""  # response_time given as {{ fact:name }}
    response_line: int = 1


@dataclass
class Contact:
    path: Path
    zone: str
    channels: list[Channel] = field(default_factory=list)
    holidays: list[tuple[dt.date, str]] = field(default_factory=list)

    def channel(self, channel_id: str) -> Channel | None:
        return next((c for c in self.channels if c.id == channel_id), None)

    def for_audience(self, audience: str) -> list[Channel]:
        """Channels a page for ``audience`` shows: theirs and everyone's."""
        if audience == "everyone":
            return list(self.channels)
        return [c for c in self.channels if c.audience in (audience, "everyone")]

    @property
    def escalation(self) -> list[Channel]:
        return sorted((c for c in self.channels if c.escalation), key=lambda c: c.escalation)


@dataclass
class FlowAnswer:
    label: str
    next: str


@dataclass
class FlowStep:
    id: str
    question: str
    help: str = ""
    answers: list[FlowAnswer] = field(default_factory=list)


@dataclass
class FlowResult:
    id: str
    title: str
    text: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, target src)
    channel: str | None = None


@dataclass
class Flow:
    """A guided resolution: questions leading to what to do and whom to contact."""

    id: str
    path: Path
    title: str
    summary: str = ""
    audience: str = "everyone"
    start: str = ""
    steps: list[FlowStep] = field(default_factory=list)
    results: list[FlowResult] = field(default_factory=list)
    lines: Lines | None = field(default=None, repr=False)  # YAML key path -> line

    @property
    def src(self) -> str:
        return f"flows/{self.id}.md"

    def node(self, node_id: str) -> FlowStep | FlowResult | None:
        return next((n for n in [*self.steps, *self.results] if n.id == node_id), None)

    def placeholder_fields(self) -> list[tuple[object, str, tuple]]:
        """(object, attribute, YAML key path) of every text that renders ``{{ fact:... }}``:
        the summary, each step's question and help, each result's title and text (answer
        and link labels do not). What the fact check reads and ``facts.apply`` renders."""
        fields: list[tuple[object, str, tuple]] = [(self, "summary", ("summary",))]
        for i, step in enumerate(self.steps):
            fields += [(step, "question", ("steps", i, "question")), (step, "help", ("steps", i, "help"))]
        for i, result in enumerate(self.results):
            fields += [(result, "title", ("results", i, "title")), (result, "text", ("results", i, "text"))]
        return fields

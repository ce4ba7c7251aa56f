"""Which pages the help center has, what kind each is, and the navigation."""

from __future__ import annotations

import datetime as dt
import enum
from functools import cached_property
from html import escape

from ..content.model import Article, Category, HelpCenter
from .contact import contact_view

HOME_SRC = "index.md"
SEARCH_SRC = "search.md"  # the results page, /search/?q=
UPDATES_SRC = "policy-updates.md"  # every policy change, newest first
GLOSSARY_SRC = "glossary.md"  # the glossary, A to Z
NOTICES_SRC = "notices/index.md"  # service notices, current and past


class PageKind(str, enum.Enum):
    HOME = "home"
    SEARCH = "search"
    FLOW = "flow"
    UPDATES = "updates"
    GLOSSARY = "glossary"
    NOTICE = "notice"
    NOTICES = "notices"
    CATEGORY = "category"
    ARTICLE = "article"
    OTHER = "other"

    @property
    def template(self) -> str | None:
        return None if self is PageKind.OTHER else f"kbgen/{self.value}.html"


class Layout:
    """The pages of one help center, keyed by their docs-relative source path."""

    def __init__(self, center: HelpCenter):
        self.center = center
        self.pages: dict[str, Article | Category] = {
            src: page for src, page in center.by_src().items() if isinstance(page, (Article, Category))
        }
        self.flows = {flow.src: flow for flow in center.flows}
        self.notices = {notice.src: notice for notice in center.notices}
        self.has_glossary = bool(center.glossary and center.glossary.terms)
        self.has_updates = any(a.changes for a in center.articles) or bool(
            center.facts and any(f.changes for f in center.facts.facts.values())
        )

    @cached_property
    def contact_status(self) -> dict | None:
        """Every channel, for everyone: the same on every page, so built once."""
        return contact_view(self.center.contact)

    def classify(self, src: str) -> tuple[PageKind, Article | Category | None]:
        if src == HOME_SRC:
            return PageKind.HOME, self.center.home
        if src == SEARCH_SRC:
            return PageKind.SEARCH, None
        if src == UPDATES_SRC and self.has_updates:
            return PageKind.UPDATES, None
        if src == GLOSSARY_SRC and self.has_glossary:
            return PageKind.GLOSSARY, None
        if src == NOTICES_SRC and self.notices:
            return PageKind.NOTICES, None
        notice = self.notices.get(src)
        if notice is not None:
            return PageKind.NOTICE, notice
        flow = self.flows.get(src)
        if flow is not None:
            return PageKind.FLOW, flow
        page = self.pages.get(src)
        if isinstance(page, Category):
            return PageKind.CATEGORY, page
        if isinstance(page, Article):
            return PageKind.ARTICLE, page
        return PageKind.OTHER, None

    def category_of(self, src: str) -> str | None:
        kind, page = self.classify(src)
        if kind is PageKind.CATEGORY:
            return page.slug
        return getattr(page, "category", None) if kind is PageKind.ARTICLE else None

    def last_updated(self, src: str) -> dt.date | None:
        """When a page last changed, from content dates (not the build clock).

        Sitemaps and their gzip header use it, so a rebuild of unchanged
        content gives the same bytes on any day.
        """
        kind, page = self.classify(src)
        if kind is PageKind.ARTICLE and page.updated:
            return page.updated
        if kind is PageKind.CATEGORY:
            items = [*page.all_articles, *page.faqs]
        else:
            items = [*self.center.articles, *self.center.faqs]
        dates = [i.updated for i in items if i.updated]
        return max(dates) if dates else None

    def generated_sources(self) -> list[str]:
        """Pages to add because no writer wrote them: the home and category pages."""
        srcs = [] if self.center.home is not None else [HOME_SRC]
        srcs += [c.index_src for c in self.center.categories if c.intro is None]
        srcs += list(self.flows) + [SEARCH_SRC]
        srcs += [UPDATES_SRC] if self.has_updates else []
        srcs += [NOTICES_SRC] if self.notices else []
        return srcs + ([GLOSSARY_SRC] if self.has_glossary else [])

    def navigation(self, home_title: str) -> list:
        """MkDocs ``nav`` from the categories, so writers never maintain it."""
        # MkDocs and Material render nav titles as HTML: escape what writers typed.
        nav: list = [{escape(home_title): HOME_SRC}]
        for category in self.center.categories:
            items: list = [category.index_src]
            items += [a.src for a in category.articles]
            for section in category.sections:
                items.append({escape(section.title): [a.src for a in section.articles]})
            nav.append({escape(category.title): items})
        nav += [a.src for a in self.center.loose_articles]
        if self.flows:
            nav.append({"Guided help": list(self.flows)})
        if self.has_glossary:
            nav.append(GLOSSARY_SRC)
        return nav

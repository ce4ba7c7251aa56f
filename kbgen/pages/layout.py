"""Which pages the help center has, what kind each is, and the navigation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from functools import cached_property
from html import escape

from ..content.model import Article, Category, HelpCenter
from ..i18n import Messages, messages
from ..searchable import PageText, SearchEntry
from . import kinds
from .contact import contact_view
from .kinds import PageKind
from .sources import FLOWS_TITLE, GLOSSARY_SRC, HOME_SRC, HOME_TITLE, NOTICES_SRC, SEARCH_SRC, UPDATES_SRC

__all__ = ["GLOSSARY_SRC", "HOME_SRC", "NOTICES_SRC", "SEARCH_SRC", "UPDATES_SRC", "Layout", "PageKind"]


class Layout:
    """The pages of one help center, keyed by their docs-relative source path, in one
    language (``m``: the messages its pages are written in)."""

    def __init__(self, center: HelpCenter, m: Messages | None = None):
        self.center = center
        self.messages = m or messages()
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
        return contact_view(self.center.contact, m=self.messages)

    @cached_property
    def _kinds(self) -> dict[str, tuple[PageKind, Article | Category | None]]:
        return kinds.index(self)

    def classify(self, src: str) -> tuple[PageKind, Article | Category | None]:
        """The kind of the page built from ``src`` and its model (None for pages without one)."""
        return self._kinds.get(src, (kinds.OTHER, None))

    def category_of(self, src: str) -> str | None:
        kind, page = self.classify(src)
        if kind is kinds.CATEGORY:
            return page.slug
        return getattr(page, "category", None) if kind is kinds.ARTICLE else None

    def last_updated(self, src: str) -> dt.date | None:
        """When a page last changed, from content dates (not the build clock).

        Sitemaps and their gzip header use it, so a rebuild of unchanged
        content gives the same bytes on any day.
        """
        kind, page = self.classify(src)
        if kind is kinds.ARTICLE and page.updated:
            return page.updated
        if kind is kinds.CATEGORY:
            return _latest([*page.all_articles, *page.faqs])
        return self._latest_anywhere  # every other page: once, not once per page

    @cached_property
    def _latest_anywhere(self) -> dt.date | None:
        return _latest([*self.center.articles, *self.center.faqs])

    def generated_sources(self) -> list[str]:
        """Pages to add because no writer wrote them: the home and category pages, kbgen's own."""
        return kinds.generated_sources(self)

    def search_entries(self, texts: Mapping[str, PageText]) -> list[SearchEntry]:
        """What the help center adds to search, page by page (``texts``: each page's rendered text)."""
        return kinds.plan_entries(self._search_plan, texts)

    def search_plan(self) -> list[tuple[str, Callable[[PageText], list[SearchEntry]]]]:
        """The pages that add to search, in index order: (source, its entries from its rendered text)."""
        return self._search_plan

    @cached_property
    def _search_plan(self) -> list[tuple[str, Callable[[PageText], list[SearchEntry]]]]:
        # made once a build: the index plans with it before the pages, and checks against it after them
        return kinds.search_plan(self)

    def navigation(self, home_title: str | None = None) -> list:
        """MkDocs ``nav`` from the categories, so writers never maintain it."""
        # MkDocs and Material render nav titles as HTML: escape what writers typed.
        m = self.messages
        nav: list = [{escape(home_title or m.gettext(HOME_TITLE)): HOME_SRC}]
        for category in self.center.categories:
            items: list = [category.index_src]
            items += [a.src for a in category.articles]
            for section in category.sections:
                items.append({escape(section.title): [a.src for a in section.articles]})
            nav.append({escape(category.title): items})
        nav += [a.src for a in self.center.loose_articles]
        if self.flows:
            nav.append({escape(m.gettext(FLOWS_TITLE)): list(self.flows)})
        if self.has_glossary:
            nav.append(GLOSSARY_SRC)
        return nav


def _latest(items) -> dt.date | None:
    dates = [i.updated for i in items if i.updated]
    return max(dates) if dates else None

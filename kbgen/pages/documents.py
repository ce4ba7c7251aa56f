"""What each kind of page adds to search, as engine-neutral ``SearchEntry`` records.

One function per kind, named by its ``PageKind.documents``: an article is one entry,
a category page one per FAQ entry it shows (an anchor on that page), a notice and a
flow one each. Built from the model (titles, tags, audience, category) and the page's
rendered text, which is what shoppers read; ``kbgen.search`` turns the entries into
its index documents. Nothing here knows Whoosh.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..content.model import HelpCenter
from ..searchable import PageText, SearchEntry
from .sources import FLOWS_TITLE, NOTICES_TITLE, RECALLS_TITLE


@dataclass(frozen=True)
class SearchPage:
    """What a kind's ``documents`` reads: one page, its model and its rendered text."""

    src: str
    model: Any
    center: HelpCenter
    text: PageText


def article_entries(page: SearchPage) -> list[SearchEntry]:
    """An article (in a category, or a top-level page): its rendered text and headings."""
    article = page.model
    category = page.center.category(article.category)
    return [
        SearchEntry(
            type="article",
            id=article.src,
            src=page.src,
            title=article.title,
            summary=article.summary,
            headings=tuple(page.text.headings),
            tags=tuple(article.tags),
            body=page.text.body,
            category=category.slug if category else "",
            category_title=category.title if category else "",
            audience=article.audience,
            promoted=article.promoted,
        )
    ]


def faq_entries(page: SearchPage) -> list[SearchEntry]:
    """A category page's FAQ entries: each answer as rendered there, at the entry's anchor."""
    category = page.model
    return [
        SearchEntry(
            type="faq",
            id=entry.src,  # the entry's own file: its id survives a move of the accordion
            src=page.src,
            anchor=entry.slug,
            title=entry.question,
            tags=tuple(entry.tags),
            body=page.text.faq_answers.get(entry.slug, ""),
            category=category.slug,
            category_title=category.title,
            audience=entry.audience,
            promoted=entry.promoted,
        )
        for entry in category.faqs
    ]


def notice_entries(page: SearchPage) -> list[SearchEntry]:
    """A service notice or recall, with its updates and its display window."""
    notice = page.model
    updates = "\n".join(u.text for u in notice.updates)
    return [
        SearchEntry(
            type="notice",
            id=notice.src,
            src=page.src,
            title=notice.title,
            summary=notice.summary,
            headings=tuple(page.text.headings),
            tags=tuple(notice.recall.values()),
            body=f"{page.text.body}\n{updates}",
            category_title=RECALLS_TITLE if notice.type == "recall" else NOTICES_TITLE,
            audience=notice.audience,
            starts=notice.start,
            ends=notice.end,
            severity=notice.severity,
        )
    ]


def flow_entries(page: SearchPage) -> list[SearchEntry]:
    """A guided flow: its steps are rendered after the index text is read, so the model's words."""
    flow = page.model
    steps = [f"{s.question}\n{_plain(s.help)}\n" + "\n".join(a.label for a in s.answers) for s in flow.steps]
    results = [f"{r.title}\n{_plain(r.text)}" for r in flow.results]
    return [
        SearchEntry(
            type="flow",
            id=f"flows/{flow.id}.yml",  # its source file (the page is generated)
            src=page.src,
            title=flow.title,
            summary=flow.summary,
            headings=tuple(s.question for s in flow.steps),
            body="\n".join([*steps, *results]),
            category_title=FLOWS_TITLE,
            audience=flow.audience,
        )
    ]


def _plain(markdown: str) -> str:
    """Flow texts are Markdown: the index and snippets read words, not emphasis marks."""
    return re.sub(r"[*_`]+", "", markdown)

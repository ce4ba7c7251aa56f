"""The FAQ accordion of a category page: Markdown for MkDocs, finished in its HTML.

Answers stay Markdown so MkDocs renders them with the site's extensions and
resolves their links like any page's. Native ``<details>``/``<summary>`` make
the accordion keyboard and screen-reader accessible without JavaScript; each
entry's id is its file name, its stable permalink.

The accordion's own markup is HTML that ``md_in_html`` would parse for every
entry (8,000 entries on a large help center: most of the time its pages take).
So it goes into the Markdown as placeholder paragraphs between the answers
(one between two entries: the end of one and the start of the next), and
:meth:`Accordion.fill` puts in, after Markdown, the exact HTML that
``md_in_html`` makes of it: the same bytes, without parsing them. An answer
whose Markdown could read differently outside the accordion's ``<div>`` (raw
HTML; a first line that continues the paragraph before it, as ``: term``
does) keeps the ``md_in_html`` form, and so does every answer when the site
uses a Markdown extension not known to render alike (``SAME_OUTSIDE``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import escape

from ..content.model import Category, FaqEntry
from ..i18n import Messages, messages
from ..unindexed import ATTRIBUTE as UNINDEXED
from .sources import FAQ_HEADING

FAQ_HEADING_ID = "faq"
# A placeholder paragraph is this word and what it stands for: no Markdown extension
# changes a word of letters and digits, and no writer's text holds it (checked).
MARK = "kbgenfaqmark"
# Markdown extensions (as mkdocs.yml names them) under which an answer renders to the same
# HTML at the top level of a page as inside the accordion's ``markdown="1"`` elements
# (tests/test_faq_placeholders.py renders every construct both ways).
SAME_OUTSIDE = frozenset(
    {
        "abbr",
        "admonition",
        "attr_list",
        "def_list",
        "fenced_code",
        "footnotes",
        "md_in_html",
        "meta",
        "nl2br",
        "sane_lists",
        "smarty",
        "tables",
        "toc",
        "pymdownx.betterem",
        "pymdownx.caret",
        "pymdownx.details",
        "pymdownx.emoji",
        "pymdownx.highlight",
        "pymdownx.inlinehilite",
        "pymdownx.keys",
        "pymdownx.mark",
        "pymdownx.smartsymbols",
        "pymdownx.superfences",
        "pymdownx.tabbed",
        "pymdownx.tasklist",
        "pymdownx.tilde",
    }
)
_PLACEHOLDER = re.compile(rf"<p>{MARK}\d+</p>|<p>{MARK}\d+c ")
_SLUG = re.compile(r"^[a-z0-9_-]+$")  # an id md_in_html writes back as it reads it


def placeholders_apply(extensions: Iterable[str]) -> bool:
    """Whether a site with these Markdown extensions gets the accordion's placeholders."""
    return all(
        name.removeprefix("markdown.extensions.") in SAME_OUTSIDE for name in extensions if isinstance(name, str)
    )


@dataclass
class Accordion:
    """A category page's accordion: its Markdown, and what its HTML still needs."""

    markdown: str = ""
    anchors: set[str] = field(default_factory=set)  # the ids of the entries placed by placeholders
    _fills: dict[str, str] = field(default_factory=dict)  # placeholder -> its HTML

    def fill(self, html: str) -> str:
        """The rendered page with every placeholder replaced by the HTML ``md_in_html`` makes."""
        if not self._fills:
            return html
        seen: list[str] = []

        def put(match: re.Match) -> str:
            key = match.group(0)
            seen.append(key)
            return self._fills.get(key, key)

        filled = _PLACEHOLDER.sub(put, html)
        if sorted(seen) != sorted(self._fills):  # a Markdown extension changed a placeholder
            raise ValueError(
                f"the FAQ accordion's placeholders came out of Markdown changed ({len(seen)} found for "
                f"{len(self._fills)}): a Markdown extension or the page's own text changes them"
            )
        return filled


def faq_accordion(
    category: Category,
    rebase: Callable[[FaqEntry], str],
    heading: str | None = None,
    contact_link: str | None = None,
    m: Messages | None = None,
    placeholders: bool = True,
) -> Accordion:
    """``contact_link``: a Markdown link target (relative to the category page) for
    the "Still need help?" line under each answer. ``placeholders``: whether answers
    may render outside the accordion's ``<div>`` (see :func:`placeholders_apply`)."""
    if not category.faqs:
        return Accordion()
    m = m or messages()
    heading = heading or m.gettext(FAQ_HEADING)
    head = f"\n\n## {escape(heading)} {{#{FAQ_HEADING_ID}}}\n\n"
    entries = [(entry, rebase(entry)) for entry in _ordered(category.faqs)]
    texts = [
        head,
        m.gettext("Still need help?"),
        m.gettext("Contact us"),
        m.gettext("Link to this answer"),
        contact_link or "",
    ]
    if not placeholders or any(MARK in text for text in [*texts, *(answer for _, answer in entries)]):
        parts = [head, '<div class="kb-faq" markdown="1">\n']
        for entry, answer in entries:
            parts.append(_entry(entry, answer, contact_link if entry.contact else None, m))
        parts.append("</div>\n")
        return Accordion("".join(parts))
    accordion = Accordion()
    parts = [head]
    # the accordion's HTML up to the next Markdown: one placeholder paragraph stands for it
    # (Markdown writes "\n" between two paragraphs, so one paragraph for two is the same bytes)
    waiting = ['<div class="kb-faq">']
    numbers = itertools.count()

    def placeholder(end: str = "\n\n") -> None:
        if not waiting:  # right after an entry in md_in_html form
            return
        key = f"{MARK}{next(numbers)}"
        parts.append(key + end)
        accordion._fills[f"<p>{key}</p>"] = "\n".join(waiting)
        waiting.clear()

    for number, (entry, answer) in enumerate(entries):
        contact = contact_link if entry.contact else None
        if not _same_outside(entry, answer):
            placeholder()
            parts.append(_entry(entry, answer, contact, m) + "\n")
            continue
        waiting.append(_opening(entry))
        placeholder()
        parts.append(_placed_answer(accordion, number, answer, contact, m))
        waiting.append(_closing(entry, m))
        accordion.anchors.add(entry.slug)
    waiting.append("</div>")
    placeholder("\n")
    accordion.markdown = "".join(parts)
    return accordion


def _ordered(entries: list[FaqEntry]) -> list[FaqEntry]:
    return sorted(entries, key=lambda e: (not e.promoted, e.question.casefold()))


def _same_outside(entry: FaqEntry, answer: str) -> bool:
    """Whether ``answer`` renders the same at the top level of the page: no raw HTML
    (``md_in_html`` writes nested elements back its own way), and no first line that a
    Markdown extension joins to the paragraph before it (a definition list's ``: ``)."""
    return "<" not in answer and not answer.lstrip().startswith(":") and _SLUG.match(entry.slug) is not None


def _opening(entry: FaqEntry) -> str:
    """The HTML ``md_in_html`` makes of an entry's markup before its answer."""
    glossary_off = "" if entry.glossary else ' data-kb-glossary="off"'
    return (
        f'<details class="kb-faq__item" data-kb-faq="data-kb-faq" id="{entry.slug}">\n'
        f'<summary class="kb-faq__question">{escape(entry.question)}</summary>\n'
        f'<div class="kb-faq__answer"{glossary_off}>'
    )


def _placed_answer(accordion: Accordion, number: int, answer: str, contact_link: str | None, m: Messages) -> str:
    """An entry's answer, and its "Still need help?" line (Markdown: it holds a link) as a
    paragraph whose start is a placeholder too."""
    contact = ""
    if contact_link:
        still, us = escape(m.gettext("Still need help?")), escape(m.gettext("Contact us"))
        contact = f"{MARK}{number}c {still} [{us}]({contact_link})\n\n"
        accordion._fills[f"<p>{MARK}{number}c "] = f'<p class="kb-faq__contact" {UNINDEXED}="{UNINDEXED}">'
    return f"{answer.strip()}\n\n{contact}"


def _closing(entry: FaqEntry, m: Messages) -> str:
    """The HTML ``md_in_html`` makes of an entry's markup after its answer."""
    slug = entry.slug
    permalink = escape(m.gettext("Link to this answer"))
    return (
        f'<div class="kb-embed" data-kb-embed="feedback:{slug}"></div>\n'
        f'<p class="kb-faq__permalink" {UNINDEXED}="{UNINDEXED}"><a href="#{slug}">{permalink}</a></p>\n'
        "</div>\n</details>"
    )


def _entry(entry: FaqEntry, answer: str, contact_link: str | None, m: Messages) -> str:
    slug = escape(entry.slug)
    glossary_off = "" if entry.glossary else ' data-kb-glossary="off"'
    contact = (
        f'<p class="kb-faq__contact" {UNINDEXED} markdown="1">{escape(m.gettext("Still need help?"))} '
        f"[{escape(m.gettext('Contact us'))}]({contact_link})</p>\n\n"
        if contact_link
        else ""
    )
    permalink = escape(m.gettext("Link to this answer"))
    return (
        f'<details class="kb-faq__item" id="{slug}" data-kb-faq markdown="1">\n'
        f'<summary class="kb-faq__question">{escape(entry.question)}</summary>\n'
        f'<div class="kb-faq__answer"{glossary_off} markdown="1">\n\n'
        f"{answer.strip()}\n\n"
        f"{contact}"
        f'<div class="kb-embed" data-kb-embed="feedback:{slug}"></div>\n\n'
        f'<p class="kb-faq__permalink" {UNINDEXED}><a href="#{slug}">{permalink}</a></p>\n\n'
        f"</div>\n</details>\n"
    )

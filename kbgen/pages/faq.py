"""The FAQ accordion of a category page, as Markdown for ``md_in_html``.

Answers stay Markdown so MkDocs renders them with the site's extensions and
resolves their links like any page's. Native ``<details>``/``<summary>`` make
the accordion keyboard and screen-reader accessible without JavaScript; each
entry's id is its file name, its stable permalink.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from ..content.model import Category, FaqEntry
from ..i18n import Messages, messages
from ..unindexed import ATTRIBUTE as UNINDEXED
from .sources import FAQ_HEADING

FAQ_HEADING_ID = "faq"


def faq_accordion(
    category: Category,
    rebase: Callable[[FaqEntry], str],
    heading: str | None = None,
    contact_link: str | None = None,
    m: Messages | None = None,
) -> str:
    """``contact_link``: a Markdown link target (relative to the category page) for
    the "Still need help?" line under each answer."""
    if not category.faqs:
        return ""
    m = m or messages()
    heading = heading or m.gettext(FAQ_HEADING)
    parts = [f'\n\n## {escape(heading)} {{#{FAQ_HEADING_ID}}}\n\n<div class="kb-faq" markdown="1">\n']
    for entry in _ordered(category.faqs):
        parts.append(_entry(entry, rebase(entry), contact_link if entry.contact else None, m))
    parts.append("</div>\n")
    return "".join(parts)


def _ordered(entries: list[FaqEntry]) -> list[FaqEntry]:
    return sorted(entries, key=lambda e: (not e.promoted, e.question.casefold()))


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

"""Shortcodes in Markdown: ``{{ contact:chat }}`` places a channel card,
``{{ flow:item-not-received }}`` a guided flow.

Markdown is rendered before templates exist, so a shortcode first becomes an
empty marker element, and the widget's HTML (the same partial the theme
uses) replaces it once the page is rendered.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..content.mdscan import SHORTCODE, mask_code

KINDS = ("contact", "flow")  # shortcodes writers use; "feedback" markers are kbgen's own
MARKER = re.compile(r'<div class="kb-embed" data-kb-embed="(?P<kind>[a-z]+):(?P<id>[a-z0-9-]+)"></div>')
STAND_IN = "kbgenfeedbackstandin"  # where a page's feedback form takes each FAQ entry's id
_PLAIN_ID = re.compile(r"^[a-z0-9_-]+$")  # an id that escaping leaves as it is


def to_markers(markdown: str) -> str:
    """Replace shortcodes (outside code) with marker elements on their own lines."""
    masked = mask_code(markdown)
    out, pos = [], 0
    for match in SHORTCODE.finditer(masked):
        if match.group("kind") not in KINDS:
            continue
        out.append(markdown[pos : match.start()])
        out.append(f'\n\n<div class="kb-embed" data-kb-embed="{match.group("kind")}:{match.group("id")}"></div>\n\n')
        pos = match.end()
    out.append(markdown[pos:])
    return "".join(out)


def render_markers(html: str, render: Callable[[str, str], str | None]) -> str:
    """Replace markers with ``render(kind, id)``; unknown ones are left out."""
    return MARKER.sub(lambda m: render(m.group("kind"), m.group("id")) or "", html)


def feedback_forms(render: Callable[[str], str], inserts_the_id: bool) -> Callable[[str], str]:
    """The feedback form under each FAQ answer of one page, by the entry's id: ``render(id)``
    once, for a stand-in id whose places take each entry's id, when ``inserts_the_id`` (the
    template only writes the id into the form, as kbgen's own does: 8,000 entries on a
    large help center would each render it); else ``render`` for every entry."""
    if not inserts_the_id:
        return render
    form: str | None = None

    def of(id_: str) -> str:
        nonlocal form
        if _PLAIN_ID.match(id_) is None:
            return render(id_)
        if form is None:
            form = render(STAND_IN)
        return form.replace(STAND_IN, id_)

    return of

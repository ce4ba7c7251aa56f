"""Glossary explanations in rendered pages: the first use of each term becomes a link
to its glossary entry with an accessible tooltip.

Works on the HTML after Markdown, skipping links, code, headings and the
like. Each article is one scope; on a category page each FAQ answer is its
own scope, so the first use in every answer is explained. The term stays
searchable; its tooltip is marked for search to leave out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape

from ..content.glossary import Glossary, Term
from ..unindexed import ATTRIBUTE as UNINDEXED

_TAG = re.compile(r"(<[^>]+>)")
_NAME = re.compile(r"^</?\s*([a-zA-Z0-9]+)")
SKIP = {
    "a",
    "code",
    "pre",
    "kbd",
    "samp",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "script",
    "style",
    "summary",
    "button",
    "label",
    "abbr",
    "dfn",
    "svg",
    "select",
    "textarea",
    "title",
    "time",
    "mark",
}
VOID = {"br", "img", "input", "hr", "meta", "link", "source", "wbr", "col", "area", "embed"}
SCOPE = re.compile(r'<div class="kb-faq__answer"')
OFF = 'data-kb-glossary="off"'


def mark_terms(html: str, glossary: Glossary, href: Callable[[Term], str]) -> str:
    terms = {name.casefold(): term for term in glossary.terms for name in term.names}
    if not terms:
        return html
    marker = _Marker(terms, href)
    return "".join(marker.tag(part) if part.startswith("<") else marker.text(part) for part in _TAG.split(html) if part)


class _Marker:
    """Walks a page's tags and texts in order, explaining each term's first use in a scope."""

    def __init__(self, terms: dict[str, Term], href: Callable[[Term], str]):
        self.terms, self.href = terms, href
        names = sorted(terms, key=len, reverse=True)
        self.pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in names) + r")(?![\w-])", re.IGNORECASE)
        self.stack: list[str] = []  # open elements; "skip" for those never marked inside
        self.used: set[str] = set()  # reset at each FAQ answer
        self.off = False
        self.counter = 0

    def tag(self, part: str) -> str:
        match = _NAME.match(part)
        if not match or part.startswith("<!"):
            return part
        name = match.group(1).lower()
        if part.startswith("</"):
            while self.stack and self.stack.pop() != name:
                pass
        elif name not in VOID and not part.endswith("/>"):
            skip = name in SKIP or "kb-term" in part or "kb-channel" in part or "kb-flow" in part
            self.stack.append("skip" if skip else name)
        if SCOPE.match(part):
            self.used, self.off = set(), OFF in part
        return part

    def text(self, part: str) -> str:
        if self.off or "skip" in self.stack or any(tag in SKIP for tag in self.stack):
            return part
        return self.pattern.sub(self._wrap, part)

    def _wrap(self, m: re.Match) -> str:
        term = self.terms[m.group(1).casefold()]
        if term.term in self.used:
            return m.group(0)
        self.used.add(term.term)
        self.counter += 1
        tip = f"kb-tip-{self.counter}"
        return (
            f'<span class="kb-term"><a class="kb-term__link" href="{escape(self.href(term))}" '
            f'aria-describedby="{tip}">{m.group(0)}</a><span class="kb-term__tip" '
            f'role="tooltip" id="{tip}" {UNINDEXED}>{escape(term.definition)}</span></span>'
        )


def search_definitions(glossary: Glossary, glossary_url: str) -> list[dict]:
    """What search shows above the results when a query names a term."""
    return [
        {"term": t.term, "names": list(t.names), "definition": t.definition, "url": f"{glossary_url}#{t.anchor}"}
        for t in glossary.terms
    ]

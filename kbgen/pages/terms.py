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
    names = sorted(terms, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in names) + r")(?![\w-])", re.IGNORECASE)
    out: list[str] = []
    stack: list[str] = []
    scope = {"used": set(), "off": False}  # reset at each FAQ answer
    counter = 0
    for part in _TAG.split(html):
        if not part:
            continue
        if part.startswith("<"):
            out.append(part)
            match = _NAME.match(part)
            if not match or part.startswith("<!"):
                continue
            name = match.group(1).lower()
            if part.startswith("</"):
                while stack and stack.pop() != name:
                    pass
            elif name not in VOID and not part.endswith("/>"):
                stack.append(
                    "skip" if name in SKIP or "kb-term" in part or "kb-channel" in part or "kb-flow" in part else name
                )
            if SCOPE.match(part):
                scope["used"], scope["off"] = set(), OFF in part
            continue
        if scope["off"] or "skip" in stack or any(tag in SKIP for tag in stack):
            out.append(part)
            continue

        def wrap(m: re.Match) -> str:
            nonlocal counter
            term = terms[m.group(1).casefold()]
            if term.term in scope["used"]:
                return m.group(0)
            scope["used"].add(term.term)
            counter += 1
            tip = f"kb-tip-{counter}"
            return (
                f'<span class="kb-term"><a class="kb-term__link" href="{escape(href(term))}" '
                f'aria-describedby="{tip}">{m.group(0)}</a><span class="kb-term__tip" '
                f'role="tooltip" id="{tip}" {UNINDEXED}>{escape(term.definition)}</span></span>'
            )

        out.append(pattern.sub(wrap, part))
    return "".join(out)


def search_definitions(glossary: Glossary, glossary_url: str) -> list[dict]:
    """What search shows above the results when a query names a term."""
    return [
        {"term": t.term, "names": list(t.names), "definition": t.definition, "url": f"{glossary_url}#{t.anchor}"}
        for t in glossary.terms
    ]

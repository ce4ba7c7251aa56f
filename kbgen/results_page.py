"""The results page rendered by the server, so ``/search/?q=...`` works without JavaScript.

The built ``search/index.html`` stays as it is (a static host serves it and the browser
fills it in); ``kbgen serve`` fills the same empty elements before sending it. The
elements are found by the exact markup of ``theme/kbgen/search.html`` (the constants
below); a test renders the built page, so the two cannot drift apart unnoticed. The
browser's script sees ``data-kb-server-results`` and keeps what the server drew.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import urlencode

PAGE_SIZE = 10
STATUS = '<p class="kb-results-status" role="status" aria-live="polite" data-kb-results-status></p>'
LIST = '<ol class="kb-results" data-kb-results-list></ol>'
DID_YOU_MEAN = '<p class="kb-did-you-mean" data-kb-did-you-mean hidden></p>'
DEFINITION = '<aside class="kb-definition" data-kb-definition hidden aria-label="Definition"></aside>'
PAGER = '<nav class="kb-pager" aria-label="Result pages" data-kb-pager hidden></nav>'
NO_RESULTS = '<div class="kb-no-results" data-kb-no-results hidden>'
NOSCRIPT = re.compile(r"<noscript data-kb-static-only>.*?</noscript>", re.S)
QUERY_INPUT = 'id="kb-results-q" name="q"'


def is_results_page(html: str) -> bool:
    return LIST in html


def hit_label(hit: dict) -> str:
    """The same words as the browser's ``kb.hitMeta``."""
    if hit["type"] == "notice":
        return "Recall" if hit.get("category") == "Product recalls" else "Notice"
    if hit["type"] == "flow":
        return "Guided help"
    kind = "Question" if hit["type"] == "faq" else "Article"
    return f"{kind} · {hit['category']}" if hit.get("category") else kind


def render(html: str, params: dict[str, str], result: dict, search_id: int | None = None, searcher: str = "") -> str:
    """``html`` (the built results page) with ``result`` (the API's answer) drawn in.

    ``search_id`` and ``searcher`` (the id the search was recorded under) let the page's
    script report which result was opened, as it does for searches it makes itself."""
    query = result["query"]
    total = result["total"]
    page = int(params.get("page") or 1)

    def link(**changes) -> str:
        merged = {k: v for k, v in {**params, **changes}.items() if v}
        return "?" + escape(urlencode(merged))

    html = re.sub(r"<title>Search", lambda m: f"<title>Search: {escape(query)}", html, count=1)
    html = html.replace(QUERY_INPUT, f'{QUERY_INPUT} value="{escape(params.get("q", ""))}"', 1)
    for name in ("category", "type", "audience"):
        value = params.get(name)
        if value:
            html = _select(html, name, value)
    status = (
        f"{total} result{'' if total == 1 else 's'} for “{escape(query)}”"
        if total
        else f"No results for “{escape(query)}”"
    )
    html = html.replace(STATUS, STATUS.replace("></p>", f">{status}</p>"), 1)
    if result.get("suggestion"):
        s, href = escape(result["suggestion"]), link(q=result["suggestion"], page="")
        html = html.replace(
            DID_YOU_MEAN,
            f'<p class="kb-did-you-mean" data-kb-did-you-mean>Did you mean <a href="{href}">{s}</a>?</p>',
            1,
        )
    definition = result.get("definition")
    if definition:
        html = html.replace(
            DEFINITION,
            '<aside class="kb-definition" data-kb-definition aria-label="Definition">'
            f'<p class="kb-definition__term">{escape(definition["term"])}</p><p>{escape(definition["definition"])}</p>'
            f'<a href="{escape(definition["url"])}">See it in the glossary</a></aside>',
            1,
        )
    items = "".join(
        f'<li class="kb-result"><a class="kb-result__title" href="{escape(hit["url"])}">{escape(hit["title"])}</a>'
        f'<p class="kb-result__meta">{escape(hit_label(hit))}</p>'
        f'<p class="kb-result__snippet">{hit["snippet"]}</p></li>'  # escaped text with <mark> only (the API's contract)
        for hit in result["hits"]
    )
    recorded = f' data-kb-search-id="{search_id}" data-kb-search-browser="{escape(searcher)}"' if search_id else ""
    html = html.replace(
        LIST, f'<ol class="kb-results" data-kb-results-list data-kb-server-results{recorded}>{items}</ol>', 1
    )
    pages = -(-total // PAGE_SIZE)
    if pages > 1:
        parts = []
        if page > 1:
            parts.append(f'<a href="{link(page=str(page - 1))}" rel="prev">Previous</a>')
        parts.append(f"<span>Page {page} of {pages}</span>")
        if page < pages:
            parts.append(f'<a href="{link(page=str(page + 1))}" rel="next">Next</a>')
        html = html.replace(PAGER, PAGER.replace(" hidden></nav>", ">" + "".join(parts) + "</nav>"), 1)
    if not total:
        html = html.replace(NO_RESULTS, NO_RESULTS.replace(" hidden>", ">"), 1)
    return NOSCRIPT.sub("", html, count=1)


def _select(html: str, name: str, value: str) -> str:
    """Mark ``value`` as chosen in the ``<select name=...>`` (when it is one of its options)."""
    start = html.find(f'<select name="{name}">')
    end = html.find("</select>", start)
    if start < 0 or end < 0:
        return html
    block = html[start:end]
    option = f'<option value="{escape(value)}">'
    if option not in block:
        return html
    return html[:start] + block.replace(option, option[:-1] + " selected>", 1) + html[end:]

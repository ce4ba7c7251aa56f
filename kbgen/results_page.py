"""The results page rendered by the server, so ``/search/?q=...`` works without JavaScript.

The built ``search/index.html`` stays as it is (a static host serves it and the browser
fills it in); ``kbgen serve`` fills the same empty elements before sending it. The
elements are found by the exact markup of ``theme/kbgen/search.html`` (the constants
below); a test renders the built page, so the two cannot drift apart unnoticed. The
browser's script sees ``data-kb-server-results`` and keeps what the server drew. The
words are the page's language (its ``<html lang>``), from the same catalog as the build's.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import urlencode

from .i18n import CatalogError, Messages, messages

PAGE_SIZE = 10
STATUS = '<p class="kb-results-status" role="status" aria-live="polite" data-kb-results-status></p>'
LIST = '<ol class="kb-results" data-kb-results-list></ol>'
DID_YOU_MEAN = '<p class="kb-did-you-mean" data-kb-did-you-mean hidden></p>'
DEFINITION = re.compile(r'<aside class="kb-definition" data-kb-definition hidden aria-label="([^"]*)"></aside>')
PAGER = re.compile(r'<nav class="kb-pager" aria-label="([^"]*)" data-kb-pager hidden></nav>')
LANGUAGE = re.compile(r'<html[^>]*\slang="([A-Za-z0-9-]+)"')
NO_RESULTS = '<div class="kb-no-results" data-kb-no-results hidden>'
NOSCRIPT = re.compile(r"<noscript data-kb-static-only>.*?</noscript>", re.S)
QUERY_INPUT = 'id="kb-results-q" name="q"'


def is_results_page(html: str) -> bool:
    return LIST in html


def page_messages(html: str) -> Messages:
    """The messages of the page's language (``<html lang>``); English when it names none we know."""
    match = LANGUAGE.search(html[:2000])
    try:
        return messages(match.group(1) if match else "en")
    except CatalogError:
        return messages("en")


def hit_label(hit: dict, m: Messages | None = None) -> str:
    """The same words as the browser's ``kb.hitMeta``."""
    m = m or messages()
    if hit["type"] == "notice":
        return m.gettext("Recall") if hit.get("category") == "Product recalls" else m.gettext("Notice")
    if hit["type"] == "flow":
        return m.gettext("Guided help")
    kind = m.gettext("Question") if hit["type"] == "faq" else m.gettext("Article")
    return f"{kind} · {hit['category']}" if hit.get("category") else kind


def render(html: str, params: dict[str, str], result: dict, search_id: int | None = None, searcher: str = "") -> str:
    """``html`` (the built results page) with ``result`` (the API's answer) drawn in.

    ``search_id`` and ``searcher`` (the id the search was recorded under) let the page's
    script report which result was opened, as it does for searches it makes itself."""
    m = page_messages(html)
    query = result["query"]
    total = result["total"]
    page = int(params.get("page") or 1)

    def link(**changes) -> str:
        merged = {k: v for k, v in {**params, **changes}.items() if v}
        return "?" + escape(urlencode(merged))

    search = escape(m.gettext("Search"))
    html = html.replace(f"<title>{search}", f"<title>{search}: {escape(query)}", 1)
    html = html.replace(QUERY_INPUT, f'{QUERY_INPUT} value="{escape(params.get("q", ""))}"', 1)
    for name in ("category", "type", "audience"):
        value = params.get(name)
        if value:
            html = _select(html, name, value)
    status = (
        _fill(m.ngettext("{num} result for “{query}”", "{num} results for “{query}”", total), num=str(total))
        if total
        else m.gettext("No results for “{query}”")
    )
    status = _fill(escape(status), query=escape(query))
    html = html.replace(STATUS, STATUS.replace("></p>", f">{status}</p>"), 1)
    if result.get("suggestion"):
        s, href = escape(result["suggestion"]), link(q=result["suggestion"], page="")
        text = _fill(escape(m.gettext("Did you mean {suggestion}?")), suggestion=f'<a href="{href}">{s}</a>')
        html = html.replace(DID_YOU_MEAN, f'<p class="kb-did-you-mean" data-kb-did-you-mean>{text}</p>', 1)
    definition = result.get("definition")
    if definition:
        term, explained = escape(definition["term"]), escape(definition["definition"])
        html = DEFINITION.sub(
            lambda found: (
                f'<aside class="kb-definition" data-kb-definition aria-label="{found.group(1)}">'
                f'<p class="kb-definition__term">{term}</p><p>{explained}</p>'
                f'<a href="{escape(definition["url"])}">{escape(m.gettext("See it in the glossary"))}</a></aside>'
            ),
            html,
            count=1,
        )
    items = "".join(
        f'<li class="kb-result"><a class="kb-result__title" href="{escape(hit["url"])}">{escape(hit["title"])}</a>'
        f'<p class="kb-result__meta">{escape(hit_label(hit, m))}</p>'
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
            parts.append(f'<a href="{link(page=str(page - 1))}" rel="prev">{escape(m.gettext("Previous"))}</a>')
        parts.append(
            f"<span>{escape(_fill(m.gettext('Page {page} of {pages}'), page=str(page), pages=str(pages)))}</span>"
        )
        if page < pages:
            parts.append(f'<a href="{link(page=str(page + 1))}" rel="next">{escape(m.gettext("Next"))}</a>')
        html = PAGER.sub(
            lambda found: f'<nav class="kb-pager" aria-label="{found.group(1)}" data-kb-pager>{"".join(parts)}</nav>',
            html,
            count=1,
        )
    if not total:
        html = html.replace(NO_RESULTS, NO_RESULTS.replace(" hidden>", ">"), 1)
    return NOSCRIPT.sub("", html, count=1)


def _fill(text: str, **values: str) -> str:
    """``{name}`` placeholders (the scripts' syntax: these messages are the widgets' own too)."""
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


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

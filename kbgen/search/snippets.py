"""Snippets: the passage of a result that best matches the query, matched words marked.

The output is HTML-escaped text with ``<mark>`` around matched words and
nothing else, so it is safe to insert as HTML whatever the content or query.
Computed from the stored text (Whoosh's highlighter re-analyses documents and
costs ~30 ms a query).
"""

from __future__ import annotations

from html import escape

from .analysis import WORD, fold, stem

MAX_SCAN = 20_000  # characters of a document looked at


def snippet(text: str, stems: set[str], words_around: int = 30) -> str:
    text = " ".join(text[:MAX_SCAN].split())
    tokens = list(WORD.finditer(text))
    if not tokens:
        return ""
    hits = [i for i, t in enumerate(tokens) if _stem(t.group(0)) in stems]
    start = _best_window(tokens, hits, words_around) if hits else 0
    end = min(start + words_around, len(tokens))
    begin_char = tokens[start].start() if start else 0
    end_char = tokens[end - 1].end() if end < len(tokens) else len(text)
    marked = set(hits)
    out = ["… " if start else ""]
    pos = begin_char
    for i in range(start, end):
        token = tokens[i]
        if i in marked:
            out.append(escape(text[pos:token.start()]))
            out.append(f"<mark>{escape(token.group(0))}</mark>")
            pos = token.end()
    out.append(escape(text[pos:end_char]))
    if end < len(tokens):
        out.append(" …")
    return "".join(out).strip()


def _best_window(tokens, hits: list[int], size: int) -> int:
    """Start of the window of ``size`` tokens holding the most distinct matched words."""
    best, best_score = 0, -1
    for first in hits:
        start = max(0, first - 3)  # a little context before the first match
        window = [h for h in hits if start <= h < start + size]
        distinct = len({_stem(tokens[h].group(0)) for h in window})
        score = distinct * 10 + len(window)
        if score > best_score:
            best, best_score = start, score
    return best


def _stem(word: str) -> str:
    return stem(word.lower() if word.isascii() else fold(word))

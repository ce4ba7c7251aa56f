"""Snippets: the passage of a result that best matches the query, matched words marked.

The output is HTML-escaped text with ``<mark>`` around matched words and
nothing else, so it is safe to insert as HTML whatever the content or query.
Computed from the stored text (Whoosh's highlighter re-analyses documents and
costs ~30 ms a query).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from html import escape

from .analysis import fold, stem

MAX_SCAN = 20_000  # characters of a document looked at


def snippet(text: str, stems: set[str], words_around: int = 30) -> str:
    # One space between words, so counting spaces counts words (the index
    # stores bodies that way already).
    text = text[:MAX_SCAN]
    if not text.isprintable() or "  " in text or text[:1] == " " or text[-1:] == " ":
        text = " ".join(text.split())  # (any whitespace but a space is unprintable)
    if not text:
        return ""
    folded = text.lower() if text.isascii() else fold(text)
    if len(folded) != len(text):  # a ligature or the like: positions would not line up
        folded = "".join(c if len(fold(c)) == 1 else "_" for c in text)
    hits: list[tuple[int, int]] = []
    found: list[str] = []
    if stems:
        for match in _candidates(frozenset(stems), folded.isascii()).finditer(folded):
            if stem(match.group(0)) in stems:
                hits.append(match.span())
                found.append(match.group(0))
    places = []  # word number of each hit
    word, last = 0, 0
    for begin, _ in hits:
        word += folded.count(" ", last, begin)
        last = begin
        places.append(word)
    first = _best_window(places, found, words_around) if hits else 0
    begin_char = _start_of_word(text, hits[first][0], places[first] - max(0, places[first] - 3)) if hits else 0
    end_char = begin_char
    for _ in range(words_around):
        end_char = text.find(" ", end_char + 1)
        if end_char < 0:
            end_char = len(text)
            break
    out = ["… " if begin_char else ""]
    pos = begin_char
    for begin, end in hits:
        if begin_char <= begin and end <= end_char:
            out.append(escape(text[pos:begin]))
            out.append(f"<mark>{escape(text[begin:end])}</mark>")
            pos = end
    out.append(escape(text[pos:end_char]))
    if end_char < len(text):
        out.append(" …")
    return "".join(out).strip()


def _best_window(places: list[int], found: list[str], size: int) -> int:
    """The hit that starts the window of ``size`` words with the most distinct matched words."""
    best, best_score = 0, -1
    for i, place in enumerate(places):
        start = max(0, place - 3)  # a little context before the first match
        last = bisect_left(places, start + size)
        score = len(set(found[i:last])) * 10 + (last - i)
        if score > best_score:
            best, best_score = i, score
    return best


def _start_of_word(text: str, position: int, back: int) -> int:
    """Where the word ``back`` words before the one at ``position`` starts."""
    start = text.rfind(" ", 0, position) + 1
    for _ in range(back):
        if start == 0:
            break
        start = text.rfind(" ", 0, start - 1) + 1
    return start


@lru_cache(maxsize=1024)
def _candidates(stems: frozenset[str], ascii_only: bool) -> re.Pattern:
    """Whole words that may stem to one of ``stems``.

    Porter stemming only rewrites a word's ending, adding at most two letters
    of its own ("mobility" -> "moble"), so a word that stems to ``s`` starts
    with ``s[:-2]``: one scan finds those few words, instead of stemming every
    word of a long page.
    """
    keys = sorted({s[: max(1, len(s) - 2)] for s in stems}, key=lambda k: (-len(k), k))
    letter = "[a-z0-9]" if ascii_only else r"[^\W_]"
    return re.compile(r"(?<!{})(?:{}){}*".format(letter, "|".join(map(re.escape, keys)), letter))

"""Text analysis shared by the indexer and the query side, so both agree on every token.

Words are split on anything that is not a letter or digit, accents folded,
lowercased and Porter-stemmed. Stop words are dropped from the index, but the
query side sees them first, so multi-word synonyms such as "didn't arrive" match.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang.porter import stem as porter_stem
from whoosh.support.charset import accent_map

from .vocabulary import KEEP_WORDS, STOP_WORDS

WORD = re.compile(r"[^\W_]+")
STOPS = STOP_WORDS - KEEP_WORDS


class _StopFilter(StopFilter):
    """StopFilter that pickles its words sorted: the schema is pickled into the
    index, and a frozenset's order changes with every process's hash seed."""

    def __getstate__(self):
        state = dict(self.__dict__)
        state["stops"] = sorted(self.stops)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.stops = frozenset(self.stops)


def index_analyzer():
    """Analyzer for the searchable text fields."""
    return (
        RegexTokenizer(WORD.pattern)
        | CharsetFilter(accent_map)
        | LowercaseFilter()
        | _StopFilter(stoplist=STOPS, minsize=1)
        | StemFilter(stemfn=porter_stem, cachesize=100_000)
    )


def spelling_analyzer():
    """Unstemmed words (3+ letters, no digits) that corrections may suggest."""
    return (
        RegexTokenizer(r"[^\W\d_]{3,}")
        | CharsetFilter(accent_map)
        | LowercaseFilter()
        | _StopFilter(stoplist=STOPS, minsize=3)
    )


def _marks() -> re.Pattern:
    """Every combining mark of the Basic Multilingual Plane (the accents NFKD splits off)."""
    ranges: list[list[int]] = []
    for code in range(0x300, 0x10000):
        if unicodedata.combining(chr(code)):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return re.compile("[{}]".format("".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)))


_MARKS = _marks()


def fold(text: str) -> str:
    """Lowercase without accents ("Café" -> "cafe")."""
    if text.isascii():
        return text.lower()
    return _MARKS.sub("", unicodedata.normalize("NFKD", text)).lower()


def words(text: str) -> list[str]:
    """Lowercased, accent-folded words in order, stop words included."""
    return WORD.findall(fold(text))


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    return porter_stem(word)


def is_stop(word: str) -> bool:
    return word in STOPS


class FieldIndexer:
    """What Whoosh's ``field.index(value)`` yields for a field of :func:`index_analyzer`
    or :func:`spelling_analyzer` (Positions format), computed with less work.

    Whoosh runs every token through a chain of generators (tokenizer, fold,
    lowercase, stop, stem); a help center repeats the same few thousand words
    hundreds of thousands of times. Here each distinct word is analysed once
    and remembered, and position lists are encoded by Whoosh's own format.
    The items are the same, in the same order, so the index bytes are too
    (tests/test_search_index_write.py compares both on awkward text).
    """

    def __init__(self, field):
        analyzer = field.analyzer
        tokenizer, charset, _lower, stop = analyzer.items[:4]
        self._pattern = tokenizer.expression
        self._charmap = charset.charmap
        self._stops = stop.stops
        self._minsize = stop.min
        self._maxsize = stop.max
        self._stem = analyzer.items[4].stemfn if len(analyzer.items) > 4 else None
        self._encode = field.format.encode
        self._boost = field.format.field_boost
        self._terms: dict[str, bytes | None] = {}  # raw word -> term bytes, None for a stop word
        self._single: dict[int, bytearray] = {}  # position -> the encoded value of that one position

    def _term(self, raw: str) -> bytes | None:
        text = raw.translate(self._charmap).lower()
        size = len(text)
        if size < self._minsize or (self._maxsize is not None and size > self._maxsize) or text in self._stops:
            found = None
        else:
            found = (self._stem(text) if self._stem is not None else text).encode("utf-8")
        self._terms[raw] = found
        return found

    def __call__(self, value: str, **kwargs) -> list[tuple[bytes, int, float, bytes]]:
        return self.items(self.positions(value))

    def with_positions(self, value: str) -> tuple[list[tuple[bytes, int, float, bytes]], list[list[int]]]:
        """The items of :meth:`__call__` and each one's positions (what decoding its value gives)."""
        poses = self.positions(value)
        return self.items(poses), list(poses.values())

    def counts(self, value: str) -> list[tuple[bytes, int]]:
        """Each term of ``value`` and how often it occurs, terms in order of first use: the
        terms and frequencies of :meth:`__call__`'s items, without encoding positions."""
        return [(term, len(places)) for term, places in self.positions(value).items()]

    def positions(self, value: str) -> dict[bytes, list[int]]:
        """Each term of ``value`` with its word positions, terms in order of first use."""
        terms = self._terms
        poses: dict[bytes, list[int]] = {}
        pos = None
        for number, raw in enumerate(self._pattern.findall(value)):
            term = terms.get(raw, False)
            if term is False:
                term = self._term(raw)
            if term is None:
                continue
            # StopFilter's renumbering: the first kept word keeps its number, the rest follow on
            pos = number if pos is None else pos + 1
            found = poses.get(term)
            if found is None:
                poses[term] = [pos]
            else:
                found.append(pos)
        return poses

    def items(self, poses: dict[bytes, list[int]]) -> list[tuple[bytes, int, float, bytes]]:
        """What ``field.index`` yields for the terms and positions of :meth:`positions`."""
        # A fresh bytes object per posting, as Whoosh makes: postings blocks are pickled,
        # and pickle would write a shared object once, changing the bytes. Most terms occur
        # once in a text: a single position's value is encoded once, then copied.
        encode, boost, single = self._encode, self._boost, self._single
        out = []
        for term, p in poses.items():
            count = len(p)
            if count == 1:
                found = single.get(p[0])
                if found is None:
                    found = single[p[0]] = bytearray(encode(p))
                out.append((term, 1, 1.0 * boost, bytes(found)))
            else:
                out.append((term, count, float(count) * boost, encode(p)))
        return out

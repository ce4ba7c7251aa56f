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

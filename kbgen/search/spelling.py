"""The spelling vocabulary: the words shoppers' typos are corrected to and completed from.

Every word of the pages (title, summary, headings, tags and body; folded and lowercased, not
stemmed) with how often it occurs. The build counts them as it analyses the pages and writes
them beside the Whoosh index (``spelling.json``, never served, swapped with the site), not as
a Whoosh field: a field of every word of every page held about as many postings as all the
searched fields together, each one added to Whoosh's pool and encoded at the commit (a third
of the index's writing time), for a table of a few thousand words. An index written before it
had this file keeps the words in its ``spell`` field, which :meth:`Vocabulary.read` reads.

``spelling.json``: ``{"version": 1, "words": {word: occurrences, ...}}``, words in code-point
order (the order of Whoosh's term dictionary). The same pages give the same bytes.

Corrections' candidates come without Whoosh's Levenshtein automaton:
``reader.terms_within(field, word, k, prefix=1)`` builds one in pure Python for every word and
walks the term dictionary with it: 2-11 ms for a word a server worker has not corrected before,
at 10,000 pages (issue 17). Here the words are grouped by first letter and length, and a word
is compared only with the words that can be close: the same first letter (``prefix=1``), a
length within the distance, then a cheap lower bound (letters one word has and the other lacks)
before an exact edit distance that stops past the bound.

The distance is the automaton's (``whoosh/automata/lev.py``): plain Levenshtein, insertions,
deletions and substitutions, no transpositions ("reutrn" is two edits from "return"), on
the words after their shared first letter, which is the same as on the whole words. So the
candidates at each distance, and the choice among them by (frequency, word), are the same.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path

FILE = "spelling.json"
VERSION = 1


class SpellingError(ValueError):
    """A spelling file that is damaged or of another version."""


def write(target: Path, counts: dict[bytes, int]) -> None:
    """``spelling.json`` in ``target``: each word (UTF-8 bytes, as analysed) and its occurrences."""
    words = {term.decode("utf-8"): count for term, count in sorted(counts.items())}
    text = json.dumps({"version": VERSION, "words": words}, ensure_ascii=False, separators=(",", ":"))
    (target / FILE).write_text(text, encoding="utf-8")


def _letters(word: str) -> int:
    """A bit per letter (modulo 64): two words differ by at least the bits one has alone."""
    bits = 0
    for ch in word:
        bits |= 1 << (ord(ch) & 63)
    return bits


def distance(a: str, b: str, most: int) -> int:
    """The Levenshtein distance of ``a`` and ``b`` when at most ``most``, else ``most + 1``."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    # a common beginning and end cost nothing: drop them, and the rows are short
    start, end_a, end_b = 0, len(a), len(b)
    while start < end_a and start < end_b and a[start] == b[start]:
        start += 1
    while end_a > start and end_b > start and a[end_a - 1] == b[end_b - 1]:
        end_a -= 1
        end_b -= 1
    a, b = a[start:end_a], b[start:end_b]
    if not a or not b:
        return min(len(a) + len(b), most + 1)
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            row.append(min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(row) > most:
            return most + 1
        previous = row
    return min(previous[-1], most + 1)


@dataclass(frozen=True)
class Vocabulary:
    """The words in code-point order, grouped by (first letter, length) as (word, letter bits)
    pairs, and their frequencies."""

    words: tuple[str, ...]
    groups: dict[tuple[str, int], tuple[tuple[str, int], ...]]
    frequency: dict[str, float]

    @classmethod
    def of(cls, frequency: dict[str, float]) -> Vocabulary:
        """The vocabulary of these words and frequencies."""
        words = tuple(sorted(frequency))
        groups: dict[tuple[str, int], list[tuple[str, int]]] = {}
        for word in words:
            if word:
                groups.setdefault((word[0], len(word)), []).append((word, _letters(word)))
        return cls(words, {key: tuple(found) for key, found in groups.items()}, frequency)

    @classmethod
    def parse(cls, data: bytes) -> Vocabulary:
        """The vocabulary of a ``spelling.json``; :class:`SpellingError` when it is not one."""
        try:
            found = json.loads(data)
            version, words = found["version"], found["words"]
        except (ValueError, TypeError, KeyError) as exc:
            raise SpellingError(f"{FILE} is damaged ({type(exc).__name__})") from None
        if version != VERSION:
            raise SpellingError(f"{FILE} has version {version!r}, not {VERSION}")
        if not isinstance(words, dict) or not all(
            isinstance(count, int) and not isinstance(count, bool) and count > 0 for count in words.values()
        ):
            raise SpellingError(f"{FILE} is damaged (its words are not counts)")
        return cls.of(words)

    @classmethod
    def read(cls, reader, fieldname: str) -> Vocabulary | None:
        """The words of ``fieldname`` (an index written before ``spelling.json``) in an atomic
        (one-segment) reader; None where Whoosh would search another field or several segments
        (the caller then asks Whoosh)."""
        if not reader.is_atomic() or reader.schema[fieldname].spelling_fieldname(fieldname) != fieldname:
            return None
        to_text = reader.schema[fieldname].from_bytes
        return cls.of({to_text(btext): info.weight() for btext, info in reader.iter_field(fieldname)})

    def completions(self, prefix: str, most: int) -> list[str]:
        """The ``most`` most frequent words that start with ``prefix`` (``prefix`` itself too),
        ties in code-point order: what Whoosh's ``expand_prefix`` sorted by frequency gives."""
        words, found = self.words, []
        at = bisect_left(words, prefix)
        while at < len(words) and words[at].startswith(prefix):
            found.append(words[at])
            at += 1
        found.sort(key=lambda w: -self.frequency[w])
        return found[:most]

    def within(self, word: str, most: int) -> dict[str, int]:
        """The words other than ``word`` with its first letter at most ``most`` edits away, by distance."""
        first, bits, found = word[0], _letters(word), {}
        for length in range(max(1, len(word) - most), len(word) + most + 1):
            for term, term_bits in self.groups.get((first, length), ()):
                if (bits & ~term_bits).bit_count() > most or (term_bits & ~bits).bit_count() > most:
                    continue
                d = distance(word, term, most)
                if d <= most and term != word:
                    found[term] = d
        return found

    def closest(self, forms: tuple[str, ...]) -> str | None:
        """The most frequent word at the smallest distance (1, then 2 for words of 5+ letters)
        from one of ``forms``: what ``engine._closest`` finds through Whoosh."""
        maxdist = 1 if len(forms[0]) <= 4 else 2
        nearest: dict[str, int] = {}
        for word in forms:
            for term, d in self.within(word, maxdist).items():
                nearest[term] = min(d, nearest.get(term, d))
        for d in range(1, maxdist + 1):
            candidates = [term for term, at in nearest.items() if at <= d]
            if candidates:
                return max(candidates, key=lambda c: (self.frequency[c], c))
        return None

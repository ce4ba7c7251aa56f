"""Spelling corrections' candidates without Whoosh's Levenshtein automaton.

``reader.terms_within(field, word, k, prefix=1)`` builds a Levenshtein automaton in pure
Python for every word and walks the term dictionary with it: 2-11 ms for a word a server
worker has not corrected before, at 10,000 pages (issue 17). The spelling field's words are
read here once per index generation, grouped by first letter and length with their
frequencies, and a word is compared only with the words that can be close: the same first
letter (``prefix=1``), a length within the distance, then a cheap lower bound (letters one
word has and the other lacks) before an exact edit distance that stops past the bound.

The distance is the automaton's (``whoosh/automata/lev.py``): plain Levenshtein, insertions,
deletions and substitutions, no transpositions ("reutrn" is two edits from "return"), on
the words after their shared first letter, which is the same as on the whole words. So the
candidates at each distance, and the choice among them by (frequency, word), are the same.
"""

from __future__ import annotations

from dataclasses import dataclass


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
    """A field's words by (first letter, length): (word, letter bits) pairs, and their frequencies."""

    groups: dict[tuple[str, int], tuple[tuple[str, int], ...]]
    frequency: dict[str, int]

    @classmethod
    def read(cls, reader, fieldname: str) -> Vocabulary | None:
        """The words of ``fieldname`` in an atomic (one-segment) reader; None where Whoosh
        would search another field or several segments (the caller then asks Whoosh)."""
        if not reader.is_atomic() or reader.schema[fieldname].spelling_fieldname(fieldname) != fieldname:
            return None
        to_text = reader.schema[fieldname].from_bytes
        groups: dict[tuple[str, int], list[tuple[str, int]]] = {}
        frequency: dict[str, int] = {}
        for btext, info in reader.iter_field(fieldname):
            word = to_text(btext)
            frequency[word] = info.weight()
            if word:
                groups.setdefault((word[0], len(word)), []).append((word, _letters(word)))
        return cls({key: tuple(words) for key, words in groups.items()}, frequency)

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

"""Snippets: the passage of a result that best matches the query, matched words marked.

The output is HTML-escaped text with ``<mark>`` around matched words and
nothing else, so it is safe to insert as HTML whatever the content or query.
Computed from the stored text (Whoosh's highlighter re-analyses documents and
costs ~30 ms a query). Finding the query's words scans the text; for an English
page's body the index already knows where they are (``positions.bin``: each
stem's word numbers), and :class:`BodyWords` turns word numbers into places in
the text, so a page seen before is not scanned again (:func:`located`).
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Callable, Collection
from functools import lru_cache
from html import escape

from .analysis import STOPS, WORD, fold
from .analysis import stem as english_stem

MAX_SCAN = 20_000  # characters of a document looked at


def snippet(
    text: str,
    stems: set[str],
    words_around: int = 30,
    phrases: Collection[tuple[str, ...]] = (),
    stem: Callable[[str], str] = english_stem,
    find: Callable[[str, set[str]], tuple | None] | None = None,
) -> str:
    """The best passage of ``text``: words stemming to ``stems`` marked anywhere, the words of
    ``phrases`` (multi-word synonyms such as "money back") only where they stand together.
    ``stem``: the index language's (a folded word -> its term). ``find``: (single-spaced text,
    stems) -> what :func:`_matches` would find, without scanning (None: scan after all); it is
    asked with ``text`` as given, and finds nothing (None) unless it knows ``text`` to be
    single-spaced and whole (a stored body: :class:`BodyWords` checked it)."""
    wanted = set(stems).union(*phrases) if phrases else stems
    matched = find(text, wanted) if find is not None else None
    if matched is None:
        text = _single_spaced(text[:MAX_SCAN])
        if not text:
            return ""
        folded = _folded(text)
        matched = _matches(folded, wanted, stem)
    else:
        folded = text  # (only its spaces are counted, which folding keeps)
    hits, found, found_stems = matched
    places = _word_numbers(folded, hits)
    if phrases:
        hits, found, places = _together(hits, found, found_stems, places, stems, phrases)
    begin_char = 0
    if hits:
        first = _best_window(places, found, words_around)
        begin_char = _start_of_word(text, hits[first][0], places[first] - max(0, places[first] - 3))
    end_char = _end_of_words(text, begin_char, words_around)
    out = ["… " if begin_char else "", _marked(text, hits, begin_char, end_char)]
    if end_char < len(text):
        out.append(" …")
    return "".join(out).strip()


class BodyWords:
    """Where each word of a page's single-spaced body that the English index keeps (every word
    but the stop words) starts and ends, by its word number in ``positions.bin`` (the index
    numbers the first kept word by its place among all words, each next one by one more). None
    from :meth:`of` where the snippet's words are not the index's (see :func:`words_as_indexed`)
    or the body is too short to be worth it (its scan is as cheap as looking its words up)."""

    __slots__ = ("first", "starts", "ends")

    SHORTEST = 1000  # characters of a body whose words are worth finding from positions (measured)

    def __init__(self, first: int, starts: array, ends: array):
        self.first = first
        self.starts = starts
        self.ends = ends

    @classmethod
    def of(cls, body: str) -> BodyWords | None:
        """The words of a page's stored ``body`` (the whole of it, as the index read it)."""
        if len(body) < cls.SHORTEST or not words_as_indexed(body):
            return None
        first = None
        starts, ends = array("H"), array("H")  # (a body this short has fewer than 65,536 characters)
        for number, word in enumerate(WORD.finditer(body.lower())):
            if word.group() not in STOPS:
                if first is None:
                    first = number
                starts.append(word.start())
                ends.append(word.end())
        return cls(first or 0, starts, ends)


def located(
    text: str, wanted: set[str], words: BodyWords, positions: Callable[[str], list[int]]
) -> tuple[list[tuple[int, int]], list[str], list[str]] | None:
    """What :func:`_matches` finds in ``text`` (single-spaced) for the stems ``wanted``, from each
    stem's word numbers in the index (``positions``) instead of a scan: the words that stem to
    them and that start as the scan's candidates do. None where that can't be known (a stop
    word's stem is wanted: the index leaves those words out; a candidate key of other
    characters than letters and digits; word numbers past the words)."""
    keys = _plain_keys(frozenset(wanted))
    if keys is None:
        return None
    spans: list[tuple[int, int, str]] = []
    starts, ends, first, count = words.starts, words.ends, words.first, len(words.starts)
    for stem_ in wanted:
        for number in positions(stem_):
            index = number - first
            if not 0 <= index < count:
                return None
            spans.append((starts[index], ends[index], stem_))
    spans.sort()
    hits, found, found_stems = [], [], []
    for begin, end, stem_ in spans:
        # (lowercased word by word: the same as from the whole text lowercased, for a text
        # of ASCII and characters that lowercase to themselves, as words_as_indexed proved)
        word = text[begin:end].lower()
        if word.startswith(keys):  # as the scan's candidates (its one unproven shortcut)
            hits.append((begin, end))
            found.append(word)
            found_stems.append(stem_)
    return hits, found, found_stems


@lru_cache(maxsize=1024)
def _plain_keys(stems: frozenset[str]) -> tuple[str, ...] | None:
    """The scan's candidate keys for ``stems`` when positions can stand in for the scan: none of
    them a stop word's stem, every key letters and digits only (None otherwise)."""
    keys = tuple(_keys(stems))
    if not keys or not stems.isdisjoint(STOP_STEMS) or not all(_WORDLIKE.fullmatch(key) for key in keys):
        return None
    return keys


STOP_STEMS = frozenset(english_stem(word) for word in STOPS)
_WORDLIKE = re.compile(r"[^\W_]+")


def words_as_indexed(text: str) -> bool:
    """Whether the words a snippet of ``text`` (a stored body, whole) looks at are the English
    index's words of it, at the same places: the whole text is looked at (no word cut at
    :data:`MAX_SCAN`), it is single-spaced as stored, and every character outside ASCII is one
    that the index's tokenizer and :func:`_folded` both take for a gap between words and leave
    as it is ("’", "€"), so folding it is lowercasing it."""
    if len(text) > MAX_SCAN or _single_spaced(text) is not text:
        return False
    return text.isascii() or all(_inert(char) for char in set(_NOT_ASCII.findall(text)))


_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


@lru_cache(maxsize=4096)
def _inert(char: str) -> bool:
    """Neither letter nor digit, and left as it is by NFKD, accent stripping and lowercasing."""
    return (
        not char.isalnum()
        and not unicodedata.decomposition(char)
        and not unicodedata.combining(char)
        and char.lower() == char
    )


def _single_spaced(text: str) -> str:
    """One space between words, so counting spaces counts words (the index
    stores bodies that way already)."""
    if not text.isprintable() or "  " in text or text[:1] == " " or text[-1:] == " ":
        text = " ".join(text.split())  # (any whitespace but a space is unprintable)
    return text


def _folded(text: str) -> str:
    """Lowercase, accents folded, every character where it was in ``text``."""
    folded = text.lower() if text.isascii() else fold(text)
    if len(folded) != len(text):  # a ligature or the like: positions would not line up
        folded = "".join(c if len(fold(c)) == 1 else "_" for c in text)
    return folded


def _matches(folded: str, stems: set[str], stem) -> tuple[list[tuple[int, int]], list[str], list[str]]:
    """Spans of the words that stem to one of ``stems``, those words, and their stems."""
    hits: list[tuple[int, int]] = []
    found: list[str] = []
    found_stems: list[str] = []
    if stems:
        for match in _candidates(frozenset(stems), folded.isascii()).finditer(folded):
            word_stem = stem(match.group(0))
            if word_stem in stems:
                hits.append(match.span())
                found.append(match.group(0))
                found_stems.append(word_stem)
    return hits, found, found_stems


def _together(hits, found, found_stems, places, stems, phrases, gap: int = 2):
    """Keep the hits of single stems, and those of a phrase's words only where the whole
    phrase occurs in order (at most ``gap`` words apart, for a stop word in between)."""
    keep = [s in stems for s in found_stems]
    for phrase in phrases:
        size = len(phrase)
        for i in range(len(hits) - size + 1):
            if found_stems[i] != phrase[0]:  # most hits start no phrase
                continue
            if all(found_stems[i + k] == phrase[k] for k in range(size)) and all(
                1 <= places[i + k + 1] - places[i + k] <= gap for k in range(size - 1)
            ):
                keep[i : i + size] = [True] * size
    picked = [i for i, kept in enumerate(keep) if kept]
    return [hits[i] for i in picked], [found[i] for i in picked], [places[i] for i in picked]


def _word_numbers(folded: str, hits: list[tuple[int, int]]) -> list[int]:
    """The word number of each hit."""
    places = []
    word, last = 0, 0
    for begin, _ in hits:
        word += folded.count(" ", last, begin)
        last = begin
        places.append(word)
    return places


def _end_of_words(text: str, start: int, count: int) -> int:
    """Where ``count`` words from ``start`` end (the end of the text at most): the place of the
    ``count``-th space after ``start`` (one regex match, not a search per word)."""
    if count <= 0:
        return start
    match = _spaces(count).match(text, start + 1)
    return match.end() - 1 if match else len(text)


@lru_cache(maxsize=16)
def _spaces(count: int) -> re.Pattern:
    """``count`` runs of anything but a space, each ended by a space."""
    return re.compile(f"(?:[^ ]* ){{{count}}}")


def _marked(text: str, hits: list[tuple[int, int]], begin: int, end: int) -> str:
    """``text[begin:end]`` escaped, with the hits inside it marked."""
    out = []
    pos = begin
    for hit_begin, hit_end in hits:
        if begin <= hit_begin and hit_end <= end:
            out.append(escape(text[pos:hit_begin]))
            out.append(f"<mark>{escape(text[hit_begin:hit_end])}</mark>")
            pos = hit_end
    out.append(escape(text[pos:end]))
    return "".join(out)


def _best_window(places: list[int], found: list[str], size: int) -> int:
    """The hit that starts the window of ``size`` words with the most distinct matched words."""
    best, best_score = 0, -1
    if size <= 3:  # (a window that may end before its own hit: the plain count)
        for i, place in enumerate(places):
            start = max(0, place - 3)  # a little context before the first match
            last = bisect_left(places, start + size)
            score = len(set(found[i:last])) * 10 + (last - i)
            if score > best_score:
                best, best_score = i, score
        return best
    # The windows' ends only move forward: slide one, counting each word inside it, rather
    # than making a set of every window's words.
    inside: dict[str, int] = {}
    last = 0
    for i, place in enumerate(places):
        end = max(0, place - 3) + size  # a little context before the first match
        while last < len(places) and places[last] < end:
            inside[found[last]] = inside.get(found[last], 0) + 1
            last += 1
        score = len(inside) * 10 + (last - i)
        if score > best_score:
            best, best_score = i, score
        left = inside[found[i]] - 1
        if left:
            inside[found[i]] = left
        else:
            del inside[found[i]]
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
    word of a long page. German stems are beginnings of the word with its
    umlauts folded, as the folded text has them ("rucksend": "Rücksendung").

    Each candidate's first letter comes before the check that no letter precedes it
    (a look-behind over two characters): a pattern that starts with the look-behind
    is tried at every character, one whose alternatives start with a letter lets the
    regex engine skip to the characters a candidate can start with (measured: the
    scan took half the time of a snippet).
    """
    letter = "[a-z0-9]" if ascii_only else r"[^\W_]"
    keys = _keys(stems)
    starts = (re.escape(k[0]) + f"(?<!{letter}.)" + re.escape(k[1:]) for k in keys)
    return re.compile(r"(?:{}){}*".format("|".join(starts), letter))


@lru_cache(maxsize=1024)
def _keys(stems: frozenset[str]) -> list[str]:
    """How a word stemming to one of ``stems`` starts (see :func:`_candidates`), longest first."""
    return sorted({s[: max(1, len(s) - 2)] for s in stems}, key=lambda k: (-len(k), k))

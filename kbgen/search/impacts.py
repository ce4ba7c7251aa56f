"""Precomputed scores: every posting's BM25F score, written at build time.

Scoring a query through Whoosh's matchers costs several microseconds of
Python per posting, and a query on a 10,000-page help center reads tens of
thousands of them. A posting's BM25F score does not depend on the query, so
the build computes each once, with Whoosh's own weighting over the index just
written, and stores them beside it: per field and term (and per multi-word
synonym phrase), the matching document numbers and their scores. The engine
then scores a query by adding up arrays: no matcher, no per-query decoding.

Files (in the index folder, swapped with the site like the rest):
``impacts.bin`` holds little-endian int32 document numbers followed by
float32 scores for each entry; ``impacts.json`` maps field and key (the
stems joined by spaces) to ``[offset, count]``.
"""

from __future__ import annotations

import json
import sys
from array import array
from collections.abc import Iterable
from pathlib import Path

from whoosh import query as Q

DATA_FILE = "impacts.bin"
DIRECTORY_FILE = "impacts.json"
FORMAT = 1


def write(ix, weighting, fields: Iterable[str], phrases: Iterable[tuple[str, ...]], target: Path) -> int:
    """Score every posting of ``fields`` (and the ``phrases``) into ``target``.

    Returns how many postings were written.
    """
    directory: dict[str, dict[str, list[int]]] = {}
    offset = 0
    written = 0
    phrases = sorted(set(p for p in phrases if len(p) > 1))
    with ix.searcher(weighting=weighting) as searcher, open(target / DATA_FILE, "wb") as out:
        reader = searcher.reader()

        def add(field: str, key: str, ids: array, scores: array) -> None:
            nonlocal offset, written
            if not ids:
                return
            for part in (ids, scores):
                if sys.byteorder != "little":
                    part.byteswap()
                out.write(part.tobytes())
            directory.setdefault(field, {})[key] = [offset, len(ids)]
            offset += 8 * len(ids)
            written += len(ids)

        for field in fields:
            for text in list(reader.field_terms(field)):
                add(field, text, *_drain(searcher.postings(field, text)))  # scored with ``weighting``
            for phrase in phrases:
                add(field, " ".join(phrase), *_drain(Q.Phrase(field, list(phrase)).matcher(searcher)))
    (target / DIRECTORY_FILE).write_text(
        json.dumps({"format": FORMAT, "entries": directory}, sort_keys=True, separators=(",", ":")), encoding="utf-8"
    )
    return written


def _drain(matcher) -> tuple[array, array]:
    """Every document a matcher matches, with its score."""
    ids, scores = array("i"), array("f")
    while matcher.is_active():
        ids.append(matcher.id())
        scores.append(matcher.score())
        matcher.next()
    return ids, scores


class Impacts:
    """Read side: the scored postings of one index generation, decoded on first use."""

    def __init__(self, data: bytes, directory: dict):
        if directory.get("format") != FORMAT:
            raise ValueError(f"{DIRECTORY_FILE}: unknown format {directory.get('format')!r}; rebuild the site")
        self._data = memoryview(data)
        self._entries: dict[str, dict[str, list[int]]] = directory["entries"]
        self._decoded: dict[tuple[str, str], tuple[array, array] | None] = {}

    def postings(self, field: str, stems: tuple[str, ...]) -> tuple[array, array] | None:
        """(document numbers ascending, scores) of a term or phrase in ``field``, or None."""
        key = (field, " ".join(stems))
        try:
            return self._decoded[key]
        except KeyError:
            pass
        entry = self._entries.get(field, {}).get(key[1])
        found = None
        if entry is not None:
            offset, count = entry
            ids, scores = array("i"), array("f")
            ids.frombytes(self._data[offset : offset + 4 * count])
            scores.frombytes(self._data[offset + 4 * count : offset + 8 * count])
            if sys.byteorder != "little":
                ids.byteswap()
                scores.byteswap()
            found = (ids, scores)
        self._decoded[key] = found  # a race only decodes twice
        return found

    def count(self, field: str, stems: tuple[str, ...]) -> int:
        """How many documents hold the term or phrase in ``field``."""
        entry = self._entries.get(field, {}).get(" ".join(stems))
        return entry[1] if entry else 0

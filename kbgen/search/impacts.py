"""Precomputed scores: every posting's BM25F score, written at build time.

Scoring a query through Whoosh's matchers costs several microseconds of
Python per posting, and a query on a 10,000-page help center reads tens of
thousands of them. A posting's BM25F score does not depend on the query, so
the build computes each once, with Whoosh's own weighting over the index just
written, and stores them beside it: per field and term (and per multi-word
synonym phrase), the matching document numbers and their scores. The engine
then scores a query by adding up arrays: no matcher, no per-query decoding.

The postings are scored as the writer added them (:class:`Postings`), in Whoosh's own BM25F
formula and order of operations (so the same float64 values, then rounded to float32 as
Whoosh's scores were): all of a field at once with numpy when it is installed (the semantic
extra), else term by term in Python, which gives the same bytes. Only the field lengths, as
the index stores them, are read back. The synonym phrases are scored the same way: each word's
score in the documents :mod:`.phrases` finds, added up as Whoosh's phrase matcher adds them.

Files (in the index folder, swapped with the site like the rest):
``impacts.bin`` holds little-endian int32 document numbers followed by
float32 scores for each entry; ``impacts.json`` maps field and key (the
stems joined by spaces) to ``[offset, count]``.
"""

from __future__ import annotations

import json
import marshal
import math
import sys
from array import array
from collections.abc import Iterable
from pathlib import Path

from whoosh import scoring

from .phrases import matches, summed

DATA_FILE = "impacts.bin"
DIRECTORY_FILE = "impacts.json"
FORMAT = 1


class Postings:
    """Each text field's postings as the writer adds them: document, term and weight."""

    def __init__(self, fields: Iterable[str]):
        self._terms: dict[str, dict[bytes, int]] = {field: {} for field in fields}
        self._rows = {field: (array("i"), array("i"), array("d")) for field in self._terms}

    def add(self, docnum: int, field: str, items) -> None:
        """``items``: what the field's ``index`` gave for the document (term, freq, weight, value)."""
        rows = self._rows.get(field)
        if rows is None or not items:
            return
        terms = self._terms[field]
        ids, docs, weights = rows
        ids.extend([terms.setdefault(item[0], len(terms)) for item in items])
        docs.extend([docnum] * len(items))
        weights.extend([item[2] for item in items])

    def extend(self, other: Postings, offset: int) -> None:
        """Add ``other``'s postings (documents numbered from 0) as those of documents ``offset``
        on: the same terms' numbers and rows as adding its documents here one by one."""
        for field, (ids, docs, weights) in self._rows.items():
            their_ids, their_docs, their_weights = other._rows[field]
            terms = self._terms[field]
            mine = [terms.setdefault(term, len(terms)) for term in other._terms[field]]  # in number order
            ids.extend(renumbered(their_ids, mine))
            docs.extend(shifted(their_docs, offset))
            weights.extend(their_weights)

    def dumps(self) -> bytes:
        """The postings, for :meth:`loads` (marshalled: the terms in number order, the rows' bytes)."""
        rows = self._rows
        return marshal.dumps([(f, list(terms), *(r.tobytes() for r in rows[f])) for f, terms in self._terms.items()])

    @classmethod
    def loads(cls, data: bytes) -> Postings:
        fields = marshal.loads(data)
        found = cls(field for field, *_ in fields)
        for field, terms, *parts in fields:
            found._terms[field] = {term: number for number, term in enumerate(terms)}
            for mine, part in zip(found._rows[field], parts, strict=True):
                mine.frombytes(part)
        return found

    def rows(self, field: str) -> tuple[list[bytes], dict[bytes, int], array, array, array]:
        """(the terms in index order, each term's number, and per posting: its term's
        number, its document, its weight), postings in the order they were added."""
        terms = self._terms[field]
        return sorted(terms), terms, *self._rows[field]


def shifted(values: array, by: int) -> array:
    """``values`` (an integer array) each plus ``by``, in an array of the same type (with numpy
    when it is installed: merging a shard's postings moves hundreds of thousands of numbers)."""
    if not by or not values:
        return values
    try:
        import numpy as np
    except ImportError:
        return array(values.typecode, [value + by for value in values])
    moved = np.frombuffer(values, dtype=values.typecode) + np.array(by, dtype=values.typecode)
    return array(values.typecode, moved.tobytes())


def renumbered(values: array, numbers: list[int]) -> array:
    """``values`` (an integer array) each replaced by ``numbers[value]``, in an array of the same type."""
    if not values:
        return values
    try:
        import numpy as np
    except ImportError:
        return array(values.typecode, map(numbers.__getitem__, values))
    table = np.array(numbers, dtype=values.typecode)
    return array(values.typecode, table[np.frombuffer(values, dtype=values.typecode)].tobytes())


def score(
    ix, weighting, fields: Iterable[str], postings: Postings, lengths: dict[str, array] | None = None
) -> dict[str, list[tuple[str, array, array]]]:
    """Every posting's score, per field of ``fields`` (``postings``: as the index was written from
    them): each term in index order with its documents and their scores, as :func:`write` writes them.
    Apart from :func:`write`, which needs the synonym phrases, so that a writer can score before it has them.
    ``lengths``: each field's length in every document, as ``float(reader.doc_field_length(doc,
    field, 1) or 0)`` reads it from ``ix`` (the writer keeps them per shard), else read here."""
    with ix.searcher(weighting=weighting) as searcher:
        reader = searcher.reader()
        given = lengths or {}
        return {
            field: list(_scored(searcher, reader, weighting, field, postings, given.get(field))) for field in fields
        }


def write(ix, weighting, phrases: Iterable[tuple[str, ...]], target: Path, scored: dict, places: dict) -> int:
    """Write the scored postings of each field (``scored``: from :func:`score`) and those of the
    ``phrases`` into ``target``. ``places``: per field, a word's positions in some documents
    (``places[field](term, docnums)`` -> {docnum: positions}). Returns how many postings were written."""
    directory: dict[str, dict[str, list[int]]] = {}
    offset = 0
    written = 0
    phrases = sorted(set(p for p in phrases if len(p) > 1))
    with ix.searcher(weighting=weighting) as searcher, open(target / DATA_FILE, "wb") as out:

        def add(field: str, key: str, ids: array, scores: array) -> None:
            nonlocal offset, written
            if not ids:
                return
            for part in (ids, scores):
                if sys.byteorder != "little":
                    part = array(part.typecode, part)
                    part.byteswap()
                out.write(part.tobytes())
            directory.setdefault(field, {})[key] = [offset, len(ids)]
            offset += 8 * len(ids)
            written += len(ids)

        for field, terms in scored.items():
            for key, ids, scores in terms:
                add(field, key, ids, scores)
            if phrases:
                phrased = _Phrased(searcher, weighting, field, terms, places[field])
                for phrase in phrases:
                    add(field, " ".join(phrase), *phrased.postings(phrase))
    (target / DIRECTORY_FILE).write_text(
        json.dumps({"format": FORMAT, "entries": directory}, sort_keys=True, separators=(",", ":")), encoding="utf-8"
    )
    return written


class _Phrased:
    """A field's phrase postings, as Whoosh's ``Phrase(field, words).matcher(searcher)`` gives
    them (:mod:`.phrases` finds the documents): each scored as the sum of its words' BM25F
    scores, computed as :func:`_scored` computes them (in float64, then rounded to float32 once)."""

    def __init__(self, searcher, weighting, field: str, terms: list[tuple[str, array, array]], places):
        self._documents = {key: ids for key, ids, _ in terms}
        self._places = places
        self._reader = searcher.reader()
        self._field = field
        self._count = searcher.doc_count_all()
        self._avgfl = searcher.avg_field_length(field) or 1
        # a posting's weight is its frequency times the field's boost (Whoosh's Positions format)
        self._boost = searcher.schema[field].format.field_boost
        self._B, self._K1 = weighting.B, weighting.K1

    def postings(self, words: tuple[str, ...]) -> tuple[array, array]:
        """The documents holding the phrase ``words``, ascending, and their scores."""
        ids, scores = array("i"), array("f")
        documents = self._documents
        idf = {word: _idf(self._count, len(documents[word])) for word in set(words) & documents.keys()}
        for doc, counts in matches(words, documents.get, self._places):
            fl = float(self._reader.doc_field_length(doc, self._field, 1) or 0)
            each = [
                scoring.bm25(idf[word], count * self._boost, fl, self._avgfl, self._B, self._K1)
                for word, count in zip(words, counts, strict=True)
            ]
            ids.append(doc)
            scores.append(summed(each))
        return ids, scores


def _scored(searcher, reader, weighting, field: str, postings: Postings, lengths: array | None = None):
    """Each term of ``field`` in index order, its documents and their BM25F scores: what
    ``searcher.postings(field, term)`` scores one posting at a time (``scoring.bm25`` with
    the term's idf, the field's average length and each document's stored length); with
    numpy (the semantic extra) all at once, else term by term: the same float64 operations
    in the same order either way, so the same float32 scores."""
    # kbgen's own ``index.weighting()``: BM25F with one B and K1 for every field
    if type(weighting) is not scoring.BM25F or not searcher.schema[field].scorable:
        raise ValueError("impacts are precomputed for kbgen's BM25F on scorable fields")
    order, numbers, ids, docs, weights = postings.rows(field)
    count = searcher.doc_count_all()
    if lengths is None or len(lengths) != count:
        # (None for a document without the field: it has no posting there to score)
        lengths = [float(reader.doc_field_length(d, field, 1) or 0) for d in range(count)]
    avgfl = searcher.avg_field_length(field) or 1
    try:
        import numpy
    except ImportError:
        numpy = None
    if numpy is not None and ids:
        frequency = numpy.bincount(numpy.frombuffer(ids, dtype=ids.typecode), minlength=len(numbers)).tolist()
    else:
        frequency = [0] * len(numbers)
        for number in ids:
            frequency[number] += 1
    idf = [_idf(count, n) for n in frequency]
    scored = _scored_numpy if numpy is not None else _scored_python
    yield from scored(order, numbers, ids, docs, weights, lengths, frequency, idf, avgfl, weighting.B, weighting.K1)


def _idf(documents: int, holding: int) -> float:
    """As Whoosh's ``WeightingModel.idf``: log(N / (n + 1)) + 1, with Python's log (the terms'
    scores and the phrases' words must get the same float)."""
    return math.log(documents / (holding + 1)) + 1


def _scored_numpy(order, numbers, ids, docs, weights, lengths, frequency, idf, avgfl, B, K1):
    import numpy as np

    ids, docs, weights = (
        np.frombuffer(a, dtype=a.typecode) if len(a) else np.array([], a.typecode) for a in (ids, docs, weights)
    )
    fl = np.array(lengths, dtype=np.float64)[docs]
    # scoring.bm25: idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl))), in that order
    scores = np.array(idf, dtype=np.float64)[ids] * ((weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * fl / avgfl)))
    grouped = np.argsort(ids, kind="stable")  # a term's postings stay in document order
    starts = np.concatenate(([0], np.cumsum(np.array(frequency, dtype=np.int64))))
    for term in order:
        number = numbers[term]
        chosen = grouped[starts[number] : starts[number + 1]]
        yield (
            term.decode("utf-8"),
            array("i", docs[chosen].tobytes()),
            array("f", scores[chosen].astype(np.float32).tobytes()),
        )


def _scored_python(order, numbers, ids, docs, weights, lengths, frequency, idf, avgfl, B, K1):
    by_term: list[tuple[array, list[float]]] = [(array("i"), []) for _ in numbers]
    for number, doc, weight in zip(ids, docs, weights, strict=True):
        found = by_term[number]
        found[0].append(doc)
        found[1].append(weight)
    for term in order:
        number = numbers[term]
        term_docs, term_weights = by_term[number]
        term_idf = idf[number]
        scores = array(
            "f",
            [
                term_idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * lengths[doc] / avgfl)))
                for doc, tf in zip(term_docs, term_weights, strict=True)
            ],
        )
        yield term.decode("utf-8"), term_docs, scores


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

"""Word positions of the page bodies, written at build time for the phrase boost.

The phrase boost (``ranking._phrase_scores``) asks where the words typed stand in the bodies
of a query's best candidates. Read through Whoosh's postings that costs about 50 µs a page (a
block found, decompressed, unpickled and delta-decoded for each), 1.5-3 ms in the slowest
queries. The writer has every posting's positions in hand as it adds a document, so the build
stores them once, beside ``impacts.bin``, and the engine looks a page's positions up in arrays.
A missing or damaged file leaves the engine reading them through Whoosh, as before, with a
warning: the same positions, slower.

``positions.bin`` (in the index folder, never served, swapped with the site), little-endian:

- 6 bytes ``KBPOS`` + NUL, uint16 format version, uint32 header length;
- that many bytes of JSON: ``field`` (``body``), ``documents`` (the index's document count),
  ``terms`` (each term of the field: [its first posting, its number of postings]),
  ``postings``, ``positions`` (the totals) and ``sha256`` of everything after the header;
- int32 document numbers, one per posting: each term's postings together, in document order
  (terms in the order of ``terms``' sorted keys);
- uint32 ends, one per posting: where its positions end in the positions that follow (its
  positions start where the previous posting's end, or at 0);
- int32 positions, each posting's ascending (the word numbers Whoosh's ``positions`` give).

The same documents give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import sys
from array import array
from bisect import bisect_left
from pathlib import Path

from . import framed
from .impacts import shifted

FILE = "positions.bin"
MAGIC = b"KBPOS\x00"
VERSION = 1
FIELD = "body"


class PositionsError(ValueError):
    """A positions file that is damaged or doesn't belong to the index beside it."""


class Gathered:
    """The field's postings as the writer adds them: document, term and positions."""

    def __init__(self, field_format):
        self._decode = field_format.decode_as  # Whoosh's documented decoding of a posting's value
        self._terms: dict[bytes, array] = {}  # term -> its postings' numbers, in the order added
        self._docs = array("i")
        self._counts = array("I")
        self._positions = array("i")
        self._documents = 0

    def add(self, docnum: int, items, places: list[list[int]] | None = None) -> None:
        """``items``: what the field's ``index`` gave for the document (term, freq, weight, value);
        ``places``: each item's positions, when the analysis has them (else its value is decoded)."""
        self._documents = max(self._documents, docnum + 1)
        terms, decode = self._terms, self._decode
        if places is None:
            places = [decode("positions", value) for _, _, _, value in items]
        for (term, _, _, _), places_ in zip(items, places, strict=True):
            found = terms.get(term)
            if found is None:
                found = terms[term] = array("I")
            found.append(len(self._docs))
            self._docs.append(docnum)
            self._counts.append(len(places_))
            self._positions.extend(places_)

    def extend(self, other: Gathered, offset: int) -> None:
        """Add ``other``'s postings (documents numbered from 0) as those of documents ``offset``
        on: the same as adding its documents here one by one."""
        base = len(self._docs)
        terms = self._terms
        joined = array("I")  # every term's postings' numbers, moved by base at once
        for numbers in other._terms.values():
            joined.extend(numbers)
        joined = shifted(joined, base)
        start = 0
        for term, numbers in other._terms.items():
            found = terms.get(term)
            if found is None:
                found = terms[term] = array("I")
            end = start + len(numbers)
            found.extend(joined[start:end])
            start = end
        self._docs.extend(shifted(other._docs, offset))
        self._counts.extend(other._counts)
        self._positions.extend(other._positions)
        if other._documents:
            self._documents = max(self._documents, other._documents + offset)

    def dumps(self) -> bytes:
        """The postings, for :meth:`loads` (marshalled arrays' bytes)."""
        return marshal.dumps(
            (
                [(term, numbers.tobytes()) for term, numbers in self._terms.items()],
                self._docs.tobytes(),
                self._counts.tobytes(),
                self._positions.tobytes(),
                self._documents,
            )
        )

    @classmethod
    def loads(cls, data: bytes, field_format) -> Gathered:
        terms, docs, counts, places, documents = marshal.loads(data)
        found = cls(field_format)
        for term, numbers in terms:
            found._terms[term] = array("I", numbers)
        found._docs.frombytes(docs)
        found._counts.frombytes(counts)
        found._positions.frombytes(places)
        found._documents = documents
        return found

    def write(self, target: Path) -> Path:
        """Write ``positions.bin`` into the index folder ``target``."""
        terms = sorted(self._terms, key=lambda t: t.decode("utf-8"))
        order = array("I")  # the postings' numbers in file order: term by term, each in document order
        directory: dict[str, list[int]] = {}
        for term in terms:
            numbers = self._terms[term]
            directory[term.decode("utf-8")] = [len(order), len(numbers)]
            order.extend(numbers)
        try:
            import numpy
        except ImportError:
            numpy = None
        arrange = _arranged_numpy if numpy is not None else _arranged_python
        docs, ends, positions = arrange(order, self._docs, self._counts, self._positions)
        if sys.byteorder != "little":
            for part in (docs, ends, positions):
                part.byteswap()
        payload = docs.tobytes() + ends.tobytes() + positions.tobytes()
        header = json.dumps(
            {
                "field": FIELD,
                "documents": self._documents,
                "terms": directory,
                "postings": len(docs),
                "positions": len(positions),
                "sha256": hashlib.sha256(payload).hexdigest(),
            },
            sort_keys=True,
            separators=(",", ":"),
        ).encode()
        return framed.write(Path(target) / FILE, MAGIC, VERSION, header, payload)


def _arranged_python(order: array, docs: array, counts: array, positions: array) -> tuple[array, array, array]:
    """(documents, ends, positions) of the postings numbered ``order``, in that order."""
    starts = array("I", [0])
    for count in counts:
        starts.append(starts[-1] + count)
    out_docs, out_ends, out_positions = array("i"), array("I"), array("i")
    for number in order:
        out_docs.append(docs[number])
        out_positions.extend(positions[starts[number] : starts[number + 1]])
        out_ends.append(len(out_positions))
    return out_docs, out_ends, out_positions


def _arranged_numpy(order: array, docs: array, counts: array, positions: array) -> tuple[array, array, array]:
    """:func:`_arranged_python` with numpy (the semantic extra): the same arrays, all at once."""
    import numpy as np

    if not len(order):
        return array("i"), array("I"), array("i")
    order_ = np.frombuffer(order, dtype=np.uint32).astype(np.int64)
    counts_ = np.frombuffer(counts, dtype=np.uint32).astype(np.int64)
    starts = np.concatenate(([0], np.cumsum(counts_)))[:-1]
    chosen = counts_[order_]
    ends = np.cumsum(chosen)
    # each position's place in the input: its posting's start there, plus its place in the posting
    shift = np.repeat(starts[order_] - (ends - chosen), chosen)
    taken = np.frombuffer(positions, dtype=np.int32)[np.arange(int(ends[-1]), dtype=np.int64) + shift]
    return (
        array("i", np.frombuffer(docs, dtype=np.int32)[order_].tobytes()),
        array("I", ends.astype(np.uint32).tobytes()),
        array("i", taken.tobytes()),
    )


class Positions:
    """Read side: the positions of one index generation's field, looked up by term and document."""

    def __init__(self, data: bytes, doc_count: int):
        header, payload = framed.read(data, MAGIC, VERSION, FILE, PositionsError)
        try:
            postings, total, terms = int(header["postings"]), int(header["positions"]), header["terms"]
        except (ValueError, KeyError, TypeError):
            raise PositionsError(f"{FILE}: damaged header; rebuild the site") from None
        if len(payload) != 8 * postings + 4 * total or hashlib.sha256(payload).hexdigest() != header.get("sha256"):
            raise PositionsError(f"{FILE}: damaged (size or checksum does not match); rebuild the site")
        if header.get("field") != FIELD or header.get("documents") != doc_count:
            raise PositionsError(f"{FILE}: written for another index; rebuild the site")
        self._docs, self._ends, self._positions = array("i"), array("I"), array("i")
        self._docs.frombytes(payload[: 4 * postings])
        self._ends.frombytes(payload[4 * postings : 8 * postings])
        self._positions.frombytes(payload[8 * postings :])
        if sys.byteorder != "little":
            for part in (self._docs, self._ends, self._positions):
                part.byteswap()
        if postings and self._ends[-1] != total:
            raise PositionsError(f"{FILE}: damaged (the positions do not add up); rebuild the site")
        self._terms: dict[str, list[int]] = terms

    def of(self, term: str, docnum: int):
        """The positions of ``term`` in document ``docnum`` (ascending; empty if it has none)."""
        entry = self._terms.get(term)
        if entry is None:
            return ()
        first, count = entry
        i = bisect_left(self._docs, docnum, first, first + count)
        if i < first + count and self._docs[i] == docnum:
            return self._positions[self._ends[i - 1] if i else 0 : self._ends[i]]
        return ()

    def get(self, term: str, docnums: list[int]) -> dict[int, list[int]]:
        """The positions of ``term`` in each of ``docnums`` (sorted) that holds it."""
        entry = self._terms.get(term)
        found: dict[int, list[int]] = {}
        if entry is None:
            return found
        first, count = entry
        docs, ends = self._docs, self._ends
        low, end = first, first + count
        for docnum in docnums:
            i = bisect_left(docs, docnum, low, end)
            if i < end and docs[i] == docnum:
                found[docnum] = self._positions[ends[i - 1] if i else 0 : ends[i]].tolist()
            low = i
        return found

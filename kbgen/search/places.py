"""Where a word stands in a few documents' fields, for the synonym phrases' postings.

Phrases come with the synonyms, after the last document is added and the writer has let go of
what it gathered. Only the documents holding every word of a phrase are looked at: the body's
positions are read from ``positions.bin`` (:mod:`.positions`, written by then), and the short
fields (title, meta) are analysed again for just those documents, rather than every posting's
positions being kept in memory for the whole build.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from . import positions
from .analysis import FieldIndexer


class Body:
    """The body's positions in some documents, from ``positions.bin`` (read on first use: a
    site without multi-word synonyms never reads it)."""

    def __init__(self, index_dir: Path, doc_count: int):
        self._path = Path(index_dir) / positions.FILE
        self._doc_count = doc_count
        self._positions: positions.Positions | None = None

    def __call__(self, term: str, docnums: list[int]) -> dict[int, list[int]]:
        if self._positions is None:
            self._positions = positions.Positions(self._path.read_bytes(), self._doc_count)
        return self._positions.get(term, docnums)


class Reanalysed:
    """A field's positions in some documents, from their text analysed again: what the field's
    :class:`FieldIndexer` gave when the document was added (the same analysis, the same positions)."""

    def __init__(self, field, text: Callable[[int], str]):
        self._indexer = FieldIndexer(field)
        self._text = text  # a document's text of the field, by its number
        self._analysed: dict[int, dict[bytes, list[int]]] = {}

    def __call__(self, term: str, docnums: list[int]) -> dict[int, list[int]]:
        key = term.encode("utf-8")
        found = {}
        for docnum in docnums:
            analysed = self._analysed.get(docnum)
            if analysed is None:
                analysed = self._analysed[docnum] = self._indexer.positions(self._text(docnum))
            if key in analysed:
                found[docnum] = analysed[key]
        return found

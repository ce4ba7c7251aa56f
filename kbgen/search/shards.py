"""The Whoosh index in shards: runs of documents, each one a Whoosh index of its own, read as one.

Whoosh's writer encodes every posting of the index it commits, so an index written in one
piece costs an incremental build as much Whoosh work as a clean one, for one changed FAQ
entry. In shards, a shard none of whose documents changed is the same bytes as before: an
incremental build takes it from the build cache, and writes only the shards that changed.

Which documents share a shard depends on their ids alone, not on their count or position:
a document starts a new shard when a hash of its id says so (content-defined boundaries,
as backup tools cut files into chunks), once the shard holds half its average size, and at
three times that size in any case. Adding or removing a document changes its own shard,
and the next one at most; every other shard keeps its documents and its bytes. A shard's
name is a digest of its documents: the same documents, the same name and the same files.

The shards are read as one index through Whoosh's ``MultiReader``, which is what
``Index.reader()`` gives for an index of several segments: documents numbered one shard
after the other, in the index's order, and every statistic (document counts, field lengths,
term frequencies) summed, so scores are those of one index of the same documents.
"""

from __future__ import annotations

import hashlib

import whoosh
from whoosh.reading import MultiReader
from whoosh.searching import Searcher

# Documents per shard, on average: about forty shards at 10,000 documents, and one for a help
# center of under 125. A changed document then costs a shard of about 250 documents of Whoosh
# writing (0.2 s on the FAQ-heavy corpus, against 0.45 s for shards of 1,000). Searches and
# suggestions over 41 shards took the same time as over 11 at 10,000 pages, and the same
# results; a worker holds about 10 MB more (benchmarks/README.md).
SIZE = 250
# A shard's name depends on this: shards written by another layout are never taken for these.
VERSION = 1


def starts(doc_id: str, held: int, size: int = SIZE) -> bool:
    """Whether the document ``doc_id`` starts a new shard, after a shard of ``held`` documents."""
    half = max(1, size // 2)
    if held < half:
        return False
    if held >= 3 * size:
        return True
    mark = int.from_bytes(hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")
    return mark % half == 0


class Name:
    """A shard's name, from its documents (each one's SHA-256 of :func:`.documents.encoded`) and
    the index's layout."""

    def __init__(self, layout: str):
        self._digest = hashlib.sha256(f"kbgen shard {VERSION} whoosh {whoosh.versionstring()} {layout}\0".encode())

    def add(self, fields: bytes) -> None:
        self._digest.update(len(fields).to_bytes(8, "little"))
        self._digest.update(fields)

    def name(self) -> str:
        return "S" + self._digest.hexdigest()[:24]


class Joined:
    """Shards read as one Whoosh index (only what kbgen asks of an index: a reader, a searcher)."""

    def __init__(self, indexes: list):
        self._indexes = indexes

    @property
    def schema(self):
        """The shards' schema (one index's: every shard has the same; there is always one shard)."""
        return self._indexes[0].schema

    def reader(self) -> MultiReader:
        return MultiReader([ix.reader() for ix in self._indexes])

    def searcher(self, **kwargs) -> Searcher:
        return Searcher(self.reader(), **kwargs)

    def close(self) -> None:
        for ix in self._indexes:
            ix.close()


def open_shards(storage, names: list[str] | None):
    """The index of the shards ``names`` in ``storage``, in that order; ``names`` None (an index
    written before shards): the one index under Whoosh's default name."""
    if names is None:
        return storage.open_index()
    indexes = [storage.open_index(indexname=name) for name in names]
    return indexes[0] if len(indexes) == 1 else Joined(indexes)

"""What an incremental build reuses of the search index (the cache layer around kbgen.search.index).

The index files are written anew whenever a document changed: every score depends on
corpus statistics. What is reused:

- the whole index folder, when the documents, synonyms and glossary definitions are
  exactly those of a build the cache remembers (a build where no page changed);
  ``Indexing.finish`` asks (:func:`remembered`) before it writes anything;
- else each shard of the Whoosh index whose documents did not change (:mod:`.shards`), with
  its documents' postings, positions and spelling words' counts, merged into the index's
  (none of its documents is analysed; the analysis entries they used are kept), and
  each unchanged document's analysis (its terms and their encoded positions, per field
  and text, as the writer adds them, with the body's positions decoded beside them, and the
  spelling words' counts) and, with hybrid search, each unchanged text's vector,
  kept from the last build.

Both writers use them: the one in the build's process and the background one
(``background.py``), which opens the cache's folder itself. The written bytes are those
of a build without the cache.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import shutil
import threading
from pathlib import Path

from .. import cache as build_cache
from . import documents, index, positions, shards, spelling, vectors

# Each shard of the last index is an entry of the cache (:func:`shard_key`), the analysis of its
# documents' texts and their vectors with it: an incremental build writes the entries of the shards
# it wrote (one for one changed FAQ entry), never the whole analysis again. An entry holds
# {"name": the shard's, "shard": (layout, {file name: bytes}, postings, positions, spelling counts,
# analysis keys, field lengths) as kbgen.search.index.IndexWriter._write_shard keeps it,
# "analysis": {key: [(term, freq, weight, encoded positions)], marshalled} (for the body with each
# term's positions beside them, for the spelling words [(term, freq)]), "vectors": with hybrid
# search (the text keys of its documents' vector rows, joined; the rows, float32, in the same
# order), else None, "docs": its documents}. A shard reused whole gives its rows in one piece: none
# of its documents' texts is made, hashed or looked up.
SHARD_ENTRY = 3
# {"entries": [entry key], the last index's shards in order; "documents": the digest of their
# documents' digests (:func:`documents_key`) or None}: the shards' documents, in order, are the
# last index's, from which the next build's background process takes the unchanged pages'
# documents before they render (kbgen.search.background, "speculation"). Kept in the shards'
# entries, a one-change build writes its changed shard's documents, not all of them again.
SHARDS = build_cache.NAMED + "search-shards"


def _vectors_entry(value) -> bool:
    """Whether ``value`` is a shard entry's "vectors" (text keys and rows, as bytes)."""
    return isinstance(value, tuple) and len(value) == 2 and all(isinstance(part, bytes) for part in value)


def shard_key(name: str, language: str, semantic: bool) -> str:
    """The cache key of a shard's entry (a shard's name is a digest of its documents)."""
    model = vectors.MODEL_ID if semantic else ""
    return build_cache.digest("search shard", str(SHARD_ENTRY), str(index.SHARD_LAYOUT), name, language, model)


class Kept(dict):
    """Values from the last build; notes the keys used, in order, and how many were added."""

    def __init__(self, old: dict | None):
        super().__init__(old or {})
        self.added = 0  # keys that were not there
        self.log: list = []  # the keys used, in order (a shard notes which ones its documents used)

    def __getitem__(self, key):
        value = super().__getitem__(key)
        self.log.append(key)
        return value

    def __setitem__(self, key, value):
        if key not in self:
            self.added += 1
        super().__setitem__(key, value)
        self.log.append(key)


class Analysis:
    """Wraps the writer's per-field analysis: a text seen in the last build is not analysed again."""

    def __init__(self, old: dict | None):
        self.kept = Kept(old)

    def wrap(self, field: str, indexer) -> Reusing:
        return Reusing(field, indexer, self.kept)


class Reusing:
    """A field's indexer (:class:`~.analysis.FieldIndexer`) that takes a text's items from the
    last build's analysis when it has them."""

    def __init__(self, field: str, indexer, kept: Kept):
        self._prefix = field.encode("utf-8") + b"\0"
        self._indexer = indexer
        self._kept = kept

    def __call__(self, value: str, **kwargs):
        # the postings as the field's format encoded them (from the cache each value is a
        # fresh bytes object, as Whoosh makes them: marshal shares none of them)
        return self._reused(self._key(value), lambda: self._indexer(value))

    def with_positions(self, value: str):
        """(items, each one's positions): kept together, so that a cached text's positions
        need not be decoded from its items' values (a fifth of a one-change build's writing)."""
        return self._reused(self._key(value, b"places\0"), lambda: self._indexer.with_positions(value))

    def counts(self, value: str) -> list[tuple[bytes, int]]:
        """The terms of ``value`` and their frequencies (the spelling words' analysis)."""
        return self._reused(self._key(value, b"counts\0"), lambda: self._indexer.counts(value))

    def _key(self, value: str, kind: bytes = b"") -> bytes:
        return hashlib.blake2b(self._prefix + kind + value.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def _reused(self, key: bytes, analyse):
        """The cached analysis of ``key``, else ``analyse()``'s (kept marshalled: compact, and a
        build holds every text's entry)."""
        packed = self._kept.get(key)
        if packed is None:
            found = analyse()
            packed = marshal.dumps(found)
        else:
            found = marshal.loads(packed)
        self._kept[key] = packed
        return found


def document_digests(docs) -> list[bytes]:
    """Each document's SHA-256 of its :func:`.documents.encoded` fields, as the writer hashes them."""
    return [documents.digest(doc) for doc in docs]


def documents_key(digests: list[bytes]) -> str:
    """The documents' key from their digests, in order: what the writer's content hash starts from
    (:meth:`.index.IndexWriter.documents_key`)."""
    return hashlib.sha256(b"".join(digests)).hexdigest()


def index_key(digests: list[bytes], synonyms, definitions, semantic: bool, language: str) -> str:
    """The key of a whole index: its documents (``digests``: :func:`document_digests`), synonyms,
    definitions, vectors and language (not how many processes wrote it: the bytes are the same)."""
    return build_cache.digest(
        "search index",
        json.dumps(documents.FIELDS),  # the documents' fields, in the order hashed
        str(index.FORMAT),
        f"{positions.FILE} {positions.VERSION}",  # an index remembered before it had its positions is not reused
        f"{spelling.FILE} {spelling.VERSION}",  # nor one remembered before its spelling words had a file
        f"shards {shards.VERSION} {shards.SIZE}",  # nor one written in other shards
        documents_key(digests),
        json.dumps([synonyms, definitions or [], vectors.MODEL_ID if semantic else None, language]),
    )


def last_documents(kept: Reused, key: str) -> list | None:
    """The documents of the last index written, if their key is ``key`` (and the cache holds
    every one of its shards)."""
    return kept.last_docs if kept.last_key == key else None


def _listing(value) -> tuple[list[str], str | None]:
    """The entries and documents' key of a :data:`SHARDS` value."""
    if not isinstance(value, dict) or not isinstance(value.get("entries"), list):
        return [], None
    key = value.get("documents")
    return value["entries"], key if isinstance(key, str) else None


def remembered(store: build_cache.Store, key: str) -> dict[str, bytes] | None:
    """The files of the index of ``key``, if ``store`` remembers it. The store then keeps the
    entries of the last index's shards too (those of the index remembered: the cache remembers
    the last index written alone), for the next build that writes one."""
    files = store.get(key)
    if files is not None:
        store.keep(_listing(store.get(SHARDS))[0])
    return files


def restore(files: dict[str, bytes], site_dir) -> Path:
    """The index folder written back (what a writer started there had written is removed)."""
    target = Path(site_dir) / index.INDEX_DIR
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name, data in files.items():
        (target / name).write_bytes(data)
    return target


def remember(store: build_cache.Store, key: str, target: Path) -> None:
    """The files of the index at ``target``, read and stored by the store's writer thread (so
    ``target`` must stay where it is until the store is flushed: the build prunes it first)."""
    # not compressed: Whoosh's postings blocks are zlib already and the rest is numbers
    # (30 MB -> 23 MB at level 1 took 0.8 s of CPU on the FAQ-heavy corpus, after the commit)
    store.put_later(
        key,
        lambda: {path.name: path.read_bytes() for path in sorted(target.iterdir()) if path.is_file()},
        compress=False,
    )


class Reused:
    """The shards of the last build of one namespace, with the analysis and vectors of their
    documents' texts, for this build's writer (in the build's process or the background one: both
    open the namespace by its folder). :meth:`save` keeps this build's for the next."""

    def __init__(self, folder, language: str, semantic: bool):
        self.store = build_cache.Store(folder)
        self._language, self._semantic = language, semantic
        analysis: dict = {}
        found: dict = {}
        self._vectors: dict[str, tuple[bytes, bytes]] = {}  # shard name -> its entry's "vectors"
        self._stored: set[str] = set()  # the entries of the shards the cache holds
        self._listed = self.store.get(SHARDS)
        entries, self.last_key = _listing(self._listed)
        last_docs: list | None = []  # the last index's documents, from its shards' entries
        for key in entries:
            entry = self.store.get(key)
            if not isinstance(entry, dict) or not isinstance(entry.get("shard"), tuple):
                last_docs = None
                continue
            if semantic and not _vectors_entry(entry.get("vectors")):
                last_docs = None
                continue
            if last_docs is not None and isinstance(entry.get("docs"), list):
                last_docs += entry["docs"]
            else:
                last_docs = None
            found[entry["name"]] = entry["shard"]
            analysis.update(entry["analysis"])
            if semantic:
                self._vectors[entry["name"]] = entry["vectors"]
            self._stored.add(key)
        self.analysis = Analysis(analysis)
        self._semantic_rows: dict | None = None  # (see rows)
        self.shards = found  # shard name -> what the writer keeps of it (it adds the shards it writes)
        self.last_docs = last_docs if self.last_key is not None else None  # (see last_documents)
        self.documents_key: str | None = None  # this build's documents' key: saved for the next build
        self.entries: list[str] = []  # the entries of this build's shards, once saved

    @property
    def rows(self) -> dict | None:
        """Text key -> float32 row of every text of the kept shards (None without hybrid search),
        made when first asked for (a build that reuses every shard it keeps never needs it);
        :func:`.vectors.embed_cached` adds the rows it embeds."""
        if not self._semantic:
            return None
        if self._semantic_rows is None:
            rows: dict = {}
            for keys, matrix in self._vectors.values():
                size = len(matrix) // (len(keys) // vectors.KEY_SIZE) if keys else 0
                for n in range(len(keys) // vectors.KEY_SIZE):
                    rows[keys[n * vectors.KEY_SIZE : (n + 1) * vectors.KEY_SIZE]] = matrix[n * size : (n + 1) * size]
            self._semantic_rows = rows
        return self._semantic_rows

    def shard_vectors(self, name: str) -> bytes | None:
        """The float32 rows of the documents of the kept shard ``name``, in order (None when the
        cache holds no such shard)."""
        found = self._vectors.get(name)
        return found[1] if found is not None else None

    @property
    def analysed(self) -> int:
        """Texts analysed by this build (not found in the cache)."""
        return self.analysis.kept.added

    def save(self, spans: list[tuple[str, int, int]], docs) -> None:
        """Keep this build's shards (``spans``: each one's name, first document and number of
        documents, as the writer wrote them; ``docs``: the index's documents): an entry for each
        shard the cache does not hold yet. The build's own store must keep :attr:`entries` when it prunes."""
        # not compressed: Whoosh's postings are zlib already, the analysis is marshalled postings
        # (zlib cost the index process 0.25 s at the save and 0.15 s at the read on the FAQ-heavy
        # corpus) and float32 rows do not shrink
        analysis = self.analysis.kept.get  # (dict.get: not noted as used)
        rows = self.rows
        entries = []
        for name, first, count in spans:
            key = shard_key(name, self._language, self._semantic)
            entries.append(key)
            if key in self._stored:
                continue
            shard = self.shards[name]
            keys = index.shard_analysis_keys(shard)
            entry = {
                "name": name,
                "shard": shard,
                "analysis": {k: analysis(k) for k in keys},
                "vectors": None,
                "docs": list(docs[first : first + count]),
            }
            if rows is not None:
                texts = (text for doc in docs[first : first + count] for _, text in vectors.texts(doc))
                text_keys = list(map(vectors.text_key, texts))
                entry["vectors"] = (b"".join(text_keys), b"".join(rows[k] for k in text_keys))
                self._vectors[name] = entry["vectors"]
            self.store.put(key, entry, compress=False)
            self._stored.add(key)
        listing = {"entries": entries, "documents": self.documents_key}
        if listing != self._listed:
            self.store.put(SHARDS, listing)
        self.entries = entries

    def saving(self, spans: list[tuple[str, int, int]], docs) -> threading.Thread:
        """:meth:`save` in a thread, started: the background writer saves while Whoosh commits
        (writing leaves the interpreter free; nothing changes the values any more once every
        document is added). ``join()`` it before the index is reported done."""
        thread = threading.Thread(target=self.save, args=(spans, docs), name="kbgen-search-cache", daemon=True)
        thread.start()
        return thread

"""The prebuilt Whoosh index: schema and writer.

Written once per build into the new site folder (``_kbgen/search/``), beside a
``meta.json`` that carries the language, the synonym groups and a content hash,
so the server needs nothing but the built site. The language picks the
analyzer (:mod:`.languages`); the engine reads it back from ``meta.json``. Whoosh's files
are written in shards (:mod:`.shards`), each committed optimized (one segment), so that an
incremental build writes only the shards whose documents changed.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import random
import shutil
import tempfile
from array import array
from pathlib import Path

from whoosh import fields, scoring
from whoosh.filedb.filestore import FileStorage, RamStorage

from . import impacts, languages, places, positions, shards, spelling, vectors
from .analysis import FieldIndexer
from .documents import SearchDocument, digest

INDEX_DIR = "_kbgen/search"
META_FILE = "meta.json"
FORMAT = 1
# Field weights (applied at query time, so they scale scores linearly):
# the question or title above the headings, tags and summary ("meta") above the body.
# Three fields, not five: every field multiplies the terms a query must read.
FIELD_WEIGHTS = {"title": 4.0, "meta": 2.0, "body": 1.0}
TEXT_FIELDS = tuple(FIELD_WEIGHTS)
# Whoosh's postings pool (its documented ``limitmb``, in its own count of about 175 bytes a
# posting): full, it spills a sorted run to disk, and once one has spilled every posting is
# pickled, unpickled and heap-merged: a quarter to a third of the index process's CPU
# (benchmarks/README.md). 192 MB holds about 1.1 million postings in memory, sorted once at the
# commit: the FAQ-heavy corpus's 477,000 (8,613 documents) and benchmarks/corpus.py's 1.06 million
# at 10,000 pages never spill. A pool takes only the memory of the postings it holds; bigger
# sites spill as before.
POOL_MB = 192
# The key of an analysis (IndexWriter.analyse) that holds the positions of positions.FIELD's items.
PLACES = "places"
# The key of an analysis that holds the spelling words' (term, frequency) pairs: they are
# counted for spelling.json, not added to Whoosh (kbgen.search.spelling says why).
SPELLING = "spell"
# The key of an analysis that holds the build cache's keys it used (reuse.Kept.log).
USED = "used"
# What the build cache keeps of a shard (IndexWriter._write_shard): this layout, its Whoosh files,
# its postings, positions and spelling words' counts, the analysis keys its documents used, and
# its documents' text field lengths as the index stores them.
SHARD_LAYOUT = 2


def shard_analysis_keys(kept: tuple) -> list:
    """The analysis keys the documents of a shard kept as above used (reuse keeps their analysis with it)."""
    return kept[5]


def weighting() -> scoring.WeightingModel:
    """The scoring model; impacts are computed with it at build time."""
    return scoring.BM25F(B=0.75, K1=1.2)


class _RamStorage(RamStorage):
    """In-memory storage whose merge files go to a private folder inside the new site.

    Whoosh's default is ``$TMPDIR/<random name>.tmp``, and with segment names
    seeded for reproducible output, two builds at once would share (and
    delete) each other's files. Inside the build's own folder they also go
    away with it when a build is killed (the next build removes its folder).
    """

    def __init__(self, temp_root: Path):
        super().__init__()
        self._temp_root = temp_root
        self._temp_dirs: list[str] = []

    def temp_storage(self, name=None):
        path = tempfile.mkdtemp(prefix="tmp-", dir=self._temp_root)
        self._temp_dirs.append(path)
        return FileStorage(path).create()

    def cleanup(self) -> None:
        for path in self._temp_dirs:
            shutil.rmtree(path, ignore_errors=True)


def schema(lang: languages.Language = languages.ENGLISH) -> fields.Schema:
    analyzer = lang.index_analyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        url=fields.STORED(),
        type=fields.ID(stored=True),
        category=fields.ID(stored=True),
        category_title=fields.STORED(),
        audience=fields.ID(stored=True),
        promoted=fields.BOOLEAN(stored=True),
        window=fields.STORED(),  # notices: (starts, ends, severity)
        title=fields.TEXT(analyzer=analyzer, stored=True),
        summary=fields.STORED(),
        meta=fields.TEXT(analyzer=analyzer),
        body=fields.TEXT(analyzer=analyzer, stored=True),
    )


def spelling_field(lang: languages.Language = languages.ENGLISH) -> fields.TEXT:
    """The field whose analysis gives the spelling words: not in the schema, only analysed."""
    return fields.TEXT(analyzer=lang.spelling_analyzer())


def _analysers(lang: languages.Language, analysis=None) -> dict:
    """Each text field's analysis, and the spelling words' (under :data:`SPELLING`):
    :class:`FieldIndexer`, Whoosh's own items with less work, on a schema of their own (the
    schema written into the index must pickle as it always did). ``analysis`` (a
    ``reuse.Analysis``) wraps each one: a text analysed in an earlier build is not analysed again."""
    fields_ = schema(lang)
    named = [(name, fields_[name]) for name in TEXT_FIELDS] + [(SPELLING, spelling_field(lang))]
    return {
        name: FieldIndexer(field) if analysis is None else analysis.wrap(name, FieldIndexer(field))
        for name, field in named
    }


def _lengths_once(writer) -> list[_Lengths]:
    """The commit of ``writer`` reads each document's field lengths once (same bytes); the
    readers it made, whose lengths are the shard's (:func:`_field_lengths`)."""
    read = writer.per_document_reader
    made: list[_Lengths] = []

    def reader() -> _Lengths:
        made.append(_Lengths(read(), TEXT_FIELDS, writer.docnum))
        return made[-1]

    writer.per_document_reader = reader
    return made


class _Lengths:
    """A per-document reader whose field lengths are read once per document and field.

    Whoosh's commit asks for the length of a posting's field and document for
    every posting (a column read and a decode each): here they come from lists.
    """

    def __init__(self, reader, fieldnames, doc_count: int):
        self._reader = reader
        self.lengths = {name: [reader.doc_field_length(d, name) for d in range(doc_count)] for name in fieldnames}

    def doc_field_length(self, docnum, fieldname, default=0):
        lengths = self.lengths.get(fieldname)
        if lengths is None or default != 0 or docnum >= len(lengths):
            return self._reader.doc_field_length(docnum, fieldname, default)
        return lengths[docnum]

    def close(self) -> None:
        self._reader.close()


class _Given:
    """A text field's ``index`` while a shard is written: the items analysed before."""

    def __init__(self):
        self.items: list = []

    def __call__(self, value, **kwargs):
        return self.items


def _shard_files(name: str, lang: languages.Language, rows: list, temp_root: Path) -> tuple[dict[str, bytes], bytes]:
    """The Whoosh files of the shard ``name``: ``rows`` ([(index fields, {text field: items})])
    added in order and committed as one segment. The same rows, the same bytes. And its
    documents' text field lengths as the index stores them (:func:`_field_lengths`)."""
    state = random.getstate()
    random.seed(0)  # Whoosh names segments randomly: the same seed for every shard and build
    # In memory: fast, and the files carry no timestamps.
    storage = _RamStorage(temp_root)
    try:
        ix = storage.create_index(schema(lang), indexname=name)
        writer = ix.writer(limitmb=POOL_MB)
        given = {field: _Given() for field in TEXT_FIELDS}
        try:
            for field, analysed in given.items():
                writer.schema[field].index = analysed
            try:
                for values, items in rows:
                    for field, analysed in given.items():
                        analysed.items = items[field]
                    writer.add_document(**values)
            finally:
                for field in TEXT_FIELDS:
                    del writer.schema[field].index  # pickled with the schema at the commit: as before
            read = _lengths_once(writer)
            writer.commit(optimize=True)
        except BaseException:
            writer.cancel()
            raise
        lengths = _field_lengths(read[-1] if read else None)  # (a shard without documents: none read)
        ix.close()
        # (Whoosh leaves its lock file behind)
        files = {file: bytes(storage.open_file(file).read()) for file in storage.list() if not file.endswith("LOCK")}
        return files, lengths
    finally:
        random.setstate(state)
        storage.cleanup()


def _field_lengths(read: _Lengths | None) -> bytes:
    """Each text field's length in each of a shard's documents, as the commit read them and as
    the scores use them (:func:`.impacts.score`: a document with postings in a field has its
    length there; None, without the field, is 0): kept with the shard, so the index's scoring,
    after the last page, reads none (lengths that do not add up to the index's documents are
    read again there)."""
    return marshal.dumps(
        {
            field: array("d", [float(n or 0) for n in (read.lengths[field] if read else ())]).tobytes()
            for field in TEXT_FIELDS
        }
    )


def write(
    docs: list[SearchDocument],
    synonyms: list[tuple[str, ...]],
    site_dir: Path,
    definitions: list[dict] | None = None,
    semantic: bool = False,
    language: str = languages.DEFAULT,
    analysis=None,
    vector_cache: dict | None = None,
    shard_files: dict | None = None,
    shard_size: int | None = None,
    spans: list | None = None,
) -> Path:
    """Write the index for ``docs`` into ``site_dir``; returns the index folder.

    ``definitions``: glossary terms ({"term", "names", "definition", "url"})
    shown above the results when a query names one. ``semantic``: also write the
    page vectors (``vectors.bin``) for hybrid search; the model must be installed,
    and only languages it understands get them (:attr:`Language.semantic`).
    ``language``: the pages' language ("en", "de"); raises
    :class:`~.languages.UnsupportedLanguage` for one search has no analysis for.
    ``analysis`` (a ``reuse.Analysis``), ``vector_cache`` and ``shard_files``: what earlier
    builds computed for unchanged texts and shards (an incremental build; the bytes are the
    same). ``shard_size``: documents per shard (default :data:`.shards.SIZE`). ``spans``: a list
    the shards written are appended to (:attr:`IndexWriter.spans`), for the cache to keep them.
    """
    writer = IndexWriter(site_dir, language, analysis, shard_files, shard_size)
    try:
        for doc in docs:
            writer.add(doc)
        semantic = semantic and writer.lang.semantic
        page_vectors = vectors.embed_documents(docs, vector_cache) if semantic else None
        found = writer.finish(docs, synonyms, definitions, page_vectors)
        if spans is not None:
            spans.extend(writer.spans)
        return found
    finally:
        writer.close()


class IndexWriter:
    """One index, written a document at a time: :func:`write` in one go, or fed in order by
    :mod:`.background` while pages render. Either way the same documents give the same bytes.

    A document can be analysed (:meth:`analyse`) before its turn to be added, in any order.
    Whoosh's files are written a shard at a time (:mod:`.shards`), as each shard's last document
    is added; a shard ``shard_files`` (name -> files) holds from an earlier build is not
    written again, and the shards written are put there.
    """

    def __init__(
        self,
        site_dir: Path,
        language: str = languages.DEFAULT,
        analysis=None,
        shard_files: dict | None = None,
        shard_size: int | None = None,
    ):
        self.lang = languages.get(language)  # raises UnsupportedLanguage before touching site_dir
        self.target = Path(site_dir) / INDEX_DIR
        if self.target.exists():
            shutil.rmtree(self.target)
        self.target.mkdir(parents=True)
        self._analysers = _analysers(self.lang, analysis)
        self._kept = analysis.kept if analysis is not None else None  # the analysis' cache (reuse.Kept)
        self._spelling: dict[bytes, int] = {}  # each spelling word's occurrences in all documents
        self._postings = impacts.Postings(TEXT_FIELDS)
        self._positions = positions.Gathered(schema(self.lang)[positions.FIELD].format)
        self._lengths = {field: array("d") for field in TEXT_FIELDS}  # each document's, as the shards store them
        self._added = 0
        self._shard_files = shard_files
        self._shard_size = shard_size or shards.SIZE
        # Whether a document's analysis is worth making before its shard is known: not when a
        # shard of an earlier build may be taken whole (its documents are then never analysed).
        self.analyses_ahead = not shard_files
        # the shard being filled: [(index fields or None until needed, document, analysis or None)]
        self._rows: list = []
        self._first = 0  # the number of the shard's first document
        self._shard_state()
        self._name = shards.Name(self.lang.code)  # the digest of the shard being filled
        self._shards: list[str] = []  # the names of the shards written, in order
        self.spans: list[tuple[str, int, int]] = []  # the same: (name, first document, documents)
        # meta.json's content hash, of the documents added (as they come: not after the last page)
        self._documents = hashlib.sha256()
        self._ended = False
        self._sealed = self._scored = self._semantic = None  # what seal() leaves for complete()

    def analyse(self, doc: SearchDocument) -> dict[str, list]:
        """The postings of ``doc``'s text fields, as its :meth:`add` will need them (and under
        :data:`PLACES` the positions of the gathered field's, when the analysis gives them)."""
        return self._analyse(_values(doc), _spelt(doc))

    def _analyse(self, values: dict, spelt: str) -> dict[str, list]:
        logged = len(self._kept.log) if self._kept is not None else 0
        analysed: dict[str, list | None] = {PLACES: None}
        for name in TEXT_FIELDS:
            analyser = self._analysers[name]
            with_positions = getattr(analyser, "with_positions", None) if name == positions.FIELD else None
            if with_positions is not None:
                analysed[name], analysed[PLACES] = with_positions(values[name])
            else:
                analysed[name] = list(analyser(values[name]))
        text, spell = spelt, self._analysers[SPELLING]
        counts = getattr(spell, "counts", None)
        analysed[SPELLING] = counts(text) if counts is not None else [(t, f) for t, f, _, _ in spell(text)]
        analysed[USED] = self._kept.log[logged:] if self._kept is not None else []
        return analysed

    def add(self, doc: SearchDocument, analysed: dict[str, list] | None = None) -> None:
        """Add ``doc`` as the next document; ``analysed``: what :meth:`analyse` gave for it."""
        if self._ended:
            raise RuntimeError("a document added after the last shard was written")
        if self._rows and shards.starts(doc.id, len(self._rows), self._shard_size):
            self._write_shard()
        # its fields hashed once, for the shard's name and the index's content hash
        fields_ = digest(doc)
        self._name.add(fields_)
        self._documents.update(fields_)
        values = None  # (a document of a shard the build cache keeps never needs them)
        if analysed is None and self.analyses_ahead:
            values = _values(doc)
            analysed = self._analyse(values, _spelt(doc))
        self._rows.append((values, doc, analysed))
        self._added += 1
        if analysed is not None and self._taken == len(self._rows) - 1:
            self._take()  # now: an analysis held to the shard's end holds many objects (the GC walks them)

    def _write_shard(self) -> None:
        """The shard being filled (with no document at all, one empty shard): its Whoosh files
        written into the index folder, and its documents' postings, positions and spelling words
        added to the index's. A shard ``shard_files`` holds from an earlier build gives all of
        them as they were: its documents are not analysed."""
        name = self._name.name()
        kept = self._shard_files.get(name) if self._shard_files is not None else None
        if isinstance(kept, tuple) and len(kept) == 7 and kept[0] == SHARD_LAYOUT:
            _, _files, postings, places, spelt, _keys, _lengths = kept
            shard_postings = impacts.Postings.loads(postings)
            shard_positions = positions.Gathered.loads(places, schema(self.lang)[positions.FIELD].format)
            spelt = marshal.loads(spelt)
        else:  # (also a shard kept by an older layout: written again)
            kept, shard_postings, shard_positions, spelt = self._shard(name)
        if self._shard_files is not None:
            self._shard_files[name] = kept
        self._postings.extend(shard_postings, self._first)
        self._positions.extend(shard_positions, self._first)
        for field, data in marshal.loads(kept[6]).items():
            self._lengths[field].frombytes(data)
        spelling_ = self._spelling
        for term, count in spelt.items():  # (first seen in the shard, first seen here)
            spelling_[term] = spelling_.get(term, 0) + count
        for file, data in kept[1].items():
            (self.target / file).write_bytes(data)
        self._shards.append(name)
        self.spans.append((name, self._first, len(self._rows)))
        self._first += len(self._rows)
        self._rows, self._name = [], shards.Name(self.lang.code)
        self._shard_state()

    def _shard_state(self) -> None:
        """The structures of the shard being filled: empty."""
        self._taken = 0  # how many of its documents are in them (the others wait for the shard's end)
        self._shard_postings = impacts.Postings(TEXT_FIELDS)
        self._shard_positions = positions.Gathered(schema(self.lang)[positions.FIELD].format)
        self._shard_spelt: dict[bytes, int] = {}
        self._shard_keys: list[bytes] = []

    def _take(self) -> None:
        """The next document of the shard being filled (analysed now if it was not) added to the
        shard's postings, positions and spelling counts; only its text fields' items stay in its row."""
        number = self._taken
        values, doc, analysed = self._rows[number]
        if values is None:
            values = _values(doc)
        if analysed is None:
            analysed = self._analyse(values, _spelt(doc))
        for field in TEXT_FIELDS:
            self._shard_postings.add(number, field, analysed[field])
        self._shard_positions.add(number, analysed[positions.FIELD], analysed.get(PLACES))
        spelt = self._shard_spelt
        for term, count in analysed[SPELLING]:
            spelt[term] = spelt.get(term, 0) + count
        self._shard_keys += analysed[USED]
        self._rows[number] = (values, doc, {field: analysed[field] for field in TEXT_FIELDS})
        self._taken += 1

    def _shard(self, name: str) -> tuple:
        """The shard being filled, analysed and written: (what ``shard_files`` keeps of it, its
        postings, its positions, its spelling words' counts), its documents numbered from 0."""
        while self._taken < len(self._rows):
            self._take()
        rows = [(values, items) for values, _, items in self._rows]
        files, lengths = _shard_files(name, self.lang, rows, self.target)
        shard_postings, shard_positions, spelt = self._shard_postings, self._shard_positions, self._shard_spelt
        kept = (
            SHARD_LAYOUT,
            files,
            shard_postings.dumps(),
            shard_positions.dumps(),
            marshal.dumps(spelt),
            self._shard_keys,
            lengths,
        )
        return kept, shard_postings, shard_positions, spelt

    def documents_key(self) -> str:
        """The key of the documents added so far (:func:`.reuse.documents_key` of their digests)."""
        return self._documents.hexdigest()

    def end(self) -> None:
        """No more documents: the last shard is written (idempotent). After this, nothing this
        writer puts into ``shard_files`` (or its analysis' cache) changes any more."""
        if not self._ended:
            if self._rows or not self._shards:
                self._write_shard()
            self._ended = True

    def finish(self, docs, synonyms, definitions=None, page_vectors=None) -> Path:
        """Write the last shard, the precomputed scores, the vectors (``page_vectors``: float rows in
        :func:`vectors.rows_of` order, or None) and ``meta.json``; returns the index folder."""
        self.seal(docs, page_vectors)
        return self.complete(docs, synonyms, definitions)

    def seal(self, docs, page_vectors=None) -> None:
        """The first part of :meth:`finish`, all that depends on the documents alone: the last
        shard, the terms' scores, ``positions.bin``, ``spelling.json`` and the vectors. The
        background process seals as soon as its last document is added, while the build still renders."""
        self.end()
        self._sealed = shards.open_shards(FileStorage(str(self.target), readonly=True), self._shards)
        self._scored = impacts.score(self._sealed, weighting(), TEXT_FIELDS, self._postings, self._lengths)
        self._postings = self._lengths = None
        self._positions.write(self.target)
        self._positions = None
        spelling.write(self.target, self._spelling)
        self._spelling = None
        if page_vectors is not None:
            vectors.write(docs, self.target, page_vectors)
        self._semantic = page_vectors is not None

    def complete(self, docs, synonyms, definitions=None) -> Path:
        """The rest of :meth:`finish` once :meth:`seal` is done: the synonym phrases' scores, the
        scores file and ``meta.json``; returns the index folder. ``docs``: those added, in order
        (their content hash was taken as they were added)."""
        from .query import Vocabulary  # the query side decides which phrases it searches

        if len(docs) != self._added:
            raise RuntimeError(f"{len(docs)} documents given, {self._added} added")

        phrases = Vocabulary.from_groups(synonyms, self.lang).searched_phrases()
        impacts.write(self._sealed, weighting(), phrases, self.target, self._scored, self._places(docs))
        self._scored = None
        self._sealed.close()
        self._sealed = None
        _write_meta(
            self.target, self._documents, len(docs), synonyms, definitions, self.lang, self._semantic, self._shards
        )
        return self.target

    def _places(self, docs) -> dict:
        """Each text field's positions of a term in some documents (``docs``: in index order),
        for the phrases: the body's from ``positions.bin``, the others' analysed again."""
        fields_ = schema(self.lang)
        return {
            "title": places.Reanalysed(fields_["title"], lambda docnum: docs[docnum].title),
            "meta": places.Reanalysed(fields_["meta"], lambda docnum: _meta(docs[docnum])),
            positions.FIELD: places.Body(self.target, len(docs)),
        }

    def close(self) -> None:
        """Release what the writer holds (idempotent); an unfinished index is left half-written."""
        self._rows = []
        if self._sealed is not None:
            self._sealed.close()
            self._sealed = None


def _values(doc: SearchDocument) -> dict:
    """The index fields of one document."""
    return dict(
        id=doc.id,
        url=doc.url,
        type=doc.type,
        category=doc.category,
        category_title=doc.category_title,
        audience=doc.audience,
        promoted=doc.promoted,
        title=doc.title,
        summary=doc.summary,
        window=(doc.starts, doc.ends, doc.severity) if doc.type == "notice" else None,
        # one space between words: snippets then cut the stored text as it is
        meta=_meta(doc),
        body=" ".join(doc.body.split()),
    )


def _meta(doc: SearchDocument) -> str:
    """The text of the ``meta`` field."""
    return "\n".join((doc.headings, doc.tags, doc.summary))


def _spelt(doc: SearchDocument) -> str:
    """The text whose words corrections and completions may suggest."""
    return "\n".join((doc.title, doc.summary, doc.headings, doc.tags, doc.body))


def _write_meta(
    target: Path,
    documents,
    count: int,
    synonyms,
    definitions,
    lang: languages.Language,
    semantic: bool,
    names: list[str],
) -> None:
    """``documents``: the digest of the ``count`` documents' SHA-256 digests of their
    :func:`.documents.encoded` bytes, in order."""
    digest = documents.copy()
    digest.update(json.dumps([synonyms, definitions or []]).encode())
    if lang is not languages.ENGLISH:
        digest.update(lang.code.encode())
    meta = {
        "format": FORMAT,
        "language": lang.code,
        "documents": count,
        "content_hash": digest.hexdigest()[:16],
        "synonyms": [list(g) for g in synonyms],
        "definitions": definitions or [],
        "vectors": vectors.MODEL_ID if semantic else None,
        "shards": names,
    }
    tmp = target / (META_FILE + ".tmp")
    tmp.write_text(json.dumps(meta, indent=1), encoding="utf-8")
    os.replace(tmp, target / META_FILE)

"""The search engine a server worker (or the CLI) holds: open once, read-only.

The index is copied into memory when opened, through a file descriptor on its
folder, so a rebuild that swaps the site folder can neither tear a read nor
pull files from under a running query. Every request checks (at most once a
second) whether ``meta.json`` changed; if so the new index is loaded and
swapped in, and requests already running finish on the old one. Whoosh
searchers are not thread-safe: each thread gets its own.
"""

from __future__ import annotations

import copy
import json
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from whoosh import query as Q
from whoosh import scoring
from whoosh.filedb.filestore import RamStorage

from . import query as planner
from .analysis import is_stop, stem, words
from .index import INDEX_DIR, META_FILE, TEXT_FIELDS
from .request import SearchRequest
from .snippets import snippet

RECHECK_SECONDS = 1.0
RERANK = 50  # top matches re-scored by how many of the query's concepts they contain
# Words typed that few bodies contain ("money back") let their synonyms search the
# bodies too; common ones don't need the help, and their synonyms' postings are long.
RARE_DOCS = 20
RARE_SHARE = 0.02
# On big help centers a word in more than this share of a field's documents is left
# out of the scored query (its IDF barely moves a ranking, its postings are half of
# a query's cost); the re-ranking still rewards pages that contain it.
COMMON_SHARE = 0.3
COMMON_MIN_DOCS = 2000
CACHE_SIZE = 4096  # results kept per index generation (shoppers repeat the same questions)
SPELL_FIELD = "spell"


class IndexMissing(FileNotFoundError):
    """No prebuilt index where one was expected."""


class _Cache:
    """A small thread-safe LRU of finished responses for one index generation."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        if self.size <= 0:
            return
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


@dataclass
class _Loaded:
    """One opened index generation."""

    index: object
    vocab: planner.Vocabulary
    meta: dict
    signature: tuple
    local: threading.local
    cache: _Cache
    flags: dict  # docnum -> (promoted, notice window), read once so ranking loads no stored fields


def _signature(meta_path: Path) -> tuple:
    st = os.stat(meta_path)
    return (st.st_ino, st.st_dev, st.st_mtime_ns, st.st_size)


def _load(index_dir: Path, cache_size: int) -> _Loaded:
    """Read every index file into memory through one directory descriptor."""
    try:
        dir_fd = os.open(index_dir, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except FileNotFoundError:
        raise IndexMissing(f"{index_dir}: no search index; build the site with kbgen first") from None
    try:
        signature = _signature_fd(dir_fd)
        storage = RamStorage()
        meta = None
        for name in sorted(os.listdir(dir_fd)):
            if name.endswith(".tmp") or name.startswith("."):
                continue
            fd = os.open(name, os.O_RDONLY, dir_fd=dir_fd)
            with os.fdopen(fd, "rb") as handle:
                data = handle.read()
            if name == META_FILE:
                meta = json.loads(data)
                continue
            if name.endswith(("WRITELOCK", ".lock")):
                continue
            out = storage.create_file(name)
            out.write(data)
            out.close()
    finally:
        os.close(dir_fd)
    if meta is None:
        raise IndexMissing(f"{index_dir}: index has no {META_FILE}; rebuild the site")
    ix = storage.open_index()
    vocab = planner.Vocabulary.from_groups(meta.get("synonyms", []))
    with ix.reader() as reader:
        flags = {
            docnum: (bool(fields.get("promoted")), fields.get("window"))
            for docnum, fields in reader.iter_docs()
            if fields.get("promoted") or fields.get("window")
        }
    return _Loaded(ix, vocab, meta, signature, threading.local(), _Cache(cache_size), flags)


def _signature_fd(dir_fd: int) -> tuple:
    st = os.stat(META_FILE, dir_fd=dir_fd)
    return (st.st_ino, st.st_dev, st.st_mtime_ns, st.st_size)


class SearchEngine:
    def __init__(self, index_dir: str | os.PathLike, cache_size: int = CACHE_SIZE):
        self.index_dir = Path(index_dir)
        self.cache_size = cache_size
        self._lock = threading.Lock()
        self._loaded = _load(self.index_dir, cache_size)
        self._checked = time.monotonic()

    # -- index generations --------------------------------------------------
    def _current(self) -> _Loaded:
        now = time.monotonic()
        if now - self._checked >= RECHECK_SECONDS:
            self._checked = now
            try:
                changed = _signature(self.index_dir / META_FILE) != self._loaded.signature
            except OSError:
                changed = False  # mid-swap or removed: keep serving what we have
            if changed:
                self.reload()
        return self._loaded

    def reload(self) -> bool:
        """Load the index again if it changed on disk; True when a new one is in use."""
        with self._lock:
            try:
                fresh = _load(self.index_dir, self.cache_size)
            except (OSError, ValueError):
                return False
            if fresh.signature == self._loaded.signature:
                return False
            self._loaded = fresh  # running requests keep their own reference
            return True

    @property
    def meta(self) -> dict:
        return self._current().meta

    def _searcher(self, loaded: _Loaded):
        searcher = getattr(loaded.local, "searcher", None)
        if searcher is None:
            searcher = loaded.index.searcher(weighting=scoring.BM25F(B=0.75, K1=1.2))
            loaded.local.searcher = searcher
        return searcher

    # -- queries ------------------------------------------------------------
    def search(self, q: str | SearchRequest, limit: int = 10, **filters) -> dict:
        """Search; returns the object of Contract 3's ``/api/search``."""
        request = q if isinstance(q, SearchRequest) else SearchRequest(q, limit=limit, **filters)
        loaded = self._current()
        return self._cached(loaded, ("search", request), lambda: self._search(request, loaded))

    def _search(self, request: SearchRequest, loaded: _Loaded) -> dict:
        searcher = self._searcher(loaded)
        plan = self._plan(request.q, loaded, searcher)
        result = {"query": request.q, "total": 0, "suggestion": plan.suggestion, "hits": [],
                  "definition": _definition(loaded.meta, request.q, plan.suggestion)}
        if plan.empty:
            return result
        first = (request.page - 1) * request.limit
        # optimize=False: one pass that scores and counts every match (with block
        # skipping, Whoosh would run the query a second time just to count).
        reader = searcher.reader()

        rare_below = max(RARE_DOCS, RARE_SHARE * reader.doc_count())

        def rare(stems: tuple[str, ...]) -> bool:
            return any(reader.doc_frequency("body", s) < rare_below for s in stems)

        total = reader.doc_count()
        common_above = COMMON_SHARE * total if total >= COMMON_MIN_DOCS else float("inf")

        def common(field: str, stem_: str) -> bool:
            return reader.doc_frequency(field, stem_) > common_above

        query = planner.to_whoosh(plan, rare, common) or planner.to_whoosh(plan, rare)
        results = searcher.search(
            query, limit=max(first + request.limit, RERANK), optimize=False, filter=_filters(request),
        )
        result["total"] = len(results)
        ranked = _rerank(results, plan, searcher.reader(), loaded.flags)
        stems = plan.highlight
        for score, hit in ranked[first:first + request.limit]:
            fields = hit.fields()
            text = fields.get("body") or fields.get("summary") or ""
            result["hits"].append({
                "url": fields["url"],
                "title": fields["title"],
                "type": fields["type"],
                "category": fields.get("category_title", ""),
                "score": round(score, 4),
                "snippet": snippet(text, stems),
            })
        return result

    def suggest(self, q: str, limit: int = 8) -> dict:
        """Titles and questions for search-as-you-type: the last word may be unfinished."""
        loaded = self._current()
        return self._cached(loaded, ("suggest", q, limit), lambda: self._suggest(q, limit, loaded))

    @staticmethod
    def _cached(loaded: _Loaded, key, compute) -> dict:
        value = loaded.cache.get(key)
        if value is None:
            value = compute()
            loaded.cache.put(key, value)
        return copy.deepcopy(value)  # callers may change what they get

    def _suggest(self, q: str, limit: int, loaded: _Loaded) -> dict:
        searcher = self._searcher(loaded)
        tokens = words(q)
        suggestions: list[dict] = []
        if tokens and len(tokens[-1]) >= 2:
            plan = self._plan(" ".join(tokens[:-1]), loaded, searcher)
            completions = _completions(searcher.reader(), tokens[-1])
            if completions:
                plan.concepts.append([((stem(w),), 1.0) for w in completions])
            if not plan.empty:
                results = searcher.search(planner.to_whoosh(plan), limit=limit)
                suggestions = [
                    {"title": h["title"], "url": h["url"], "type": h["type"],
                     "category": h.get("category_title", "")}
                    for h in results
                ]
        return {"query": q, "suggestions": suggestions}

    def _plan(self, text: str, loaded: _Loaded, searcher) -> planner.Plan:
        reader = searcher.reader()

        def known(s: str) -> bool:
            return any(reader.doc_frequency(name, s) for name in TEXT_FIELDS)

        def correct(word: str) -> str | None:
            return _closest(reader, word) or _closest_synonym(word, loaded.vocab)

        return planner.plan(text, loaded.vocab, known, correct)


def _rerank(results, plan: planner.Plan, reader, flags: dict) -> list[tuple[float, object]]:
    """Documents matching every concept of the query first, then partial matches.

    A score is multiplied by 1 + 2·coverage², so a page that answers the whole
    question ("cancel" and "bid") beats one that repeats a single word.
    Coverage is looked up in the postings of the few top documents only:
    tracking matched terms during the search costs more than the search.
    """
    hits = [results[i] for i in range(results.scored_length())]
    matched = _concepts_matched(reader, plan, sorted(h.docnum for h in hits))
    scored = []
    for hit in hits:
        share = matched.get(hit.docnum, 0) / len(plan.concepts)
        promoted, window = flags.get(hit.docnum, (False, None))
        boost = (1.05 if promoted else 1.0) * _timeliness(window)
        scored.append((hit.score * (1 + 2 * share * share) * boost, hit))
    scored.sort(key=lambda pair: (-pair[0], pair[1].docnum))
    return scored


NOTICE_WEIGHT = {"incident": 3.0, "warning": 2.0, "info": 1.2}


def _timeliness(window) -> float:
    """An active incident ranks first for its words; an ended notice sinks."""
    if not window:
        return 1.0
    starts, ends, severity = window
    now = time.time()
    if severity == "resolved" or now < starts or (ends and now >= ends):
        return 0.3
    return NOTICE_WEIGHT.get(severity, 1.0)


def _concepts_matched(reader, plan: planner.Plan, docnums: list[int]) -> dict[int, int]:
    """How many of the plan's concepts each of ``docnums`` (sorted) contains."""
    found: dict[str, set[int]] = {}

    def docs_with(stem_: str) -> set[int]:
        if stem_ not in found:
            docs: set[int] = set()
            for name in TEXT_FIELDS:
                if not reader.doc_frequency(name, stem_):
                    continue
                postings = reader.postings(name, stem_)
                for docnum in docnums:
                    if not postings.is_active():
                        break
                    if postings.id() < docnum:
                        postings.skip_to(docnum)
                    if postings.is_active() and postings.id() == docnum:
                        docs.add(docnum)
            found[stem_] = docs
        return found[stem_]

    counts: dict[int, int] = {}
    for alternatives in plan.concepts:
        concept_docs: set[int] = set()
        for stems, _ in alternatives:
            concept_docs |= set.intersection(*(docs_with(s) for s in stems))
        for docnum in concept_docs:
            counts[docnum] = counts.get(docnum, 0) + 1
    return counts


def _definition(meta: dict, query: str, suggestion: str | None) -> dict | None:
    """The glossary entry a query names ("reserve price", "what is a proxy bid")."""
    wanted = {" ".join(w for w in words(q) if not is_stop(w)) for q in (query, suggestion) if q}
    for entry in meta.get("definitions", []):
        names = {" ".join(w for w in words(n) if not is_stop(w)) for n in entry["names"]}
        if wanted & names:
            return {"term": entry["term"], "definition": entry["definition"], "url": entry["url"]}
    return None


def _filters(request: SearchRequest):
    terms = []
    if request.category:
        terms.append(Q.Term("category", request.category))
    if request.type:
        terms.append(Q.Term("type", request.type))
    if request.audience:
        # "everyone" pages are for buyers and sellers too
        terms.append(Q.Or([Q.Term("audience", request.audience), Q.Term("audience", "everyone")]))
    return Q.And(terms) if terms else None


def _closest(reader, word: str) -> str | None:
    """The most frequent indexed word at the smallest edit distance (1, then 2)."""
    maxdist = 1 if len(word) <= 4 else 2
    for distance in range(1, maxdist + 1):
        candidates = list(reader.terms_within(SPELL_FIELD, word, distance, prefix=1))
        candidates = [c for c in candidates if c != word]
        if candidates:
            return max(candidates, key=lambda c: (reader.frequency(SPELL_FIELD, c), c))
    return None


def _completions(reader, prefix: str, most: int = 8) -> list[str]:
    """The word itself and the most frequent indexed words that start with it."""
    found = [t.decode() if isinstance(t, bytes) else t
             for t in reader.expand_prefix(SPELL_FIELD, prefix)]
    found.sort(key=lambda w: -reader.frequency(SPELL_FIELD, w))
    return list(dict.fromkeys([prefix, *found[:most]]))


def _closest_synonym(word: str, vocab: planner.Vocabulary) -> str | None:
    import difflib

    close = difflib.get_close_matches(word, sorted(vocab.words), n=1, cutoff=0.8)
    return close[0] if close else None


def open_engine(site_dir: str | os.PathLike, cache_size: int = CACHE_SIZE) -> SearchEngine:
    """The engine for a built site folder."""
    return SearchEngine(Path(site_dir) / INDEX_DIR, cache_size)

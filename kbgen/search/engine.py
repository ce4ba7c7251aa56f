"""The search engine a server worker (or the CLI) holds: open once, read-only.

The index is copied into memory when opened, through a file descriptor on its
folder, so a rebuild that swaps the site folder can neither tear a read nor
pull files from under a running query. Page vectors (``vectors.bin``), when
the build wrote them and the model is installed, make the search hybrid; a
missing or damaged vectors file leaves it lexical, with a warning. Every request checks (at most once a
second) whether ``meta.json`` changed; if so the new index is loaded and
swapped in, and requests already running finish on the old one. Whoosh
searchers are not thread-safe: a request borrows one from a pool, so there are
never more than requests running at once.

Cached responses expire at the next start or end of a notice: ranking uses
the current time (an active incident ranks first, an ended one sinks).
``warm_up`` runs a few searches, so what is built on first use (searchers,
term dictionaries, lazily imported modules) is ready before the first shopper.
"""

from __future__ import annotations

import bisect
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.filedb.filestore import RamStorage

from . import impacts as scored
from . import languages, ranking, spelling
from . import positions as body_positions
from . import query as planner
from . import vectors as semantic
from .index import INDEX_DIR, META_FILE, TEXT_FIELDS, weighting
from .request import SearchRequest
from .shards import open_shards
from .snippets import BodyWords, located, snippet

RECHECK_SECONDS = 1.0
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
CORRECTIONS_CACHE = 4096
# Stored fields kept per worker (about 1.5 KB a page): the 600 benchmark queries show 2,756 pages at
# 10,000, and an LRU smaller than what cycles through it misses every time (18 us a miss).
STORED_CACHE = 4096
BODY_WORDS_CACHE = 8192  # a few kilobytes each at most
SPELL_FIELD = "spell"  # the spelling words of an index written before spelling.json

log = logging.getLogger("kbgen.search")


class IndexMissing(FileNotFoundError):
    """No prebuilt index where one was expected."""


class IndexUnreadable(IndexMissing):
    """An index folder whose files cannot be read (truncated, overwritten, another format):
    as good as missing for searching, but worth an error in the log, since a build made it."""


class _Cache:
    """A small thread-safe LRU of finished responses for one index generation."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def clear(self) -> None:
        with self.lock:
            self.items.clear()

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
    pool: list  # idle Whoosh searchers
    cache: _Cache
    flags: dict  # docnum -> (promoted, notice window), read once so ranking loads no stored fields
    impacts: scored.Impacts
    doc_count: int
    groups: dict  # (field, value) -> document numbers, for the filters
    definitions: dict  # glossary entries by their names' content words
    titles: dict  # docnum -> the title's indexed words in order, for the phrase boost
    body: body_positions.Positions | None  # the bodies' word positions (None: read through Whoosh)
    vectors: semantic.Vectors | None  # None: lexical search only
    lang: languages.Language  # the index's language: queries are analysed as its pages were
    compounds: dict  # German: a stem -> indexed compounds ending with it
    spelling: spelling.Vocabulary | None  # the words corrections and completions suggest (None: ask Whoosh)
    # Shoppers misspell the same words and land on the same pages: corrections
    # and stored fields (a decompression each) are kept per generation.
    corrections: _Cache = field(default_factory=lambda: _Cache(CORRECTIONS_CACHE))
    stored: _Cache = field(default_factory=lambda: _Cache(STORED_CACHE))
    # docnum -> BodyWords, False (its words can't be found from positions) or _SHOWN_ONCE
    body_words: _Cache = field(default_factory=lambda: _Cache(BODY_WORDS_CACHE))
    boundaries: list = field(default_factory=list)  # sorted notice starts and ends (epoch seconds)
    exact_titles: dict = field(default_factory=dict)  # a title's words, joined -> document numbers
    cache_until: float = -1.0  # cached responses are valid until then
    lock: threading.Lock = field(default_factory=threading.Lock)

    def stored_fields(self, searcher, docnum: int) -> dict:
        fields = self.stored.get(docnum)
        if fields is None:
            fields = searcher.stored_fields(docnum)
            self.stored.put(docnum, fields)
        return fields


def _signature(meta_path: Path) -> tuple:
    st = os.stat(meta_path)
    return (st.st_ino, st.st_dev, st.st_mtime_ns, st.st_size)


def _load(index_dir: Path, cache_size: int, semantic_on: bool = True) -> _Loaded:
    """The index at ``index_dir``, read into memory; any file that fails to parse makes the
    whole index :class:`IndexUnreadable` (Whoosh and the parsers raise many kinds of error
    on damaged bytes: none of them may reach a request as a traceback)."""
    try:
        return _read(index_dir, cache_size, semantic_on)
    except (IndexMissing, MemoryError):
        raise
    except Exception as exc:
        raise IndexUnreadable(
            f"{index_dir}: the search index cannot be read ({type(exc).__name__}: {exc}); rebuild the site"
        ) from exc


def _read(index_dir: Path, cache_size: int, semantic_on: bool) -> _Loaded:
    """Read every index file into memory through one directory descriptor."""
    try:
        dir_fd = os.open(index_dir, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except FileNotFoundError:
        raise IndexMissing(f"{index_dir}: no search index; build the site with kbgen first") from None
    try:
        signature = _signature_fd(dir_fd)
        storage = RamStorage()
        meta = None
        files: dict[str, bytes] = {}
        for name in sorted(os.listdir(dir_fd)):
            if name.endswith(".tmp") or name.startswith("."):
                continue
            fd = os.open(name, os.O_RDONLY, dir_fd=dir_fd)
            with os.fdopen(fd, "rb") as handle:
                data = handle.read()
            if name == META_FILE:
                meta = json.loads(data)
                continue
            if name in (scored.DATA_FILE, scored.DIRECTORY_FILE, semantic.FILE, body_positions.FILE, spelling.FILE):
                files[name] = data
                continue
            if name.endswith(("WRITELOCK", ".lock")):
                continue
            out = storage.create_file(name)
            out.write(data)
            out.close()
    finally:
        os.close(dir_fd)
    if meta is None or not {scored.DATA_FILE, scored.DIRECTORY_FILE} <= set(files):
        raise IndexMissing(f"{index_dir}: incomplete index (no {META_FILE} or impacts); rebuild the site")
    ix = open_shards(storage, meta.get("shards"))
    lang = _language(meta, index_dir)
    words, stem, is_stop = lang.words, lang.stem, lang.is_stop
    vocab = planner.Vocabulary.from_groups(meta.get("synonyms", []), lang)
    impacts = scored.Impacts(files[scored.DATA_FILE], json.loads(files[scored.DIRECTORY_FILE]))
    flags: dict = {}
    groups: dict = {}
    titles: dict = {}
    exact_titles: dict = {}
    docnums: dict = {}
    with ix.reader() as reader:
        for docnum, fields in reader.iter_docs():
            docnums[fields["id"]] = docnum
            # the index numbers words with the stop words left out, as here
            titles[docnum] = tuple(stem(w) for w in words(fields.get("title", "")) if not is_stop(w))
            exact_titles.setdefault(_exact(fields.get("title", ""), lang), []).append(docnum)
            if fields.get("promoted") or fields.get("window"):
                flags[docnum] = (bool(fields.get("promoted")), fields.get("window"))
            for name in FILTER_FIELDS:
                groups.setdefault((name, fields.get(name, "")), set()).add(docnum)
        doc_count = reader.doc_count()
        compounds = _compounds(reader) if lang.decompound else {}
        words_spelt = _spelling(index_dir, files.get(spelling.FILE), reader)
    boundaries = sorted({t for _, window in flags.values() if window for t in window[:2] if t})
    body = _body_positions(index_dir, files.get(body_positions.FILE), doc_count)
    vectors = None
    if semantic_on and lang.semantic:
        count = max(docnums.values(), default=-1) + 1
        vectors = _vectors(index_dir, meta, files.get(semantic.FILE), docnums, count, groups)
    return _Loaded(
        ix,
        vocab,
        meta,
        signature,
        [],
        _Cache(cache_size),
        flags,
        impacts,
        doc_count,
        groups,
        _definitions(meta, lang),
        titles,
        body,
        vectors,
        lang,
        compounds,
        words_spelt,
        boundaries=boundaries,
        exact_titles=exact_titles,
    )


def _language(meta: dict, index_dir: Path) -> languages.Language:
    """The language the index was written in (English for indexes older than languages)."""
    try:
        return languages.get(meta.get("language"))
    except languages.UnsupportedLanguage as exc:
        raise IndexMissing(f"{index_dir}: {exc}; rebuild the site with this version of kbgen") from None


def _body_positions(index_dir: Path, data: bytes | None, doc_count: int) -> body_positions.Positions | None:
    """The bodies' word positions, or None (with a warning): the phrase boost then reads them
    through Whoosh, the same positions, slower."""
    if data is None:
        log.warning(
            "%s: %s is missing; phrases are checked more slowly until the site is rebuilt",
            index_dir,
            body_positions.FILE,
        )
        return None
    try:
        return body_positions.Positions(data, doc_count)
    except body_positions.PositionsError as exc:
        log.warning("%s: %s; phrases are checked more slowly until the site is rebuilt", index_dir, exc)
        return None


def _spelling(index_dir: Path, data: bytes | None, reader) -> spelling.Vocabulary | None:
    """The spelling words: from ``spelling.json``, else (an index written before it) from the
    index's spelling field; None leaves them to Whoosh's automaton, or, with neither, to
    the synonyms alone (with a warning) and completes no word."""
    if data is not None:
        try:
            return spelling.Vocabulary.parse(data)
        except spelling.SpellingError as exc:
            problem = str(exc)
    else:
        problem = f"{spelling.FILE} is missing"
    if SPELL_FIELD in reader.schema:
        return spelling.Vocabulary.read(reader, SPELL_FIELD)
    log.warning("%s: %s; typos are corrected only to synonyms until the site is rebuilt", index_dir, problem)
    return None


def _vectors(index_dir: Path, meta: dict, data: bytes | None, docnums: dict, count: int, groups: dict):
    """The page vectors, or None (with a warning when they should be there but can't be used)."""
    if not meta.get("vectors"):
        return None  # built without semantic search: lexical, as asked
    if data is None:
        log.warning("%s: %s is missing; search is lexical only until the site is rebuilt", index_dir, semantic.FILE)
        return None
    if not semantic.available():
        log.warning(
            "%s: the index has page vectors but the semantic search model is not installed "
            "(pip install 'kbgen[semantic]'); search is lexical only",
            index_dir,
        )
        return None
    try:
        vectors = semantic.read(data, docnums, count)
    except (semantic.VectorsError, KeyError, TypeError) as exc:
        log.warning("%s: %s; search is lexical only", index_dir, exc)
        return None
    vectors.kinds = ranking.kind_codes(groups, count)
    return vectors


FILTER_FIELDS = ("category", "type", "audience")


def _exact(text: str, lang: languages.Language) -> str:
    """A title or a query as its words only: "Where is my parcel?" and "where is my parcel" match."""
    return " ".join(lang.words(text))


def _title_first(hits: list, docs) -> list:
    """A page whose title is exactly what was typed comes first ("where is my parcel")."""
    if not docs:
        return hits
    first = [hit for hit in hits if hit.doc in docs]
    return first + [hit for hit in hits if hit.doc not in docs] if first else hits


def _signature_fd(dir_fd: int) -> tuple:
    st = os.stat(META_FILE, dir_fd=dir_fd)
    return (st.st_ino, st.st_dev, st.st_mtime_ns, st.st_size)


class SearchEngine:
    def __init__(
        self,
        index_dir: str | os.PathLike,
        cache_size: int = CACHE_SIZE,
        clock: Callable[[], float] = time.time,
        semantic: bool = True,
    ):
        """``semantic=False`` ignores the page vectors: lexical search only."""
        self.index_dir = Path(index_dir)
        self.cache_size = cache_size
        self.clock = clock  # epoch seconds: when notices are active
        self.semantic_on = semantic
        self._lock = threading.Lock()
        self._loaded = _load(self.index_dir, cache_size, semantic)
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
                fresh = _load(self.index_dir, self.cache_size, self.semantic_on)
            except (OSError, ValueError):
                return False
            if fresh.signature == self._loaded.signature:
                return False
            self._loaded = fresh  # running requests keep their own reference
            return True

    @property
    def meta(self) -> dict:
        return self._current().meta

    @staticmethod
    @contextmanager
    def _searcher(loaded: _Loaded):
        """A searcher of ``loaded`` for this request alone (Whoosh searchers are not thread-safe)."""
        with loaded.lock:
            searcher = loaded.pool.pop() if loaded.pool else None
        if searcher is None:
            searcher = loaded.index.searcher(weighting=weighting())
        try:
            yield searcher
        finally:
            with loaded.lock:
                loaded.pool.append(searcher)

    def warm_up(self, queries: int = 12) -> None:
        """Search a few page titles (as typed, misspelt, half-typed) without caching the answers."""
        loaded = self._current()
        with self._searcher(loaded) as searcher:
            titles = [searcher.stored_fields(d).get("title", "") for d in range(min(queries, loaded.doc_count))]
        for title in filter(None, titles):
            longest = max(loaded.lang.words(title) or [title], key=len)
            typo = title.replace(longest, longest[:-2] + longest[-1] + longest[-2], 1) if len(longest) > 3 else title
            for q in (title, typo):
                self._search(SearchRequest(q[:200]), loaded)
            self._suggest(title[:4], 8, loaded)

    def find_body_words(self) -> int:
        """Find where the words of every long English body are (:class:`BodyWords`), so that no
        page's snippet scans its body: once, in a server's parent before it forks its workers
        (they share them). Returns how many pages have them."""
        loaded = self._current()
        if not _words_from_positions(loaded):
            return 0
        found = 0
        with self._searcher(loaded) as searcher:
            for docnum in range(loaded.doc_count):
                if found >= loaded.body_words.size:
                    break
                body = searcher.stored_fields(docnum).get("body") or ""
                if len(body) >= BodyWords.SHORTEST:
                    words = BodyWords.of(body) or False
                    loaded.body_words.put(docnum, words)
                    found += words is not False
        return found

    # -- queries ------------------------------------------------------------
    @property
    def semantic(self) -> bool:
        """Whether searches are hybrid (page vectors loaded and the model installed)."""
        return self._current().vectors is not None

    def search(self, q: str | SearchRequest, limit: int = 10, explain: bool = False, **filters) -> dict:
        """Search; returns the ``/api/search`` object (Contract 3 in docs/architecture.md).

        ``explain``: each hit also carries ``lexical`` (the lexical ranking's score),
        ``similarity`` (cosine to the query, None without vectors) and ``fused``."""
        request = q if isinstance(q, SearchRequest) else SearchRequest(q, limit=limit, **filters)
        loaded = self._current()
        if explain:
            return self._search(request, loaded, explain=True)
        return self._cached(loaded, ("search", request), lambda: self._search(request, loaded))

    def _search(self, request: SearchRequest, loaded: _Loaded, explain: bool = False) -> dict:
        with self._searcher(loaded) as searcher:
            return self._search_with(request, loaded, searcher, explain)

    def candidates(self, request: SearchRequest, loaded: _Loaded, searcher) -> tuple:
        """(plan, number of lexical matches, lexical ranking, lexical matches (a collection with
        ``in`` and ``outside``), similarity or None): what the fusion works from (also used to tune it)."""
        plan = self._plan(request.q, loaded, searcher)
        if plan.empty:
            return plan, 0, [], ranking.nothing(), None
        first = (request.page - 1) * request.limit
        impacts = loaded.impacts
        rare_below = max(RARE_DOCS, RARE_SHARE * loaded.doc_count)

        def rare(stems: tuple[str, ...]) -> bool:
            return any(impacts.count("body", (s,)) < rare_below for s in stems)

        common_above = COMMON_SHARE * loaded.doc_count if loaded.doc_count >= COMMON_MIN_DOCS else float("inf")

        def common(field: str, stem_: str) -> bool:
            return impacts.count(field, (stem_,)) > common_above

        matches: list = []
        total, ranked = ranking.rank(
            impacts,
            plan,
            planner.clauses(plan, rare, common),
            _positions(searcher.reader(), loaded.titles, loaded.body),
            _weights(loaded.flags, self.clock()),
            allowed=_allowed(request, loaded.groups),
            depth=first + request.limit,
            matched=matches,
        )
        matched = matches[0]
        similarity = None
        if loaded.vectors is not None:
            # what the shopper meant: a corrected typo is embedded as corrected
            meant = plan.suggestion if plan.corrected else request.q
            similarity = semantic.similarity(loaded.vectors, meant)
        return plan, total, ranked, matched, similarity

    def _search_with(self, request: SearchRequest, loaded: _Loaded, searcher, explain: bool = False) -> dict:
        plan, total, ranked, matched, similarity = self.candidates(request, loaded, searcher)
        result = {
            "query": request.q,
            "total": 0,
            "suggestion": plan.suggestion,
            "hits": [],
            "definition": _definition(loaded.definitions, request.q, plan.suggestion, loaded.lang),
        }
        if plan.empty:
            return result
        first = (request.page - 1) * request.limit
        if similarity is None:
            hits = [ranking.Fused(score, doc, score, None, None) for score, doc in ranked]
        else:
            # only the re-scored head is fused; the rest follows in its lexical order, so
            # pages never overlap however deep the shopper goes
            head, rest = ranked[: ranking.RERANK], ranked[ranking.RERANK :]
            hits = ranking.fuse(head, similarity, allowed=_allowed(request, loaded.groups), kinds=loaded.vectors.kinds)
            total += matched.outside([hit.doc for hit in hits])
            shown = {hit.doc for hit in hits}
            best = ranked[0][0] if ranked and ranked[0][0] > 0 else 1.0
            floor = hits[-1].score if hits else 0.0
            weight = ranking.FUSION.lexical / best
            hits += [
                ranking.Fused(min(floor, weight * score), doc, score, float(similarity[doc]), None)
                for score, doc in rest
                if doc not in shown
            ]
        hits = _title_first(hits, loaded.exact_titles.get(_exact(request.q, loaded.lang), ()))
        result["total"] = total
        stems, phrases = plan.highlight, plan.highlight_phrases
        for hit in hits[first : first + request.limit]:
            score, docnum = hit.score, hit.doc
            fields = loaded.stored_fields(searcher, docnum)
            body = fields.get("body")
            text = body or fields.get("summary") or ""
            result["hits"].append(
                {
                    "url": fields["url"],
                    "title": fields["title"],
                    "type": fields["type"],
                    "category": fields.get("category_title", ""),
                    "score": round(score, 4),
                    "snippet": snippet(
                        text,
                        stems,
                        phrases=phrases,
                        stem=loaded.lang.stem,
                        find=_finder(loaded, docnum, body) if body else None,
                    ),
                }
            )
            if explain:
                result["hits"][-1].update(
                    lexical=round(hit.lexical, 4),
                    similarity=None if hit.similarity is None else round(hit.similarity, 4),
                    fused=round(score, 4),
                )
        return result

    def suggest(self, q: str, limit: int = 8) -> dict:
        """Titles and questions for search-as-you-type: the last word may be unfinished."""
        loaded = self._current()
        return self._cached(loaded, ("suggest", q, limit), lambda: self._suggest(q, limit, loaded))

    def _cached(self, loaded: _Loaded, key, compute) -> dict:
        now = self.clock()
        if now >= loaded.cache_until:  # a notice started or ended: rankings changed
            with loaded.lock:
                if now >= loaded.cache_until:
                    loaded.cache.clear()
                    i = bisect.bisect_right(loaded.boundaries, now)
                    loaded.cache_until = loaded.boundaries[i] if i < len(loaded.boundaries) else float("inf")
        value = loaded.cache.get(key)
        if value is None:
            value = compute()
            if loaded.cache.size <= 0:
                return value
            loaded.cache.put(key, value)
        return _copy(value)  # callers may change what they get

    def _suggest(self, q: str, limit: int, loaded: _Loaded) -> dict:
        with self._searcher(loaded) as searcher:
            return self._suggest_with(q, limit, loaded, searcher)

    def _suggest_with(self, q: str, limit: int, loaded: _Loaded, searcher) -> dict:
        tokens = loaded.lang.words(q)
        suggestions: list[dict] = []
        if tokens and len(tokens[-1]) >= 2:
            plan = self._plan(" ".join(tokens[:-1]), loaded, searcher)
            completions = _completions(searcher.reader(), tokens[-1], loaded.spelling)
            if completions:
                plan.concepts.append([((loaded.lang.stem(w),), 1.0) for w in completions])
            if not plan.empty:
                _, ranked = ranking.rank(
                    loaded.impacts,
                    plan,
                    planner.clauses(plan),
                    _positions(searcher.reader(), loaded.titles, loaded.body),
                    _weights(loaded.flags, self.clock()),
                    depth=limit,
                )
                for _, docnum in ranked[:limit]:
                    h = loaded.stored_fields(searcher, docnum)
                    suggestions.append(
                        {
                            "title": h["title"],
                            "url": h["url"],
                            "type": h["type"],
                            "category": h.get("category_title", ""),
                        }
                    )
        return {"query": q, "suggestions": suggestions}

    def _plan(self, text: str, loaded: _Loaded, searcher) -> planner.Plan:
        reader = searcher.reader()

        def known(s: str) -> bool:
            return any(loaded.impacts.count(name, (s,)) for name in TEXT_FIELDS)

        def correct(word: str) -> str | None:
            fix = loaded.corrections.get(word)
            if fix is None:
                forms = loaded.lang.spelling_forms(word)
                fix = _closest(reader, forms, loaded.spelling) or _closest_synonym(word, loaded.vocab) or ""
                loaded.corrections.put(word, fix)
            return fix or None

        if not loaded.lang.decompound:
            return planner.plan(text, loaded.vocab, known, correct, loaded.lang)

        def split(word: str) -> tuple[str, str] | None:
            return _split(word, known, loaded.lang.stem)

        compounds = loaded.compounds
        return planner.plan(text, loaded.vocab, known, correct, loaded.lang, lambda s: compounds.get(s, ()), split)


QUESTION_WORDS = frozenset(
    "how can could what whats why where wheres when which who do does did is are am should will would may".split()
)


def question_shaped(q: str, lang: languages.Language = languages.ENGLISH) -> bool:
    """Whether a query is phrased as a question ("how do I ...", "can I ...", "...?")."""
    tokens = lang.words(q)
    return q.rstrip().endswith("?") or (len(tokens) >= 3 and tokens[0] in QUESTION_WORDS)


def _copy(value):
    """A copy of a response (dicts, lists and plain values), far cheaper than deepcopy."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _weights(flags: dict, now: float):
    """A page's own weight in the ranking: promoted articles, current notices."""

    def weight(docnum: int) -> float:
        promoted, window = flags.get(docnum, (False, None))
        return (1.05 if promoted else 1.0) * _timeliness(window, now)

    return weight


def _words_from_positions(loaded: _Loaded) -> bool:
    """Whether snippets of ``loaded``'s bodies can find words from its positions: there are
    some, and the index is English (its words are the snippet's)."""
    return loaded.body is not None and loaded.lang is languages.ENGLISH


def _finder(loaded: _Loaded, docnum: int, body: str):
    """How a snippet of the page's body finds the query's words without scanning it: from the
    index's word positions (``positions.bin``; English only, as its words are the snippet's)
    and the places of the body's words, kept for the pages shown again (None: scan). Finding
    those places costs about two scans, so a page shown once is scanned, as before; from its
    second showing on, it is not."""
    if not _words_from_positions(loaded) or len(body) < BodyWords.SHORTEST:
        return None
    positions = loaded.body

    def find(text: str, wanted: set[str]):  # text: the body as the snippet reads it (the same if words)
        words = loaded.body_words.get(docnum)
        if words is None:  # first shown: scan, and remember it was
            loaded.body_words.put(docnum, _SHOWN_ONCE)
            return None
        if words is _SHOWN_ONCE:
            words = BodyWords.of(body) or False
            loaded.body_words.put(docnum, words)
        if not words:
            return None
        return located(text, wanted, words, lambda stem_: positions.of(stem_, docnum))

    return find


_SHOWN_ONCE = True  # a page's body_words entry before its words are found


def _positions(reader, titles: dict, body: body_positions.Positions | None = None) -> ranking.Positions:
    """Where a stem occurs in some documents: titles from memory, bodies from ``positions.bin``
    (when it could be read), other fields from the Whoosh postings."""

    def positions(field: str, stem_: str, docnums: list[int]) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {}
        if field == "title":
            for docnum in docnums:
                places = [i for i, s in enumerate(titles.get(docnum, ())) if s == stem_]
                if places:
                    found[docnum] = places
            return found
        if field == body_positions.FIELD and body is not None:
            return body.get(stem_, docnums)
        postings = reader.postings(field, stem_)
        for docnum in docnums:
            if not postings.is_active():
                break
            if postings.id() < docnum:
                postings.skip_to(docnum)
            if postings.is_active() and postings.id() == docnum:
                found[docnum] = postings.value_as("positions")
        return found

    return positions


NOTICE_WEIGHT = {"incident": 3.0, "warning": 2.0, "info": 1.2}


def _timeliness(window, now: float) -> float:
    """An active incident ranks first for its words; an ended notice sinks."""
    if not window:
        return 1.0
    starts, ends, severity = window
    if severity == "resolved" or now < starts or (ends and now >= ends):
        return 0.3
    return NOTICE_WEIGHT.get(severity, 1.0)


def _definition(definitions: dict, query: str, suggestion: str | None, lang: languages.Language) -> dict | None:
    """The glossary entry a query names ("reserve price", "what is a proxy bid")."""
    for q in (query, suggestion):
        if q and (entry := definitions.get(_content_words(q, lang))):
            return {"term": entry["term"], "definition": entry["definition"], "url": entry["url"]}
    return None


def _definitions(meta: dict, lang: languages.Language) -> dict[str, dict]:
    """Glossary entries by each of their names' content words, first entry first."""
    found: dict[str, dict] = {}
    for entry in meta.get("definitions", []):
        for name in entry["names"]:
            found.setdefault(_content_words(name, lang), entry)
    return found


def _content_words(text: str, lang: languages.Language) -> str:
    """A name or query as its content words, stemmed ("Gebote zurücknehmen" names "Gebot zurücknehmen")."""
    if lang is languages.ENGLISH:  # as English always matched: words, not stems
        return " ".join(w for w in lang.words(text) if not lang.is_stop(w))
    return " ".join(lang.stem(w) for w in lang.words(text) if not lang.is_stop(w))


def _allowed(request: SearchRequest, groups: dict) -> set[int] | None:
    """Document numbers the request's filters let through (None: no filter)."""
    allowed = None
    wanted = [
        ("category", (request.category,)),
        ("type", (request.type,)),
        # "everyone" pages are for buyers and sellers too
        ("audience", (request.audience, "everyone")),
    ]
    for name, values in wanted:
        if not values[0]:
            continue
        docs = set().union(*(groups.get((name, value), ()) for value in values))
        allowed = docs if allowed is None else allowed & docs
    return allowed


def _closest(reader, forms: tuple[str, ...], words: spelling.Vocabulary | None = None) -> str | None:
    """The most frequent indexed word at the smallest edit distance (1, then 2) from one of
    ``forms`` (the word as typed, and for German with "ue" as "ü" and so on): through
    ``words`` when read (the same answer, fast), else through Whoosh's automaton."""
    if words is not None:
        return words.closest(forms)
    if SPELL_FIELD not in reader.schema:
        return None
    maxdist = 1 if len(forms[0]) <= 4 else 2
    for distance in range(1, maxdist + 1):
        candidates = set()
        for word in forms:
            candidates.update(c for c in reader.terms_within(SPELL_FIELD, word, distance, prefix=1) if c != word)
        if candidates:
            return max(candidates, key=lambda c: (reader.frequency(SPELL_FIELD, c), c))
    return None


MIN_COMPOUND_HEAD = 4  # letters of the last part of a compound ("etikett" in "rucksendeetikett")
MIN_COMPOUND_REST = 3  # letters before it


MIN_SPLIT_PART = 4  # letters of each part of a compound split off a query word


def _split(word: str, known, stem) -> tuple[str, str] | None:
    """An unknown compound typed ("werbemails") as two indexed words (werb, mail): the longest
    known last part first, the first part with or without its joining "s" ("Versandskosten")."""
    for cut in range(MIN_SPLIT_PART, len(word) - MIN_SPLIT_PART + 1):
        head = stem(word[cut:])
        if not known(head):
            continue
        first = word[:cut]
        for part in (first, first[:-1] if first.endswith("s") and len(first) > MIN_SPLIT_PART else None):
            if part and known(stem(part)):
                return stem(part), head
    return None


def _compounds(reader) -> dict[str, tuple[str, ...]]:
    """Light decompounding against the index's own vocabulary: for each indexed stem, the
    indexed stems that end with it after at least three letters ("etikett" ->
    "rucksendeetikett", "versandetikett"), the last part of a German compound being its head."""
    terms = set()
    for name in TEXT_FIELDS:
        terms.update(t.decode() if isinstance(t, bytes) else t for t in reader.lexicon(name))
    terms = {t for t in terms if t.isalpha()}
    heads = {t for t in terms if len(t) >= MIN_COMPOUND_HEAD}
    found: dict[str, list[str]] = {}
    for term in terms:
        for cut in range(MIN_COMPOUND_REST, len(term) - MIN_COMPOUND_HEAD + 1):
            head = term[cut:]
            if head in heads:
                found.setdefault(head, []).append(term)
    return {head: tuple(sorted(compounds)) for head, compounds in found.items()}


def _completions(reader, prefix: str, words: spelling.Vocabulary | None = None, most: int = 8) -> list[str]:
    """The word itself and the most frequent words of the pages that start with it (through
    ``words`` when read, else through Whoosh)."""
    if words is not None:
        found = words.completions(prefix, most)
    elif SPELL_FIELD in reader.schema:
        found = [t.decode() if isinstance(t, bytes) else t for t in reader.expand_prefix(SPELL_FIELD, prefix)]
        found.sort(key=lambda w: -reader.frequency(SPELL_FIELD, w))
    else:
        found = []
    return list(dict.fromkeys([prefix, *found[:most]]))


def _closest_synonym(word: str, vocab: planner.Vocabulary) -> str | None:
    import difflib

    close = difflib.get_close_matches(word, sorted(vocab.words), n=1, cutoff=0.8)
    return close[0] if close else None


def open_engine(
    site_dir: str | os.PathLike,
    cache_size: int = CACHE_SIZE,
    clock: Callable[[], float] = time.time,
    semantic: bool = True,
) -> SearchEngine:
    """The engine for a built site folder (hybrid when it has page vectors and ``semantic``)."""
    return SearchEngine(Path(site_dir) / INDEX_DIR, cache_size, clock, semantic)

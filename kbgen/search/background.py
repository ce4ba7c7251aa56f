"""Write the search index on a second core, while MkDocs still renders pages.

The plugin hands each page's text over as soon as the page is rendered
(:meth:`Indexing.page`); the documents it completes (an article, or every FAQ
entry of a category page) go to one background process, which analyses them
and embeds their vectors at once, in whatever order they come, and adds them to
the Whoosh writer in the index's own order as soon as they are next. Told the
plan's number of documents, it seals the index (the commit, the terms' scores
and the files) as soon as the last one is added, while MkDocs renders its
templates; when the last page is done (:meth:`Indexing.finish`), only the
synonym phrases' scores and ``meta.json`` are left. The same documents give the same bytes as the
one-process :func:`.index.write`: the writer is the same, the analysis of a
document does not depend on when it is done, and a vector row depends on its own
text only (tests/test_search_background.py compares both).

One background process: the machine's other core renders. A new interpreter, not
a fork: ``kbgen serve --watch`` builds beside the server's threads.
"""

from __future__ import annotations

import marshal
import os
import pickle
import queue
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

from .. import cache as build_cache
from ..searchable import PageText, SearchEntry
from . import index, languages, reuse, shards, vectors
from .documents import DIGEST, SearchDocument, document

# What the pages hand over before any is rendered (``kbgen.pages.Layout.search_plan``): in
# index order, each page that adds to search and how to make its entries from its text.
Plan = Sequence[tuple[str, Callable[[PageText], list[SearchEntry]]]]

# {"context", "plan": [(page src, documents)], "digests": each document's SHA-256 (reuse.document_digests),
# joined, "documents": their key (reuse.documents_key)}: what the last build indexed, for speculation
RECORD = build_cache.NAMED + "search-record"

# Below this many documents a second process costs more than it saves (starting it,
# importing Whoosh and the model there take about a second).
BACKGROUND_MIN_DOCUMENTS = 1000


def processes(configured: int | None, documents: int) -> int:
    """1 (write in the build's process) or 2 (a background process too).

    ``configured``: the ``search_processes`` option; by default 2 when the machine
    has two cores for this build and the help center is big enough to gain from it.
    """
    if configured is not None:
        return 2 if configured >= 2 else 1
    return 2 if _cores() >= 2 and documents >= BACKGROUND_MIN_DOCUMENTS else 1


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class Indexing:
    """The index of one build into ``site_dir``: fed page by page, written by :meth:`finish`.

    ``plan``: the pages that add to search, in index order, and how to make each one's
    entries from its rendered text (``kbgen.pages.Layout.search_plan``); ``url_for`` gives a
    page source's address, as for :func:`.documents.collect`. With one process it keeps
    nothing and :meth:`finish` writes the index in this process; with two a background
    process writes it as pages come (``changes_expected``: see below).
    """

    def __init__(
        self,
        plan: Plan,
        url_for: Callable[[str], str],
        site_dir: str | os.PathLike,
        semantic: bool = False,
        configured_processes: int | None = None,
        language: str = languages.DEFAULT,
        cache=None,
        changes_expected: bool = False,
        early: Early | None = None,
        context: str | None = None,
        changed: Collection[str] | None = None,
        vocabulary: tuple[list, list] | None = None,
    ):
        self.language = languages.get(language).code
        self._cache = cache  # the build cache's namespace (kbgen.cache.Store), or None
        self.reused = False  # the whole index came from the cache
        self.analysed: int | None = None  # texts analysed anew (not found in the cache)
        self.semantic = semantic and languages.get(language).semantic
        self.site_dir = Path(site_dir)
        self._url_for = url_for
        # page src -> (how to make its entries, its first document's position, how many)
        self._waiting: dict[str, tuple[Callable[[PageText], list[SearchEntry]], int, int]] = {}
        self._documents = 0
        self._astray = False  # a page made another number of entries than planned (never expected)
        if configured_processes is None or configured_processes >= 2:
            # a page's number of entries does not depend on its text: an empty one tells it
            for src, make in plan:
                count = len(make(PageText()))
                self._waiting[src] = (make, self._documents, count)
                self._documents += count
        # each planned page and its number of documents (what a build's record must match)
        self._plan = [(src, count) for src, (_, _, count) in self._waiting.items()]
        self.processes = processes(configured_processes, self._documents)
        # Speculation: the pages of ``changed`` (sources) may make other documents than in the last
        # build; the others' documents the process takes from the last build before they render,
        # and finish() checks them (see _speculate). ``context``: what else their documents may
        # depend on (the plugin's site key and facts); None: no speculation, no record kept.
        self._context = context
        # (synonyms, definitions), if known before the pages: the process completes the index
        # as soon as it has every document; finish() must then be given the same
        self._vocabulary = vocabulary
        self._last_record = None  # the last build's record (RECORD), as read
        self._record: dict | None = None  # the same, if this build speculates from it
        self._speculated: dict[str, tuple[int, int]] = {}  # page src -> (first position, count)
        self.speculated = 0  # documents the process took from the last build (and finish() found right)
        if self.processes >= 2 and cache is not None and context is not None:
            self._speculate(changed)
        self._sent: dict[int, SearchDocument] = {}
        self.background = self.processes >= 2  # a background process writes the index
        self._worker: _Worker | None = None
        # With the build cache the process starts with the first page that is not from the
        # cache: a build where no page changed mostly takes the whole index from the cache
        # (finish), and otherwise writes it here from the cached analysis, without a process.
        # When pages are known to change (``changes_expected``: a content file was parsed
        # anew) it starts at once, as without the cache: its start (an interpreter, Whoosh,
        # the model, the cached analysis) and the adding of every unchanged document then
        # happen beside the page loop, not after the changed page (often a category page,
        # which MkDocs renders among the last).
        # cached pages' (first position, entries), until the process starts: their documents are
        # made then (a build where no page changed never starts it, nor makes them)
        self._backlog: list = []
        self._started = False
        self._early = early.take() if early is not None else None  # a process started before the plan
        if self.background and (cache is None or changes_expected):
            self._start()
        elif not self.background and self._early is not None:
            self._early.stop()
            self._early = None

    def _start(self) -> None:
        cache = self._cache
        folder = str(cache.folder) if cache is not None and cache.writable else None
        worker, self._early = self._early or _Worker(), None
        worker.begin(self.site_dir, self.semantic, self.language, folder, self._documents)
        if self._speculated:
            worker.put(("speculate", (self._record["documents"], sorted(self._speculated.values()))))
        if self._vocabulary is not None:
            worker.put(("vocabulary", self._vocabulary))
        self._worker = worker
        self._started = True
        for first, entries in self._backlog:
            self._send(first, entries)
        self._backlog = []

    def _speculate(self, changed: Collection[str] | None) -> None:
        """Which pages' documents the process may take from the last build: those of every page
        but ``changed`` when the last build's record (RECORD) was made in the same context and
        with the same plan (the same pages, each with as many documents). A page that changes
        nonetheless is found by finish(), which then writes the index here."""
        record = self._last_record = self._cache.get(RECORD)
        if (
            changed is None
            or not isinstance(record, dict)
            or record.get("context") != self._context
            or record.get("plan") != self._plan
            or len(record.get("digests", b"")) != DIGEST * self._documents
        ):
            return
        self._record = record
        waiting = self._waiting.items()
        self._speculated = {src: (first, count) for src, (_, first, count) in waiting if src not in changed}

    def _speculation_holds(self, digests: list[bytes]) -> bool:
        """Whether the documents the process took from the last build are this build's."""
        old = self._record["digests"]
        return all(
            b"".join(digests[first : first + count]) == old[DIGEST * first : DIGEST * (first + count)]
            for first, count in self._speculated.values()
        )

    def _keep_record(self, digests: list[bytes]) -> None:
        """This build's record, for the next one to speculate from (when it changed)."""
        if self._context is None or self._cache is None or not self._cache.writable or self.processes < 2:
            return
        record = {
            "context": self._context,
            "plan": self._plan,
            "digests": b"".join(digests),
            "documents": reuse.documents_key(digests),
        }
        if record != self._last_record:
            self._cache.put_later(RECORD, lambda: record, compress=False)

    def _send(self, first: int, entries: list[SearchEntry]) -> None:
        """The documents of ``entries`` (``first``: the position of the first one), to the process."""
        batch = [(first + i, document(entry, self._url_for)) for i, entry in enumerate(entries)]
        self._sent.update(batch)
        self._worker.put(("docs", batch))

    def page(self, src: str, text: PageText, cached: bool = False) -> None:
        """A page has been rendered (``cached``: taken from the build cache): its documents
        can be analysed now."""
        if self.background and not self._astray and src in self._waiting:
            make, first, count = self._waiting.pop(src)
            if src in self._speculated:
                return  # the process took its documents from the last build (finish() checks them)
            entries = make(text)
            if len(entries) != count:
                self._astray = True  # finish() writes it all here
                return
            if self._worker is None and not self._started:
                if cached:
                    self._backlog.append((first, entries))
                    return
                self._start()
            if self._worker is not None:
                self._send(first, entries)

    def finish(
        self,
        docs: Sequence[SearchDocument],
        synonyms: list[tuple[str, ...]],
        definitions: list[dict] | None = None,
        digests: list[bytes] | None = None,
    ) -> Path:
        """Write the index of ``docs`` (the whole list, as :func:`.documents.collect` makes it, or
        a :class:`.documents.Documents`, whose documents are read only when needed).

        With the build cache: the whole index of a remembered build when no document changed,
        else the index written with the cached analysis and vectors of unchanged texts.
        ``digests``: the documents' (:func:`.reuse.document_digests`), if known."""
        if self._vocabulary is not None and (synonyms, definitions or []) != tuple(self._vocabulary):
            raise ValueError("the synonyms or definitions differ from those given when the index started")
        key = None
        if self._cache is None:
            digests = None
        else:
            if digests is None:
                digests = reuse.document_digests(docs)
            elif len(digests) != len(docs):
                raise ValueError(f"{len(digests)} digests for {len(docs)} documents")
            key = reuse.index_key(digests, synonyms, definitions, self.semantic, self.language)
            self._keep_record(digests)
            files = reuse.remembered(self._cache, key)
            if files is not None:
                self.close()  # first: the background writer must not touch the folder any more
                self.reused, self.background, self.analysed = True, False, 0
                return reuse.restore(files, self.site_dir)
        target = self._finish(docs, synonyms, definitions, digests)
        if key is not None:
            reuse.remember(self._cache, key, target)
        return target

    def _finish(self, docs, synonyms, definitions, digests: list[bytes] | None) -> Path:
        """``digests``: the documents' (:func:`.reuse.document_digests`), with the build cache."""
        worker, self._worker = self._worker, None
        if worker is None:
            self.background = False  # (every page came from the cache: no process was started)
            self._backlog = []
            return self._write(docs, synonyms, definitions, digests)
        try:
            if (
                self._astray
                or (self._speculated and not self._speculation_holds(digests))
                or len(docs) != self._documents
                or any(docs[pos] != doc for pos, doc in self._sent.items())
            ):
                # a document changed after it was sent (never expected), or a page the process
                # took from the last build changed after all: write it all here
                worker.stop()
                self.background = False
                return self._write(docs, synonyms, definitions, digests)
            taken = {pos for first, count in self._speculated.values() for pos in range(first, first + count)}
            rest = [(pos, docs[pos]) for pos in range(len(docs)) if pos not in self._sent and pos not in taken]
            if rest:
                worker.put(("docs", rest))
            worker.put(("finish", (len(docs), synonyms, definitions)))
            kind, value = worker.answer()
            if kind == "need":  # it could not take the last build's documents: they come now
                worker.put(("docs", [(pos, docs[pos]) for pos in sorted(taken)]))
                worker.put(("finish", (len(docs), synonyms, definitions)))
                kind, value = worker.answer()
            else:
                self.speculated = len(taken)
            found, self.analysed, entries = value
            if self._cache is not None:
                self._cache.keep(entries)  # the entries of the shards the process saved
            return Path(found)
        finally:
            worker.stop()

    def _write(self, docs, synonyms, definitions, digests: list[bytes] | None = None) -> Path:
        """The whole index in this process (``digests``: as for :meth:`_finish`)."""
        kept = None
        if self._cache is not None and self._cache.writable:
            kept = reuse.Reused(self._cache.folder, self.language, self.semantic)
        spans: list = []
        target = index.write(
            docs,
            synonyms,
            self.site_dir,
            definitions=definitions,
            semantic=self.semantic,
            language=self.language,
            analysis=kept.analysis if kept is not None else None,
            vector_cache=kept.rows if kept is not None else None,
            shard_files=kept.shards if kept is not None else None,
            spans=spans,
        )
        if kept is not None:
            if self._context is not None and self.processes >= 2 and digests is not None:  # for the next build
                kept.documents_key = reuse.documents_key(digests)
            kept.save(spans, docs)
            self._cache.keep(kept.entries)
            self.analysed = kept.analysed
        return target

    def close(self) -> None:
        """Stop the background process, if any (the build failed)."""
        for worker in (self._worker, self._early):
            if worker is not None:
                worker.stop()
        self._worker = self._early = None


class Early:
    """A background process started before the build knows its pages (kbgen's content
    load takes a second on a large help center): its interpreter, Whoosh and the model
    load meanwhile, on the core the loading leaves idle, instead of after it. Handed to
    :class:`Indexing`, which uses it or stops it; :meth:`stop` if the build ends first."""

    def __init__(self, semantic: bool, cache_folder: str | None = None, language: str = languages.DEFAULT):
        self._worker: _Worker | None = _Worker()
        self._worker.put(("warm", (semantic, cache_folder, languages.get(language).code)))

    def take(self) -> _Worker | None:
        worker, self._worker = self._worker, None
        return worker

    def stop(self) -> None:
        worker = self.take()
        if worker is not None:
            worker.stop()


def start_early(
    configured: int | None,
    markdown_files: int,
    semantic: bool,
    cache_folder: str | None = None,
    language: str = languages.DEFAULT,
) -> Early | None:
    """An :class:`Early` process when the build will most likely want one: the help center
    has enough Markdown files for a background index (:func:`processes`; a FAQ entry is a
    file of its own, so files are close to documents). None otherwise. ``cache_folder``: the
    build cache's namespace, whose reusable analysis, vectors, shards and documents the process
    reads meanwhile (for ``language``)."""
    if processes(configured, markdown_files) < 2:
        return None
    return Early(semantic, cache_folder, language)


class BackgroundError(RuntimeError):
    """The background process failed; its traceback is the message (a bug in kbgen)."""


class _Worker:
    """``python -c`` running :func:`main`, fed pickled messages on its stdin by a thread (so
    the build never waits for it), answering one message on its stdout.

    A plain child process rather than ``multiprocessing``: its spawn mode runs the parent's
    main script again, which a script calling ``kbgen.build`` need not guard against.
    """

    def __init__(self):
        root = str(Path(__file__).resolve().parents[2])  # where this kbgen is imported from
        code = f"import sys; sys.path.insert(0, {root!r}); from kbgen.search.background import main; main()"
        self._process = subprocess.Popen(
            [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=True
        )
        self._outgoing: queue.SimpleQueue = queue.SimpleQueue()
        self._sender = threading.Thread(target=self._send, name="kbgen-search-index", daemon=True)
        self._sender.start()

    def begin(
        self,
        site_dir: Path,
        semantic: bool,
        language: str,
        cache_folder: str | None = None,
        expected: int | None = None,
    ) -> None:
        """What to write; documents follow. (The shards' size is this process's: see :mod:`.shards`.)"""
        self.put(("start", (str(site_dir), semantic, language, cache_folder, expected, shards.SIZE)))

    def put(self, message) -> None:
        self._outgoing.put(message)

    def _send(self) -> None:
        pipe = self._process.stdin
        try:
            while (message := self._outgoing.get()) is not None:
                _write_frame(pipe, message)
        except (BrokenPipeError, OSError, ValueError):
            pass  # the process is gone: result() says so

    def answer(self) -> tuple[str, object]:
        """The process's next answer: ("done", (index folder, texts analysed, the cache entries of
        its shards)), or ("need", None)
        when it could not take the documents of a "speculate" message and wants them sent."""
        message = _read_frame(self._process.stdout)
        if message is None:
            code = self._process.wait()
            raise BackgroundError(f"the search index process stopped (exit code {code})")
        kind, value = message
        if kind == "error":
            raise BackgroundError(value)
        return kind, value

    def stop(self) -> None:
        self._outgoing.put(None)
        if self._process.poll() is None:
            self._process.terminate()
        self._process.wait(timeout=10)
        self._sender.join(timeout=10)
        for pipe in (self._process.stdin, self._process.stdout):
            try:
                pipe.close()
            except OSError:
                pass


def _write_frame(pipe, message) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    pipe.write(len(data).to_bytes(8, "little") + data)
    pipe.flush()


def _read_frame(pipe):
    header = pipe.read(8)
    if len(header) < 8:
        return None
    return pickle.loads(pipe.read(int.from_bytes(header, "little")))


def main() -> None:
    """The background process: analyse and embed documents as they come, add them in order."""
    inbox, outbox = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but frames on the pipe
    try:
        kind, payload = _received(inbox)
        ready = None  # what the cache holds for this build, read while the build loads its content
        if kind == "warm":  # started early: load the model while the build loads its content
            semantic, folder, language = payload
            if semantic:  # in a thread: the cache's shards and documents are read meanwhile, and
                # the documents the build sends are taken; the first text to embed waits for it
                threading.Thread(target=_load_model, name="kbgen-model", daemon=True).start()
            if folder is not None:  # (the last build's documents with its shards)
                ready = (folder, language, semantic), reuse.Reused(folder, language, semantic)
            kind, payload = _received(inbox)
        site_dir, semantic, language, cache_folder, expected, shard_size = payload
        if ready is not None and ready[0] != (cache_folder, language, semantic):
            ready = None
        found, analysed, entries = _write(
            lambda: _received(inbox),
            Path(site_dir),
            semantic,
            language,
            cache_folder,
            expected,
            shard_size,
            ask=lambda: _write_frame(outbox, ("need", None)),
            kept=ready[1] if ready is not None else None,
        )
        _write_frame(outbox, ("done", (str(found), analysed, entries)))
    except _Stopped:
        return  # the build stopped this process (it needs no index), or ended: nothing to say
    except BaseException:
        try:
            _write_frame(outbox, ("error", traceback.format_exc()))
        except OSError:
            pass  # nobody left to tell


def _load_model() -> None:
    """The model and its tokenizer's word table, loaded (a failure is met again, and reported,
    where a text is embedded)."""
    try:
        if vectors.available():
            vectors.embed([""])
    except Exception:
        pass


class _Stopped(Exception):
    """The build closed the pipe: it wants nothing more from this process."""


def _received(inbox):
    """The next message from the build; :class:`_Stopped` when there is none."""
    message = _read_frame(inbox)
    if message is None:
        raise _Stopped
    return message


def _write(
    receive: Callable[[], tuple],
    site_dir: Path,
    semantic: bool,
    language: str,
    cache_folder: str | None = None,
    expected: int | None = None,
    shard_size: int | None = None,
    ask: Callable[[], None] | None = None,
    kept: reuse.Reused | None = None,
) -> tuple[Path, int | None, list[str]]:
    """The index, how many texts were analysed anew and the cache entries of its shards;
    ``cache_folder``: the build cache's namespace, whose shards, analysis and vectors of unchanged
    texts are reused (and kept for the next).

    A "speculate" message names the last build's documents (their key) and the positions to take
    from them; if the cache no longer holds them, ``ask()`` tells the build, at "finish", to
    send them (and "finish" again).

    ``expected``: the plan's number of documents. Once that many are added, the index is
    sealed (committed, scored, written: :meth:`.index.IndexWriter.seal`) at once, while the
    build renders its last pages, rather than when the synonyms and definitions come with
    ``finish``: then only the phrases and ``meta.json`` are left."""
    if kept is None and cache_folder is not None:  # (else read already, by the process started early)
        kept = reuse.Reused(cache_folder, language, semantic)
    writer = index.IndexWriter(
        site_dir,
        language,
        kept.analysis if kept is not None else None,
        kept.shards if kept is not None else None,
        shard_size,
    )
    sealing = _Sealing(writer, kept, semantic)
    try:
        inbox = _Inbox(receive, kept, expected, ask)
        found = None
        for batch in inbox:
            if sealing.ordered is not None:
                raise RuntimeError(f"documents received after the {expected} expected")
            sealing.take(batch)
            if sealing.has(expected):
                sealing.seal()
                if inbox.vocabulary is not None:  # all of it now, while the build renders its last pages
                    found = writer.complete(sealing.ordered, *inbox.vocabulary)
        count, synonyms, definitions = inbox.finish
        if not sealing.has(count):
            raise RuntimeError(f"{count} documents expected, {sealing.counts()}")
        if sealing.ordered is None:
            sealing.seal()
        if found is None:  # (a "vocabulary" message's are those of "finish": Indexing.finish checks)
            found = writer.complete(sealing.ordered, synonyms, definitions)
    finally:
        sealing.close()  # (the shards saved: their entries known)
    if kept is None:
        return found, None, []
    return found, kept.analysed, kept.entries


class _Sealing:
    """The documents as they come (analysed, embedded, added in order), then the index sealed."""

    def __init__(self, writer: index.IndexWriter, kept: reuse.Reused | None, semantic: bool):
        self._writer, self._kept, self._semantic = writer, kept, semantic
        self._adding = _InOrder(writer)
        self._rows: dict[int, object] = {}  # position -> its vector rows (float32)
        # With shards of the last build to reuse, the vector rows come shard by shard as the
        # writer completes each one: a reused shard's all at once from the cache, a written
        # one's embedded then (none of a reused shard's texts is made or looked up). Without,
        # each document's are embedded as it comes, beside the rendering.
        self._by_shard = semantic and kept is not None and bool(kept.shards)
        self._shard_rows: list = []  # each completed shard's rows (float32), in order
        self.ordered: list[SearchDocument] | None = None  # the documents in index order, once sealed
        self._saving: threading.Thread | None = None

    def take(self, batch: list[tuple[int, SearchDocument]]) -> None:
        self._adding.take(batch)
        if self._by_shard:
            self._embed_shards()
        elif self._semantic:
            self._rows.update(_embedded(batch, self._kept.rows if self._kept is not None else None))

    def _embed_shards(self) -> None:
        """The vector rows of the shards the writer completed since the last call."""
        import numpy as np

        docs, kept = self._adding.docs, self._kept
        for name, first, count in self._writer.spans[len(self._shard_rows) :]:
            found = kept.shard_vectors(name)
            if found is not None:
                self._shard_rows.append(np.frombuffer(found, dtype=np.float32).reshape(-1, vectors.DIMENSIONS))
                continue
            embedded = _embedded([(position, docs[position]) for position in range(first, first + count)], kept.rows)
            parts = [embedded[position] for position in range(first, first + count)]
            self._shard_rows.append(np.concatenate(parts) if parts else np.zeros((0, vectors.DIMENSIONS), np.float32))

    def has(self, count: int | None) -> bool:
        """Whether ``count`` documents came and were added (all of them)."""
        return self._adding.added == count and len(self._adding.docs) == count

    def counts(self) -> str:
        return f"{len(self._adding.docs)} received, {self._adding.added} added"

    def seal(self) -> None:
        added, docs, kept = self._adding.added, self._adding.docs, self._kept
        found = [docs[position] for position in range(added)]
        self._writer.end()  # the last shard: nothing changes the analysis or the shards any more,
        page_vectors = None
        if self._semantic:
            import numpy as np

            if self._by_shard:
                self._embed_shards()
                page_vectors = np.concatenate(self._shard_rows)
            else:
                page_vectors = np.concatenate([self._rows[position] for position in range(added)])
        if kept is not None:  # and the documents, for the next build to speculate from
            kept.documents_key = self._writer.documents_key()
            self._saving = kept.saving(self._writer.spans, found)  # saved beside the scoring (see Reused.saving)
        self._writer.seal(found, page_vectors)
        self.ordered = found

    def close(self) -> None:
        if self._saving is not None:  # the analysis saved before the index is reported done (or failed)
            self._saving.join()
        self._writer.close()


class _Inbox:
    """The batches of documents the build sends, and those a "speculate" message names from the
    last build's, until "finish" (its payload then in :attr:`finish`; a "vocabulary" message's in
    :attr:`vocabulary`). When the cache no longer
    holds the documents named, ``ask()`` has the build send them at "finish" (then "finish" again)."""

    def __init__(self, receive: Callable[[], tuple], kept, expected: int | None, ask: Callable[[], None] | None):
        self._receive, self._kept, self._expected, self._ask = receive, kept, expected, ask
        self.finish = None
        self.vocabulary = None  # (synonyms, definitions) of a "vocabulary" message

    def __iter__(self):
        missing = False  # documents a "speculate" message named that the cache no longer holds
        while True:
            kind, payload = self._receive()
            if kind == "finish" and missing:
                self._ask()
                missing = False
            elif kind == "finish":
                self.finish = payload
                return
            elif kind == "vocabulary":
                self.vocabulary = tuple(payload)
            elif kind == "speculate":
                if self._ask is None:
                    raise RuntimeError("told to take the last build's documents, with no way to ask for them")
                batch = _last_documents(self._kept, payload, self._expected)
                missing = batch is None
                if batch is not None:
                    yield batch
            else:
                yield payload


def _last_documents(kept: reuse.Reused | None, payload: tuple, expected: int | None) -> list | None:
    """The documents a "speculate" message asks for ((key, [(first, count)])), taken from the
    last build's (None when the cache holds other ones, or none)."""
    key, ranges = payload
    last = reuse.last_documents(kept, key) if kept is not None else None
    if last is None or len(last) != expected:
        return None
    return [(position, last[position]) for first, count in ranges for position in range(first, first + count)]


class _InOrder:
    """Documents analysed as they come and added to the writer in index order."""

    def __init__(self, writer: index.IndexWriter):
        self.writer = writer
        self.docs: dict[int, SearchDocument] = {}
        self.added = 0
        # the analysis of documents waiting for their turn, marshalled: a fifth of the memory
        # of the lists (thousands of articles can wait for the first category's page)
        self._waiting: dict[int, bytes] = {}
        self._terms: dict[bytes, bytes] = {}  # one object per term for the unmarshalled analyses

    def take(self, batch: list[tuple[int, SearchDocument]]) -> None:
        writer, waiting = self.writer, self._waiting
        for position, doc in batch:
            self.docs[position] = doc
            if position == self.added:  # its turn: added as analysed
                writer.add(doc)
                self.added += 1
            else:  # (analysed now, unless a shard of the last build may make it needless)
                waiting[position] = marshal.dumps(writer.analyse(doc)) if writer.analyses_ahead else None
            while self.added in waiting:
                packed = waiting.pop(self.added)
                analysed = None if packed is None else _shared(marshal.loads(packed), self._terms)
                writer.add(self.docs[self.added], analysed)
                self.added += 1


def _shared(analysis: dict[str, list], terms: dict[bytes, bytes]) -> dict[str, list]:
    """``analysis`` with each term's bytes the one object of ``terms``: the postings pool holds
    every posting until the commit, and unmarshalled terms are a new object each (about 40
    bytes a posting). The positions stay new objects, as Whoosh's analysis makes them."""
    return {
        name: items
        if name in (index.PLACES, index.SPELLING, index.USED)  # the spelling words are only counted
        else [(terms.setdefault(term, term), freq, weight, value) for term, freq, weight, value in items]
        for name, items in analysis.items()
    }


def _embedded(batch: list[tuple[int, SearchDocument]], cache: dict | None = None) -> dict[int, object]:
    """Each document's vector rows, embedded in one go for the batch (``cache``: rows of
    texts seen before, see :func:`.vectors.embed_cached`)."""
    texts = [(position, text) for position, doc in batch for _kind, text in vectors.texts(doc)]
    found = (
        vectors.embed([text for _, text in texts])
        if cache is None
        else vectors.embed_cached([t for _, t in texts], cache)
    )
    out: dict[int, list] = {}
    for (position, _), row in zip(texts, found, strict=True):
        out.setdefault(position, []).append(row)
    import numpy as np

    return {position: np.stack(found_rows) for position, found_rows in out.items()}

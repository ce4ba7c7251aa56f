"""The build cache on disk: what an incremental build may reuse, and nothing it may trust blindly.

One folder per MkDocs build (a *namespace*: ``<cache-dir>/root/`` today, one per
market and language once a help center builds several), holding

- ``VERSION``: the cache format and kbgen's version. Any other value (an upgrade,
  a folder from elsewhere, garbage) empties the namespace: the build is a clean one;
- ``named-<name>``: a value each build replaces (the last search index's shards, its
  documents), or one part of many values (:class:`Bundle`: ``named-<name>-<n>``, each Markdown
  file's parse, Material's static search entries of each page);
- ``templates/<version>/``: Jinja's own bytecode cache of the theme's compiled templates
  (Jinja checks each file against its template's source, so an edited template is compiled
  anew; the version folder names Jinja's version and the environment's options);
- ``entries/<2 hex>/<key>``: one value per key, a SHA-256 of everything the value
  was made from, so an entry is either right for its key or absent. Each file is
  written to a temporary name and renamed (atomic), and starts with a checksum of
  the rest: a torn or corrupt file is a miss, never a wrong page. The rest is one byte
  saying how the pickled value follows: ``z`` compressed with zlib, ``p`` as it is (a
  value that does not shrink is read back without a pass through zlib).

A build puts most values with :meth:`Store.put_later`: they are held (pickled, not yet
compressed) until the build waits for its search index (:meth:`Store.start_writing`); then a
thread of the store compresses, hashes and writes them, work that leaves the interpreter free,
on the core the waiting build leaves idle; the build waits for that thread (``flush``) before
it prunes and ends. A thread writing while the build renders would cost the build's own
thread more than it saves: each of its system calls hands the interpreter's lock back and
forth with the rendering (profiled: 0.3 s more in MkDocs' own ``makedirs`` alone). Past
``HELD_LIMIT`` bytes held the thread starts at once (memory before speed).

Keys are content addresses, so entries written by a build that failed later are still
right for their keys; ``prune`` removes the entries the last successful build did not
use. Values are pickled: the cache is the project's own folder, as trusted as its
source files.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import queue
import shutil
import tempfile
import threading
import zlib
from collections.abc import Callable
from pathlib import Path

from . import __version__

log = logging.getLogger("mkdocs.plugins.kbgen.cache")

# 2: marshalled search analysis; 3: compressed page HTML; 4: the analysis as postings; 5: content
# files; 6: a page's entry holds its parts compressed each on its own; 7: values stored as pickled
# (no zlib framing) when not compressed, a page's content apart from its other parts; 8: Material's
# static search entries of each page as their JSON text; 9: each search shard an entry, with its
# documents' analysis and vectors; 10: the content files' parses and the static search entries in parts;
# 11: the parses' keys free of the content folder's place, their files' stat records, a shard's vector
# rows in one piece
FORMAT = 11
PACKED, PLAIN = b"z", b"p"  # how an entry's value follows its checksum: compressed, or as pickled
VERSION_FILE = "VERSION"
ENTRIES = "entries"
NAMED = "named-"  # keys of values that are replaced, not addressed by content: named-<name>
DEFAULT_DIR = ".kbgen/cache"
DEFAULT_NAMESPACE = "root"
HELD_LIMIT = 128 * 2**20  # bytes held for the writer thread before it starts (see the module's docstring)


def version_tag() -> str:
    return f"kbgen-cache {FORMAT} kbgen {__version__}\n"


def prune_namespaces(cache_dir: str | os.PathLike, keep: set[str]) -> list[str]:
    """Remove the namespaces of ``cache_dir`` a successful build no longer uses (a pair no
    longer published), and only folders kbgen's cache made (their ``VERSION`` says so), so a
    cache folder shared with anything else keeps it. Returns the names removed."""
    removed = []
    try:
        children = sorted(Path(cache_dir).iterdir())
    except OSError:
        return removed
    for child in children:
        if child.name in keep or child.is_symlink() or not child.is_dir():
            continue
        try:
            ours = (child / VERSION_FILE).read_text(encoding="utf-8").startswith("kbgen-cache ")
        except (OSError, UnicodeDecodeError):
            ours = False
        if ours:
            shutil.rmtree(child, ignore_errors=True)
            removed.append(child.name)
    return removed


class Store:
    """The entries of one namespace; every failure to read is a miss, every failure to write is ignored.

    Problems are logged as information, never warnings: a cache that cannot be written
    (a read-only folder in CI, a full disk) slows a build down but must not fail ``--strict``.
    """

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self.used: set[str] = set()
        self.hits = 0
        self.misses = 0
        self.writable = True
        self.fresh = False  # started afresh (a new folder, another version): nothing to reuse
        self._held: list[tuple[str, Callable[[], object], bool]] = []  # put_later's values, until start_writing
        self._held_bytes = 0
        self._jobs: queue.SimpleQueue | None = None  # the writer thread's values, once it runs
        self._writer: threading.Thread | None = None
        self._failure: BaseException | None = None  # a bug met by the writer thread: raised by flush
        self._folders: set[Path] = set()  # entry folders made (or found) by this store
        try:
            current = (self.folder / VERSION_FILE).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            current = None
        if current != version_tag():
            self._reset(current)

    def _reset(self, found: str | None) -> None:
        self.fresh = True
        if found is not None:
            log.info(f"build cache {self.folder}: made by another kbgen version or unreadable; starting afresh")
        try:
            if self.folder.is_symlink() or self.folder.is_file():
                self.folder.unlink()
            elif self.folder.exists():
                shutil.rmtree(self.folder)
            (self.folder / ENTRIES).mkdir(parents=True, exist_ok=True)
            write_atomic(self.folder / VERSION_FILE, version_tag().encode("utf-8"))
        except OSError as exc:
            log.info(f"build cache {self.folder}: cannot be used ({exc.strerror or exc}); building without it")
            self.writable = False

    def folder_for(self, name: str, version: str) -> Path | None:
        """``<name>/<version>/``, a folder this namespace keeps for another cache (Jinja's
        compiled templates); other versions' folders are removed. None without a usable cache."""
        if not self.writable:
            return None
        parent = self.folder / name
        try:
            for old in parent.glob("*"):
                if old.name != version:
                    shutil.rmtree(old, ignore_errors=True)
            (parent / version).mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        return parent / version

    def _path(self, key: str) -> Path:
        if key.startswith(NAMED):  # a value replaced by every build (e.g. the search analysis)
            return self.folder / key
        return self.folder / ENTRIES / key[:2] / key

    def get(self, key: str):
        """The value stored under ``key``, or None."""
        if not self.writable:
            self.misses += 1
            return None
        try:
            data = memoryview(self._path(key).read_bytes())  # slices of it copy nothing
            checksum, kind, payload = data[:32], data[32:33], data[33:]
            check = hashlib.sha256(kind)
            check.update(payload)
            if check.digest() != checksum:
                raise ValueError("checksum")
            value = pickle.loads(zlib.decompress(payload) if kind == PACKED else payload)
        except Exception:  # missing, torn, corrupt or from an older Python: a miss
            self.misses += 1
            return None
        self.used.add(key)
        self.hits += 1
        return value

    def put(self, key: str, value, compress: bool = True) -> None:
        """Store ``value`` under ``key``, now. ``compress=False`` for values that do not shrink (the
        index's files, compressed already; page vectors): stored as pickled, without the second
        of CPU time that compressing 30 MB for nothing costs, and read back without a copy."""
        if not self.writable:
            return
        self._write(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), compress)

    def put_later(self, key: str, make: Callable[[], object], compress: bool = True, size: int = 0) -> None:
        """Store ``make()`` under ``key`` from the store's writer thread (see the module's docstring).

        ``make`` runs in that thread, after the caller went on: it may only read values nothing
        changes any more (bytes, or objects the caller drops), and should spend its time where
        the interpreter is free (zlib, hashing). ``size``: about how many bytes it holds until
        then. Another store (another process) sees the value after :meth:`flush`; this one may
        miss it before."""
        if not self.writable:
            return
        self.used.add(key)
        if self._writer is not None:
            self._jobs.put((key, make, compress))
            return
        self._held.append((key, make, compress))
        self._held_bytes += size
        if self._held_bytes > HELD_LIMIT:
            self.start_writing()

    def start_writing(self) -> None:
        """Start writing the values held (the build is about to wait: the thread takes the
        core it leaves idle), and each value put later as it comes."""
        if self._writer is not None or not self._held:
            return
        self._jobs = queue.SimpleQueue()
        for job in self._held:
            self._jobs.put(job)
        self._held, self._held_bytes = [], 0
        self._writer = threading.Thread(target=self._drain, args=(self._jobs,), name="kbgen-cache", daemon=True)
        self._writer.start()

    def flush(self) -> None:
        """Write every value of :meth:`put_later` (or drop it: the cache cannot be written) and
        wait for it. The writer thread ends; a later ``put_later`` holds its value again."""
        self.start_writing()
        writer, self._writer = self._writer, None
        if writer is not None:
            self._jobs.put(None)
            writer.join()
        failure, self._failure = self._failure, None
        if failure is not None:
            raise failure

    def _drain(self, jobs: queue.SimpleQueue) -> None:
        while (job := jobs.get()) is not None:
            key, make, compress = job
            if not self.writable or self._failure is not None:
                continue
            try:
                self._write(key, pickle.dumps(make(), protocol=pickle.HIGHEST_PROTOCOL), compress)
            except BaseException as exc:  # a bug: the build's flush raises it
                self._failure = exc

    def _write(self, key: str, data: bytes, compress: bool) -> None:
        kind, payload = (PACKED, zlib.compress(data, 1)) if compress else (PLAIN, data)
        check = hashlib.sha256(kind)
        check.update(payload)
        path = self._path(key)
        try:
            if path.parent not in self._folders:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._folders.add(path.parent)
            write_atomic(path, check.digest(), kind, payload)
        except OSError as exc:
            log.info(f"build cache {self.folder}: cannot write ({exc.strerror or exc}); building without it")
            self.writable = False
            return
        self.used.add(key)

    def keep(self, keys) -> None:
        """Keep the entries of ``keys`` at :meth:`prune` (used by this build, as another store wrote them)."""
        self.used.update(keys)

    def prune(self) -> int:
        """Remove the entries this build did not use (call after a successful build), once
        every value put is written."""
        self.flush()
        if not self.writable:
            return 0
        removed = 0
        for path in self.folder.glob(".tmp-*"):  # a named value's write that was killed
            try:
                path.unlink()
            except OSError:
                pass
        for sub in (self.folder / ENTRIES).glob("*"):
            for path in sub.glob("*"):
                if path.name not in self.used:
                    try:
                        path.unlink()
                        removed += 1
                    except OSError:
                        pass
        return removed


class Bundle:
    """Many small values kept as named values of a :class:`Store` (``get``/``put`` by key, as
    the store): read once, written by :meth:`save` only when they changed. ``parts``: how many
    named values share them, each key in one by a hash of it, so that a build that changes a
    few values writes the parts that hold them, not all (one part: one named value). Each
    value is pickled when it is put (a snapshot, whatever later happens to the object); the
    values this build did not use are dropped."""

    def __init__(self, store: Store, name: str, parts: int = 1):
        self._store, self._parts = store, parts
        self._names = [NAMED + name] if parts == 1 else [f"{NAMED}{name}-{n}" for n in range(parts)]
        self._old: dict[str, bytes] = {}
        self._counts = [0] * parts  # the values each part held
        for n, part in enumerate(self._names):
            found = store.get(part)
            if isinstance(found, dict):
                self._old.update(found)
                self._counts[n] = len(found)
        self._used: dict[str, bytes] = {}
        self._added: set[int] = set()  # the parts a value was put into

    def _part(self, key) -> int:
        if self._parts == 1:
            return 0
        data = key.encode("utf-8") if isinstance(key, str) else key
        return zlib.crc32(data) % self._parts

    def __contains__(self, key) -> bool:
        """Whether the last build left a value under ``key`` (not noted as used)."""
        return key in self._old

    def get(self, key: str):
        data = self._old.get(key)
        if data is None:
            return None
        try:
            value = pickle.loads(data)
        except Exception:  # from an older Python, say: a miss
            return None
        self._used[key] = data
        return value

    def put(self, key: str, value) -> None:
        self._used[key] = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        self._added.add(self._part(key))

    def _changed(self) -> list[int]:
        """The parts this build put a value into, or left one of the last build's unused."""
        used = [0] * self._parts
        for key in self._used:
            used[self._part(key)] += 1
        return [n for n in range(self._parts) if n in self._added or used[n] != self._counts[n]]

    @property
    def changed(self) -> bool:
        """Whether this build put a value the last one did not have, or left one unused."""
        return bool(self._changed())

    def save(self, later: bool = False) -> None:
        """Write the parts that changed, with the values used and put (``later``: from the
        store's writer thread)."""
        changed = self._changed()
        if not changed:
            return
        parts: dict[int, dict[str, bytes]] = {n: {} for n in changed}
        for key, data in self._used.items():
            part = parts.get(self._part(key))
            if part is not None:
                part[key] = data
        for n, values in parts.items():
            if later:
                self._store.put_later(self._names[n], lambda values=values: values)
            else:
                self._store.put(self._names[n], values)


def remembered(memo, key: str, make: Callable[[], object], kind: type):
    """What ``memo`` (``get``/``put`` by key, as a :class:`Bundle`) holds under ``key``, when it is
    a ``kind``; else ``make()``, put there for the next build."""
    found = memo.get(key)
    if not isinstance(found, kind):
        found = make()
        memo.put(key, found)
    return found


def write_atomic(path: Path, *parts: bytes) -> None:
    """``parts`` one after the other at ``path``, whole or not at all (a temporary file renamed;
    removed on failure)."""
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            for part in parts:
                f.write(part)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def digest(*parts: str | bytes) -> str:
    """A SHA-256 over ``parts``, each length-prefixed so that no two lists of parts collide."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()

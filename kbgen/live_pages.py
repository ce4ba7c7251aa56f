"""Unchanged pages hard-linked from the live site instead of written again.

Every build writes a whole new site beside the live one and swaps it in (kbgen.build). A page
whose cache key did not change would be written with the same bytes as the live site's file:
at 10,000 articles that is 670 MB of HTML written, then the same deleted with the old site,
about a third of a build where one page changed. A hard link to the live file gives the new
site the same bytes for the cost of a directory entry, and leaves the live site as it is.

A live file is linked only when it is provably the bytes that key gives: the cache records, for
each page a build wrote, the key it was built for and the file's device, inode, size and
modification time as written (:meth:`LivePages.remember`). A swap keeps all four; a file
changed, replaced or removed since (a deploy step rewriting pages, a site copied elsewhere)
does not match, and the page is written from the cache as before. Any failure to link (a file
system without hard links) writes it too: linking only ever saves time. A page written from
the cache is written here too, as the bytes the cache holds (what MkDocs would write once they
were decoded and encoded again: 670 MB each way at 10,000 articles), by a thread of its own
(decompressing and writing leave the interpreter free: on a runner that keeps only the cache,
60 MB of a FAQ-heavy help center's pages are written beside the page loop, not in it).
"""

from __future__ import annotations

import logging
import os
import queue
import stat
import threading
from collections.abc import Callable
from pathlib import Path

from . import cache as build_cache

RECORD = build_cache.NAMED + "live-pages"  # {"folder": live site, "pages": {dest_uri: (key, *signature)}}


def _signature(found: os.stat_result) -> tuple[int, int, int, int]:
    return found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns


class LivePages:
    """The live site's pages a build may link (``store``: the build cache's namespace;
    ``live``: the folder the new site will replace)."""

    def __init__(self, store: build_cache.Store, live: str | os.PathLike):
        self._store = store
        self._live = os.fspath(Path(live))
        record = store.get(RECORD)
        known = record.get("pages") if isinstance(record, dict) and record.get("folder") == self._live else None
        self._known: dict[str, tuple] = known if isinstance(known, dict) else {}
        self._linked: dict[str, tuple] = {}  # dest_uri -> (key, *signature) of the files linked
        self._can_link = True
        self._writing: queue.SimpleQueue | None = None  # (path, data) for the writer thread, once started
        self._writer: threading.Thread | None = None
        self._failed: list[tuple[str, OSError]] = []  # (dest_uri, why)

    def place(self, dest_uri: str, key: str, path: str, data: Callable[[], bytes]) -> None:
        """Put the page built for ``key`` at ``path``: linked from the live site if it can be,
        else ``data()`` written by the writer thread (:meth:`finish` waits for it)."""
        if self.link(dest_uri, key, path):
            return
        if self._writer is None:
            self._writing = queue.SimpleQueue()
            self._writer = threading.Thread(target=self._write, args=(self._writing,), name="kbgen-pages", daemon=True)
            self._writer.start()
        self._writing.put((dest_uri, path, data))

    def _write(self, jobs: queue.SimpleQueue) -> None:
        while (job := jobs.get()) is not None:
            dest_uri, path, data = job
            try:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "wb") as f:
                    f.write(data())
            except OSError as exc:
                self._failed.append((dest_uri, exc))

    def finish(self) -> None:
        """Wait for the pages given to the writer thread; raises an ``OSError`` whose filename
        is the first page (its ``dest_uri``) it could not write."""
        writer, self._writer = self._writer, None
        if writer is not None:
            self._writing.put(None)
            writer.join()
        if self._failed:
            dest_uri, exc = self._failed[0]
            raise OSError(exc.errno, exc.strerror or str(exc), dest_uri)

    def link(self, dest_uri: str, key: str, path: str) -> bool:
        """Put the live site's file for ``dest_uri`` at ``path`` if it holds the page built for
        ``key``; False (nothing done) otherwise."""
        known = self._known.get(dest_uri)
        if not self._can_link or known is None or known[0] != key:
            return False
        live = os.path.join(self._live, dest_uri)
        try:
            found = os.lstat(live)
            if not stat.S_ISREG(found.st_mode) or _signature(found) != tuple(known[1:]):
                return False
            os.makedirs(os.path.dirname(path), exist_ok=True)
            os.link(live, path, follow_symlinks=False)
        except OSError as exc:
            if not isinstance(exc, FileNotFoundError):
                self._can_link = False  # no hard links here (or no more room for them): write
            return False
        try:  # the live file replaced between the two calls (a build beside this one): not that one
            if _signature(os.lstat(path)) != tuple(known[1:]):
                os.unlink(path)
                return False
        except OSError:
            return False
        self._linked[dest_uri] = known
        return True

    def remember(self, site_dir: str | os.PathLike, pages: dict[str, str]) -> None:
        """Record the files of ``pages`` (dest_uri -> cache key) as this build wrote them into
        ``site_dir``, for the next build (written by the store's writer thread)."""
        record: dict[str, tuple] = {}
        for dest_uri, key in pages.items():
            linked = self._linked.get(dest_uri)
            if linked is not None and linked[0] == key:
                record[dest_uri] = linked
                continue
            try:
                found = os.lstat(os.path.join(site_dir, dest_uri))
            except OSError:
                continue
            if stat.S_ISREG(found.st_mode):
                record[dest_uri] = (key, *_signature(found))
        value = {"folder": self._live, "pages": record}
        self._store.put_later(RECORD, lambda: value)


class QuietSkips(logging.Filter):
    """Drops MkDocs' "Page skipped" notice for the pages kbgen put in place (they are not
    skipped: their file is there). ``pages``: their sources, filled as the build goes."""

    def __init__(self):
        super().__init__()
        self.pages: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.INFO or not self.pages:
            return True
        message = record.getMessage()
        if not message.startswith("Page skipped: '"):
            return True
        return message[len("Page skipped: '") :].split("'", 1)[0] not in self.pages

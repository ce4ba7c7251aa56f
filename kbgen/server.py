"""The WSGI app that serves a built help center.

Static files come from the site folder, looked up per request, so a site
swapped in by ``kbgen build`` is served at once without a restart. No MkDocs
here: a server replica needs only the built site.

A help center published per (market, language) pair has one search index per
pair: the root pair's in ``_kbgen/search/``, the others' in their own folders
(``de-de/_kbgen/search/``). The API answers under each pair's prefix
(``/de-de/api/search``: the widgets call ``api/...`` relative to the site
base) and at the root, where ``?lang=de&market=de`` picks a pair and none
means the root pair (see :class:`Pairs`).

Writes (votes, opened results, recorded searches) never hold up searches: they
run on threads added for them (``WRITE_SLOTS`` at once, ``WRITE_QUEUE`` more
waiting up to a second, a 503 beyond), each waits at most ``WRITE_BUDGET``
seconds for the database, and a database that is down answers 503 while
pages, search and ``/healthz`` carry on.
"""

from __future__ import annotations

import gc
import gzip
import hashlib
import json
import logging
import mimetypes
import os
import posixpath
import re
import secrets
import threading
import time
from contextlib import contextmanager
from email.utils import formatdate
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote

from . import results_page
from .feedback import StoreError, open_store
from .feedback import api as feedback_api
from .feedback.limits import RateLimiter
from .forwarded import ForwardedAllowIps
from .headers import SiteHeaders
from .search import INDEX_DIR as SEARCH_INDEX_DIR
from .search import IndexMissing, IndexUnreadable, RequestError, SearchEngine, SearchRequest, SuggestRequest
from .search.engine import CACHE_SIZE

log = logging.getLogger("kbgen.server")
MAX_QUERY_STRING = 2048
MAX_SEGMENT = 255  # a longer path segment names no file (NAME_MAX)
WRITE_SLOTS = 4  # writes running at once per process (and database connections it holds)
WRITE_QUEUE = 8  # more writes that may wait for one of those slots
WRITE_SLOT_WAIT = 1.0  # seconds a write waits for a slot
SEARCH_RECORD_BUDGET = 0.25  # seconds a search may spend recording itself, at most
PURGE_INTERVAL = 3600.0  # seconds between two retention purges of one process
HEADER_TIMEOUT = 10.0  # seconds a connection has to send a whole request

# Folders inside the site that are never served (the prebuilt search index).
PRIVATE_DIRS = ("_kbgen",)
# A (market, language) pair's folder: <language>-<country>, e.g. de-de, en-gb.
PAIR_PREFIX = re.compile(r"[a-z]{2,3}-[a-z]{2}")
PAIRS_FILE = "_kbgen/pairs.json"  # optional: the build's list of pairs (market ids that are not the country)
LIVE_RELOAD_PATH = "/_kbgen/livereload"
# A file, not an inline script: pages allow no inline script but the theme's own (headers.py).
LIVE_RELOAD_SCRIPT_PATH = "/_kbgen/livereload.js"
# ``/_kbgen/livereload?since=<change>`` waits this long for the next change (a long poll);
# at most this many wait at once (each holds a server thread), others are answered at once
LIVE_RELOAD_WAIT = 20.0
LIVE_RELOAD_WAITERS = 8
# a page that polled within this many seconds is open (a waiting page polls again after LIVE_RELOAD_WAIT);
# at most LIVE_RELOAD_PAGES of them are remembered
LIVE_RELOAD_OPEN = LIVE_RELOAD_WAIT + 10.0
LIVE_RELOAD_PAGES = 16
_LIVE_RELOAD_JS = (Path(__file__).parent / "livereload.js").read_bytes()
_LIVE_RELOAD_TAG = b'<script src="%s"></script>' % LIVE_RELOAD_SCRIPT_PATH.encode()

mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("application/manifest+json", ".webmanifest")


def json_response(start_response, status: str, body: dict, headers=()) -> list[bytes]:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8", "replace")
    start_response(
        status,
        [
            ("Content-Type", "application/json; charset=utf-8"),
            ("Content-Length", str(len(data))),
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
            ("Access-Control-Expose-Headers", "X-KB-Search-Id"),
            *headers,
        ],
    )
    return [data]


class HelpCenterApp:
    """Static site plus kbgen's endpoints. ``live_reload`` is for ``kbgen serve --watch``."""

    def __init__(
        self,
        site_dir: str | os.PathLike,
        live_reload: bool = False,
        search_cache: int = CACHE_SIZE,
        database: str | None = None,
        retention_days: int = 365,
        write_rate: float = 30,
        forwarded_allow_ips: str | None = None,
        threads: int = 1,
        purge_interval: float = PURGE_INTERVAL,
    ):
        self.site_dir = Path(site_dir)
        self.live_reload = live_reload
        self.search_cache = search_cache
        self.database = database  # None: feedback and analytics are off
        self.retention_days = retention_days
        self.proxies = ForwardedAllowIps(forwarded_allow_ips)
        self.threads = threads  # searches at once (CPU-bound); writes get WRITE_SLOTS more threads
        self.limiter = RateLimiter(rate=write_rate)  # created before workers fork: shared by them
        self.purge_interval = purge_interval
        self._next_purge = 0.0
        self.purging: threading.Thread | None = None  # the latest purge
        self._searching = threading.BoundedSemaphore(threads)
        self._writes = _WriteGate(WRITE_SLOTS, WRITE_QUEUE)
        self._store = None
        self._store_lock = threading.Lock()
        self.build_id = 0  # bumped by the watcher after each rebuild
        self.build_errors: list[str] = []  # the last rebuild's errors, until one succeeds (the overlay)
        self.search_build = 0  # the build whose search index is in place (a preview writes it after the pages)
        self.changes = 0  # bumped whenever one of the three above changes: what live-reload requests wait for
        self._changed = threading.Condition()
        self._live_waiters = 0
        self._open_pages: dict[str, float] = {}  # a live-reload page's path -> when it last polled
        self._engines: dict[str, SearchEngine] = {}  # pair prefix ('' for the root pair) -> its engine
        self._engine_lock = threading.Lock()
        self.site_headers = SiteHeaders(self.site_dir)
        self.pairs = discover_pairs(self.site_dir)
        # pair prefix ('' the root) -> the last build that changed its pages (a preview's pages reload on it)
        self.pair_builds: dict[str, int] = dict.fromkeys(["", *sorted(self.pairs)], 0)
        self.page_builds: dict[str, int] = {}  # a page's address -> its last build, where not its pair's

    def rebuilt(
        self,
        errors: list[str] | None = None,
        pairs: list[str] | None = None,
        current: list[str] | None = None,
        reload: bool = False,
    ) -> None:
        """After a ``--watch`` rebuild: success reloads browsers (on the pages of ``pairs``, by
        prefix; None: every pair) but for the pages at the addresses ``current``, which already
        show what this rebuild put live (a quick step's first wave); errors show over the last
        good page, which browsers reload into first with ``reload`` (a failure after some
        pages had gone live, put back since)."""
        with self._changed:
            self.build_errors = list(errors) if errors else []
            if not errors or reload:  # pages changed: browsers reload (on ``pairs``' pages)
                self.build_id += 1
                # each current page keeps the build it reloaded on; any other rebuild reloads them too
                self.page_builds = {page: self.pair_builds.get(self._pair_of(page)[0], 0) for page in current or ()}
                if pairs is None:
                    self.pairs = discover_pairs(self.site_dir)
                    pairs = ["", *self.pairs, *self.pair_builds]
                for prefix in pairs:
                    self.pair_builds[prefix] = self.build_id
            self.changes += 1
            self._changed.notify_all()

    def indexed(self) -> None:
        """The last rebuild's search index is in place too (the preview settled)."""
        with self._changed:
            self.search_build = self.build_id
            self.changes += 1
            self._changed.notify_all()

    def _live_reload(self, environ, start_response):
        """The preview's state; with ``?since=<change>`` equal to the current one, answered
        when it changes (or after LIVE_RELOAD_WAIT seconds): a page learns of a rebuild at once."""
        query = dict(parse_qsl(environ.get("QUERY_STRING", "")[:MAX_QUERY_STRING]))
        since = query.get("since", "")
        with self._changed:
            self._page_polled(query.get("page"))
            if since == str(self.changes) and self._live_waiters < LIVE_RELOAD_WAITERS:
                self._live_waiters += 1
                try:
                    self._changed.wait_for(lambda: str(self.changes) != since, timeout=LIVE_RELOAD_WAIT)
                finally:
                    self._live_waiters -= 1
            state = {
                "build": self.build_id,
                "errors": self.build_errors,
                "search": self.search_build,
                "change": self.changes,
                "pairs": dict(self.pair_builds),
            }
            if query.get("page") in self.page_builds:
                state["page"] = self.page_builds[query["page"]]
        return json_response(start_response, "200 OK", state)

    def _page_polled(self, page: str | None) -> None:
        if not page or not page.startswith("/"):
            return
        now = time.monotonic()
        self._open_pages.pop(page, None)  # the most recent last
        self._open_pages[page] = now
        for old in [p for p, seen in self._open_pages.items() if now - seen > LIVE_RELOAD_OPEN]:
            del self._open_pages[old]
        while len(self._open_pages) > LIVE_RELOAD_PAGES:
            del self._open_pages[next(iter(self._open_pages))]

    def open_pages(self) -> list[str]:
        """The paths of the pages open in browsers (their live-reload script polled lately), the
        most recent first: a preview puts them live first."""
        with self._changed:
            now = time.monotonic()
            return [p for p, seen in reversed(self._open_pages.items()) if now - seen <= LIVE_RELOAD_OPEN]

    @property
    def engine(self) -> SearchEngine:
        """The root pair's search engine, opened once per worker on first use (or by ``warm_up``)."""
        return self.engine_for("")

    def engine_for(self, prefix: str) -> SearchEngine:
        """The engine of the pair at ``prefix`` ('' for the root), opened once per worker."""
        engine = self._engines.get(prefix)
        if engine is None:
            with self._engine_lock:
                engine = self._engines.get(prefix)
                if engine is None:
                    folder = self.site_dir / prefix if prefix else self.site_dir
                    engine = SearchEngine(folder / SEARCH_INDEX_DIR, self.search_cache)
                    self._engines[prefix] = engine
        return engine

    def warm_up(self, body_words: bool = False) -> None:
        """Load every pair's index and run a few searches, before the worker accepts connections.
        ``body_words``: also find where every long page's words are, for the snippets (about a
        second at 10,000 pages; done by ``serve``'s parent, whose workers then share them)."""
        for prefix in ["", *sorted(self.pairs)]:
            try:
                engine = self.engine_for(prefix)
                engine.warm_up()
                if body_words:
                    engine.find_body_words()
            except IndexUnreadable as exc:  # pages are served; /api/search answers 503 until a rebuild
                log.error("%s", exc)
            except IndexMissing:
                pass  # static-only folder: /api/search answers 503

    def forget_engines(self) -> None:
        """Drop the opened indexes (``kbgen serve``'s parent, once its workers have their copies)."""
        with self._engine_lock:
            self._engines = {}

    def _pair_of(self, path: str) -> tuple[str, str]:
        """(pair prefix or '', the path below it) for a path under a pair's folder."""
        first, _, rest = path.lstrip("/").partition("/")
        if PAIR_PREFIX.fullmatch(first) and self._is_pair(first):
            return first, "/" + rest
        return "", path

    def _is_pair(self, prefix: str) -> bool:
        if prefix in self.pairs:
            return True
        if (self.site_dir / prefix / SEARCH_INDEX_DIR).is_dir():  # published since this process started
            self.pairs = discover_pairs(self.site_dir)
            return prefix in self.pairs
        return False

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        if method != "HEAD":
            return self._respond(environ, start_response, method)
        # HEAD: the same status and headers as GET, never a body (a proxy would read
        # the body as the start of the next response)
        body = self._respond(environ, start_response, method)
        if hasattr(body, "close"):
            body.close()
        return [b""]

    def _respond(self, environ, start_response, method: str):
        path = environ.get("PATH_INFO") or "/"
        try:
            if "\x00" in path or any(len(segment) > MAX_SEGMENT for segment in path.split("/")):
                return json_response(start_response, "400 Bad Request", {"error": "bad path"})
            if path == "/healthz":
                return self._healthz(start_response, method)
            if self.live_reload and path == LIVE_RELOAD_PATH:
                return self._live_reload(environ, start_response)
            if self.live_reload and path == LIVE_RELOAD_SCRIPT_PATH:
                return self._live_reload_script(start_response)
            prefix, below = self._pair_of(path)
            if below.startswith("/api/"):
                return self._api(environ, start_response, below, method, prefix)
            if method not in ("GET", "HEAD"):
                return json_response(
                    start_response,
                    "405 Method Not Allowed",
                    {"error": "method not allowed"},
                    [("Allow", "GET, HEAD")],
                )
            return self._static(environ, start_response, path, method == "HEAD")
        except Exception:  # a bug: log it, never show a traceback to the browser
            log.exception("error in %s", path)
            return json_response(start_response, "500 Internal Server Error", {"error": "internal error"})

    def _live_reload_script(self, start_response):
        start_response(
            "200 OK",
            [
                ("Content-Type", "text/javascript; charset=utf-8"),
                ("Content-Length", str(len(_LIVE_RELOAD_JS))),
                ("Cache-Control", "no-store"),
                ("X-Content-Type-Options", "nosniff"),
            ],
        )
        return [_LIVE_RELOAD_JS]

    def _healthz(self, start_response, method: str):
        if method not in ("GET", "HEAD"):
            return json_response(
                start_response, "405 Method Not Allowed", {"error": "use GET"}, [("Allow", "GET, HEAD")]
            )
        ok = (self.site_dir / "index.html").is_file()
        status = "200 OK" if ok else "503 Service Unavailable"
        return json_response(start_response, status, {"status": "ok" if ok else "no site"})

    @property
    def store(self):
        """The feedback store, opened once per worker; it connects (and migrates) on first use."""
        if self._store is None:
            with self._store_lock:
                if self._store is None:
                    self._store = open_store(self.database, connect=False)
        return self._store

    def _purge_when_due(self) -> None:
        """Delete rows past the retention period, at most once per ``purge_interval``, off the request."""
        now = time.monotonic()
        if now < self._next_purge:
            return
        self._next_purge = now + self.purge_interval

        def purge():
            try:
                self.store.purge(self.retention_days)
            except StoreError as exc:
                log.warning("retention purge: %s", exc)
                self._next_purge = min(self._next_purge, time.monotonic() + 60)

        self.purging = threading.Thread(target=purge, name="kbgen-purge", daemon=True)
        self.purging.start()

    # -- JSON API -------------------------------------------------------------
    def _api(self, environ, start_response, path: str, method: str, prefix: str = ""):
        reads = {"/api/search": self._search, "/api/suggest": self._suggest}
        writes = {"/api/feedback": self._feedback, "/api/opened": self._opened}
        if path in writes:
            if method != "POST":
                return json_response(
                    start_response, "405 Method Not Allowed", {"error": "use POST"}, [("Allow", "POST")]
                )
            return self._write(environ, start_response, writes[path], prefix)
        handler = reads.get(path)
        if handler is None:
            return json_response(start_response, "404 Not Found", {"error": "unknown API endpoint"})
        if method not in ("GET", "HEAD"):
            return json_response(
                start_response, "405 Method Not Allowed", {"error": "use GET"}, [("Allow", "GET, HEAD")]
            )
        try:
            params = _query_params(environ)
            named = self._pair_param(params)
            if named is not None:
                if prefix and named != prefix:
                    raise RequestError(f"lang and market name another help center than /{prefix}/")
                prefix = named
            return handler(start_response, params, environ, prefix)
        except RequestError as exc:
            return json_response(start_response, "400 Bad Request", {"error": str(exc)})
        except IndexMissing:
            return json_response(
                start_response, "503 Service Unavailable", {"error": "the search index is not available"}
            )

    def _write(self, environ, start_response, handler, prefix: str = ""):
        if self.database is None:
            return json_response(
                start_response, "503 Service Unavailable", {"error": "feedback is not enabled on this server"}
            )
        if not self.limiter.allow(self.proxies.client(environ)):
            return json_response(
                start_response,
                "429 Too Many Requests",
                {"error": "too many requests; try again in a minute"},
                [("Retry-After", "60")],
            )
        try:
            body = feedback_api.read_json(environ)
            browser = feedback_api.browser_id(environ)
        except feedback_api.BadRequest as exc:
            return json_response(start_response, exc.status, {"error": str(exc)})
        with self._writes.slot(WRITE_SLOT_WAIT) as admitted:
            if not admitted:
                return _unavailable(start_response, "too many writes at once; try again in a moment")
            try:
                self._purge_when_due()
                return handler(start_response, body, browser, prefix)
            except feedback_api.BadRequest as exc:
                return json_response(start_response, exc.status, {"error": str(exc)})
            except StoreError as exc:
                log.error("feedback store: %s", exc)
                return _unavailable(start_response, "feedback cannot be saved right now; try again in a minute")

    def _feedback(self, start_response, body: dict, browser: str, prefix: str = ""):
        site, body = self._pair_body(body, prefix)
        url, helpful, reason = feedback_api.vote(body, site)
        url = f"/{prefix}{url}" if prefix else url
        self.store.record_vote(url, helpful, reason, browser)
        return json_response(start_response, "201 Created", {"ok": True})

    def _opened(self, start_response, body: dict, browser: str, prefix: str = ""):
        site, body = self._pair_body(body, prefix)
        search_id, url = feedback_api.opened(body, site)
        url = f"/{prefix}{url}" if prefix else url
        self.store.record_open(search_id, url, browser)
        return json_response(start_response, "201 Created", {"ok": True})

    def _pair_body(self, body: dict, prefix: str) -> tuple[Path, dict]:
        """The site folder a write under ``prefix`` names pages in, and its body with the page's
        address relative to it: a pair's widgets send their site's own paths (``/returns/refunds/``
        for ``/de-de/returns/refunds/``), its results the full ones; both are recorded in full."""
        if not prefix:
            return self.site_dir, body
        url = body.get("url")
        if isinstance(url, str) and url.startswith(f"/{prefix}/"):
            body = {**body, "url": url[len(prefix) + 1 :]}
        return self.site_dir / prefix, body

    def _pair_param(self, params: dict[str, str]) -> str | None:
        """The prefix of the pair ``?lang=de&market=de`` names ('' for the root pair, None when
        neither is given); the parameters are taken off ``params``. An unknown pair is a
        RequestError (400)."""
        lang, market = params.pop("lang", "").strip().lower(), params.pop("market", "").strip().lower()
        if not lang and not market:
            return None
        prefix = self.pairs_index().find(lang, market)
        if prefix is None:
            known = ", ".join(self.pairs_index().names()) or "none"
            asked = " and ".join(f"{k}={v!r}" for k, v in (("lang", lang), ("market", market)) if v)
            raise RequestError(f"no help center for {asked}; published (language-market): {known}")
        return prefix

    def pairs_index(self) -> Pairs:
        return Pairs(self.site_dir, self.pairs, lambda: self._root_language())

    def _root_language(self) -> str | None:
        try:
            return self.engine_for("").meta.get("language", "en")
        except IndexMissing:
            return None

    def _search(self, start_response, params: dict[str, str], environ, prefix: str = ""):
        request = SearchRequest.from_params(params)
        engine = self.engine_for(prefix)
        with self._searching:  # CPU-bound: as many at once as --threads
            result = engine.search(request)
        headers = []
        # The results page asks for its searches to be counted (typeahead does not).
        if environ.get("HTTP_X_KB_RECORD") == "1" and self.database and request.page == 1:
            search_id = self._record_search(environ, request.q, result["total"], language=_language(engine))
            if search_id:
                headers.append(("X-KB-Search-Id", str(search_id)))
        return json_response(start_response, "200 OK", result, headers)

    def _record_search(
        self, environ, query: str, total: int, browser: str | None = None, language: str = ""
    ) -> int | None:
        """A write like a vote (same id check, same rate limit), but one that never fails
        the search: when it cannot be done at once, the search is simply not counted.
        Crawlers and audit tools (by user agent) are never counted. ``browser``: the id of
        a results page the server renders (no script ran, so no X-KB-Browser)."""
        if is_robot(environ.get("HTTP_USER_AGENT", "")):
            return None
        browser = browser or environ.get("HTTP_X_KB_BROWSER", "")
        if not feedback_api.BROWSER_ID.fullmatch(browser):
            return None
        if not self.limiter.allow(self.proxies.client(environ)):
            return None
        with self._writes.slot(0) as admitted:
            if not admitted:
                return None
            try:
                return self.store.record_search(query, total, browser, budget=SEARCH_RECORD_BUDGET, language=language)
            except StoreError as exc:
                log.error("feedback store: %s", exc)
                return None

    def _suggest(self, start_response, params: dict[str, str], environ, prefix: str = ""):
        request = SuggestRequest.from_params(params)
        engine = self.engine_for(prefix)
        with self._searching:
            result = engine.suggest(request.q, limit=request.limit)
        return json_response(start_response, "200 OK", result)

    # -- static files -------------------------------------------------------
    def _static(self, environ, start_response, path: str, head: bool):
        rel = posixpath.normpath(unquote(path)).lstrip("/")
        parts = [p for p in rel.split("/") if p not in ("", ".")]
        # a pair's own index (de-de/_kbgen/search/) is as private as the root's
        if any(p.startswith(".") or p == ".." or p in PRIVATE_DIRS for p in parts):
            return self._not_found(start_response, head)
        file = self.site_dir.joinpath(*parts)
        if file.is_dir():
            if not path.endswith("/"):
                query = environ.get("QUERY_STRING")
                location = quote(path) + "/" + (f"?{query}" if query else "")
                start_response("301 Moved Permanently", [("Location", location), ("Content-Length", "0")])
                return [b""]
            file = file / "index.html"
        if not file.is_file():
            return self._not_found(start_response, head)
        if file.name == "index.html" and "q=" in environ.get("QUERY_STRING", ""):
            page = self._results_page(environ, file, self._pair_of(path)[0])
            if page is not None:
                return self._send(environ, start_response, file, "200 OK", head, data=page)
        return self._send(environ, start_response, file, "200 OK", head)

    def _results_page(self, environ, file: Path, prefix: str = "") -> bytes | None:
        """The results page with the results in it (None: not the results page, or no answer)."""
        try:
            html = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        if not results_page.is_results_page(html):
            return None
        try:
            given = _query_params(environ)
            params = {k: given[k] for k in ("q", "category", "type", "audience", "page") if given.get(k)}
            if not params.get("q"):
                return None
            request = SearchRequest.from_params({**params, "limit": str(results_page.PAGE_SIZE)})
            engine = self.engine_for(prefix)  # /de-de/search/?q=: the German pair's index
            with self._searching:
                result = engine.search(request)
        except (RequestError, IndexMissing):
            return None  # the page as built; its script says what is wrong
        search_id, searcher = None, ""
        if self.database and request.page == 1:  # no script ran yet: the search gets its own id
            searcher = secrets.token_hex(12)
            search_id = self._record_search(
                environ, request.q, result["total"], browser=searcher, language=_language(engine)
            )
        return results_page.render(html, params, result, search_id, searcher).encode("utf-8")

    def _not_found(self, start_response, head: bool):
        page = self.site_dir / "404.html"
        if page.is_file():
            return self._send({}, start_response, page, "404 Not Found", head, cache=False)
        body = b"Not found"
        start_response(
            "404 Not Found", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
        )
        return [b"" if head else body]

    def _send(self, environ, start_response, file: Path, status: str, head: bool, cache=True, data=None):
        try:
            if data is None:
                data = file.read_bytes()  # small static files; read at once so a swap can't tear them
            stat = file.stat()
        except OSError:
            return self._not_found(start_response, head) if status.startswith("200") else [b""]
        ctype, encoding = mimetypes.guess_type(file.name)
        ctype = ctype or "application/octet-stream"
        if ctype.startswith("text/") or ctype in (
            "application/json",
            "application/xml",
            "image/svg+xml",
            "text/javascript",
        ):
            ctype += "; charset=utf-8"
        if self.live_reload and ctype.startswith("text/html"):
            data = data.replace(b"</body>", _LIVE_RELOAD_TAG + b"</body>", 1)
        etag = '"' + hashlib.blake2b(data, digest_size=12).hexdigest() + '"'
        compress = (
            len(data) > 1024
            and "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "")
            and (
                ctype.startswith(
                    ("text/", "application/json", "image/svg+xml", "application/xml", "application/atom+xml")
                )
            )
        )
        if compress:
            data = _gzipped(etag, data)
            etag = etag[:-1] + '-gz"'
        headers = [
            ("Content-Type", ctype),
            ("ETag", etag),
            ("Last-Modified", formatdate(stat.st_mtime, usegmt=True)),
            ("X-Content-Type-Options", "nosniff"),
            ("Cache-Control", _cache_control(file.name, ctype, cache)),
        ]
        if ctype.startswith("text/html"):  # the policy the build wrote: CSP, Referrer-Policy, framing
            headers += [h for h in self.site_headers.for_html() if h[0] != "X-Content-Type-Options"]
        if encoding == "gzip":
            headers[0] = ("Content-Type", "application/gzip")
        headers.append(("Vary", "Accept-Encoding"))
        if compress:
            headers.append(("Content-Encoding", "gzip"))
        if cache and environ.get("HTTP_IF_NONE_MATCH") == etag and status.startswith("200"):
            start_response("304 Not Modified", headers)
            return [b""]
        headers.append(("Content-Length", str(len(data))))
        start_response(status, headers)
        return [b"" if head else data]


def _language(engine: SearchEngine) -> str:
    return engine.meta.get("language", "en")


def discover_pairs(site_dir: Path) -> set[str]:
    """The prefixes of the site's (market, language) folders: ``de-de`` and the like, with an index."""
    try:
        entries = list(os.scandir(site_dir))
    except OSError:
        return set()
    return {e.name for e in entries if PAIR_PREFIX.fullmatch(e.name) and (Path(e.path) / SEARCH_INDEX_DIR).is_dir()}


class Pairs:
    """Which pair ``?lang=&market=`` names.

    A pair's prefix is ``<language>-<country>``. Without the build's ``_kbgen/pairs.json``
    (a list of ``{"prefix", "language", "market"}``, the root pair's prefix ``""``), a
    market is taken to be its country (``market=de`` -> ``de-de``). ``lang`` alone names
    the root pair when it is in that language, else the one pair in it; ``market`` alone
    the market's pair in the root's language, else its only one.
    """

    def __init__(self, site_dir: Path, prefixes: set[str], root_language):
        self.entries: list[dict] = []
        try:
            listed = json.loads((site_dir / PAIRS_FILE).read_text(encoding="utf-8"))
            self.entries = [
                {"prefix": str(e.get("prefix", "")), "language": str(e["language"]), "market": str(e["market"])}
                for e in listed
                if isinstance(e, dict)
            ]
        except (OSError, ValueError, KeyError, TypeError):
            pass
        if not self.entries:
            for prefix in sorted(prefixes):
                language, _, country = prefix.partition("-")
                self.entries.append({"prefix": prefix, "language": language, "market": country})
            root = root_language()
            if root:
                self.entries.insert(0, {"prefix": "", "language": root, "market": ""})

    def names(self) -> list[str]:
        return [e["prefix"] or f"{e['language']} (root)" for e in self.entries]

    def find(self, lang: str, market: str) -> str | None:
        found = [
            e
            for e in self.entries
            if (not lang or e["language"] == lang) and (not market or e["market"] == market or e["prefix"] == market)
        ]
        if not found:
            return None
        if not market:  # the root pair when it is in that language, else the first
            return found[0]["prefix"]
        if not lang:
            root = next((e for e in self.entries if e["prefix"] == ""), None)
            same = [e for e in found if root and e["language"] == root["language"]]
            return (same or found)[0]["prefix"]
        return found[0]["prefix"]


# kbgen's script bundle (kb.<12 hex>.js) and Material's assets (bundle.<8 hex>.min.js,
# main.<8 hex>.min.css) are named by their content: a new version is a new name.
FINGERPRINTED = re.compile(r"\.[0-9a-f]{8,64}(\.min)?\.(js|css)$")


def _cache_control(name: str, ctype: str, cache: bool) -> str:
    if ctype.startswith("text/html") or not cache:
        return "no-cache"
    if FINGERPRINTED.search(name):
        return "public, max-age=31536000, immutable"
    return "public, max-age=300"


_GZIP_CACHE: dict[str, bytes] = {}


def _gzipped(etag: str, data: bytes) -> bytes:
    """Compressed once per file version (the ETag), kept for the next shoppers."""
    packed = _GZIP_CACHE.get(etag)
    if packed is None:
        packed = gzip.compress(data, compresslevel=6, mtime=0)
        if len(_GZIP_CACHE) > 2000:
            _GZIP_CACHE.clear()
        _GZIP_CACHE[etag] = packed
    return packed


class _WriteGate:
    """At most ``running`` writes at once and ``waiting`` more queued; any further one is refused
    at once, so writes never take more than ``running + waiting`` threads of a process."""

    def __init__(self, running: int, waiting: int):
        self.slots = threading.BoundedSemaphore(running)
        self.limit = running + waiting
        self.admitted = 0
        self.lock = threading.Lock()

    @contextmanager
    def slot(self, wait: float):
        """Yields whether this write may run (after waiting up to ``wait`` seconds)."""
        with self.lock:
            full = self.admitted >= self.limit
            if not full:
                self.admitted += 1
        if full:
            yield False
            return
        try:
            got = self.slots.acquire(timeout=wait) if wait > 0 else self.slots.acquire(blocking=False)
            try:
                yield got
            finally:
                if got:
                    self.slots.release()
        finally:
            with self.lock:
                self.admitted -= 1


def _unavailable(start_response, message: str) -> list[bytes]:
    return json_response(start_response, "503 Service Unavailable", {"error": message}, [("Retry-After", "5")])


# Crawlers, link checkers and audit tools (Lighthouse, PageSpeed, headless browsers): their
# searches are not shoppers' and stay out of the analytics.
ROBOTS = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|lighthouse|headlesschrome|pagespeed|gtmetrix|ia_archiver|"
    r"facebookexternalhit|embedly|preview|monitor|checker",
    re.I,
)


def is_robot(user_agent: str) -> bool:
    return bool(ROBOTS.search(user_agent))


def _query_params(environ) -> dict[str, str]:
    raw = environ.get("QUERY_STRING", "")
    if len(raw) > MAX_QUERY_STRING:
        raise RequestError(f"the query string is longer than {MAX_QUERY_STRING} characters")
    try:
        pairs = parse_qsl(
            raw.encode("latin-1").decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=False,
            max_num_fields=20,
            errors="strict",
        )
    except UnicodeError:
        raise RequestError("the query string is not valid UTF-8") from None
    except ValueError as exc:
        raise RequestError(f"bad query string: {exc}") from None
    params: dict[str, str] = {}
    for key, value in pairs:
        if key in params:
            raise RequestError(f"parameter '{key}' is given more than once")
        params[key] = value
    return params


def server_options(app) -> dict:
    """Waitress settings for ``app``: its search threads plus the write threads, a high
    connection limit watched with poll(), and short deadlines for unfinished requests."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and (hard == resource.RLIM_INFINITY or soft < hard):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else 65536, hard))
        except (ValueError, OSError):
            pass
    files = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    files = 65536 if files == resource.RLIM_INFINITY else files
    return {
        "threads": app.threads
        + (WRITE_SLOTS + WRITE_QUEUE if app.database else 0)
        + (LIVE_RELOAD_WAITERS if app.live_reload else 0),  # pages waiting for a preview's rebuild
        "ident": "kbgen",
        "max_request_body_size": 1_048_576,
        # select() stops at descriptor 1024; poll() has no such limit, so thousands of
        # idle or slow connections cannot lock other shoppers out
        "asyncore_use_poll": True,
        "connection_limit": max(100, min(10_000, files - 200)),
        "channel_timeout": 30,  # idle keep-alive connections
        "cleanup_interval": 1,
        # forwarding headers reach the app, which believes them only from --forwarded-allow-ips
        "clear_untrusted_proxy_headers": False,
    }


def create_server(app, header_timeout: float = HEADER_TIMEOUT, balance=None, worker: int = 0, **options):
    """A waitress server for ``app`` whose connections must send a whole request within
    ``header_timeout`` seconds (waitress alone only times out idle connections, so a
    client trickling one byte at a time would keep its connection for ever). With a
    :class:`~kbgen.balance.Balance`, it is worker number ``worker`` of those sharing it."""
    import waitress
    from waitress.channel import HTTPChannel
    from waitress.server import BaseWSGIServer

    class Channel(HTTPChannel):
        started = 0.0

        def received(self, data):
            if self.request is None:  # the first bytes of a request
                self.started = time.monotonic()
            return super().received(data)

    def guard(listener):
        waitress_maintenance = listener.maintenance

        def maintenance(now):
            waitress_maintenance(now)
            cutoff = time.monotonic() - header_timeout
            for channel in list(listener.active_channels.values()):
                if getattr(channel, "request", None) is not None and getattr(channel, "started", 0) < cutoff:
                    channel.will_close = True  # an unfinished request, too slow

        listener.channel_class = Channel
        listener.maintenance = maintenance

    sockets: dict = {}  # waitress's socket map, ours so that a worker's wake-up pipe can join it
    server = waitress.create_server(app, map=sockets, **{**server_options(app), **options})
    for listener in list(sockets.values()):
        if isinstance(listener, BaseWSGIServer):
            guard(listener)
            if balance is not None:
                balance.attach(worker, listener, sockets)
    return server


def _load_before_forking(app) -> None:
    """Load and warm ``app``'s indexes (with where every long page's words are, for the
    snippets), then leave everything loaded so far (the index, the model, the modules) out of
    garbage collection: a full collection no longer walks it (37 ms at 10,000 pages, measured),
    and forked workers never write to its pages for it, so they stay shared."""
    app.warm_up(body_words=True)
    gc.collect()
    gc.freeze()


def _return_freed_memory() -> None:
    """Hand the memory freed so far back to the system (glibc keeps freed heap for reuse:
    the parent's dropped index stayed resident, about 90 MiB at 10,000 pages); the workers'
    copies are theirs. Nothing happens where the C library has no ``malloc_trim``. The
    process's own symbols are asked (``CDLL(None)``): ``ctypes.util.find_library`` would
    run ``ldconfig`` in a child process beside the workers."""
    import ctypes

    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


def serve(app, host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Run ``app`` with waitress, a production-grade pure-Python WSGI server.

    With ``workers`` > 1, that many forked processes serve, each with its own
    threads, so all cores serve (Python threads share one core). They share one
    listening socket, and a worker takes new connections only while it holds no
    more than any other (see :mod:`kbgen.balance`), so a few keep-alive clients are
    spread evenly. The index is loaded and warmed once, before the workers are
    forked (connections that arrive meanwhile wait in the socket's backlog), so they
    start ready and share its memory: one copy of the page vectors and postings in
    RAM and in the CPU's cache rather than one per worker (a similarity scan over
    vectors two workers share took 0.7-0.9 ms, over a copy each 1.1-1.3 ms). An
    index reloaded after a rebuild is each worker's own.
    """
    if workers <= 1 or not hasattr(os, "fork"):
        app.warm_up()
        create_server(app, host=host, port=port).run()
        return
    import signal
    import socket

    from .balance import Balance
    from .search import semantic_available

    family, _, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    shared = socket.create_server(address[:2], family=family, backlog=1024)  # IPv6 hosts too
    balance = Balance(workers)
    semantic_available()  # the embedding model, loaded once here and shared with the workers
    _load_before_forking(app)  # the index too: the workers start warm, on one copy of it
    children: dict[int, int] = {}  # pid -> worker number
    for worker in range(workers):
        pid = os.fork()
        if pid == 0:  # a worker
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            try:
                create_server(app, sockets=[shared], balance=balance, worker=worker).run()
            finally:
                os._exit(0)
        children[pid] = worker
    # the workers have the index; the parent only waits for them
    app.forget_engines()
    gc.unfreeze()
    gc.collect()
    _return_freed_memory()

    def stop(signum, frame):
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    running = set(children)
    while running:
        try:
            pid, _ = os.wait()
        except ChildProcessError:
            break
        if pid in running:
            running.discard(pid)
            balance.gone(children[pid])  # the others stop waiting for it to take connections

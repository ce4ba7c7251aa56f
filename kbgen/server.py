"""The WSGI app that serves a built help center.

Static files come from the site folder, looked up per request, so a site
swapped in by ``kbgen build`` is served at once without a restart. No MkDocs
here: a server replica needs only the built site.
"""

from __future__ import annotations

import hashlib
import json
import logging
import mimetypes
import os
import posixpath
import threading
from email.utils import formatdate
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote

from .search import IndexMissing, RequestError, SearchEngine, SearchRequest, SuggestRequest
from .search import INDEX_DIR as SEARCH_INDEX_DIR
from .search.engine import CACHE_SIZE

log = logging.getLogger("kbgen.server")
MAX_QUERY_STRING = 2048

# Folders inside the site that are never served (the prebuilt search index).
PRIVATE_DIRS = ("_kbgen",)
LIVE_RELOAD_PATH = "/_kbgen/livereload"
_LIVE_RELOAD_SCRIPT = b"""<script>(function(){var id=null;function poll(){fetch("%s",{cache:"no-store"})
.then(function(r){return r.json()}).then(function(d){if(id!==null&&d.build!==id){location.reload()}id=d.build})
.catch(function(){}).finally(function(){setTimeout(poll,1000)})}poll()})();</script>""" % (
    LIVE_RELOAD_PATH.encode()
)

mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("application/manifest+json", ".webmanifest")


def json_response(start_response, status: str, body: dict, headers=()) -> list[bytes]:
    data = json.dumps(body, ensure_ascii=False).encode()
    start_response(status, [
        ("Content-Type", "application/json; charset=utf-8"),
        ("Content-Length", str(len(data))),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
        *headers,
    ])
    return [data]


class HelpCenterApp:
    """Static site plus kbgen's endpoints. ``live_reload`` is for ``kbgen serve --watch``."""

    def __init__(self, site_dir: str | os.PathLike, live_reload: bool = False,
                 search_cache: int = CACHE_SIZE):
        self.site_dir = Path(site_dir)
        self.live_reload = live_reload
        self.search_cache = search_cache
        self.build_id = 0  # bumped by the watcher after each rebuild
        self._engine: SearchEngine | None = None
        self._engine_lock = threading.Lock()

    @property
    def engine(self) -> SearchEngine:
        """The search engine, opened once per worker on first use."""
        if self._engine is None:
            with self._engine_lock:
                if self._engine is None:
                    self._engine = SearchEngine(self.site_dir / SEARCH_INDEX_DIR,
                                                self.search_cache)
        return self._engine

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz":
            ok = (self.site_dir / "index.html").is_file()
            status = "200 OK" if ok else "503 Service Unavailable"
            return json_response(start_response, status, {"status": "ok" if ok else "no site"})
        if self.live_reload and path == LIVE_RELOAD_PATH:
            return json_response(start_response, "200 OK", {"build": self.build_id})
        if path.startswith("/api/"):
            try:
                return self._api(environ, start_response, path, method)
            except Exception:  # a bug: log it, never show a traceback to the browser
                log.exception("error in %s", path)
                return json_response(start_response, "500 Internal Server Error",
                                     {"error": "internal error"})
        if method not in ("GET", "HEAD"):
            return json_response(
                start_response, "405 Method Not Allowed", {"error": "method not allowed"},
                [("Allow", "GET, HEAD")],
            )
        return self._static(environ, start_response, path, method == "HEAD")

    # -- JSON API -------------------------------------------------------------
    def _api(self, environ, start_response, path: str, method: str):
        routes = {"/api/search": self._search, "/api/suggest": self._suggest}
        handler = routes.get(path)
        if handler is None:
            return json_response(start_response, "404 Not Found", {"error": "unknown API endpoint"})
        if method not in ("GET", "HEAD"):
            return json_response(start_response, "405 Method Not Allowed",
                                 {"error": "use GET"}, [("Allow", "GET, HEAD")])
        try:
            params = _query_params(environ)
            return handler(start_response, params)
        except RequestError as exc:
            return json_response(start_response, "400 Bad Request", {"error": str(exc)})
        except IndexMissing:
            return json_response(start_response, "503 Service Unavailable",
                                 {"error": "the search index is not available"})

    def _search(self, start_response, params: dict[str, str]):
        request = SearchRequest.from_params(params)
        return json_response(start_response, "200 OK", self.engine.search(request))

    def _suggest(self, start_response, params: dict[str, str]):
        request = SuggestRequest.from_params(params)
        return json_response(start_response, "200 OK",
                             self.engine.suggest(request.q, limit=request.limit))

    # -- static files -------------------------------------------------------
    def _static(self, environ, start_response, path: str, head: bool):
        rel = posixpath.normpath(unquote(path)).lstrip("/")
        parts = [p for p in rel.split("/") if p not in ("", ".")]
        if any(p.startswith(".") or p == ".." for p in parts) or (parts and parts[0] in PRIVATE_DIRS):
            return self._not_found(start_response, head)
        file = self.site_dir.joinpath(*parts)
        if file.is_dir():
            if not path.endswith("/"):
                query = environ.get("QUERY_STRING")
                location = quote(path) + "/" + (f"?{query}" if query else "")
                start_response("301 Moved Permanently", [("Location", location),
                                                        ("Content-Length", "0")])
                return [b""]
            file = file / "index.html"
        if not file.is_file():
            return self._not_found(start_response, head)
        return self._send(environ, start_response, file, "200 OK", head)

    def _not_found(self, start_response, head: bool):
        page = self.site_dir / "404.html"
        if page.is_file():
            return self._send({}, start_response, page, "404 Not Found", head, cache=False)
        body = b"Not found"
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8"),
                                         ("Content-Length", str(len(body)))])
        return [b"" if head else body]

    def _send(self, environ, start_response, file: Path, status: str, head: bool, cache=True):
        try:
            data = file.read_bytes()  # small static files; read at once so a swap can't tear them
            stat = file.stat()
        except OSError:
            return self._not_found(start_response, head) if status.startswith("200") else [b""]
        ctype, encoding = mimetypes.guess_type(file.name)
        ctype = ctype or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/json", "application/xml",
                                                  "image/svg+xml", "text/javascript"):
            ctype += "; charset=utf-8"
        if self.live_reload and ctype.startswith("text/html"):
            data = data.replace(b"</body>", _LIVE_RELOAD_SCRIPT + b"</body>", 1)
        etag = '"' + hashlib.blake2b(data, digest_size=12).hexdigest() + '"'
        headers = [
            ("Content-Type", ctype),
            ("ETag", etag),
            ("Last-Modified", formatdate(stat.st_mtime, usegmt=True)),
            ("X-Content-Type-Options", "nosniff"),
            ("Cache-Control", "no-cache" if ctype.startswith("text/html") or not cache
             else "public, max-age=300"),
        ]
        if encoding == "gzip":
            headers[0] = ("Content-Type", "application/gzip")
        if cache and environ.get("HTTP_IF_NONE_MATCH") == etag and status.startswith("200"):
            start_response("304 Not Modified", headers)
            return [b""]
        headers.append(("Content-Length", str(len(data))))
        start_response(status, headers)
        return [b"" if head else data]


def _query_params(environ) -> dict[str, str]:
    raw = environ.get("QUERY_STRING", "")
    if len(raw) > MAX_QUERY_STRING:
        raise RequestError(f"the query string is longer than {MAX_QUERY_STRING} characters")
    try:
        pairs = parse_qsl(raw.encode("latin-1").decode("utf-8"), keep_blank_values=True,
                          strict_parsing=False, max_num_fields=20, errors="strict")
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


def serve(app, host: str = "127.0.0.1", port: int = 8000, threads: int = 4,
          workers: int = 1) -> None:
    """Run ``app`` with waitress, a production-grade pure-Python WSGI server.

    With ``workers`` > 1 the listening socket is opened once and shared by that
    many forked processes, each with its own threads and its own copy of the
    search index, so all cores serve (Python threads share one core).
    """
    import waitress

    options = {"threads": threads, "ident": "kbgen", "max_request_body_size": 1_048_576,
               "connection_limit": 1000, "channel_timeout": 30}
    if workers <= 1 or not hasattr(os, "fork"):
        waitress.serve(app, host=host, port=port, **options)
        return
    import signal
    import socket

    sock = socket.create_server((host, port), backlog=1024)
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # a worker
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            try:
                waitress.serve(app, sockets=[sock], **options)
            finally:
                os._exit(0)
        children.append(pid)

    def stop(signum, frame):
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for pid in children:
        while True:
            try:
                os.waitpid(pid, 0)
                break
            except ChildProcessError:
                break
            except InterruptedError:
                continue

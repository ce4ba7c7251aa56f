"""The write side of the HTTP API: votes, recorded searches, opened results.

Bodies are small JSON objects, checked field by field; anything odd (deep
nesting, lone surrogates, control characters, ids past 64 bits) is a 4xx, never
a database error. A page URL is normalised (``//``, ``index.html``, fragments
that name no FAQ entry) so that one page gets one vote per browser.
"""

from __future__ import annotations

import html
import json
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

from .privacy import redact

MAX_BODY = 4096
MAX_REASON = 500
MAX_URL = 300
MAX_ID = 2**63 - 1  # BIGINT / SQLite INTEGER
BROWSER_ID = re.compile(r"[A-Za-z0-9-]{8,64}")


class BadRequest(ValueError):
    def __init__(self, message: str, status: str = "400 Bad Request"):
        super().__init__(message)
        self.status = status


def read_json(environ) -> dict:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise BadRequest("bad Content-Length") from None
    if length > MAX_BODY:
        raise BadRequest(f"the body is larger than {MAX_BODY} bytes", "413 Content Too Large")
    if not environ.get("CONTENT_TYPE", "").startswith("application/json"):
        raise BadRequest("send JSON with Content-Type: application/json", "415 Unsupported Media Type")
    raw = environ["wsgi.input"].read(length) if length else b""
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BadRequest("the body is not valid JSON") from None
    except RecursionError:
        raise BadRequest("the body is nested too deeply") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


def _clean_text(value: str, name: str) -> str:
    if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        raise BadRequest(f"'{name}' is not valid text (a lone surrogate)")
    return value


def page_url(value, site_dir: Path, feedback: bool = False) -> str:
    """The canonical path of a page of the built site, e.g. /returns/refunds/.

    ``//`` and ``index.html`` are folded away; with ``feedback`` the page must
    carry a feedback widget for the URL, and a fragment is kept only when it
    names a FAQ entry's own widget (else the vote counts for the page).
    """
    path, fragment_name = _site_path(value)
    if not path.endswith("/"):
        if path.endswith(".html") or not (site_dir / path.lstrip("/")).is_dir():
            raise BadRequest(f"unknown page '{path}'")
        path += "/"
    target = site_dir / path.lstrip("/") / "index.html"
    if not target.is_file():
        raise BadRequest(f"unknown page '{path}'")
    fragment = f"#{fragment_name}" if fragment_name else ""
    if not feedback:
        return path + fragment
    widgets = _feedback_urls(target)
    if fragment and path + fragment in widgets:
        return path + fragment
    if path not in widgets:
        raise BadRequest(f"'{path}{fragment}' has no feedback widget")
    return path


def _site_path(value) -> tuple[str, str]:
    """(path, fragment) of a URL that must be a path on this site; ``//`` and ``index.html`` folded."""
    if not isinstance(value, str) or not value or len(value) > MAX_URL:
        raise BadRequest(f"'url' must be a page path of at most {MAX_URL} characters")
    _clean_text(value, "url")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise BadRequest("'url' must not contain control characters")
    if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", value):  # no scheme: "//" is an empty path segment, not a host
        value = re.sub(r"/{2,}", "/", value)
    parts = urlsplit(value)
    path = parts.path
    if parts.fragment and not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,100}", parts.fragment):
        raise BadRequest("'url' may end with a FAQ entry's #anchor only")
    if parts.scheme or parts.netloc or not path.startswith("/") or ".." in path.split("/"):
        raise BadRequest("'url' must be a path on this site, such as /returns/refunds/")
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return path, parts.fragment


_WIDGETS: dict[Path, tuple[tuple, frozenset]] = {}
_WIDGETS_LOCK = threading.Lock()


def _feedback_urls(page: Path) -> frozenset:
    """The URLs a page's feedback widgets vote for (``data-kb-url``), read once per file version."""
    try:
        st = page.stat()
        key = (st.st_ino, st.st_mtime_ns, st.st_size)
        with _WIDGETS_LOCK:
            cached = _WIDGETS.get(page)
        if cached and cached[0] == key:
            return cached[1]
        text = page.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    urls = frozenset(html.unescape(u) for u in re.findall(r'data-kb-url="([^"]*)"', text))
    with _WIDGETS_LOCK:
        if len(_WIDGETS) > 5000:
            _WIDGETS.clear()
        _WIDGETS[page] = (key, urls)
    return urls


def browser_id(environ) -> str:
    value = environ.get("HTTP_X_KB_BROWSER", "")
    if not value:
        raise BadRequest("missing X-KB-Browser header (the page sends a random id)")
    if not BROWSER_ID.fullmatch(value):
        raise BadRequest("X-KB-Browser must be a short random id")
    return value


def vote(body: dict, site_dir: Path) -> tuple[str, bool, str]:
    unknown = set(body) - {"url", "helpful", "reason"}
    if unknown:
        raise BadRequest(f"unknown field '{sorted(unknown)[0]}'")
    url = page_url(body.get("url"), site_dir, feedback=True)
    helpful = body.get("helpful")
    if not isinstance(helpful, bool):
        raise BadRequest("'helpful' must be true or false")
    reason = body.get("reason", "")
    if reason is None:
        reason = ""
    if not isinstance(reason, str) or len(reason) > MAX_REASON:
        raise BadRequest(f"'reason' must be text of at most {MAX_REASON} characters")
    return url, helpful, redact(_clean_text(reason, "reason"))


def opened(body: dict, site_dir: Path) -> tuple[int, str]:
    unknown = set(body) - {"search_id", "url"}
    if unknown:
        raise BadRequest(f"unknown field '{sorted(unknown)[0]}'")
    search_id = body.get("search_id")
    if isinstance(search_id, bool) or not isinstance(search_id, int) or not 1 <= search_id <= MAX_ID:
        raise BadRequest("'search_id' must be the id from the X-KB-Search-Id header")
    return search_id, page_url(body.get("url"), site_dir)

"""The write side of the HTTP API: votes, recorded searches, opened results.

Bodies are small JSON objects, checked field by field; each client gets a
token bucket of writes (kept in memory, never stored); a page URL must name a
page of the built site.
"""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

MAX_BODY = 4096
MAX_REASON = 500
MAX_URL = 300


class BadRequest(ValueError):
    def __init__(self, message: str, status: str = "400 Bad Request"):
        super().__init__(message)
        self.status = status


class RateLimiter:
    """``rate`` writes a minute per client, bursts up to ``burst``."""

    def __init__(self, rate: float = 30, burst: int = 20):
        self.rate, self.burst = rate / 60.0, burst
        self.buckets: dict[str, tuple[float, float]] = {}
        self.lock = threading.Lock()

    def allow(self, client: str) -> bool:
        now = time.monotonic()
        with self.lock:
            tokens, last = self.buckets.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens < 1:
                self.buckets[client] = (tokens, now)
                return False
            self.buckets[client] = (tokens - 1, now)
            if len(self.buckets) > 100_000:  # forget idle clients
                self.buckets = {k: v for k, v in self.buckets.items() if now - v[1] < 120}
            return True


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
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


def page_url(value, site_dir: Path) -> str:
    """A path of a page that exists in the built site, e.g. /returns/refunds/."""
    if not isinstance(value, str) or not value or len(value) > MAX_URL:
        raise BadRequest(f"'url' must be a page path of at most {MAX_URL} characters")
    parts = urlsplit(value)
    path = parts.path
    if parts.fragment and not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,100}", parts.fragment):
        raise BadRequest("'url' may end with a FAQ entry's #anchor only")
    if parts.scheme or parts.netloc or not path.startswith("/") or ".." in path.split("/"):
        raise BadRequest("'url' must be a path on this site, such as /returns/refunds/")
    target = site_dir / path.lstrip("/")
    if path.endswith("/"):
        target = target / "index.html"
    if not target.is_file() or target.suffix != ".html":
        raise BadRequest(f"unknown page '{path}'")
    return path + (f"#{parts.fragment}" if parts.fragment else "")


def browser_id(environ) -> str:
    value = environ.get("HTTP_X_KB_BROWSER", "")
    if not value:
        raise BadRequest("missing X-KB-Browser header (the page sends a random id)")
    if len(value) > 64 or not all(c.isalnum() or c == "-" for c in value):
        raise BadRequest("X-KB-Browser must be a short random id")
    return value


def vote(body: dict, site_dir: Path) -> tuple[str, bool, str]:
    unknown = set(body) - {"url", "helpful", "reason"}
    if unknown:
        raise BadRequest(f"unknown field '{sorted(unknown)[0]}'")
    url = page_url(body.get("url"), site_dir)
    helpful = body.get("helpful")
    if not isinstance(helpful, bool):
        raise BadRequest("'helpful' must be true or false")
    reason = body.get("reason", "")
    if reason is None:
        reason = ""
    if not isinstance(reason, str) or len(reason) > MAX_REASON:
        raise BadRequest(f"'reason' must be text of at most {MAX_REASON} characters")
    return url, helpful, " ".join(reason.split())


def opened(body: dict, site_dir: Path) -> tuple[int, str]:
    unknown = set(body) - {"search_id", "url"}
    if unknown:
        raise BadRequest(f"unknown field '{sorted(unknown)[0]}'")
    search_id = body.get("search_id")
    if isinstance(search_id, bool) or not isinstance(search_id, int) or search_id < 1:
        raise BadRequest("'search_id' must be the id from the X-KB-Search-Id header")
    return search_id, page_url(body.get("url"), site_dir)

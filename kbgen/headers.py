"""Security headers: the policy the build writes beside the site and every host sends.

Pages run only the theme's scripts: kbgen's are files, and the few inline
bootstrapping scripts of Material's ``base.html`` are allowed by their SHA-256
hashes, collected from the built pages (outside their Markdown content, so a
writer's ``<script>`` never gets a hash). Styles may be inline. The build writes
the headers three ways: ``_kbgen/headers.json`` for ``kbgen serve``, ``_headers``
for Netlify and Cloudflare Pages, ``_kbgen/nginx-headers.conf`` for nginx.
No MkDocs here: the server reads what the build wrote.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

HEADERS_FILE = "_kbgen/headers.json"
NGINX_FILE = "_kbgen/nginx-headers.conf"
STATIC_HOST_FILE = "_headers"  # Netlify, Cloudflare Pages

# Sent with every page whatever its policy.
FIXED = {
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
}
_SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>", re.S | re.I)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
_EXECUTABLE_TYPES = {"", "text/javascript", "application/javascript", "module"}


def inline_script_hashes(html: str) -> set[str]:
    """CSP sources (``'sha256-...'``) for the executable inline scripts of ``html``."""
    found = set()
    for match in _SCRIPT.finditer(html):
        attrs = match.group("attrs")
        if re.search(r"\bsrc\s*=", attrs, re.I):
            continue
        kind = _TYPE.search(attrs)
        if (kind.group(1).lower() if kind else "") not in _EXECUTABLE_TYPES:
            continue  # JSON-LD and JSON data blocks never run
        digest = hashlib.sha256(match.group("body").encode("utf-8")).digest()
        found.add(f"'sha256-{base64.b64encode(digest).decode()}'")
    return found


def origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme == "https" and parts.netloc else None


def content_security_policy(
    script_hashes: Iterable[str] = (),
    *,
    script_origins: Iterable[str] = (),
    embed_hosts: Iterable[str] = (),
    web_fonts: bool = False,
    connect_origins: Iterable[str] = (),
) -> str:
    """The policy: scripts from the site (or a listed chat provider) and by hash only.

    ``connect_origins``: the site's own published origin, where Material's language
    switcher reads the sitemaps of the ``hreflang`` alternates (same as 'self' once
    published; a preview elsewhere may still try)."""
    extra = sorted(set(script_origins))
    frames = [f"https://{h}" for h in sorted(set(embed_hosts))] + extra
    directives = [
        ("default-src", ["'self'"]),
        ("script-src", ["'self'", *sorted(set(script_hashes)), *extra]),
        ("style-src", ["'self'", "'unsafe-inline'", *(["https://fonts.googleapis.com"] if web_fonts else [])]),
        ("font-src", ["'self'", "data:", *(["https://fonts.gstatic.com"] if web_fonts else [])]),
        ("img-src", ["'self'", "data:", "https:"]),
        ("connect-src", ["'self'", *extra, *sorted(set(connect_origins) - set(extra))]),
        ("frame-src", ["'self'", *frames]),
        ("object-src", ["'none'"]),
        ("base-uri", ["'self'"]),
        ("form-action", ["'self'"]),
        ("frame-ancestors", ["'self'"]),
    ]
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives)


def page_headers(policy: str) -> dict[str, str]:
    return {"Content-Security-Policy": policy, **FIXED}


def write(site_dir: str | os.PathLike, headers: dict[str, str]) -> None:
    """The same headers for ``kbgen serve``, Netlify/Cloudflare Pages and nginx."""
    site = Path(site_dir)
    (site / HEADERS_FILE).parent.mkdir(parents=True, exist_ok=True)
    (site / HEADERS_FILE).write_text(json.dumps(headers, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    lines = ["/*", *(f"  {name}: {value}" for name, value in sorted(headers.items()))]
    (site / STATIC_HOST_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    nginx = [f"add_header {name} {_nginx_quote(value)} always;" for name, value in sorted(headers.items())]
    (site / NGINX_FILE).write_text(
        "# include inside nginx's server block; written by kbgen build\n" + "\n".join(nginx) + "\n", encoding="utf-8"
    )


def _nginx_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class SiteHeaders:
    """What the server sends with HTML, re-read when a new build swaps in its file."""

    def __init__(self, site_dir: str | os.PathLike):
        self.path = Path(site_dir) / HEADERS_FILE
        self._key: tuple | None = None
        self._headers: list[tuple[str, str]] = []

    def for_html(self) -> list[tuple[str, str]]:
        try:
            stat = self.path.stat()
            key = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        except OSError:
            key = None
        if key != self._key or not self._headers:
            self._headers = self._load() if key else list(page_headers(content_security_policy()).items())
            self._key = key
        return self._headers

    def _load(self) -> list[tuple[str, str]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if not isinstance(data, dict) or "Content-Security-Policy" not in data:
            data = page_headers(content_security_policy())  # strict: no inline script at all
        return [(str(k), str(v)) for k, v in sorted(data.items())]

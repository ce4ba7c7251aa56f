"""The content policy: raw HTML in content that could run script or frame other sites.

Markdown lets writers type HTML, and CI publishes every commit. ``kbgen check``
warns (an error with ``--strict``) at ``path:line`` on ``<script>``, event-handler
attributes (``onerror=``), ``javascript:``/``vbscript:``/``data:`` URLs (``data:``
images are fine), ``<object>``/``<embed>``/``<base>``/``<meta>`` and iframes from
hosts not listed in the plugin's ``embed_hosts``. The site's
Content-Security-Policy blocks such script in browsers anyway; this check names
the line so a writer can remove it. Code blocks and HTML comments are examples,
not HTML, and are skipped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from .diagnostics import Report
from .mdscan import links, mask_code
from .model import HelpCenter

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"""<(?P<name>[a-zA-Z][a-zA-Z0-9:-]*)(?P<attrs>(?:[^>"']|"[^"]*"|'[^']*')*)>""")
_ATTR = re.compile(r"""(?P<name>[^\s"'>/=]+)(?:\s*=\s*(?P<value>"[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_CONTROL = re.compile(r"[\x00-\x20]+")
UNSAFE_SCHEMES = ("javascript", "vbscript", "data")
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "data", "srcset", "cite"}
FRAMES = {"iframe", "frame"}
REFUSED_TAGS = {
    "object": "plugins",
    "embed": "plugins",
    "applet": "plugins",
    "base": "it changes where every link on the page goes",
    "meta": "it can redirect shoppers",
}


def unsafe_scheme(url: str, image: bool = False) -> str | None:
    """``javascript``, ``vbscript`` or ``data`` when ``url`` uses one (a ``data:``
    image other than SVG is fine), else None. Browsers ignore entities, spaces
    and case in a scheme, so this does too."""
    cleaned = _CONTROL.sub("", html.unescape(url)).lower()
    scheme, colon, rest = cleaned.partition(":")
    if not colon or scheme not in UNSAFE_SCHEMES:
        return None
    if scheme == "data" and image and rest.startswith("image/") and not rest.startswith("image/svg"):
        return None
    return scheme


def check(center: HelpCenter, report: Report, embed_hosts: Iterable[str] = ()) -> None:
    """Warn about script and frames in every Markdown body and flow text."""
    hosts = {h.strip().lower() for h in embed_hosts}
    for doc in center.written():
        scan(doc.body, doc.path, doc.body_line, report, hosts)
    for flow in center.flows:
        for i, step in enumerate(flow.steps):
            scan(step.help, flow.path, flow.lines("steps", i, "help"), report, hosts)
        for i, result in enumerate(flow.results):
            scan(result.text, flow.path, flow.lines("results", i, "text"), report, hosts)
            for j, (_, target) in enumerate(result.links):
                scheme = unsafe_scheme(target)
                if scheme:
                    report.warning(flow.path, flow.lines("results", i, "links", j), _url_message(scheme, "a link"))


def scan(body: str, path: Path, first_line: int, report: Report, hosts: set[str]) -> None:
    """Warn about each problem in one Markdown text starting at ``first_line``."""
    if "<" not in body and ":" not in body:
        return
    masked = _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), mask_code(body))

    def line_at(offset: int) -> int:
        return first_line + masked.count("\n", 0, offset)

    tags = list(_TAG.finditer(masked))
    for tag in tags:
        name = tag.group("name").lower()
        line = line_at(tag.start())
        attrs = {
            a.group("name").lower(): html.unescape((a.group("value") or "").strip("\"'"))
            for a in _ATTR.finditer(tag.group("attrs"))
        }
        _check_element(name, attrs, path, line, report, hosts)
        _check_attributes(name, attrs, path, line, report)
    in_tags = [tag.span() for tag in tags]
    for link in links(body, first_line):
        if any(start <= link.start < end for start, end in in_tags):
            continue  # an <a href> or <img src>, checked above
        scheme = unsafe_scheme(link.target, image=link.image)
        if scheme:
            report.warning(path, link.line, _url_message(scheme, "an image" if link.image else "a link"))


def _check_element(name: str, attrs: dict[str, str], path: Path, line: int, report: Report, hosts: set[str]) -> None:
    """Scripts, refused elements and frames from hosts not on the allow-list."""
    if name == "script":
        report.warning(
            path,
            line,
            "<script> in content: scripts in pages do not run on the help center "
            "(its Content-Security-Policy blocks them); remove it",
        )
    elif name in REFUSED_TAGS:
        report.warning(path, line, f"<{name}> in content is not allowed ({REFUSED_TAGS[name]}); remove it")
    elif name in FRAMES:
        host = urlsplit(attrs.get("src", "")).hostname or ""
        if not attrs.get("src", "").startswith("https://") or host not in hosts:
            allowed = ", ".join(sorted(hosts)) or "none"
            report.warning(
                path,
                line,
                f"<{name}> from '{host or attrs.get('src', '')}' is not allowed: embed only https:// pages "
                f"of hosts listed in embed_hosts in mkdocs.yml (now: {allowed})",
            )


def _check_attributes(name: str, attrs: dict[str, str], path: Path, line: int, report: Report) -> None:
    """Event handlers and URLs that run script."""
    for attr, value in attrs.items():
        if attr.startswith("on"):
            report.warning(
                path,
                line,
                f"event handler attribute '{attr}' in <{name}>: inline script does not run on the help "
                "center; remove it",
            )
        elif attr in URL_ATTRS:
            scheme = unsafe_scheme(value, image=name == "img" and attr == "src")
            if scheme:
                report.warning(path, line, _url_message(scheme, f"<{name} {attr}>"))


def _url_message(scheme: str, where: str) -> str:
    return f"'{scheme}:' URL in {where}: such links run script or hide what they open; link to a page instead"

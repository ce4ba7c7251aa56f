"""One sitemap for a site of several pairs, with ``hreflang`` alternates.

Each pair's MkDocs build lists its own pages; this writes them all into the root
``sitemap.xml`` (and ``.gz``), each URL with an ``xhtml:link rel="alternate"`` for every
pair that publishes the same page (itself included) and ``x-default`` for the root pair's,
as search engines ask (https://developers.google.com/search/docs/specialty/international/localized-versions).
"""

from __future__ import annotations

import gzip
import posixpath
from pathlib import Path
from xml.etree import ElementTree as ET

from .content.urls import page_url

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


def write(site_dir: Path, loaded, site_url: str, base_path: str) -> Path:
    """Write ``site_dir/sitemap.xml`` for every pair in ``loaded`` (kbgen.pairs.PairContent)."""
    origin = site_url.rstrip("/")
    below = base_path.rstrip("/")  # the site's own path (/help), which url() adds back
    if below and origin.endswith(below):
        origin = origin[: -len(below)]

    def url(pair, src: str) -> str:
        return origin + posixpath.join(base_path, pair.path, page_url(src))

    lastmod: dict[str, str] = {}
    for item in loaded:  # each pair's own sitemap: its lastmod dates; then only the root's remains
        folder = site_dir / item.pair.prefix if item.pair.prefix else site_dir
        lastmod |= _lastmods(folder / "sitemap.xml")
        if item.pair.prefix:
            for name in ("sitemap.xml", "sitemap.xml.gz"):
                (folder / name).unlink(missing_ok=True)
    ET.register_namespace("", SITEMAP_NS)
    ET.register_namespace("xhtml", XHTML_NS)
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    root_pair = loaded[0]
    for item in loaded:
        for src in sorted(item.pages):
            entry = ET.SubElement(root, f"{{{SITEMAP_NS}}}url")
            own = url(item.pair, src)
            ET.SubElement(entry, f"{{{SITEMAP_NS}}}loc").text = own
            if own in lastmod:
                ET.SubElement(entry, f"{{{SITEMAP_NS}}}lastmod").text = lastmod[own]
            others = [other for other in loaded if src in other.pages]
            if len(others) < 2:
                continue
            for other in others:
                link = ET.SubElement(entry, f"{{{XHTML_NS}}}link")
                link.set("rel", "alternate")
                link.set("hreflang", other.pair.hreflang)
                link.set("href", url(other.pair, src))
            if src in root_pair.pages:
                link = ET.SubElement(entry, f"{{{XHTML_NS}}}link")
                link.set("rel", "alternate")
                link.set("hreflang", "x-default")
                link.set("href", url(root_pair.pair, src))
    ET.indent(root)
    data = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"
    path = site_dir / "sitemap.xml"
    path.write_bytes(data)
    with gzip.GzipFile(site_dir / "sitemap.xml.gz", "wb", mtime=0) as f:
        f.write(data)
    return path


def _lastmods(path: Path) -> dict[str, str]:
    """MkDocs' own sitemap's ``lastmod`` by URL (the root pair's), kept where known."""
    try:
        tree = ET.parse(path)
    except (OSError, ET.ParseError):
        return {}
    found = {}
    for entry in tree.getroot().iter(f"{{{SITEMAP_NS}}}url"):
        loc, mod = entry.findtext(f"{{{SITEMAP_NS}}}loc"), entry.findtext(f"{{{SITEMAP_NS}}}lastmod")
        if loc and mod:
            found[loc] = mod
    return found

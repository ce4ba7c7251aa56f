"""The pictures that stand for the site and its pages: the logo and the social image that
search engines and shared links show, and each article's own first image.

Site images are paths inside the content folder or the theme (both end up at the same
path in the built site), or full URLs. kbgen's theme ships a default of each, so every
site has them without configuration.
"""

from __future__ import annotations

import posixpath
import re
import struct
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

DEFAULT_LOGO = "assets/kbgen/logo.png"
DEFAULT_SOCIAL_IMAGE = "assets/kbgen/social.png"
# Formats Google Images indexes; sites that preview shared links don't show SVG.
LOGO_FORMATS = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")
SOCIAL_FORMATS = (".png", ".jpg", ".jpeg", ".gif", ".webp")
MIN_LOGO_PIXELS = 112  # Google: a logo is at least 112x112 pixels
_IMG = re.compile(r"<img", re.IGNORECASE)  # where an <img> element can start (the parser lowercases names)


@dataclass(frozen=True)
class Image:
    url: str  # absolute when the site has a site_url
    alt: str = ""
    width: int | None = None
    height: int | None = None


class ImageError(ValueError):
    """A configured image that cannot be used; the message says why."""


def site_image(value: str, roots: list[Path], base: str, *, alt: str, formats: tuple[str, ...]) -> Image:
    """The image at ``value``: a full URL, or a path found in one of ``roots``."""
    if urlsplit(value).scheme in ("http", "https"):
        _check_format(value, formats)
        return Image(value, alt)
    rel = posixpath.normpath(value.strip().lstrip("/"))
    if rel.startswith("..") or rel == ".":
        raise ImageError(f"'{value}' must be a path inside the content folder or a full URL")
    _check_format(rel, formats)
    for root in roots:
        path = Path(root) / rel
        if path.is_file():
            size = png_size(path)
            width, height = size if size else (None, None)
            return Image(absolute(base, rel), alt, width, height)
    raise ImageError(f"'{value}' is not in the content folder")


def _check_format(path: str, formats: tuple[str, ...]) -> None:
    suffix = posixpath.splitext(urlsplit(path).path)[1].lower()
    if suffix not in formats:
        names = ", ".join(f.lstrip(".").upper() for f in formats if f != ".jpeg")
        raise ImageError(f"'{path}' is not an image search engines show: use {names}")


def absolute(base: str, url: str) -> str:
    return base.rstrip("/") + "/" + url.lstrip("/")


def png_size(path: Path) -> tuple[int, int] | None:
    """Width and height from a PNG's header; None for other files."""
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def first_image(html: str, page_url: str) -> Image | None:
    """The first picture in a page's content, with its URL made absolute from ``page_url``."""
    if _IMG.search(html) is None:  # most pages: nothing to parse
        return None
    finder = _FirstImage()
    finder.feed(html)
    finder.close()
    if finder.found is None:
        return None
    src, alt = finder.found
    return Image(urljoin(page_url, src), alt)


class _FirstImage(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: tuple[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag != "img" or self.found is not None:
            return
        values = dict(attrs)
        src = (values.get("src") or "").strip()
        if src and not src.startswith("data:"):
            self.found = (src, values.get("alt") or "")

"""kbgen's browser script: the widget modules of ``assets/kbgen/js/`` as one small file.

One module per widget keeps each easy to read and to replace; one file keeps a page
to a single request. At build time the modules are concatenated in ``MODULES`` order
inside one function (so nothing leaks into the page's globals), minified (kbgen.jsmin)
and named after their content, ``assets/kbgen/kb.<hash>.js``, so hosts may cache it
for good. No Node, no MkDocs: the plugin passes the theme folders and adds the file.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import jsmin
from .cache import remembered
from .jsmin import MinifyError, minify

SOURCE_DIR = "assets/kbgen/js"
STYLESHEET = "assets/kbgen/kb.css"  # published as assets/kbgen/kb.<hash>.css
# The order the modules run in. core first (the shared helpers and kb.widget), api
# before the two search widgets, "material" (all that is Material-specific: the
# static-search fallback) before anything searches. Widgets start in this order.
MODULES = (
    "core",
    "api",
    "material",
    "search-box",
    "results",
    "faq",
    "contact",
    "notices",
    "feedback",
    "flows",
    "glossary",
)
_HEADER = '(function () {\n"use strict";\n'
_FOOTER = "kb.start();\n})();\n"


class BundleError(ValueError):
    """A module is missing or cannot be read: ``path:line: message``."""


@dataclass(frozen=True)
class Bundle:
    text: str
    suffix: str = "js"

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:12]

    @property
    def uri(self) -> str:
        """Where the site serves it: changes whenever the content does."""
        return f"assets/kbgen/kb.{self.digest}.{self.suffix}"


def sources(theme_dirs: Iterable[str | Path], modules: Iterable[str] = MODULES) -> list[Path]:
    """Each module's file from the first theme folder that has it (a user's custom_dir wins)."""
    dirs = [Path(d) for d in theme_dirs]
    found = []
    for name in modules:
        candidates = [d / SOURCE_DIR / f"{name}.js" for d in dirs]
        path = next((p for p in candidates if p.is_file()), None)
        if path is None:
            raise BundleError(f"{SOURCE_DIR}/{name}.js:1: no such file in the theme folders")
        found.append(path)
    return found


def build(
    theme_dirs: Iterable[str | Path], modules: Iterable[str] = MODULES, *, compress: bool = True, memo=None
) -> Bundle:
    """The modules joined in order inside one function, each minified unless ``compress`` is false.
    ``memo`` (``get``/``put`` by key, as the build cache's): modules minified by an earlier build."""
    parts = [_HEADER]
    for path in sources(theme_dirs, modules):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise BundleError(f"{path}:1: cannot be read: {exc}") from None
        try:
            parts.append(_remembered(text, memo) if compress else text.rstrip() + "\n")
        except MinifyError as exc:
            line = text.count("\n", 0, exc.offset) + 1
            raise BundleError(f"{path}:{line}: {exc.message}") from None
    parts.append(_FOOTER)
    return Bundle("".join(parts))


def _remembered(text: str, memo) -> str:
    """``text`` minified, from ``memo`` when an earlier build minified the same text."""
    if memo is None:
        return _minified(text)
    key = f"minified {_minifier()} " + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return remembered(memo, key, lambda: _minified(text), str)


@functools.cache
def _minifier() -> str:
    """The minifier's own code, in the key of what it made: a changed kbgen.jsmin minifies anew
    (an upgrade empties the cache anyway; a checkout's edits do not)."""
    return hashlib.sha256(Path(jsmin.__file__).read_bytes()).hexdigest()[:16]


@functools.lru_cache(maxsize=256)
def _minified(text: str) -> str:
    """A module minified once per process: each pair's build, and every preview rebuild, bundles
    the same modules."""
    return minify(text)


def stylesheet(theme_dirs: Iterable[str | Path]) -> Bundle:
    """``kb.css`` from the first theme folder that has it, named after its content as the script is."""
    for folder in theme_dirs:
        path = Path(folder) / STYLESHEET
        if path.is_file():
            try:
                return Bundle(path.read_text(encoding="utf-8"), suffix="css")
            except (OSError, UnicodeDecodeError) as exc:
                raise BundleError(f"{path}:1: cannot be read: {exc}") from None
    raise BundleError(f"{STYLESHEET}:1: no such file in the theme folders")

"""What each page's HTML depends on, as cache keys (see docs/architecture.md, "The build cache").

A page's key is a digest of two parts:

- the *site* part, the same for every page, holding whatever any page may show of the
  rest of the help center: the MkDocs configuration after kbgen's ``on_config`` (so the
  navigation and the fingerprinted bundle names), the template folders, the versions of
  kbgen, MkDocs, Material, Markdown and its extensions, which notices have ended, the
  brand, and the whole content model (resolved for the build date) *except* Markdown
  bodies and facts: titles, summaries, tags, categories, FAQ questions, notices, flows,
  contact channels, the glossary;
- the *page* part: its source path and URL, the Markdown kbgen hands to MkDocs (facts
  rendered, links rebased, the FAQ accordion of a category appended, so a FAQ answer or
  a fact reaches exactly the pages that show it), its metadata, and what its templates
  read outside the Markdown: an article's coming fact changes as shown; the build date
  and every fact for the home and updates pages and a writer's own pages. So a build on
  another day reuses every page whose rendering did not change with the date.

Conservative on purpose: when in doubt a value goes into the site part. A value that
cannot be written down stably (an object without a readable form) turns the cache off
for the build rather than risk a stale page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import sys
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path, PurePath

from . import __version__
from .cache import FORMAT, digest

# Model fields that no page shows of *another* page: bodies reach pages through the
# Markdown in the page part; line numbers and anchors only serve diagnostics and links.
SKIPPED_FIELDS = {"body_line", "line", "lines", "path"}
SKIPPED_PAGE_FIELDS = {
    "Article": {"body", "headings", "anchors", "facts_used"},
    "FaqEntry": {"body", "headings", "anchors"},
}
# The config keys that differ between two builds of the same tree.
# docs_dir: a pair's build reads a copy of its language's view in a new folder each time
# (the content itself is in the key through the model, the Markdown and the file list).
SKIPPED_CONFIG = {"site_dir", "docs_dir", "config_file_path", "plugins", "theme", "_current_page"}
PACKAGES = ("mkdocs", "mkdocs-material", "Markdown", "pymdown-extensions", "Jinja2", "Pygments")
VERSIONED_MODULES = {"mkdocs", "material", "markdown", "pymdownx", "jinja2", "pygments", "kbgen"}
# Plugins known to leave a cached page as it is: none of them changes a page's
# content or HTML after kbgen (Material's search reads the page in on_page_context).
KNOWN_PLUGINS = {"search", "material/search", "kbgen"}


class Unstable(ValueError):
    """A value without a stable written form: the build runs without the cache."""


_PLAIN = {type(None), bool, int, float, str}  # what stable() returns as it is (the exact types: the common case)
_KEPT_FIELDS: dict[tuple[type, bool], tuple[str, ...]] = {}  # a dataclass's fields stable() writes down


def stable(value, model: bool = False) -> object:
    """``value`` as JSON-able data that is the same in every process for equal inputs."""
    cls = type(value)
    if cls in _PLAIN:
        return value
    if cls is list or cls is tuple:
        return [stable(v, model) for v in value]
    names = _KEPT_FIELDS.get((cls, model))
    if names is not None:  # a dataclass seen before (the whole content model is made of a few)
        out = {"__type__": cls.__name__}
        for name in names:
            out[name] = stable(getattr(value, name), model)
        return out
    return _stable(value, model)


def _kept_fields(value, model: bool) -> tuple[str, ...]:
    name = type(value).__name__
    left_out = SKIPPED_PAGE_FIELDS.get(name, set()) if model else set()
    names = tuple(f.name for f in dataclasses.fields(value) if f.name not in SKIPPED_FIELDS and f.name not in left_out)
    _KEPT_FIELDS[type(value), model] = names
    return names


def _stable(value, model: bool) -> object:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, bytes):
        return digest(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {"__type__": type(value).__name__}
        for name in _kept_fields(value, model):
            out[name] = stable(getattr(value, name), model)
        return out
    if isinstance(value, Mapping):
        return [[stable(k, model), stable(v, model)] for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))]
    if isinstance(value, (list, tuple)):
        return [stable(v, model) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((stable(v, model) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return _other(value)


def _other(value) -> object:
    """A function of a package whose version is in the key (a custom fence's
    ``!!python/name:pymdownx.superfences.fence_code_format``) by its name; else a repr
    that names no memory address."""
    module = getattr(value, "__module__", None) or ""
    if callable(value) and hasattr(value, "__qualname__") and module.split(".")[0] in VERSIONED_MODULES:
        return {"__callable__": f"{module}.{value.__qualname__}"}
    text = repr(value)
    if " at 0x" in text or "object at" in text:
        raise Unstable(f"{type(value).__module__}.{type(value).__qualname__}")
    return {"__repr__": text}


def dumps(value, model: bool = False) -> str:
    return json.dumps(stable(value, model), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_stamp(folder: str) -> tuple[int, str]:
    """How many Markdown files ``folder`` holds, and a digest of every file's path, size and
    modification time below it. Compared with the last build's before the content loads, it
    tells whether a file may have changed (a checkout touching every file, say): a hint for
    what to start early, never a key (keys hold the texts themselves). One ``scandir`` per
    folder and one ``stat`` per file (as ``os.walk``, which does not follow folder links)."""
    found: list[str] = []
    markdown = 0

    def visit(path: str, prefix: str) -> None:
        nonlocal markdown
        try:
            with os.scandir(path) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            return
        folders = []
        for entry in entries:
            try:
                if entry.is_dir():
                    if not entry.is_symlink():
                        folders.append(entry)
                    continue
                info = entry.stat()
            except OSError:
                continue
            markdown += entry.name.endswith(".md")
            found.append(f"{prefix}{entry.name}\0{info.st_size}\0{info.st_mtime_ns}")
        for entry in folders:
            visit(entry.path, f"{prefix}{entry.name}/")

    visit(folder, "")
    return markdown, digest("\n".join(found))


def uncached_plugins(plugin_names: Iterable[str]) -> list[str]:
    """Plugins the cache does not know: with any of them, every page is built."""
    return [name for name in plugin_names if name not in KNOWN_PLUGINS]


def _versions() -> list[str]:
    found = [f"kbgen {__version__}", f"cache {FORMAT}", sys.version]
    for name in PACKAGES:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} -")
    return found


def _installed(folder: str) -> bool:
    """A folder inside an installed package (keyed by the versions, not by reading it)."""
    resolved = os.path.realpath(folder)
    return any(part in ("site-packages", "dist-packages") for part in Path(resolved).parts)


def folder_digest(folder: str) -> str:
    """The paths and bytes of every file in ``folder`` (a theme's templates and assets)."""
    parts: list[str | bytes] = [folder]
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            parts.append(os.path.relpath(path, folder))
            try:
                with open(path, "rb") as f:
                    parts.append(f.read())
            except OSError:
                parts.append("unreadable")
    return digest(*parts)


def theme_digest(theme_dirs: Iterable[str]) -> str:
    parts = []
    for folder in theme_dirs:
        parts.append(f"installed {folder}" if _installed(folder) else folder_digest(folder))
    return digest(*parts)


def catalogs_digest(project_dir: str | None) -> str:
    """The message catalogs a build's interface reads: kbgen's (read from the package, even
    an editable one) and the project's own ``locales/`` beside mkdocs.yml."""
    from .i18n import LOCALES_DIR, PROJECT_LOCALES

    own = os.path.join(project_dir, PROJECT_LOCALES) if project_dir is not None else None
    return digest(folder_digest(str(LOCALES_DIR)), folder_digest(own) if own and os.path.isdir(own) else "none")


def site_key(config: Mapping, plugin_configs: Mapping, theme, center, brand, extra: Mapping) -> str:
    """The part of every page's key that the rest of the help center makes (see the module's docstring)."""
    settings = {k: v for k, v in config.items() if k not in SKIPPED_CONFIG}
    theme_settings = {k: v for k, v in dict(theme).items()}
    model = {f.name: getattr(center, f.name) for f in dataclasses.fields(center) if f.name not in ("facts", "docs_dir")}
    return digest(
        *_versions(),
        dumps(settings),
        dumps(plugin_configs),
        dumps(theme_settings),
        theme_digest(theme.dirs),
        dumps(model, model=True),
        dumps(brand),
        dumps(extra),
    )


def page_key(site: str, src: str, url: str, markdown: str, meta: Mapping, update_date, inputs) -> str:
    """The key of one page: the site part and what only this page shows."""
    return digest(site, src, url, markdown, dumps(meta), str(update_date), dumps(inputs))

"""A preview's quick step: only the pages a save can change, built and put live at once.

At thousands of pages most of a cached rebuild is MkDocs' work per page (reading each
source, a Markdown instance, rendering the cached page into its template, writing every
file anew). When a writer saves articles, or the facts, and nothing that every page shows
changed (the site part of the cache key, kbgen.incremental), only a few pages can differ
from the live site: the saved pages, or the pages that read facts. The quick step is one
MkDocs build (``mkdocs.commands.build.build``) in which every other file is excluded once
the navigation is made, each excluded page carrying the title and metadata the last build
gave it (the navigation other pages show of it, as a whole build has it). The pages it
writes replace the live site's one file at a time (each a rename: atomic for readers); a
failure later puts the old files back. The whole build then settles the site as always.
When the changed pages are many (a fact's) and some are open in browsers, those go first, in
a build of their own: what the writer looks at shows without waiting for the others.

It needs the *state* of the live site's build: its site key, its date and each page's
metadata and title, written beside the build cache by the build that made the live site
(see :func:`save_state`; the live folder's identity says it is still that build's). Anything
it cannot tell (a changed title, a new page, a FAQ entry, the config, no state) raises
:class:`NotQuick` before any page is built, and the whole build puts the pages live.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from mkdocs.structure.files import InclusionLevel

from . import cache as build_cache
from .content.facts import FACTS_FILE
from .content.loader import FAQ_DIR

STATE = build_cache.NAMED + "preview-state"


class NotQuick(Exception):
    """The quick step cannot tell which pages the save changes: the whole build puts them live."""


@dataclass
class Plan:
    """What a quick step is asked to do, and what it wrote (``built``: each page's
    ``dest_uri``).

    ``open_pages``: the addresses of the pages open in browsers (their paths on the server);
    those the save changes are built first, on their own, and the others (``rest``) by a
    second plan with ``only``: what the writer looks at reloads without waiting for every page.
    """

    changed: list[Path]
    state: dict
    open_pages: list[str] | None = None
    only: set[str] | None = None
    built: list[str] = field(default_factory=list)
    rest: set[str] = field(default_factory=set)
    shown: list[str] = field(default_factory=list)  # the open addresses whose pages went first


def site_mark(target: Path) -> list[int]:
    """The live folder's identity: a build swaps in a new folder (another inode, a new ctime)."""
    st = os.stat(target)
    return [st.st_dev, st.st_ino, st.st_ctime_ns]


def load_state(cache_folder: Path, target: Path) -> dict | None:
    """The state of the build that made the live site at ``target`` (None: unknown)."""
    if not (cache_folder / build_cache.VERSION_FILE).is_file():
        return None
    state = build_cache.Store(cache_folder).get(STATE)
    try:
        if state is None or state["target"] != str(target) or state["mark"] != site_mark(target):
            return None
    except (OSError, KeyError, TypeError):
        return None
    return state


def save_state(cache_folder: Path, target: Path, state: dict | None) -> None:
    """After the swap: ``state`` (the plugin's ``preview_state``) describes the live site."""
    store = build_cache.Store(cache_folder)
    if state is None:
        state = {}
    else:
        state = {**state, "target": str(target), "mark": site_mark(target)}
    store.put(STATE, state)


def page_state(files) -> dict[str, tuple[dict, str | None]]:
    """Each built page's metadata and title, as the navigation of other pages reads them."""
    pages = {}
    for file in files.documentation_pages():
        if file.page is not None:
            pages[file.src_uri] = (dict(file.page.meta), file.page.title)
    return pages


def narrow(plan: Plan, files, docs_dir: str, layout, site_key: str, today) -> None:
    """Exclude every file but the pages the saved files can change; the others get the last
    build's metadata and title. Raises NotQuick when it cannot tell."""
    state = plan.state
    if state.get("site_key") != site_key or state.get("today") != today.isoformat():
        raise NotQuick("the site part of the pages changed")
    wanted = plan.only if plan.only is not None else candidates(plan.changed, files, docs_dir, layout)
    if plan.open_pages:
        first = wanted & pages_at(plan.open_pages, files)
        if first and first != wanted:
            plan.rest, wanted = wanted - first, first
            plan.shown = [path for path in plan.open_pages if pages_at([path], files) & first]
    known = state.get("pages") or {}
    for file in files:
        if file.is_documentation_page() and file.src_uri in wanted:
            continue
        if file.is_documentation_page() and file.inclusion.is_included() and file.page is not None:
            if file.src_uri not in known:
                raise NotQuick(f"{file.src_uri} is not in the last build")
            meta, title = known[file.src_uri]
            page = file.page
            page.meta = dict(meta)
            if "title" not in page.meta and title is not None:
                page.meta["title"] = title  # as kbgen restores a cached page's title
            page.markdown = ""  # read: its title is its metadata's
        file.inclusion = InclusionLevel.EXCLUDED


def pages_at(paths: list[str], files) -> set[str]:
    """The pages published at these addresses (``/returns/refunds/``; the site's pages are
    served from the root)."""
    urls = {unquote(path).lstrip("/") for path in paths}
    urls |= {url.removesuffix("index.html") for url in urls if url.endswith("index.html")}
    urls |= {url + "index.html" for url in urls if url == "" or url.endswith("/")}  # use_directory_urls: false
    return {f.src_uri for f in files.documentation_pages() if f.url in urls}


def may_apply(changed: list[Path], docs_dir: str) -> bool:
    """Whether the saved files are of the kinds a quick step can judge (Markdown pages,
    ``facts.yml``, editors' temporary files): told before the content is loaded."""
    docs = Path(docs_dir).resolve()
    for path in changed:
        path = Path(path).resolve()
        if not path.exists() or path.name.startswith("."):
            continue
        if not path.is_relative_to(docs):
            return False
        parts = path.relative_to(docs).parts
        if parts != (FACTS_FILE,) and (path.suffix != ".md" or FAQ_DIR in parts[1:-1]):
            return False
    return True


def candidates(changed: list[Path], files, docs_dir: str, layout) -> set[str]:
    """The pages the saved files can change: saved Markdown pages; with the facts, every page
    that reads them (all but the articles that use none)."""
    docs = Path(docs_dir).resolve()
    wanted: set[str] = set()
    facts = False
    for path in changed:
        path = Path(path).resolve()
        if not path.exists() and not path.is_symlink():
            continue  # an editor's temporary file; a removed page or data file changes the site key
        if not path.is_relative_to(docs):
            raise NotQuick(f"{path} is outside the content folder")
        src = path.relative_to(docs).as_posix()
        if src == FACTS_FILE:
            facts = True
            continue
        file = files.get_file_from_path(src)
        if (file is None and path.name.startswith(".")) or (file is not None and file.inclusion.is_excluded()):
            continue  # not published (an editor's swap file): only whether it exists counts, in the site key
        if file is None or not file.is_documentation_page() or not file.inclusion.is_included():
            raise NotQuick(f"{src} is not a page")
        wanted.add(src)
    if facts:
        for file in files.documentation_pages():
            kind, model = layout.classify(file.src_uri)
            if kind.name != "article" or model is None or model.facts_used:
                wanted.add(file.src_uri)
    return wanted


def publish(built_site: Path, target: Path, built: list[str], old: Path) -> list[tuple[Path, Path]] | None:
    """Each built page in place of the live one (a rename each), the live file kept in ``old``
    (a hard link) for :func:`undo`. None when a page has no live file to replace (nothing moved)."""
    pairs = [(built_site / dest, target / dest) for dest in built]
    if not all(live.is_file() and not live.is_symlink() for _, live in pairs):
        return None
    old.mkdir(parents=True, exist_ok=True)
    moved: list[tuple[Path, Path]] = []
    try:
        for n, (new, live) in enumerate(pairs):
            keep = old / str(n)
            os.link(live, keep)
            os.rename(new, live)
            moved.append((keep, live))
    except OSError:
        undo(moved)
        return None
    return moved


def undo(moved: list[tuple[Path, Path]]) -> None:
    """The live files :func:`publish` replaced, back in place."""
    for keep, live in reversed(moved):
        os.rename(keep, live)
    moved.clear()

"""Atomic builds: the new site (and its index) replaces the old one only on success.

A help center with several (market, language) pairs gets one MkDocs build per pair into
its folder of the same staging site (the root pair first, then ``<prefix>/``), one sitemap
with ``hreflang`` alternates, then the one swap: a failure in any pair leaves the whole
previous site untouched.

MkDocs builds into a fresh folder beside the target; on success the two are
swapped with one ``renameat2(RENAME_EXCHANGE)`` where Linux offers it (readers
never see a missing or half-written site), else with two quick renames. On
failure the temporary folder is removed and the old site is untouched; an
operating-system failure (disk full, read-only folder) is one line naming the
path. A build holds a lock on its folder, so a later build removes the folders
of builds that were killed, and never one still running.

A preview (``kbgen serve --watch``, ``pages_ready``) puts the pages live first: each pair's
new folder goes in with the previous site's search index (hard links, the same files),
``pages_ready`` is called (browsers reload), and only then each pair's index is written
beside the site and swapped in where the old one was, and the old site removed. The settled
site is the same as a full build's; search lags the pages by the index's time. When the
saved files (``changed``) are Markdown pages of one language and every pair's content
passed its checks, the first pair of that language is built first and put live on its own
(beside the live site's other pairs), ``pages_ready([its prefix])`` is called, and then every
pair is built in its usual order (that pair again, from the cache: a pair's headers allow
the inline scripts of the pairs built before it); a later failure puts the previous site back.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import json
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, MkDocsException

from . import cache as build_cache
from .compiled_templates import COMPILED
from .config import MarketError, site_of
from .content.markets import Site
from .theme_listing import list_visible

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
log = logging.getLogger("mkdocs.plugins.kbgen")


# A killed build's folder is removed once its lock is free and it is this old, so a
# build that has just created its folder (and not yet locked it) is never touched.
LEFTOVER_AGE = 30.0


class BuildFailed(Exception):
    """The build stopped; the message says why and the old site is intact.

    ``one_line``: the message is complete (an operating-system failure), not a
    list of content problems.
    """

    def __init__(self, message: str, one_line: bool = False, errors: list[str] | None = None):
        super().__init__(message)
        self.one_line = one_line
        # each problem as a line (``path:line: message``), for the preview's error overlay
        self.errors = errors if errors else [message]


def build(
    config_file: str | os.PathLike,
    site_dir: str | os.PathLike | None = None,
    strict: bool = False,
    fail_on_overdue: bool = False,
    cache_dir: str | os.PathLike | None = None,
    cache_namespace: str = "root",
    pages_ready: Callable[[list[str] | None], None] | None = None,
    changed: list[Path] | None = None,
    open_pages: Callable[[], list[str]] | None = None,
) -> Path:
    """Build the help center and swap it into ``site_dir``; returns the site path.

    ``fail_on_overdue``: a passed ``review_by`` date fails the build (else a warning,
    even under ``strict``: the calendar must not block an urgent fix).
    ``cache_dir``: the build cache (kbgen.cache); pages whose inputs did not change
    are taken from ``<cache_dir>/<namespace>/`` instead of being rendered. One namespace
    per MkDocs build: each (market, language) pair's prefix (``en-gb``, ``de-de``), and
    ``cache_namespace`` for the pair at the site's root.
    ``pages_ready``: a preview (see above); called with the prefixes of the pairs whose new
    pages are live ("" the root pair; None: all), and ``current=[addresses]`` when the pages
    at those addresses already showed their new version (a quick step's second wave).
    ``changed``: the files saved since the last build, if known (a preview builds the pair
    they belong to first). ``open_pages``: the addresses of the pages open in browsers (a
    preview of one pair puts them live first).
    """
    config = _load(config_file, strict, fail_on_overdue)
    site = _site(config, config_file)
    target = Path(site_dir or config.site_dir).resolve()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(target)
        staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(target), dir=target.parent))
        lock = _lock(staging)
    except OSError as exc:
        raise _os_failure("cannot create the build folder", exc, target.parent) from None
    later = _Later(target, pages_ready) if pages_ready is not None else None
    logged = _ErrorLines()  # every error line, for the preview's overlay
    logging.getLogger("mkdocs").addHandler(logged)
    try:
        try:
            if site is None or not site.several:
                _build_one(
                    config_file,
                    config,
                    staging,
                    target,
                    strict,
                    fail_on_overdue,
                    logged,
                    cache_dir,
                    cache_namespace,
                    later,
                    changed,
                    open_pages() if open_pages is not None and later is not None else None,
                )
            else:
                _build_pairs(
                    config_file,
                    config,
                    site,
                    staging,
                    target,
                    strict,
                    fail_on_overdue,
                    logged,
                    cache_dir,
                    cache_namespace,
                    later,
                    changed,
                )
            if later is not None:
                later.keep_old_indexes(staging, logged)
            try:
                os.chmod(staging, 0o755)  # mkdtemp makes it private; a site is meant to be read
                old = swap_in(staging, target, remove_old=later is None)
            except OSError as exc:
                raise _os_failure("cannot put the new site in place", exc, target) from None
            if cache_dir is not None:  # a pair no longer published leaves no cache behind
                if site is None or not site.several:
                    _save_quick_state(config, Path(cache_dir) / cache_namespace, target)
                used = {cache_namespace} | ({p.prefix for p in site.pairs if p.prefix} if site is not None else set())
                for name in build_cache.prune_namespaces(cache_dir, used):
                    log.info(f"build cache: removed {Path(cache_dir) / name} (no longer built)")
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            if later is not None:
                later.undo_early()
                later.abandon()
            raise
        finally:
            os.close(lock)
        if later is not None:
            if old is not None:
                later.remove.append(old)
            later.all_live(site)
            later.write_indexes(logged)
    finally:
        logging.getLogger("mkdocs").removeHandler(logged)
    return target


class _Later:
    """What a preview does after the new pages are live: each pair's index, written beside
    the site (``<site>.building-index-*``, removed like a killed build's folders) and
    swapped in, then the old site and the build's scratch folders removed."""

    def __init__(self, target: Path, pages_ready: Callable[[list[str] | None], None]):
        self.target = target
        self.pages_ready = pages_ready
        try:
            self.folder = Path(tempfile.mkdtemp(prefix=_staging_prefix(target) + "index-", dir=target.parent))
            self._lock = _lock(self.folder)
        except OSError as exc:
            raise _os_failure("cannot create the build folder", exc, target.parent) from None
        self.jobs: list[tuple[str, Path, list]] = []  # (pair's folder in the site, its index site dir, its jobs)
        self.remove: list[Path] = [self.folder]
        self.early: tuple[str, Path] | None = None  # the pair put live first, and the folder it replaced
        self.quick_moved: list[tuple[Path, Path]] | None = None  # a quick step's pages: (old file, live path)

    def index_of(self, config, prefix: str, namespace: str) -> None:
        """This pair's build writes its index under our folder, when told to (a pair built
        twice: the last build's)."""
        plugin = config.plugins.get("kbgen")
        if plugin is None or not plugin.config.enabled:
            return
        for entry in [e for e in self.jobs if e[0] == prefix]:
            self.jobs.remove(entry)
            self._close(entry[2])
        jobs: list = []
        plugin.index_dir, plugin.index_later = self.folder / namespace, jobs
        self.jobs.append((prefix, self.folder / namespace, jobs))

    def publish_early(self, prefix: str, built: Path, pair_folders: list[str]) -> None:
        """Put one pair's new pages live now: its folder, completed with the live one's files it
        lacks (its index; for the root pair, the other pairs' folders and the sitemap)."""
        live = self.target / prefix
        if not live.is_dir() or live.is_symlink():
            return  # a first build, or a new pair: nothing to put it beside
        folder = Path(tempfile.mkdtemp(prefix=_staging_prefix(self.target) + "early-", dir=self.target.parent))
        self.remove.append(folder)
        early = folder / "site"
        try:
            shutil.copytree(built, early, copy_function=os.link)
            _link_missing(live, early, skip={f for f in pair_folders if f} if not prefix else set())
            os.chmod(early, 0o755)
            old = swap_in(early, live, remove_old=False)
        except OSError:  # another filesystem, a full disk: the whole site goes live at the end
            return
        self.early = (prefix, old)
        self.remove.append(old)
        self.pages_ready([prefix])

    def quick(
        self, config_file, strict: bool, fail_on_overdue: bool, logged, cache_folder: Path, changed, open_pages=None
    ) -> None:
        """A single pair's quick step (kbgen.quick): the pages the save can change, built on
        their own and put live over the live site; browsers reload. Nothing when it cannot tell.

        ``open_pages``: the addresses of the pages open in browsers, if known; the changed ones
        among them go live (and browsers reload) first, then the other changed pages."""
        from . import quick

        state = quick.load_state(cache_folder, self.target)
        if state is None:
            return
        config = _load(config_file, strict, fail_on_overdue)
        plugin = config.plugins.get("kbgen")
        if plugin is None or not plugin.config.enabled or not quick.may_apply(changed, config.docs_dir):
            return
        folder = Path(tempfile.mkdtemp(prefix=_staging_prefix(self.target) + "quick-", dir=self.target.parent))
        self.remove.append(folder)
        plan = quick.Plan(list(changed), state, open_pages=list(open_pages) if open_pages else None)
        if not self._quick_wave(config, plugin, plan, folder / "1", cache_folder, logged):
            return
        if plan.rest:  # the changed pages no browser shows, built in their turn (then browsers reload again)
            config = _load(config_file, strict, fail_on_overdue)
            rest = quick.Plan(plan.changed, state, only=plan.rest)
            config.plugins["kbgen"].reuse_content = plugin.loaded  # the files the first build read
            self._quick_wave(config, config.plugins["kbgen"], rest, folder / "2", cache_folder, logged, plan.shown)

    def _quick_wave(self, config, plugin, plan, folder: Path, cache_folder: Path, logged, shown=()) -> bool:
        """One MkDocs build of a quick step's pages, put live (browsers reload when a page
        changed, except those at the addresses ``shown``, current since the first wave);
        False when nothing went live."""
        from . import quick

        config["site_dir"] = str(folder / "site")
        plugin.cache_folder = cache_folder
        plugin.quick = plan
        with _quiet_below_errors():  # the whole build says its warnings once
            try:
                _mkdocs_build(config, folder / "site", logged)
            except quick.NotQuick as exc:
                log.debug(f"no quick step: {exc}")
                return False
        try:
            moved = quick.publish(folder / "site", self.target, plan.built, folder / "old")
        except OSError:
            moved = None
        if moved is None:
            return False
        self.quick_moved = [*(self.quick_moved or []), *moved]
        self.early = ("", None)
        if moved and shown:
            self.pages_ready([""], current=list(shown))
        elif moved:  # else no page changed (an editor's swap file): nothing to reload
            self.pages_ready([""])
        return True

    def undo_early(self) -> None:
        """The build failed after one pair went live: the previous site comes back."""
        if self.quick_moved is not None:
            from . import quick

            quick.undo(self.quick_moved)
            self.quick_moved = None
            self.early = None
        if self.early is not None:
            prefix, old = self.early
            self.early = None
            swap_in(old, self.target / prefix)

    def all_live(self, site: Site | None) -> None:
        """The whole new site is live: browsers of the pairs not put live early reload."""
        rest = self.rest(site)
        if rest != []:  # else every pair went live early (and is the same now)
            self.pages_ready(rest)

    def rest(self, site: Site | None) -> list[str] | None:
        """The pairs whose new pages went live with the whole site (None: all of them)."""
        if self.early is None or site is None:
            return None
        return [p.prefix for p in site.pairs if p.prefix != self.early[0]]

    def keep_old_indexes(self, staging: Path, logged: _ErrorLines) -> None:
        """Each pair's folder in ``staging`` gets the live site's index (hard links); a pair
        without one yet (a first build, a new pair) gets its new index now."""
        from .search import INDEX_DIR

        for prefix, written, jobs in self.jobs:
            live = self.target / prefix / INDEX_DIR
            kept = staging / prefix / INDEX_DIR
            if live.is_dir() and not live.is_symlink() and not kept.exists():
                try:
                    shutil.copytree(live, kept, copy_function=os.link)
                    continue
                except OSError:  # another filesystem: write it now, as a full build does
                    shutil.rmtree(kept, ignore_errors=True)
            self._run(jobs, logged)
            kept.parent.mkdir(parents=True, exist_ok=True)
            os.rename(written / INDEX_DIR, kept)
            jobs.clear()

    def write_indexes(self, logged: _ErrorLines) -> None:
        """Each pair's new index in place of the one the pages went live with; then the
        folders no longer needed are removed."""
        from .search import INDEX_DIR

        try:
            for prefix, written, jobs in self.jobs:
                if not jobs:
                    continue
                self._run(jobs, logged)
                try:
                    swap_in(written / INDEX_DIR, self.target / prefix / INDEX_DIR)
                except OSError as exc:
                    raise _os_failure("cannot put the new search index in place", exc, self.target) from None
        finally:
            self.abandon()

    def abandon(self) -> None:
        for _, _, jobs in self.jobs:
            self._close(jobs)
        os.close(self._lock)
        for folder in self.remove:
            shutil.rmtree(folder, ignore_errors=True)
        self.remove = []

    @staticmethod
    def _close(jobs: list) -> None:
        for _, close in jobs:
            close()  # a background index writer that will not be asked to finish
        jobs.clear()

    @staticmethod
    def _run(jobs: list, logged: _ErrorLines) -> None:
        while jobs:
            write, _ = jobs.pop(0)
            try:
                write()
            except (Abort, MkDocsException) as exc:
                raise BuildFailed(str(exc), errors=logged.lines) from None
            except OSError as exc:
                raise _os_failure("cannot write the search index", exc, Path(exc.filename or ".")) from None


def _build_one(
    config_file,
    config,
    staging: Path,
    target: Path,
    strict: bool,
    fail_on_overdue: bool,
    logged: _ErrorLines,
    cache_dir,
    namespace: str,
    later: _Later | None,
    changed: list[Path] | None,
    open_pages: list[str] | None = None,
) -> None:
    """A help center of one pair: one MkDocs build into ``staging`` (a preview's quick step first)."""
    if later is not None and changed and cache_dir is not None:
        later.quick(config_file, strict, fail_on_overdue, logged, Path(cache_dir) / namespace, changed, open_pages)
    config["site_dir"] = str(staging)
    _use_cache(config, cache_dir, namespace, target)
    if later is not None:
        later.index_of(config, "", namespace)
    _mkdocs_build(config, staging, logged)


def _save_quick_state(config, cache_folder: Path, target: Path) -> None:
    """What the next preview's quick step needs of the live site (kbgen.quick)."""
    from . import quick

    plugin = config.plugins.get("kbgen")
    try:
        quick.save_state(cache_folder, target, getattr(plugin, "preview_state", None))
    except Exception:  # a full disk, a page's metadata that cannot be pickled: no quick step next
        pass  # time (the state kept names the folder swapped out, so it is not trusted)


class _quiet_below_errors:
    """Only the errors of MkDocs' (and kbgen's) loggers reach the log handlers meanwhile (a
    step whose warnings the next build gives again)."""

    def __enter__(self):
        self.handlers = [*logging.getLogger("mkdocs").handlers, *logging.getLogger().handlers]
        for handler in self.handlers:
            handler.addFilter(_errors_only)
        return self

    def __exit__(self, *exc):
        for handler in self.handlers:
            handler.removeFilter(_errors_only)


def _errors_only(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.ERROR or not record.name.startswith("mkdocs")  # the server's own: kept


def _use_cache(config, cache_dir, namespace: str, live: Path | None = None) -> None:
    """The build cache's namespace for this MkDocs build, and ``live``: the folder its site
    will replace (its unchanged pages are linked from there, see kbgen.live_pages)."""
    plugin = config.plugins.get("kbgen")
    if plugin is not None:
        plugin.cache_folder = Path(cache_dir) / namespace if cache_dir is not None else None
        plugin.live_folder = live


def _load(config_file, strict: bool, fail_on_overdue: bool):
    try:
        config = load_config(str(config_file), strict=strict)
    except MkDocsException as exc:
        raise BuildFailed(f"{config_file}: {exc}") from None
    plugin = config.plugins.get("kbgen")
    if fail_on_overdue and plugin is not None:
        plugin.config.fail_on_overdue = True
    _keep_compiled_templates(config.theme)
    return config


def _keep_compiled_templates(theme) -> None:
    """Every Jinja environment of this config's theme (MkDocs' own, and the one Material's
    search plugin makes to read its translations) keeps its compiled templates in COMPILED,
    and lists its templates without the theme's hidden folders (kbgen.theme_listing)."""
    make_env = theme.get_env

    def get_env():
        env = make_env()
        env.bytecode_cache = COMPILED
        list_visible(env)
        return env

    theme.get_env = get_env


def _site(config, config_file) -> Site | None:
    """The pairs the kbgen plugin declares (None without the plugin)."""
    plugin = config.plugins.get("kbgen")
    if plugin is None or not plugin.config.enabled:
        return None
    try:
        return site_of(plugin.config, config.theme.get("language"))
    except MarketError as exc:
        raise BuildFailed(f"{config_file}: {exc}", one_line=True) from None


def _mkdocs_build(config, staging: Path, logged: _ErrorLines) -> None:
    try:
        mkdocs_build(config)
    except (Abort, MkDocsException) as exc:
        raise BuildFailed(str(exc), errors=logged.lines) from None
    except OSError as exc:
        raise _os_failure("cannot write the site", exc, staging) from None
    except UnicodeDecodeError as exc:  # a file kbgen check does not read; MkDocs logged its name
        raise BuildFailed(
            f"cannot read a file: not UTF-8 text ({exc.reason}); the previous site was left as it was",
            one_line=True,
            errors=[*logged.lines, f"cannot read a file: not UTF-8 text ({exc.reason})"],
        ) from None


def _build_pairs(
    config_file,
    config,
    site: Site,
    staging: Path,
    target: Path,
    strict: bool,
    fail_on_overdue: bool,
    logged: _ErrorLines,
    cache_dir=None,
    root_namespace: str = "root",
    later: _Later | None = None,
    changed: list[Path] | None = None,
) -> None:
    """One MkDocs build per pair into its folder of ``staging``, then the sitemap of them all.

    Each pair's build has its own cache namespace: ``<cache_dir>/<prefix>/`` (the root
    pair's is ``root_namespace``). ``later``: a preview's (its indexes, the folders it removes)."""
    from . import content, pairs, sitemaps

    docs_dir = Path(config.docs_dir)
    site_url = config.site_url or ""
    base_path = urlsplit(site_url or "/").path or "/"
    if not base_path.endswith("/"):
        base_path += "/"
    # each language's view of the content, beside the staging site (a killed build's is
    # removed like its staging folder)
    sources = Path(tempfile.mkdtemp(prefix=_staging_prefix(target) + "src-", dir=target.parent))
    lock = _lock(sources)
    try:
        views = pairs.materialize(site, docs_dir, sources)
        plugin = config.plugins["kbgen"]
        parses = _content_parses(site, cache_dir, root_namespace)
        loaded = pairs.load(
            site,
            views,
            today=content.current_date(),
            embed_hosts=plugin.config.embed_hosts,
            base_path=base_path,
            memo_for=lambda pair: parses.get(pair.prefix),
        )
        for memo in parses.values():
            memo.save()
        diagnostics = pairs.all_diagnostics(loaded)
        outdated = [d for d in diagnostics if d.message.startswith("outdated translation")]
        for d in outdated:
            log.warning(d.format())
        if strict and outdated:
            raise BuildFailed(f"{len(outdated)} outdated translation(s) (--strict)")
        hashes: set[str] = set()  # the root is built last: its headers allow every pair's inline scripts
        early = None
        if later is not None and not any(d.severity == "error" for d in diagnostics):
            early = _early_pair(site, loaded, docs_dir, changed)
        for n, item in enumerate(_build_order(loaded, early)):
            pair = item.pair
            # each build its own config, loaded just before it: plugins add to it, and MkDocs keeps
            # one instance of a plugin with on_startup (Material's search) for every config of the
            # process, whose options a later load resets (else its language leaks between pairs)
            pair_config = _load(config_file, strict, fail_on_overdue)
            # MkDocs empties its site folder first: the other pairs wait beside it until the root is built
            pair_dir = sources / "_sites" / pair.prefix if pair.prefix else staging
            pair_config["docs_dir"] = str(item.folder)
            pair_config["site_dir"] = str(pair_dir)
            if site_url:
                pair_config["site_url"] = site_url.rstrip("/") + "/" + pair.path
            pair_config.theme["language"] = pair.language
            pair_plugin = pair_config.plugins["kbgen"]
            pair_plugin.pair_content, pair_plugin.all_pairs, pair_plugin.base_path = item, loaded, base_path
            # each pair's headers allow the inline scripts of the pairs built before it; the
            # early build of a preview's pair (built again in its turn) does not count
            pair_plugin.shared_script_hashes = set() if early is not None and n == 0 else hashes
            _use_cache(
                pair_config, cache_dir, pair.prefix or root_namespace, target / pair.prefix if pair.prefix else target
            )
            if later is not None:
                later.index_of(pair_config, pair.prefix, pair.prefix or root_namespace)
            _mkdocs_build(pair_config, staging, logged)
            if n == 0 and early is not None:
                later.publish_early(pair.prefix, pair_dir, [p.prefix for p in site.pairs])
        for item in loaded[1:]:
            os.rename(sources / "_sites" / item.pair.prefix, staging / item.pair.prefix)
        sitemaps.write(staging, loaded, site_url, base_path)
        _write_pairs(staging, site)
    finally:
        os.close(lock)
        if later is not None:
            later.remove.append(sources)  # after the pages are live
        else:
            shutil.rmtree(sources, ignore_errors=True)


def _content_parses(site: Site, cache_dir, root_namespace: str) -> dict[str, build_cache.Bundle]:
    """Each pair's (by prefix) parses of the content files, kept in its namespace of the build
    cache as a one-pair build's plugin keeps them (none without the cache)."""
    if cache_dir is None:
        return {}
    from .plugin import content_parses

    return {
        pair.prefix: content_parses(build_cache.Store(Path(cache_dir) / (pair.prefix or root_namespace)))
        for pair in site.pairs
    }


def _build_order(loaded: list, early=None) -> list:
    """The root pair last (its headers allow every pair's inline scripts); ``early`` first
    too (then again in its turn, its pages from the cache: a pair's headers depend on the
    pairs built before it)."""
    order = [*loaded[1:], loaded[0]]
    return order if early is None else [early, *order]


def _early_pair(site: Site, loaded, docs_dir: Path, changed: list[Path] | None):
    """The pair to build first: the first one of the language of the saved Markdown pages
    (``page.de.md`` is German, ``page.md`` the default language); None when there is none to
    tell (no list, other files, pages of several languages)."""
    if not changed:
        return None
    from .content.languages import split_name

    docs = docs_dir.resolve()
    languages = set()
    for path in changed:
        path = Path(path).resolve()
        if path.suffix != ".md" or not path.is_relative_to(docs):
            return None
        languages.add(split_name(path.name, site.languages)[1] or site.default_language)
    if len(languages) != 1:
        return None
    language = languages.pop()
    return next((item for item in loaded if item.pair.language == language), None)


def _link_missing(live: Path, into: Path, skip: set[str]) -> None:
    """Hard links in ``into`` to the files of ``live`` it lacks (top-level names in ``skip``
    linked as whole folders)."""
    for entry in os.scandir(live):
        target = into / entry.name
        if entry.is_dir(follow_symlinks=False):
            if not target.exists():
                shutil.copytree(entry.path, target, copy_function=os.link, symlinks=True)
            elif entry.name not in skip:
                _link_missing(Path(entry.path), target, set())
        elif not target.exists() and not target.is_symlink():
            os.link(entry.path, target, follow_symlinks=False)


def _write_pairs(staging: Path, site: Site) -> None:
    """``_kbgen/pairs.json``: which (market, language) each prefix is, so the server's
    ``?lang=&market=`` finds a pair whose market is not its country (``uk`` is ``en-gb``)."""
    listed = [{"prefix": p.prefix, "language": p.language, "market": p.market.id} for p in site.pairs]
    folder = staging / "_kbgen"
    folder.mkdir(exist_ok=True)
    (folder / "pairs.json").write_text(json.dumps(listed, indent=1) + "\n", encoding="utf-8")


class _ErrorLines(logging.Handler):
    """The errors MkDocs and the plugin log during a build, one problem per line.

    The plugin logs its ``path:line: message`` list under a count ("3 problem(s) in the
    content:"); the count is left out, the problems kept in order.
    """

    def __init__(self):
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        for line in record.getMessage().splitlines():
            if line.strip() and not _COUNT.match(line):
                self.lines.append(line)


_COUNT = re.compile(r"\d+ problem\(s\) in the content:$")


def _staging_prefix(target: Path) -> str:
    return f".{target.name}.building-"


def _os_failure(what: str, exc: OSError, path: Path) -> BuildFailed:
    # a failed copy names its source first and its destination (where writing failed) second
    where = next((f for f in (exc.filename2, exc.filename) if f is not None), path)
    reason = exc.strerror or str(exc)
    return BuildFailed(f"{what}: {where}: {reason}; the previous site was left as it was", one_line=True)


def _lock(folder: Path) -> int:
    """An exclusive lock on ``folder`` held (by an open descriptor) until the build ends."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


def remove_leftovers(target: Path) -> list[Path]:
    """Remove the staging folders of killed builds beside ``target``; returns them.

    Only kbgen's own folders (``.<site>.building-*``, ``.<site>.old-<pid>``), only
    when no running build holds them.
    """
    removed = []
    for folder in target.parent.glob(_staging_prefix(target) + "*"):
        if folder.is_dir() and not folder.is_symlink() and _abandoned(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    for folder in target.parent.glob(f".{target.name}.old-*"):
        pid = folder.name.rpartition("-")[2]
        if folder.is_dir() and not folder.is_symlink() and pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _abandoned(folder: Path) -> bool:
    try:
        if time.time() - folder.stat().st_mtime < LEFTOVER_AGE:
            return False
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False  # a running build holds it
    finally:
        os.close(fd)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def swap_in(new: Path, target: Path, remove_old: bool = True) -> Path | None:
    """Put ``new`` at ``target``, removing what was there, as atomically as we can.

    ``remove_old=False``: the old folder is left for the caller to remove; returns it."""
    if target.exists() and _exchange(new, target):
        if not remove_old:
            return new  # `new` now holds the old site
        shutil.rmtree(new)
        return None
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.rename(target, old)
    try:
        os.rename(new, target)
    except OSError:
        if old is not None:
            os.rename(old, target)
        raise
    if old is not None and remove_old:
        shutil.rmtree(old, ignore_errors=True)
        return None
    return old


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with Linux's renameat2; False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0

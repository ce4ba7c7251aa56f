"""The content of each published (market, language) pair, loaded once and shared.

The build, ``kbgen check`` and ``kbgen report`` all need, for every pair: its language's
view of the content folder (:mod:`kbgen.content.languages`), the content loaded and checked
for its market, the problems found (named by the real files: ``refunds.de.md``, not the
view's copy) and the pages it publishes, which the switcher, ``hreflang`` and the sitemap
link between. No MkDocs here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import content, pages
from .content.diagnostics import Diagnostic, Report
from .content.languages import Freshness, View, freshness, view
from .content.markets import Pair, Site
from .content.urls import category_page, page_url

HOME = "index.md"


@dataclass
class PairContent:
    pair: Pair
    view: View
    folder: Path  # the materialized view the loader and MkDocs read
    center: content.HelpCenter
    report: Report  # paths relative to ``folder``: see :meth:`diagnostics`
    pages: set[str] = field(default_factory=set)  # logical sources of the pages it publishes

    def diagnostics(self, items: Iterable[Diagnostic] | None = None, base: Path | None = None) -> list[Diagnostic]:
        """The report's problems named by their real files, relative to ``base`` (the cwd)."""
        shown = Report(base=base or Path.cwd())
        result = []
        for item in self.report.items if items is None else items:
            real = self.view.docs_dir / self.view.real(item.path)
            result.append(dataclasses.replace(item, path=shown.rel(real)))
        return result


def materialize(site: Site, docs_dir: Path, into: Path) -> dict[str, tuple[View, Path]]:
    """Each language's view written under ``into/<language>``."""
    views = {}
    for language in site.languages:
        if any(p.language == language for p in site.pairs):
            v = view(Path(docs_dir), language, site.languages)
            views[language] = (v, v.materialize(into / language))
    return views


def load(
    site: Site,
    views: dict[str, tuple[View, Path]],
    *,
    today: dt.date,
    embed_hosts=(),
    check_icons=None,
    base_path: str = "/",
    memo_for: Callable[[Pair], object] | None = None,
) -> list[PairContent]:
    """Every pair's content, checked for its market (``check_icons(center, report)`` too).
    ``memo_for(pair)``: where the pair's unchanged Markdown files' parses are kept (the build
    cache's, see :func:`.content.load`), or None.

    A link to a page not translated into a pair's language goes to that page in the default
    language: in the same market when it publishes it, else at the root."""
    loaded: list[PairContent] = []
    for pair in site.pairs:
        v, folder = views[pair.language]
        fallbacks = {}
        if pair.language != site.default_language:
            home = next(
                (p for p in loaded if p.pair.market == pair.market and p.pair.language == site.default_language),
                loaded[0],
            )
            fallbacks = _addresses(home, base_path, exclude=v.pages())
        center, report = content.load(
            folder,
            base=folder,
            today=today,
            embed_hosts=embed_hosts,
            market=pair.market,
            language=pair.language,
            fallbacks=fallbacks,
            memo=memo_for(pair) if memo_for is not None else None,
        )
        if check_icons is not None:
            check_icons(center, report)
        published = {a.src for a in center.articles} | {n.src for n in center.notices}
        published |= set(pages.Layout(center).generated_sources())
        loaded.append(PairContent(pair, v, folder, center, report, published))
    return loaded


def _addresses(item: PairContent, base_path: str, exclude: set[str]) -> dict[str, str]:
    """Root-relative addresses of ``item``'s pages and FAQ entries (by source), but ``exclude``."""
    found = {}
    for src, page in item.center.by_src().items():
        if src in exclude:
            continue
        page_src = getattr(page, "page_src", None)  # a FAQ entry: an anchor on its category's page
        address = posixpath.join(base_path, item.pair.path, page_url(page_src or src))
        found[src] = address + (f"#{page.slug}" if page_src else "")
    return found


def all_diagnostics(loaded: list[PairContent], strict_freshness: bool = False) -> list[Diagnostic]:
    """Every pair's problems once (a shared file's mistake is found by each pair that reads
    it), and outdated translations as warnings."""
    seen: dict[tuple, Diagnostic] = {}
    for item in loaded:
        for d in item.diagnostics():
            seen.setdefault((d.path, d.line, d.message, d.severity), d)
    failed = {d.path for d in seen.values() if d.severity == "error"}  # outdated? first fix the source
    languages_done = set()
    for item in loaded:
        if item.pair.language in languages_done or item.pair.language == loaded[0].pair.language:
            continue
        languages_done.add(item.pair.language)
        for fresh in freshness(item.view):
            d = _freshness_diagnostic(item, fresh)
            source = Report(base=Path.cwd()).rel(item.view.docs_dir / fresh.logical)
            if d is not None and source not in failed:
                seen.setdefault((d.path, d.line, d.message, d.severity), d)
    return sorted(seen.values())


def _freshness_diagnostic(item: PairContent, fresh) -> Diagnostic | None:
    real = Report(base=Path.cwd()).rel(item.view.docs_dir / fresh.real)
    if not fresh.current:
        return Diagnostic(real, fresh.line, f"translates '{fresh.logical}', which no longer exists", "warning")
    if not fresh.recorded:
        return Diagnostic(
            real,
            fresh.line,
            f"translation records no source version: add 'translates: {fresh.current}' once it matches {fresh.logical}",
            "warning",
        )
    if fresh.outdated:
        return Diagnostic(
            real,
            fresh.line,
            f"outdated translation: {fresh.logical} changed since (translates: {fresh.recorded}, "
            f"now {fresh.current}); update it, then set 'translates: {fresh.current}'",
            "warning",
        )
    return None


def landing(target: PairContent, src: str) -> str:
    """Where the switcher sends a shopper reading ``src``: the same page in ``target``,
    else its category page, else the home page."""
    if src in target.pages:
        return src
    top = src.split("/", 1)[0] if "/" in src else ""
    if top and category_page(top) in target.pages:
        return category_page(top)
    return HOME


class Switcher:
    """The header's language and market switcher for one page, as Material's ``extra.alternate``.

    ``entries``: every pair (name, root-relative link, hreflang, ``current``, ``same``: the
    page itself rather than its category). Truthy but not iterable, on purpose: Material's
    header then includes ``partials/alternate.html`` (kbgen's, which lists ``entries``), and
    its ``<head>`` loop, which would give every entry an ``hreflang`` link (the category
    fallbacks too), is skipped; ``kbgen/base.html`` links the real equivalents (``hreflang``).
    """

    def __init__(self, entries: list[dict], x_default: str | None):
        self.entries = entries
        self.hreflang = [e for e in entries if e["same"]]
        self.x_default = x_default

    def __bool__(self) -> bool:
        return True


def switcher(loaded: list[PairContent], current: Pair, src: str, base_path: str, origin: str = "") -> Switcher:
    """The switcher for page ``src`` of pair ``current``: each pair lands on the same page, or
    its category (:func:`landing`). ``origin`` (``https://host``) makes ``href`` absolute, as
    ``hreflang`` links should be; ``link`` stays root-relative (it works in a preview too)."""
    entries = []
    for item in loaded:
        target = landing(item, src)
        link = posixpath.join(base_path, item.pair.path, page_url(target))
        entries.append(
            {
                "name": item.pair.label,
                "link": link,
                "href": origin + link,
                "lang": item.pair.hreflang,
                "language": item.pair.language,
                "current": item.pair == current,
                "same": target == src,
            }
        )
    root = entries[0]
    return Switcher(entries, root["href"] if root["same"] else None)


@dataclass
class TranslationStatus:
    language: str
    translated: list[str] = field(default_factory=list)  # sources with a translation
    untranslated: list[str] = field(default_factory=list)  # pages (and FAQ entries) without one
    outdated: list[Freshness] = field(default_factory=list)


def translation_status(site: Site, docs_dir: Path) -> list[TranslationStatus]:
    """For each language but the default: what is translated, missing and outdated (what
    ``kbgen report`` lists)."""
    default_pages = view(docs_dir, site.default_language, site.languages).pages()
    statuses = []
    for language in site.languages[1:]:
        v = view(docs_dir, language, site.languages)
        status = TranslationStatus(language)
        status.translated = sorted(p for p in v.translated if p.endswith(".md"))
        status.untranslated = sorted(default_pages - v.pages())
        status.outdated = [f for f in freshness(v) if f.outdated]
        statuses.append(status)
    return statuses


def format_status(statuses: list[TranslationStatus]) -> str:
    lines = []
    for status in statuses:
        total = len(status.translated) + len(status.untranslated)
        lines.append(
            f"Translations ({status.language}): {len(status.translated)} of {total} pages and FAQ entries translated, "
            f"{len(status.outdated)} outdated"
        )
        for fresh in status.outdated:
            why = "no source version recorded" if not fresh.recorded else f"source changed since {fresh.recorded}"
            lines.append(f"  outdated      {fresh.real}  ({why}; now {fresh.current or 'gone'})")
        for src in status.untranslated:
            lines.append(f"  untranslated  {src}")
    return "\n".join(lines) + ("\n" if lines else "")

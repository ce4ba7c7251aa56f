"""The help center's content: loading, the typed model and validation.

No MkDocs here: the model is what every later step (pages, search, server)
reads, and it must be usable on its own.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

from . import checks, currency, facts, flowfile, glossary, htmlpolicy, languages, links, symlinks, textfile
from .diagnostics import Diagnostic, Report
from .loader import load as _load
from .markets import Market
from .model import Article, Category, FaqEntry, HelpCenter, Section

__all__ = [
    "Article",
    "Category",
    "Diagnostic",
    "FaqEntry",
    "HelpCenter",
    "Report",
    "Section",
    "check_icons",
    "current_date",
    "load",
    "read",
    "resolve",
    "validate",
]


def load(
    docs_dir: Path | str,
    *,
    base: Path | str | None = None,
    today: dt.date | None = None,
    embed_hosts: tuple[str, ...] | list[str] = (),
    market: Market | None = None,
    language: str = "en",
    fallbacks: dict[str, str] | None = None,
    format_value: Callable[[object, str], str] | None = None,
    memo=None,
) -> tuple[HelpCenter, Report]:
    """Read, validate and resolve ``docs_dir``; paths in the report are relative to ``base``.

    ``embed_hosts``: hosts whose pages content may show in an iframe. ``market``: read the
    facts, contact channels and notices of this market (None: the content as written).
    ``language``: the language the content is written in (fact values render in it).
    ``fallbacks``: untranslated pages' addresses in the default language, for links to them.
    ``format_value``: how a fact's value and unit read in the interface (the policy updates
    page); a writer's sentences always get the language's own rendering.
    ``memo``: the build cache (``get``/``put``): unchanged Markdown files are not parsed again.
    """
    report = Report(base=Path(base) if base is not None else Path.cwd())
    today = today or current_date()
    center, refused = read(Path(docs_dir), report, market=market, language=language, memo=memo)
    center.fallbacks = dict(fallbacks or {})
    validate(center, report, today, refused=refused, embed_hosts=embed_hosts)
    if center.facts is not None and format_value is not None:
        center.facts.fmt = format_value
    resolve(center, today)
    return center, report


def read(
    docs_dir: Path, report: Report, *, market: Market | None = None, language: str = "en", memo=None
) -> tuple[HelpCenter, frozenset[Path]]:
    """Parse every file into the model, checking each file's declared fields on the way.

    Also returns the symlinks refused (never followed), which later checks skip.
    """
    refused = symlinks.scan(docs_dir, report)
    return _load(docs_dir, report, refused, market=market, language=language, memo=memo), refused


def validate(
    center: HelpCenter,
    report: Report,
    today: dt.date,
    *,
    refused: frozenset[Path] = frozenset(),
    embed_hosts: tuple[str, ...] | list[str] = (),
) -> None:
    """The checks across files. They only report: the model is left exactly as read."""
    checks.duplicate_questions(center, report)
    checks.clashing_urls(center, report)
    checks.overdue_reviews(center, report, today)
    checks.unknown_shortcodes(center, report)
    checks.unknown_facts_in_data(center, report)
    checks.hard_coded_facts(center, report, today)
    currency.check(center, report)  # money in another currency than the market's
    links.check(center, report)
    htmlpolicy.check(center, report, embed_hosts)
    _check_other_pages(center, report, refused, embed_hosts)
    flowfile.check_references(center, report)
    glossary.check_links(center, report)
    facts.check_channel_facts(center, report)
    report.drop_follow_ons()  # errors that only follow from a file that failed to load


# The steps that fill in values derived from other files, in this order, each called
# as ``step(center, today)`` once every check has seen the content as written.
RESOLVE_STEPS = (
    glossary.resolve_links,  # each term's target page; broken links dropped
    flowfile.label_links,  # a flow result's link without a label: its page's title
    facts.apply,  # last: {{ fact:name }} rendered in every body (the checks need the placeholders)
)


def resolve(center: HelpCenter, today: dt.date) -> None:
    """Fill the derived values (see ``RESOLVE_STEPS``); reports nothing."""
    for step in RESOLVE_STEPS:
        step(center, today)


def _check_other_pages(center: HelpCenter, report: Report, refused, embed_hosts) -> None:
    """Markdown that MkDocs publishes but kbgen does not load (a ``_drafts/`` folder,
    a notices subfolder): still UTF-8 text, still under the content policy."""
    docs_dir = Path(center.docs_dir)
    # paths as the walk writes them (normalised, as a Path's): thousands of files, nearly all loaded
    loaded = {os.fspath(d.path) for d in center.written() if d.path is not None}
    refused_paths = set(map(os.fspath, refused))
    hosts = {h.strip().lower() for h in embed_hosts}
    for folder, dirs, files in os.walk(docs_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and os.path.join(folder, d) not in refused_paths)
        for name in sorted(files):
            if not name.endswith(".md") or name.startswith("."):
                continue
            path = os.path.join(folder, name)
            if path not in loaded and path not in refused_paths:
                if languages.is_translation(name):
                    continue  # read through its language's view
                text = textfile.read(Path(path), report, docs_dir)
                if text is not None:
                    htmlpolicy.scan(text, Path(path), 1, report, hosts)


def check_icons(center: HelpCenter, known: Callable[[str], bool], report: Report, hint: str) -> None:
    """Report category icons the theme does not have (``kbgen.themes`` knows where its icons are)."""
    checks.unknown_icons(center, report, known, hint)


def current_date() -> dt.date:
    """Today, or ``KBGEN_TODAY`` (YYYY-MM-DD) so reproducible builds and tests can pin it."""
    pinned = os.environ.get("KBGEN_TODAY")
    return dt.date.fromisoformat(pinned) if pinned else dt.date.today()

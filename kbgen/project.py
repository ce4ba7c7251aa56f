"""A help-center project: its MkDocs config, content folder and validated content."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from . import content, pairs
from .config import MarketError, site_of
from .content.markets import Site
from .content.urls import page_url
from .resources import theme_dir
from .themes import material as theme


class ProjectError(MkDocsException):
    """The configuration itself is unusable."""


@dataclass
class Project:
    config_file: Path
    docs_dir: Path
    site_dir: Path
    center: content.HelpCenter
    report: content.Report
    site_name: str = "Help center"
    site: Site | None = None  # the (market, language) pairs

    def titles(self) -> dict[str, str]:
        """Page titles by the URL paths votes are recorded under."""
        titles = {}
        for article in self.center.articles:
            titles["/" + page_url(article.src)] = article.title
        for category in self.center.categories:
            titles["/" + page_url(category.index_src)] = category.title
            for entry in category.faqs:
                titles["/" + page_url(category.index_src) + "#" + entry.slug] = entry.question
        return titles

    def overdue(self) -> list[dict]:
        today = content.current_date()
        return [
            {"title": a.title, "path": a.src, "review_by": a.review_by.isoformat(), "owner": a.owner}
            for a in sorted(self.center.articles, key=lambda a: a.review_by or today)
            if a.review_by and a.review_by < today
        ]


def _check_messages(config_file: Path, report: content.Report, languages) -> None:
    """A message of kbgen's interface one of the help center's languages has no translation for."""
    from .config import option_line
    from .i18n.check import check_language

    for language in languages:
        key = "theme.language" if len(languages) == 1 else "plugins.kbgen.languages"
        declared_at = (str(config_file), option_line(str(config_file), key))
        for problem in check_language(language, config_file.parent, declared_at):
            report.warning(problem.path, problem.line, problem.message)


def load_project(config_file: Path) -> Project:
    try:
        config = load_config(str(config_file))
    except MkDocsException as exc:
        raise ProjectError(f"{config_file}: {exc}") from None
    plugin = config.plugins.get("kbgen")
    embed_hosts = plugin.config.embed_hosts if plugin is not None else ()
    known = theme.known_icon([*config.theme.dirs, str(theme_dir())])
    site = None
    if plugin is not None:
        try:
            site = site_of(plugin.config, config.theme.get("language"))
        except MarketError as exc:
            raise ProjectError(f"{config_file}: {exc}") from None
    if site is not None and site.several:
        center, report = _load_pairs(site, Path(config.docs_dir), embed_hosts, known)
    else:
        language = site.default_language if site is not None else "en"
        center, report = content.load(
            config.docs_dir, today=content.current_date(), embed_hosts=embed_hosts, language=language
        )
        content.check_icons(center, known, report, theme.ICON_HINT)
    languages = site.languages if site is not None else (theme.language(config.theme) or "en",)
    _check_messages(Path(config_file), report, languages)
    return Project(
        Path(config_file), Path(config.docs_dir), Path(config.site_dir), center, report, config.site_name, site
    )


def _load_pairs(site: Site, docs_dir: Path, embed_hosts, known) -> tuple[content.HelpCenter, content.Report]:
    """Every pair checked (each for its market and language; outdated translations are
    warnings): the root pair's content, and one report naming the real files."""
    with tempfile.TemporaryDirectory(prefix="kbgen-check-") as folder:
        views = pairs.materialize(site, docs_dir, Path(folder))
        loaded = pairs.load(
            site,
            views,
            today=content.current_date(),
            embed_hosts=embed_hosts,
            check_icons=lambda center, report: content.check_icons(center, known, report, theme.ICON_HINT),
        )
        report = content.Report(base=Path.cwd(), items=pairs.all_diagnostics(loaded))
        report.unloaded = {d.path for item in loaded for d in item.diagnostics() if d.path in item.report.unloaded}
    center = loaded[0].center
    center.docs_dir = docs_dir  # the view is gone; the root pair's sources are the real ones
    return center, report

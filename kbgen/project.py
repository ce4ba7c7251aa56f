"""A help-center project: its MkDocs config, content folder and validated content."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from . import content
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


def _check_messages(config, config_file: Path, report: content.Report) -> None:
    """A message of kbgen's interface the help center's language has no translation for."""
    from .i18n.check import check_language
    from .plugin import _config_line

    language = theme.language(config.theme) or "en"
    declared_at = (str(config_file), _config_line(str(config_file), "theme.language"))
    for problem in check_language(language, config_file.parent, declared_at):
        report.warning(problem.path, problem.line, problem.message)


def load_project(config_file: Path) -> Project:
    try:
        config = load_config(str(config_file))
    except MkDocsException as exc:
        raise ProjectError(f"{config_file}: {exc}") from None
    plugin = config.plugins.get("kbgen")
    embed_hosts = plugin.config.embed_hosts if plugin is not None else ()
    center, report = content.load(config.docs_dir, today=content.current_date(), embed_hosts=embed_hosts)
    known = theme.known_icon([*config.theme.dirs, str(theme_dir())])
    content.check_icons(center, known, report, theme.ICON_HINT)
    _check_messages(config, Path(config_file), report)
    return Project(Path(config_file), Path(config.docs_dir), Path(config.site_dir), center, report, config.site_name)

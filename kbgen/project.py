"""A help-center project: its MkDocs config, content folder and validated content."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from . import content
from .resources import theme_dir


class ProjectError(MkDocsException):
    """The configuration itself is unusable."""


@dataclass
class Project:
    config_file: Path
    docs_dir: Path
    site_dir: Path
    center: content.HelpCenter
    report: content.Report


def load_project(config_file: Path) -> Project:
    try:
        config = load_config(str(config_file))
    except MkDocsException as exc:
        raise ProjectError(f"{config_file}: {exc}") from None
    center, report = content.load(config.docs_dir, today=content.current_date())
    content.check_icons(center, [*config.theme.dirs, str(theme_dir())], report)
    return Project(Path(config_file), Path(config.docs_dir), Path(config.site_dir), center, report)

"""``kbgen new``: copy a small help-center project that shows every feature working.

In English, or in German (``kbgen new --language de``).

Facts with a scheduled change, a glossary, a notice, a guided flow, contact channels, and a
GitHub Actions workflow (checks on pull requests; build and publish on main and daily, to
GitHub Pages or to replicas running ``kbgen serve``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "project"
# A help center in another language: its own mkdocs.yml and content/ (the workflow and
# .gitignore are the English template's).
LANGUAGES = {"en": TEMPLATE, "de": Path(__file__).resolve().parent / "project-de"}
# Dotfiles are stored without their dot so packaging tools keep them.
RENAMES = {"gitignore": ".gitignore", "github": ".github"}


def create(directory: Path, language: str = "en") -> Path:
    """Copy the template project (in ``language``) into ``directory`` (new or empty)."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise FileExistsError(f"{directory}: folder exists and is not empty; choose a new folder")
    template = LANGUAGES[language]
    own = shutil.ignore_patterns("__pycache__", *(["content", "mkdocs.yml"] if template != TEMPLATE else []))
    shutil.copytree(TEMPLATE, directory, dirs_exist_ok=True, ignore=own)
    if template != TEMPLATE:
        shutil.copytree(template, directory, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    for old, new in RENAMES.items():
        if (directory / old).exists():
            (directory / old).rename(directory / new)
    return directory.resolve()

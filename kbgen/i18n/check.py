"""``kbgen check``: a message of kbgen's template with no translation in a declared language.

A missing message is not a broken page (the English text shows instead), so it is a
warning, an error with ``--strict``; a language with no catalog at all is one warning.
The template is the shipped ``kbgen.pot``; the catalog is the project's own when it has
one (``locales/<lang>/LC_MESSAGES/kbgen.po``), else kbgen's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .catalog import TEMPLATE, CatalogError, catalog_path, parse_locale, read_catalog

_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str


def placeholders(text: str) -> set[str]:
    """The named placeholders of a message: ``%(name)s`` (Python, templates) and ``{name}`` (scripts)."""
    return {a or b for a, b in _PLACEHOLDER.findall(text)}


def _key(msgid) -> str:
    return msgid[0] if isinstance(msgid, tuple) else msgid


def check_catalog(po: Path, template: Path = TEMPLATE, language: str = "") -> list[Problem]:
    """Messages of ``template`` that ``po`` leaves untranslated, and translations whose
    placeholders differ from their message's; each at the .po's line (or, for a message the
    .po lacks entirely, where the sources use it)."""
    try:
        catalog = read_catalog(po)
        wanted = read_catalog(template)
    except CatalogError as exc:
        return [Problem(str(po), 1, str(exc))]
    language = language or po.parent.parent.name
    problems = []
    for message in wanted:
        if not message.id:
            continue
        key = _key(message.id)
        found = catalog.get(message.id)
        shown = key if len(key) <= 60 else key[:57] + "..."
        if found is None or found.fuzzy or not _translated(found.string):
            where = (str(po), found.lineno) if found is not None else _used_at(message, po)
            problems.append(Problem(*where, f"message '{shown}' has no {language} translation"))
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = found.string if isinstance(found.string, tuple) else (found.string,)
        expected = set().union(*(placeholders(i) for i in ids))
        for text in strings:
            if placeholders(text) != expected:
                problems.append(
                    Problem(
                        str(po),
                        found.lineno,
                        f"translation of '{shown}' has placeholders {sorted(placeholders(text))}, "
                        f"the message {sorted(expected)}",
                    )
                )
                break
    return problems


def check_language(
    language: str, project_dir: Path | str | None = None, declared_at: tuple[str, int] = ("mkdocs.yml", 1)
) -> list[Problem]:
    """Problems of the catalog a build in ``language`` would use; ``declared_at``: where the
    config names the language, for problems of the language itself."""
    try:
        parse_locale(language)
    except CatalogError as exc:
        return [Problem(*declared_at, f"theme.language: {exc}")]
    po = catalog_path(language, project_dir)
    if po is None:
        return [
            Problem(
                *declared_at,
                f"no message catalog for language '{language}': kbgen's interface shows in English; "
                f"add locales/{language}/LC_MESSAGES/kbgen.po (copy kbgen's de catalog and translate it)",
            )
        ]
    return check_catalog(po, language=language)


def _translated(string) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


def _used_at(message, po: Path) -> tuple[str, int]:
    if message.locations:
        filename, line = message.locations[0]
        return filename, line or 1
    return str(po), 1

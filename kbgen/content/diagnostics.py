"""Problems found in content, reported as ``path:line: message``.

Every loader and checker appends to one :class:`Report` instead of raising, so a
writer sees every mistake in one run.
"""

from __future__ import annotations

import difflib
import json
import posixpath
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import unquote

ERROR = "error"
WARNING = "warning"
OVERDUE = "review_by"
_BROKEN_LINK = re.compile(r"broken link: '([^']+)'")  # the field of the overdue-review warning (see is_overdue)


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int
    message: str
    severity: str = ERROR
    field: str | None = None

    def format(self) -> str:
        prefix = "" if self.severity == ERROR else f"{self.severity}: "
        return f"{self.path}:{self.line}: {prefix}{self.message}"


@dataclass
class Report:
    """Collects diagnostics; paths are shown relative to ``root``'s parent dir."""

    base: Path | None = None
    items: list[Diagnostic] = field(default_factory=list)
    unloaded: set[str] = field(default_factory=set)  # files that failed to load (as shown)

    def rel(self, path: Path | str) -> str:
        """``path`` as diagnostics name it: relative to ``base`` where it lies inside."""
        path = Path(path)
        if self.base is not None:
            try:
                # the parent resolved, not the file: a symlink is named as itself, not its target
                return (path.parent.resolve() / path.name).relative_to(self.base.resolve()).as_posix()
            except ValueError:
                pass
        return path.as_posix()

    def error(self, path, line: int, message: str, field: str | None = None) -> None:
        self.items.append(Diagnostic(self.rel(path), max(line, 1), message, ERROR, field))

    def warning(self, path, line: int, message: str, field: str | None = None) -> None:
        self.items.append(Diagnostic(self.rel(path), max(line, 1), message, WARNING, field))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == WARNING]

    def failed(self, strict: bool = False, fail_on_overdue: bool = False) -> bool:
        return any(d.severity == ERROR for d in promote(self.items, strict, fail_on_overdue))

    def load_failed(self, path, line: int, message: str) -> None:
        """A file that could not be loaded at all: shown first, its consequences not at all."""
        self.error(path, line, message)
        self.unloaded.add(self.rel(path))

    def drop_follow_ons(self) -> None:
        """Drop broken links to a file that exists but failed to load: its own error says why.

        One YAML mistake in a much-linked page otherwise buries its cause under "broken
        link" errors in other writers' files. A failed ``_category.yml`` covers its folder.
        """
        if self.unloaded:
            self.items = [d for d in self.items if not self._follows_failed_load(d)]

    def _follows_failed_load(self, d: Diagnostic) -> bool:
        match = _BROKEN_LINK.match(d.message)
        if match is None or d.severity != ERROR:
            return False
        target = unquote(match.group(1).partition("#")[0].partition("?")[0])
        dest = posixpath.normpath(posixpath.join(posixpath.dirname(d.path), target))
        parts = dest.split("/")
        candidates = {dest, *("/".join([*parts[:i], "_category.yml"]) for i in range(1, len(parts) + 1))}
        return not candidates.isdisjoint(self.unloaded)

    def sorted(self) -> list[Diagnostic]:
        """Files that failed to load first (the cause of what follows), then by path and line."""
        return sorted(set(self.items), key=lambda d: (d.path not in self.unloaded, d))


def is_overdue(diagnostic: Diagnostic) -> bool:
    """A review date that has passed: the calendar, not the content, so it never blocks publishing."""
    return diagnostic.severity == WARNING and diagnostic.field == OVERDUE


def promote(diagnostics, strict: bool = False, fail_on_overdue: bool = False) -> list[Diagnostic]:
    """Warnings as errors under ``strict`` (overdue reviews stay warnings unless ``fail_on_overdue``)."""
    out = []
    for d in diagnostics:
        if d.severity == WARNING and (fail_on_overdue if is_overdue(d) else strict):
            d = Diagnostic(d.path, d.line, d.message, ERROR, d.field)
        out.append(d)
    return out


def did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.7)
    return f" (did you mean '{close[0]}'?)" if close else ""


def format_text(diagnostics: list[Diagnostic]) -> str:
    return "\n".join(d.format() for d in diagnostics)


def format_json(diagnostics: list[Diagnostic]) -> str:
    return json.dumps([asdict(d) for d in diagnostics], indent=2)


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(diagnostics: list[Diagnostic]) -> str:
    """GitHub Actions workflow commands: each problem annotates its file and line."""
    lines = []
    for d in diagnostics:
        kind = "error" if d.severity == ERROR else "warning"
        lines.append(f"::{kind} file={_gh_escape(d.path, True)},line={d.line},title=kbgen::{_gh_escape(d.message)}")
    return "\n".join(lines)


FORMATTERS = {"text": format_text, "json": format_json, "github": format_github}

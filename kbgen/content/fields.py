"""The keys of every content file, declared once, the way MkDocs declares config options.

Each file kind (front matter, ``_category.yml``, a channel of ``contact.yml``, a flow, a
notice, a glossary entry, a fact) is a dict of key -> :class:`Field`: the value's type,
whether it is required, its default and the values allowed. :func:`check` turns a raw
YAML mapping into clean values and a list of :class:`Problem` (unknown keys with a
did-you-mean, bad values, missing keys); it never reports, so each file kind says where
its problems go (line, wording of the prefix). Rules that tie several keys together
(a phone channel needs a phone number) stay small functions next to each file's loader.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from . import slugs
from .diagnostics import did_you_mean

UNKNOWN, INVALID, MISSING = "unknown", "invalid", "missing"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Invalid(ValueError):
    """A value a field refuses; the message says what is wrong and how to write it."""


def parse_date(value: object) -> dt.date | None:
    """``YYYY-MM-DD`` (text, YAML leaves dates as text) or a date; None otherwise."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _fill(message: str, value: object) -> str:
    """``{value}`` and ``{value!r}`` in a field's message; other braces are text ({date, name})."""
    return message.replace("{value!r}", repr(value)).replace("{value}", str(value))


@dataclass(frozen=True, kw_only=True)
class Field:
    """Any value, kept as written. Subclasses convert and check it.

    ``default``: the value of an absent key (a callable such as ``list`` makes a fresh one).
    ``message``: a file's own wording for a bad value (``{value}`` or ``{value!r}`` is filled in); it is
    also the message for a missing required key. ``null``: a YAML null means "not set";
    ``blank``: so does any empty value (null, ``""``, ``0``, ``false``).
    """

    required: bool = False
    default: object = None
    help: str = ""
    message: str = ""
    null: bool = False
    blank: bool = False

    def clean(self, value: object) -> object:
        if (value is None and self.null) or (not value and self.blank):
            return self.default_value()
        try:
            return self.convert(value)
        except Invalid:
            if self.message:
                raise Invalid(_fill(self.message, value)) from None
            raise

    def convert(self, value: object) -> object:
        return value

    def default_value(self) -> object:
        return self.default() if callable(self.default) else self.default

    def missing(self, name: str) -> str:
        if self.message:
            return _fill(self.message, None)
        return f"missing required '{name}'" + (f" ({self.help})" if self.help else "")


@dataclass(frozen=True, kw_only=True)
class Str(Field):
    """Optional text taken as written (anything falsy is empty); never refused."""

    default: object = ""
    strip: bool = False

    def convert(self, value: object) -> str:
        text = str(value or "")
        return text.strip() if self.strip else text


@dataclass(frozen=True, kw_only=True)
class Text(Field):
    """Non-empty text; numbers are taken as text unless ``numbers`` is false."""

    numbers: bool = True

    def convert(self, value: object) -> str:
        if self.numbers and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            raise Invalid("must be non-empty text")
        return value.strip()


@dataclass(frozen=True, kw_only=True)
class Date(Field):
    def convert(self, value: object) -> dt.date:
        date = parse_date(value)
        if date is None:
            raise Invalid(f"'{value}' is not a valid date; use YYYY-MM-DD, e.g. 2026-03-01")
        return date


@dataclass(frozen=True, kw_only=True)
class Bool(Field):
    def convert(self, value: object) -> bool:
        if not isinstance(value, bool):
            raise Invalid(f"'{value}' must be true or false")
        return value


@dataclass(frozen=True, kw_only=True)
class Int(Field):
    """A whole number (not a boolean), at least ``minimum`` when given."""

    minimum: int | None = None

    def convert(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(f"'{value}' must be a whole number")
        if self.minimum is not None and value < self.minimum:
            raise Invalid(f"'{value}' must be at least {self.minimum}")
        return value


@dataclass(frozen=True, kw_only=True)
class Choice(Field):
    """One of ``choices``; ``what`` names it in the message, ``suggest`` adds a did-you-mean."""

    choices: tuple = ()
    what: str = "value"
    suggest: bool = True

    def convert(self, value: object) -> object:
        if value not in self.choices:
            hint = did_you_mean(str(value), self.choices) if self.suggest else ""
            raise Invalid(f"unknown {self.what} '{value}'; use one of {', '.join(self.choices)}{hint}")
        return value

    def missing(self, name: str) -> str:
        if self.message:
            return _fill(self.message, None)
        try:
            self.convert(None)
        except Invalid as exc:
            return str(exc)
        return super().missing(name)


@dataclass(frozen=True, kw_only=True)
class Id(Field):
    """A hyphen slug (channel, flow step and result ids), see :mod:`.slugs`."""

    def convert(self, value: object) -> str:
        if not slugs.is_id(value):
            raise Invalid(f"'id' must be a short lowercase name (got {value!r})")
        return value


@dataclass(frozen=True, kw_only=True)
class Tags(Field):
    """A list of words, or one comma-separated line."""

    default: object = ()

    def convert(self, value: object) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [t.strip() for t in value.split(",")]
        if not isinstance(value, list) or not all(isinstance(t, (str, int)) and str(t).strip() for t in value):
            raise Invalid("must be a list of words, e.g. [returns, refund]")
        return tuple(str(t).strip() for t in value)


@dataclass(frozen=True, kw_only=True)
class Changes(Field):
    """A change history: ``{date, summary}`` items, returned newest first."""

    default: object = list

    def convert(self, value: object) -> list[tuple[dt.date, str]]:
        if not isinstance(value, list):
            raise Invalid("must be a list of {date: YYYY-MM-DD, summary: what changed}")
        changes = []
        for item in value:
            date = parse_date(item.get("date")) if isinstance(item, dict) else None
            summary = item.get("summary") if isinstance(item, dict) else None
            if date is None or not isinstance(summary, str) or not summary.strip():
                raise Invalid(f"each change needs a date (YYYY-MM-DD) and a one-line summary; got {item!r}")
            changes.append((date, summary.strip()))
        return sorted(changes, reverse=True)


@dataclass(frozen=True, kw_only=True)
class List(Field):
    """A list. ``single``: a lone text or number counts as a list of one; ``split``: one
    line of text is split at commas."""

    single: bool = False
    split: bool = False

    def convert(self, value: object) -> list:
        if self.split and isinstance(value, str):
            return [item.strip() for item in value.split(",")]
        if self.single and isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return [value]
        if not isinstance(value, list):
            raise Invalid("must be a list")
        return value


@dataclass(frozen=True, kw_only=True)
class Mapping(Field):
    default: object = dict

    def convert(self, value: object) -> dict:
        if not isinstance(value, dict):
            raise Invalid("must be a mapping of 'key: value' lines")
        return value


@dataclass(frozen=True)
class Problem:
    key: str
    message: str
    kind: str  # UNKNOWN, INVALID or MISSING


@dataclass
class Checked:
    """The clean values of the keys written, and what was wrong with the rest."""

    fields: dict[str, Field]
    values: dict = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def get(self, name: str) -> object:
        """The clean value, or the field's default when the key is absent or refused."""
        if name in self.values:
            return self.values[name]
        return self.fields[name].default_value()


def check(raw: dict, declared: dict[str, Field], what: str) -> Checked:
    """Check ``raw`` against ``declared``; ``what`` names the mapping in messages ("a channel")."""
    checked = Checked(declared)
    for key, value in raw.items():
        key = str(key)
        spec = declared.get(key)
        if spec is None:
            message = f"unknown key '{key}' in {what}{did_you_mean(key, declared)}"
            checked.problems.append(Problem(key, message, UNKNOWN))
            continue
        try:
            checked.values[key] = spec.clean(value)
        except Invalid as exc:
            checked.problems.append(Problem(key, str(exc), INVALID))
    for name, spec in declared.items():
        if spec.required and name not in raw:
            checked.problems.append(Problem(name, spec.missing(name), MISSING))
    return checked

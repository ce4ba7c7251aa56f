"""The fields writers may use, declared once, and their validation.

Each kind of file (article, FAQ entry, category) has one schema. Validation
turns raw YAML into clean values and reports every problem with its line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..constants import AUDIENCES
from .diagnostics import Report, did_you_mean
from .yamlfile import Document

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # a key of _CHECKERS: str | text | date | bool | int | audience | tags | changes | list
    required: bool = False
    help: str = ""


def _fields(*fields: Field) -> dict[str, Field]:
    return {f.name: f for f in fields}


# Material's own page keys that writers may still set.
_MATERIAL = (Field("template", "str"), Field("hide", "list"))

ARTICLE = _fields(
    Field("title", "str", required=True, help="the page title"),
    Field("summary", "str", help="one sentence for listings, search and the meta description"),
    Field("tags", "tags"),
    Field("audience", "audience"),
    Field("updated", "date"),
    Field("effective", "date"),
    Field("review_by", "date"),
    Field("owner", "str"),
    Field("promoted", "bool"),
    Field("contact", "bool", help="false hides 'Still need help?' on this page"),
    Field("changes", "changes", help="the change history: a list of {date, summary}"),
    Field("glossary", "bool", help="false turns off glossary explanations on this page"),
    *_MATERIAL,
)

FAQ = _fields(
    Field("question", "str", required=True, help="the question, as shoppers ask it"),
    Field("tags", "tags"),
    Field("audience", "audience"),
    Field("updated", "date"),
    Field("promoted", "bool"),
    Field("contact", "bool", help="false hides the contact link under this answer"),
    Field("glossary", "bool", help="false turns off glossary explanations in this answer"),
)

CATEGORY = _fields(
    Field("title", "str", required=True),
    Field("description", "str"),
    Field("icon", "str"),
    Field("order", "int"),
)

# A home page or category intro written by hand (index.md) takes these.
INDEX = _fields(
    Field("title", "str"),
    Field("summary", "str"),
    *_MATERIAL,
)


def parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def validate(doc: Document, schema: dict[str, Field], path, report: Report, what: str) -> dict:
    """Return the valid fields of ``doc``; report the rest against ``path``."""
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        report.error(path, doc.line(), f"{what} must be a mapping of 'key: value' lines")
        return {}
    clean: dict = {}
    for key, value in data.items():
        key = str(key)
        line = doc.line(key)
        field = schema.get(key)
        if field is None:
            report.error(path, line, f"unknown key '{key}' in {what}{did_you_mean(key, schema)}", key)
            continue
        ok, result = _check(field, value)
        if ok:
            clean[key] = result
        else:
            report.error(path, line, f"'{key}': {result}", key)
    for field in schema.values():
        if field.required and field.name not in data:
            hint = f" ({field.help})" if field.help else ""
            report.error(path, doc.line(), f"missing required '{field.name}'{hint}", field.name)
    return clean


def _check(field: Field, value: object) -> tuple[bool, object]:
    """(True, the clean value) or (False, what is wrong), by the field's kind."""
    checker = _CHECKERS.get(field.kind)
    if checker is None:
        raise AssertionError(f"unknown field kind {field.kind}")
    return checker(value)


def _text(value: object) -> tuple[bool, object]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        return False, "must be non-empty text"
    return True, value.strip()


def _date(value: object) -> tuple[bool, object]:
    date = parse_date(value)
    if date is None:
        return False, f"'{value}' is not a valid date; use YYYY-MM-DD, e.g. 2026-03-01"
    return True, date


def _bool(value: object) -> tuple[bool, object]:
    if not isinstance(value, bool):
        return False, f"'{value}' must be true or false"
    return True, value


def _int(value: object) -> tuple[bool, object]:
    if isinstance(value, bool) or not isinstance(value, int):
        return False, f"'{value}' must be a whole number"
    return True, value


def _audience(value: object) -> tuple[bool, object]:
    if value not in AUDIENCES:
        hint = did_you_mean(str(value), AUDIENCES)
        return False, f"unknown audience '{value}'; use one of {', '.join(AUDIENCES)}{hint}"
    return True, value


def _tags(value: object) -> tuple[bool, object]:
    if isinstance(value, str):
        value = [t.strip() for t in value.split(",")]
    if not isinstance(value, list) or not all(isinstance(t, (str, int)) and str(t).strip() for t in value):
        return False, "must be a list of words, e.g. [returns, refund]"
    return True, tuple(str(t).strip() for t in value)


def _changes(value: object) -> tuple[bool, object]:
    if not isinstance(value, list):
        return False, "must be a list of {date: YYYY-MM-DD, summary: what changed}"
    changes = []
    for item in value:
        date = parse_date(item.get("date")) if isinstance(item, dict) else None
        summary = item.get("summary") if isinstance(item, dict) else None
        if date is None or not isinstance(summary, str) or not summary.strip():
            return False, f"each change needs a date (YYYY-MM-DD) and a one-line summary; got {item!r}"
        changes.append((date, summary.strip()))
    return True, sorted(changes, reverse=True)


def _list(value: object) -> tuple[bool, object]:
    if not isinstance(value, list):
        return False, "must be a list"
    return True, value


_CHECKERS = {
    "str": _text,
    "text": _text,
    "date": _date,
    "bool": _bool,
    "int": _int,
    "audience": _audience,
    "tags": _tags,
    "changes": _changes,
    "list": _list,
}

"""Search parameters from the HTTP API or the CLI, validated in one place.

Every limit lives here, so the API, the CLI and the suggest endpoint enforce
the same rules and give the same errors.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..constants import AUDIENCES
from ..constants import DOCUMENT_TYPES as TYPES

MAX_QUERY_CHARS = 200
MAX_LIMIT = 50
MAX_PAGE = 100
MAX_SUGGESTIONS = 10


class RequestError(ValueError):
    """A bad parameter; the message says which and why."""


@dataclass(frozen=True)
class SearchRequest:
    q: str
    limit: int = 10
    page: int = 1
    category: str | None = None
    type: str | None = None
    audience: str | None = None

    @classmethod
    def from_params(cls, params: dict[str, str]) -> SearchRequest:
        unknown = set(params) - {"q", "limit", "page", "category", "type", "audience"}
        if unknown:
            raise RequestError(f"unknown parameter '{sorted(unknown)[0]}'")
        q = _query(params)
        limit = _int(params, "limit", 10, 1, MAX_LIMIT)
        page = _int(params, "page", 1, 1, MAX_PAGE)
        type_ = params.get("type") or None
        if type_ is not None and type_ not in TYPES:
            raise RequestError(f"'type' must be one of {', '.join(TYPES)}")
        audience = params.get("audience") or None
        if audience is not None and audience not in AUDIENCES:
            raise RequestError(f"'audience' must be one of {', '.join(AUDIENCES)}")
        category = params.get("category") or None
        if category is not None and (len(category) > 100 or not category.replace("-", "").replace("_", "").isalnum()):
            raise RequestError("'category' must be a category's folder name")
        return cls(q.strip(), limit, page, category, type_, audience)


@dataclass(frozen=True)
class SuggestRequest:
    q: str
    limit: int = 8

    @classmethod
    def from_params(cls, params: dict[str, str]) -> SuggestRequest:
        unknown = set(params) - {"q", "limit"}
        if unknown:
            raise RequestError(f"unknown parameter '{sorted(unknown)[0]}'")
        return cls(_query(params).strip(), _int(params, "limit", 8, 1, MAX_SUGGESTIONS))


def _query(params: dict[str, str]) -> str:
    q = params.get("q")
    if q is None:
        raise RequestError("missing parameter 'q'")
    if len(q) > MAX_QUERY_CHARS:
        raise RequestError(f"'q' is longer than {MAX_QUERY_CHARS} characters")
    if "\x00" in q:
        raise RequestError("'q' contains a NUL character")
    return q


def _int(params: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise RequestError(f"'{name}' must be a whole number") from None
    if not low <= value <= high:
        raise RequestError(f"'{name}' must be between {low} and {high}")
    return value

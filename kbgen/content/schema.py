"""The front matter writers may use, and ``_category.yml``, declared with :mod:`.fields`.

Each kind of file (article, FAQ entry, category, a hand-written index page) has one
declaration. :func:`validate` turns raw YAML into clean values and reports every problem
with its line.
"""

from __future__ import annotations

from ..constants import AUDIENCES
from . import fields as f
from .diagnostics import Report
from .yamlfile import Document

__all__ = ["ARTICLE", "CATEGORY", "FAQ", "INDEX", "validate", "value"]

AUDIENCE = f.Choice(choices=AUDIENCES, what="audience", default="everyone")

# Material's own page keys that writers may still set.
_MATERIAL = {"template": f.Text(), "hide": f.List()}
# A translation (page.de.md) records the version of its source it translates.
_TRANSLATES = {"translates": f.Field(default="", help="the source's version (kbgen check shows it)")}

ARTICLE = {
    "title": f.Text(required=True, default="", help="the page title"),
    "summary": f.Text(default="", help="one sentence for listings, search and the meta description"),
    "tags": f.Tags(),
    "audience": AUDIENCE,
    "updated": f.Date(),
    "effective": f.Date(),
    "review_by": f.Date(),
    "owner": f.Text(default=""),
    "promoted": f.Bool(default=False),
    "contact": f.Bool(default=True, help="false hides 'Still need help?' on this page"),
    "changes": f.Changes(help="the change history: a list of {date, summary}"),
    "glossary": f.Bool(default=True, help="false turns off glossary explanations on this page"),
    **_TRANSLATES,
    **_MATERIAL,
}

FAQ = {
    "question": f.Text(required=True, help="the question, as shoppers ask it"),
    "tags": f.Tags(),
    "audience": AUDIENCE,
    "updated": f.Date(),
    "promoted": f.Bool(default=False),
    "contact": f.Bool(default=True, help="false hides the contact link under this answer"),
    "glossary": f.Bool(default=True, help="false turns off glossary explanations in this answer"),
    **_TRANSLATES,
}

CATEGORY = {
    "title": f.Text(required=True),
    "description": f.Text(default=""),
    "icon": f.Text(default=""),
    "order": f.Int(default=1000),
    **_TRANSLATES,
}

# A home page or category intro written by hand (index.md) takes these.
INDEX = {
    "title": f.Text(default=""),
    "summary": f.Text(default=""),
    **_TRANSLATES,
    **_MATERIAL,
}


def validate(doc: Document, declared: dict[str, f.Field], path, report: Report, what: str) -> dict:
    """Return the valid fields of ``doc``; report the rest against ``path``."""
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        report.error(path, doc.line(), f"{what} must be a mapping of 'key: value' lines")
        return {}
    checked = f.check(data, declared, what)
    for problem in checked.problems:
        if problem.kind == f.MISSING:
            report.error(path, doc.line(), problem.message, problem.key)
        elif problem.kind == f.UNKNOWN:
            report.error(path, doc.line(problem.key), problem.message, problem.key)
        else:
            report.error(path, doc.line(problem.key), f"'{problem.key}': {problem.message}", problem.key)
    return checked.values


def value(meta: dict, declared: dict[str, f.Field], name: str) -> object:
    """The clean value of ``name`` in ``meta`` (from :func:`validate`), or its declared default."""
    return meta[name] if name in meta else declared[name].default_value()

"""A data file key of the wrong shape (a number where a list belongs, a list where a
mapping belongs) is a path:line error, never a traceback."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import write_tree

from kbgen.content import load

CHAT = "{id: a, type: chat, label: A, url: 'https://x.example'"
NOTICE = "---\ntitle: T\nseverity: info\nstart: 2026-11-20\n{}\n---\nBody.\n"
FLOW = "title: T\nstart: r\n{}\nresults: [{{id: r, title: R}}]\n"


@pytest.mark.parametrize(
    ("rel", "text", "expected"),
    [
        (
            "contact.yml",
            f"channels: [{CHAT}, closed: 5}}]\n",
            "contact.yml:1: 'closed' must be a list of dates (YYYY-MM-DD)",
        ),
        ("notices/x.md", NOTICE.format("categories: [{a: b}]"), "notices/x.md:5: unknown category '{'a': 'b'}'"),
        ("notices/x.md", NOTICE.format("updates: 5"), "notices/x.md:5: 'updates' must be a list of {time, text}"),
        ("flows/x.yml", FLOW.format("steps: 5"), "flows/x.yml:3: 'steps' must be a list of steps"),
        (
            "flows/x.yml",
            FLOW.format("steps: [{id: s, question: Q, answers: 5}]"),
            "flows/x.yml:3: 'answers' must be a list of {label, next}",
        ),
        (
            "flows/x.yml",
            "title: T\nstart: r\nresults: [{id: r, title: R, links: 5}]\n",
            "flows/x.yml:3: 'links' must be a list of links (relative to the flow file, or {label: link})",
        ),
        (
            "glossary.yml",
            "- {term: A, definition: B, synonyms: 5}\n",
            "glossary.yml:1: 'synonyms' must be a list of words, or one comma-separated line",
        ),
        (
            "facts.yml",
            "facts: [1, 2]\n",
            "facts.yml:1: 'facts' must be a mapping of name: value, or name: {value, unit, ...}",
        ),
        (
            "facts.yml",
            "facts: {a: {value: 1, changes: 5}}\n",
            "facts.yml:1: 'changes' must be a list of {from: YYYY-MM-DD, value}",
        ),
        (
            "facts.yml",
            "facts: {a: 1}\nstructured_data: {organization: x, url: y, return_policy: [1]}\n",
            "facts.yml:2: 'return_policy' must be a mapping of 'key: value' lines",
        ),
    ],
)
def test_wrong_shape_is_reported(tmp_path, rel, text, expected):
    docs = write_tree(tmp_path, {"returns/_category.yml": "title: Returns\n", rel: text})
    _center, report = load(docs, base=docs, today=dt.date(2026, 11, 23))
    assert expected in [d.format() for d in report.errors]


def test_a_lone_keyword_or_category_is_a_list_of_one(tmp_path):
    docs = write_tree(
        tmp_path,
        {
            "returns/_category.yml": "title: Returns\n",
            "facts.yml": "facts: {a: {value: 5, unit: days, keywords: 7}}\n",
            "notices/x.md": NOTICE.format("categories: returns"),
        },
    )
    center, report = load(docs, base=docs, today=dt.date(2026, 11, 23))
    assert center.facts.get("a").keywords == ("7",)
    assert center.notices[0].categories == ("returns",)
    assert not [d for d in report.errors if "facts.yml:1" in d.format() and "keywords" in d.message]

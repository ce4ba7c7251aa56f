"""kbgen.content.fields: the declared keys of content files, checked without any file."""

from __future__ import annotations

import datetime as dt

import pytest

from kbgen.content import fields as f
from kbgen.content import schema

DECLARED = {
    "title": f.Text(required=True, help="the page title"),
    "audience": f.Choice(choices=("buyers", "sellers", "everyone"), what="audience", default="everyone"),
    "kind": f.Choice(choices=("notice", "recall"), what="type", suggest=False, default="notice"),
    "order": f.Int(default=1000),
    "step": f.Int(minimum=1, null=True, message="'step' must be a whole number from 1"),
    "updated": f.Date(),
    "promoted": f.Bool(default=False),
    "tags": f.Tags(),
    "changes": f.Changes(),
    "note": f.Str(),
    "label": f.Text(required=True, message="every channel needs a 'label', got {value!r}"),
}


def problems(raw: dict) -> list[tuple[str, str, str]]:
    return [(p.key, p.kind, p.message) for p in f.check(raw, DECLARED, "a thing").problems]


def test_clean_values_and_defaults():
    checked = f.check(
        {"title": 42, "label": " Chat ", "updated": "2026-03-01", "tags": "a, b", "step": None}, DECLARED, "a thing"
    )
    assert checked.problems == []
    assert checked.values == {
        "title": "42",  # numbers are taken as text
        "label": "Chat",
        "updated": dt.date(2026, 3, 1),
        "tags": ("a", "b"),
        "step": None,  # null: not set
    }
    assert [checked.get(k) for k in ("audience", "kind", "order", "promoted", "note", "tags")] == [
        "everyone",
        "notice",
        1000,
        False,
        "",
        ("a", "b"),
    ]
    first, second = f.check({}, DECLARED, "x").get("changes"), f.check({}, DECLARED, "x").get("changes")
    assert first == [] and first is not second  # a fresh default each time


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"order": "first"}, ("order", "invalid", "'first' must be a whole number")),
        ({"order": True}, ("order", "invalid", "'True' must be a whole number")),
        ({"step": 0}, ("step", "invalid", "'step' must be a whole number from 1")),
        (
            {"updated": "2026-13-45"},
            ("updated", "invalid", "'2026-13-45' is not a valid date; use YYYY-MM-DD, e.g. 2026-03-01"),
        ),
        ({"promoted": "yes"}, ("promoted", "invalid", "'yes' must be true or false")),
        ({"tags": [["x"]]}, ("tags", "invalid", "must be a list of words, e.g. [returns, refund]")),
        ({"title": "  "}, ("title", "invalid", "must be non-empty text")),
        ({"note": None}, None),  # optional text: anything falsy is empty
        (
            {"changes": [{"date": "2026-01-01"}]},
            (
                "changes",
                "invalid",
                "each change needs a date (YYYY-MM-DD) and a one-line summary; got {'date': '2026-01-01'}",
            ),
        ),
    ],
)
def test_type_errors(raw, expected):
    found = [p for p in problems({"title": "T", "label": "L", **raw}) if p[1] != "missing"]
    assert found == ([expected] if expected else [])


def test_allowed_values_with_and_without_a_suggestion():
    assert problems({"title": "T", "label": "L", "audience": "buyer", "kind": "recal"}) == [
        (
            "audience",
            "invalid",
            "unknown audience 'buyer'; use one of buyers, sellers, everyone (did you mean 'buyers'?)",
        ),
        ("kind", "invalid", "unknown type 'recal'; use one of notice, recall"),
    ]


def test_required_keys():
    assert problems({}) == [
        ("title", "missing", "missing required 'title' (the page title)"),
        ("label", "missing", "every channel needs a 'label', got None"),  # the file's own wording
    ]
    choice = f.Choice(choices=("a", "b"), what="channel type", required=True)
    assert f.check({}, {"type": choice}, "x").problems == [
        f.Problem("type", "unknown channel type 'None'; use one of a, b", "missing")
    ]


def test_unknown_keys_get_a_did_you_mean():
    assert problems({"title": "T", "label": "L", "titel": 1, "colour": "red", 3: "x"}) == [
        ("titel", "unknown", "unknown key 'titel' in a thing (did you mean 'title'?)"),
        ("colour", "unknown", "unknown key 'colour' in a thing"),
        ("3", "unknown", "unknown key '3' in a thing"),
    ]


def test_every_front_matter_key_is_declared_with_a_field():
    for declared in (schema.ARTICLE, schema.FAQ, schema.CATEGORY, schema.INDEX):
        assert all(isinstance(spec, f.Field) for spec in declared.values())
    assert [k for k, spec in schema.ARTICLE.items() if spec.required] == ["title"]
    assert [k for k, spec in schema.FAQ.items() if spec.required] == ["question"]


def test_every_content_file_declares_its_keys():
    from kbgen.content import contactfile, facts, flowfile, glossary, notices

    declarations = [
        contactfile.TOP,
        contactfile.CHANNEL,
        flowfile.FLOW,
        flowfile.STEP,
        flowfile.RESULT,
        notices.NOTICE,
        glossary.TERM,
        facts.FILE,
        facts.FACT,
    ]
    for declared in declarations:
        assert declared and all(isinstance(spec, f.Field) for spec in declared.values())


def test_file_declarations_keep_each_file_s_wording():
    from kbgen.content import contactfile, facts, notices

    channel = f.check({"id": "Chat", "type": "chatt", "lable": "x", "escalation": 0}, contactfile.CHANNEL, "a channel")
    assert [(p.key, p.message) for p in channel.problems] == [
        ("id", "channel 'id' must be a short lowercase name like 'chat' (got 'Chat')"),
        (
            "type",
            "unknown channel type 'chatt'; use one of phone, email, chat, messaging, social, form, post"
            " (did you mean 'chat'?)",
        ),
        ("lable", "unknown key 'lable' in a channel (did you mean 'label'?)"),
        ("escalation", "'escalation' must be a whole number from 1 (the first step)"),
        ("label", "every channel needs a 'label' shoppers read, e.g. 'Live chat'"),
    ]
    assert f.check({"escalation": None}, contactfile.CHANNEL, "a channel").get("escalation") is None
    notice = f.check({"type": "recal"}, notices.NOTICE, "a notice")
    assert [p.message for p in notice.problems] == [
        "unknown notice type 'recal'; use notice or recall",
        "unknown severity 'None'; use one of info, warning, incident, resolved",
    ]
    fact = f.check({"value": 3, "unit": "parsecs"}, facts.FACT, "fact 'x'")
    assert fact.problems[0].message.startswith("unknown unit 'parsecs'; use %, a currency (EUR, GBP, USD) or minutes")
    for blank in ("", None, 0, False):
        assert f.check({"value": 3, "unit": blank}, facts.FACT, "fact 'x'").get("unit") == ""

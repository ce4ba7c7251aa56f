"""Errors at the cause: malformed placeholders, YAML that fails to load (first, with a hint,
without the false errors that follow from it)."""

from __future__ import annotations

import pytest
from conftest import CATEGORY_FILES, write_tree

from kbgen.content import load

FACTS = "facts:\n  return_window: {value: 30, unit: days}\n"


def problems(tmp_path, files):
    write_tree(tmp_path, {**CATEGORY_FILES, "content/facts.yml": FACTS, **files})
    _, report = load(tmp_path / "content", base=tmp_path)
    return [d.format() for d in report.sorted()]


def page(body: str) -> dict:
    return {"content/returns/a.md": f"---\ntitle: A\n---\nIntro.\n{body}\n"}


@pytest.mark.parametrize(
    "written, hint",
    [
        ("{{ fact:return_window }", "close it with '}}' on the same line"),
        ("{{fact:return_window}}}", "one '}' too many"),
        ("{{{ fact:return_window }}", "one '{' too many"),
        ("{{ fact: }}", "no name after 'fact:': write {{ fact:name }}"),
        ("{{ Fact:return_window }}", "lowercase kind, a colon, a name"),
        ("{{ return_window }}", "lowercase kind, a colon, a name"),
        ("{{ flow:item-not-received }", "close it with '}}'"),
        ("{{ fact:return window }}", "a name has no spaces or braces"),
    ],
)
def test_malformed_placeholder_is_an_error_at_its_line(tmp_path, written, hint):
    found = problems(tmp_path, page(f"Return it within {written} of delivery."))
    assert len(found) == 1, found
    assert found[0].startswith(f"content/returns/a.md:5: malformed placeholder '{written}': "), found
    assert hint in found[0]


def test_stray_closing_braces_and_code_examples(tmp_path):
    body = "Within { fact:return_window }} of delivery.\n\nWrite `{{ fact:x }` in code; it is fine.\n"
    assert problems(tmp_path, page(body)) == [
        "content/returns/a.md:5: '}}' without '{{': write a placeholder as {{ fact:name }}"
    ]


def test_well_formed_placeholders_pass(tmp_path):
    assert problems(tmp_path, page("Within {{ fact:return_window }} or {{fact:return_window}}.")) == []


def test_malformed_placeholder_in_a_flow_is_an_error(tmp_path):
    flow = (
        "title: Late parcel\nstart: wait\nsteps: []\n"
        "results:\n  - id: wait\n    title: Wait\n    text: Allow {{ fact:return_window } for it.\n"
    )
    found = problems(tmp_path, {"content/flows/late-parcel.yml": flow})
    assert any(
        f.startswith("content/flows/late-parcel.yml:1: malformed placeholder '{{ fact:return_window }'") for f in found
    ), found


def test_build_fails_on_a_malformed_placeholder_instead_of_showing_it(make_site, invoke):
    project = make_site({**CATEGORY_FILES, "content/facts.yml": FACTS, **page("Within {{ fact:return_window }.")})
    result = invoke("build", cwd=project)
    assert result.exit_code == 1
    assert "content/returns/a.md:5: malformed placeholder '{{ fact:return_window }'" in result.output
    assert not (project / "site").exists()

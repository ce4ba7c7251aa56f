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


# -- YAML that fails to load --------------------------------------------------


@pytest.mark.parametrize(
    "front_matter, line, hint",
    [
        ("title: Refunds: the basics\n", 2, 'a colon inside a value: put the value in quotes, e.g. title: "Refunds'),
        ("title: A\n\tsummary: B\n", 3, "a tab in the indentation: indent with spaces only"),
        ('title: "Refunds\nsummary: B\n', 2, "a quote is not closed"),
        ("title: A\ntags: [a, b\nsummary: B\n", 3, "a [list] or {mapping} is not closed"),
        (
            "title: A\nchanges:\n  - {date: 2026-01-01, summary: x}\n - {date: 2026-01-02, summary: y}\n",
            5,
            "the indentation does not line up",
        ),
        ('title: "Refunds" explained\n', 2, "text after a closing quote: put the whole value in quotes"),
        ("title: A\nsummary: B\ntitle: C\n", 4, "duplicate key 'title' (first on line 2)"),
    ],
)
def test_yaml_mistakes_come_with_a_plain_words_hint(tmp_path, front_matter, line, hint):
    found = problems(tmp_path, {"content/returns/a.md": f"---\n{front_matter}---\nBody.\n"})
    assert len(found) == 1, found
    assert found[0].startswith(f"content/returns/a.md:{line}: "), found
    assert hint in found[0]


def test_a_file_that_fails_to_load_comes_first_without_false_broken_links(tmp_path):
    files = {
        "content/returns/refunds.md": "---\ntitle: Refunds: the basics\n---\n## Timing\nFive days.\n",
        "content/returns/a.md": "---\ntitle: A\n---\nSee [refunds](refunds.md) and [timing](refunds.md#timing).\n",
        "content/returns/faq/when.md": "---\nquestion: When?\n---\nSee [refunds](../refunds.md).\n",
        "content/returns/b.md": "---\ntitle: B\n---\nA real mistake: [gone](nowhere.md).\n",
        "content/glossary.yml": "- term: Refund\n  definition: Money back.\n  link: returns/refunds.md\n",
    }
    found = problems(tmp_path, files)
    assert found == [
        "content/returns/refunds.md:2: invalid YAML: mapping values are not allowed in this context: a colon inside "
        'a value: put the value in quotes, e.g. title: "Refunds: the basics"',
        "content/returns/b.md:4: broken link: 'nowhere.md' does not exist",
    ]


def test_a_broken_category_file_hides_links_into_its_folder(tmp_path):
    files = {
        "content/returns/_category.yml": "title: Returns: refunds\n",
        "content/returns/policy.md": "---\ntitle: Policy\n---\nText.\n",
        "content/shipping/_category.yml": "title: Shipping\n",
        "content/shipping/a.md": "---\ntitle: A\n---\n[The policy](../returns/policy.md), [returns](../returns/).\n",
    }
    found = problems(tmp_path, files)
    assert len(found) == 1 and found[0].startswith("content/returns/_category.yml:1: invalid YAML"), found


def test_the_sample_with_one_yaml_mistake_gives_one_error(tmp_path, invoke):
    import shutil

    from conftest import ROOT

    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    refunds = tmp_path / "content/returns/refunds.md"
    refunds.write_text(refunds.read_text().replace("title: Refunds\n", "title: Refunds: the basics\n", 1))
    result = invoke("check", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "content/returns/refunds.md:2: invalid YAML: mapping values are not allowed in this context: a colon inside "
        'a value: put the value in quotes, e.g. title: "Refunds: the basics"'
    ]
    build = invoke("build", "-d", tmp_path / "site", cwd=tmp_path)
    assert build.exit_code == 1
    assert "1 problem(s) in the content:\ncontent/returns/refunds.md:2: invalid YAML" in build.output

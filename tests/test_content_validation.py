"""Every content mistake is reported as path:line: message, all at once, never a traceback."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import write_tree

from kbgen.content import load

CATEGORY = {"content/returns/_category.yml": "title: Returns\ndescription: Send it back.\n"}
GOOD_ARTICLE = """
    ---
    title: Return policy
    summary: You have 30 days.
    updated: 2026-09-01
    ---
    ## Return window

    Thirty days from delivery.
    """


def messages(tmp_path, files, today=dt.date(2026, 11, 23)):
    write_tree(tmp_path, {**CATEGORY, **files})
    center, report = load(tmp_path / "content", base=tmp_path, today=today)
    return [d.format() for d in report.sorted()], center


def test_valid_content_loads_into_typed_objects(tmp_path):
    found, center = messages(
        tmp_path,
        {
            "content/returns/return-policy.md": GOOD_ARTICLE,
            "content/returns/faq/how-long.md": """
            ---
            question: How long do I have to return something?
            tags: [returns]
            audience: buyers
            ---
            Thirty days.
            """,
        },
    )
    assert found == []
    (category,) = center.categories
    assert category.title == "Returns"
    (article,) = category.articles
    assert article.title == "Return policy"
    assert article.updated == dt.date(2026, 9, 1)
    assert [h.anchor for h in article.headings] == ["return-window"]
    (faq,) = category.faqs
    assert faq.slug == "how-long" and faq.audience == "buyers" and faq.tags == ("returns",)


def test_invalid_yaml_front_matter_names_the_line(tmp_path):
    found, _ = messages(tmp_path, {"content/returns/a.md": "---\ntitle: A\ntags: [x, y\n---\nBody\n"})
    assert len(found) == 1
    assert found[0].startswith("content/returns/a.md:3: invalid YAML")


def test_unclosed_front_matter(tmp_path):
    found, _ = messages(tmp_path, {"content/returns/a.md": "---\ntitle: A\nBody\n"})
    assert found == ["content/returns/a.md:1: front matter starts with '---' but has no closing '---'"]


def test_missing_title_and_question(tmp_path):
    found, _ = messages(
        tmp_path,
        {
            "content/returns/a.md": "---\nsummary: No title here.\n---\nBody\n",
            "content/returns/faq/q.md": "---\ntags: [x]\n---\nAn answer.\n",
        },
    )
    assert "content/returns/a.md:2: missing required 'title' (the page title)" in found
    assert any(m.startswith("content/returns/faq/q.md:2: missing required 'question'") for m in found)


def test_unknown_key_suggests_the_right_one(tmp_path):
    found, _ = messages(
        tmp_path,
        {
            "content/returns/a.md": "---\ntitle: A\naudence: buyers\n---\nBody\n",
        },
    )
    assert found == ["content/returns/a.md:3: unknown key 'audence' in front matter (did you mean 'audience'?)"]


def test_bad_dates_and_unknown_audience(tmp_path):
    found, _ = messages(
        tmp_path,
        {
            "content/returns/a.md": """
            ---
            title: A
            updated: 2026-13-01
            effective: next week
            audience: buyer
            ---
            Body
            """,
        },
    )
    assert found == [
        "content/returns/a.md:3: 'updated': '2026-13-01' is not a valid date; use YYYY-MM-DD, e.g. 2026-03-01",
        "content/returns/a.md:4: 'effective': 'next week' is not a valid date; use YYYY-MM-DD, e.g. 2026-03-01",
        "content/returns/a.md:5: 'audience': unknown audience 'buyer'; use one of buyers, "
        "sellers, everyone (did you mean 'buyers'?)",
    ]


def test_duplicate_questions_point_at_the_first(tmp_path):
    found, _ = messages(
        tmp_path,
        {
            "content/returns/faq/a-first.md": "---\nquestion: How long do refunds take?\n---\nFive days.\n",
            "content/returns/faq/b-second.md": "---\nquestion: how long do REFUNDS take\n---\nA week.\n",
        },
    )
    assert found == [
        "content/returns/faq/b-second.md:2: duplicate question 'how long do REFUNDS take': "
        "already asked in content/returns/faq/a-first.md:2"
    ]


def test_duplicate_slugs_that_share_an_address(tmp_path):
    found, _ = messages(
        tmp_path,
        {
            "content/returns/refunds.md": "---\ntitle: Refunds\n---\nBody\n",
            "content/returns/refunds/_category.yml": "title: Refund details\n",
            "content/returns/refunds/cards.md": "---\ntitle: Card refunds\n---\nBody\n",
        },
    )
    assert any(
        m.startswith(
            "content/returns/refunds.md:1: duplicate slug: 'returns/refunds.md' would be published at the same address"
        )
        for m in found
    ), found


def test_file_names_must_be_url_slugs(tmp_path):
    found, _ = messages(tmp_path, {"content/returns/Return Policy.md": GOOD_ARTICLE})
    assert found == [
        "content/returns/Return Policy.md:1: file name 'Return Policy.md' must be lowercase words "
        "joined by hyphens (it becomes the URL): rename it to 'return-policy.md'"
    ]


def test_folder_without_category_file(tmp_path):
    found, _ = messages(tmp_path, {"content/shipping/tracking.md": GOOD_ARTICLE})
    assert found == [
        "content/shipping/tracking.md:1: unknown category 'shipping': add shipping/_category.yml with at least a title"
    ]


def test_broken_links_anchors_and_images(tmp_path):
    found, _ = messages(
        tmp_path,
        {
            "content/returns/return-policy.md": GOOD_ARTICLE,
            "content/returns/refunds.md": """
            ---
            title: Refunds
            ---
            See the [policy](return-policy.md#return-window), then
            the [missing page](refund-policy.md) and [a bad anchor](return-policy.md#return-windows).

            ![Label](label.png)
            ```
            [not a link](inside-code.md)
            ```
            """,
        },
    )
    assert found == [
        "content/returns/refunds.md:5: broken anchor: 'return-policy.md#return-windows' has no "
        "section '#return-windows' (did you mean 'return-window'?)",
        "content/returns/refunds.md:5: broken link: 'refund-policy.md' does not exist "
        "(did you mean 'return-policy.md'?)",
        "content/returns/refunds.md:7: missing image: 'label.png' is not in the content folder",
    ]


def test_links_to_faq_entries_are_valid_targets(tmp_path):
    found, _ = messages(
        tmp_path,
        {
            "content/returns/faq/how-long.md": "---\nquestion: How long?\n---\nThirty days.\n",
            "content/returns/a.md": "---\ntitle: A\n---\n[FAQ](faq/how-long.md) [page](index.md#how-long)\n",
        },
    )
    assert found == []


def test_review_by_in_the_past_is_a_warning(tmp_path):
    found, _ = messages(
        tmp_path,
        {
            "content/returns/a.md": "---\ntitle: A\nowner: Returns team\nreview_by: 2026-01-31\n---\nB\n",
        },
    )
    assert found == [
        "content/returns/a.md:4: warning: review_by 2026-01-31 has passed: review this page "
        "(Returns team) and set a new date"
    ]


def test_all_problems_are_reported_in_one_run(tmp_path):
    found, _ = messages(
        tmp_path,
        {
            "content/returns/a.md": "---\ntitle: A\nupdated: soon\n---\n[x](nope.md)\n",
            "content/returns/b.md": "---\ntitel: B\n---\nBody\n",
            "content/returns/faq/c.md": "---\nquestion: [oops\n---\nBody\n",
        },
    )
    assert [m.split(":")[0] for m in found] == [
        "content/returns/faq/c.md",  # failed to load: first, as the likely cause of what follows
        "content/returns/a.md",
        "content/returns/a.md",
        "content/returns/b.md",
        "content/returns/b.md",
    ]


def test_empty_answer_and_bad_synonyms(tmp_path):
    found, _ = messages(
        tmp_path,
        {
            "content/returns/faq/q.md": "---\nquestion: Why?\n---\n\n",
            "content/synonyms.yml": "- [refund, money back]\n- [parcel]\n- {a: b}\n",
        },
    )
    assert found == [
        "content/returns/faq/q.md:4: the answer is empty: write it below the front matter",
        "content/synonyms.yml:2: a synonym group needs at least two different words",
        "content/synonyms.yml:3: a synonym group must be a list of words or phrases",
    ]


# -- the command line -------------------------------------------------------

BAD_SITE = {
    **CATEGORY,
    "content/returns/a.md": "---\ntitle: A\nreview_by: 2026-01-31\n---\n[x](missing.md)\n",
}


def test_check_prints_every_problem_and_exits_1(make_site, invoke):
    project = make_site(BAD_SITE)
    result = invoke("check", cwd=project)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "content/returns/a.md:3: warning: review_by 2026-01-31 has passed: review this page and set a new date",
        "content/returns/a.md:5: broken link: 'missing.md' does not exist",
    ]
    assert "Traceback" not in result.output


def test_check_warnings_alone_pass_unless_strict(make_site, invoke):
    files = dict(BAD_SITE)
    files["content/returns/a.md"] = "---\ntitle: A\n---\n<iframe src='https://evil.example/'></iframe>\n"
    project = make_site(files)
    assert invoke("check", cwd=project).exit_code == 0
    strict = invoke("check", "--strict", cwd=project)
    assert strict.exit_code == 1
    assert strict.stdout.startswith("content/returns/a.md:4: <iframe> from 'evil.example' is not allowed")


def test_check_json_format(make_site, invoke):
    result = invoke("check", "--format", "json", cwd=make_site(BAD_SITE))
    data = json.loads(result.stdout)
    assert result.exit_code == 1
    assert {d["severity"] for d in data} == {"warning", "error"}
    assert data[1] == {
        "path": "content/returns/a.md",
        "line": 5,
        "message": "broken link: 'missing.md' does not exist",
        "severity": "error",
        "field": None,
    }


def test_check_github_annotations(make_site, invoke):
    result = invoke("check", "--format", "github", cwd=make_site(BAD_SITE))
    assert result.stdout.splitlines() == [
        "::warning file=content/returns/a.md,line=3,title=kbgen::review_by 2026-01-31 has passed"
        "%3A review this page and set a new date".replace("%3A", ":"),
        "::error file=content/returns/a.md,line=5,title=kbgen::broken link: 'missing.md' does not exist",
    ]


@pytest.mark.parametrize("args", [("check",), ("build",)])
def test_missing_config_is_a_clear_error(tmp_path, invoke, args):
    result = invoke(*args, cwd=tmp_path)
    assert result.exit_code == 1
    assert "mkdocs.yml: no such file" in result.output


def test_scans_kept_per_text_are_handed_out_as_new_lists():
    """mdscan keeps each text's scans for the next build (a preview rescans unchanged texts
    at every save): a caller changing a list it got never changes what the next one gets."""
    from kbgen.content import mdscan

    body = "See [refunds](refunds.md) and {{ contact:email }} and {{ fact:x }.\n"
    first = mdscan.links(body, 3)
    first.clear()
    shortcodes = mdscan.shortcodes(body, 3)
    shortcodes.append(None)
    placeholders = mdscan.malformed_placeholders(body, 3)
    placeholders.clear()
    assert [(link.target, link.line) for link in mdscan.links(body, 3)] == [("refunds.md", 3)]
    assert [(s.kind, s.id) for s in mdscan.shortcodes(body, 3)] == [("contact", "email")]
    assert len(mdscan.malformed_placeholders(body, 3)) == 1
    assert mdscan.links(body, 7)[0].line == 7  # the first line is part of what is kept


def test_one_scan_of_a_texts_links_serves_every_first_line():
    """The link check numbers a body's links from its line in the file, the pages (rebasing
    links) from 1: both get them from one scan of the text."""
    from kbgen.content import mdscan

    body = "Intro.\n\nSee [refunds](refunds.md),\n![a box](box.png) and [policy][p].\n\n[p]: policy.md\n"
    mdscan._links.cache_clear()
    numbered = [(link.target, link.line, link.start, link.end, link.image) for link in mdscan.links(body, 5)]
    plain = [(link.target, link.line, link.start, link.end, link.image) for link in mdscan.links(body)]
    at = {target: body.rindex(target) for target in ("refunds.md", "box.png", "policy.md")}
    assert numbered == [
        ("refunds.md", 7, at["refunds.md"], at["refunds.md"] + 10, False),
        ("box.png", 8, at["box.png"], at["box.png"] + 7, True),
        ("policy.md", 10, at["policy.md"], at["policy.md"] + 9, False),
    ]
    assert plain == [(target, line - 4, *rest) for target, line, *rest in numbered]
    assert mdscan._links.cache_info().currsize == 1

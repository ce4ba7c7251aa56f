"""Time is an input: overdue reviews never block publishing; scheduled changes are announced."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from conftest import CATEGORY_FILES

from kbgen import content
from kbgen.content import schedule

os.environ.setdefault("KBGEN_TODAY", "2026-11-23")

OVERDUE = {
    **CATEGORY_FILES,
    "content/returns/old.md": "---\ntitle: Old\nowner: Returns team\nreview_by: 2025-01-01\n---\nText.\n",
}
WARNING = "content/returns/old.md:4: warning: review_by 2025-01-01 has passed: review this page (Returns team)"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setenv("KBGEN_TODAY", "2026-11-23")


def test_strict_check_keeps_an_overdue_review_a_warning(make_site, invoke):
    project = make_site(OVERDUE)
    result = invoke("check", "--strict", cwd=project)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(WARNING)
    github = invoke("check", "--strict", "--format", "github", cwd=project)
    assert github.exit_code == 0
    assert github.stdout.startswith("::warning file=content/returns/old.md,line=4,title=kbgen::review_by 2025-01-01")


def test_fail_on_overdue_restores_the_old_behaviour_in_check(make_site, invoke):
    project = make_site(OVERDUE)
    result = invoke("check", "--fail-on-overdue", cwd=project)
    assert result.exit_code == 1
    assert result.stdout.startswith("content/returns/old.md:4: review_by 2025-01-01 has passed")
    github = invoke("check", "--fail-on-overdue", "--format", "github", cwd=project)
    assert github.stdout.startswith("::error file=content/returns/old.md,line=4,")


def test_strict_build_publishes_despite_an_overdue_review(make_site, invoke):
    project = make_site(OVERDUE)
    result = invoke("build", "--strict", cwd=project)
    assert result.exit_code == 0, result.output
    assert WARNING in result.output
    assert (project / "site/returns/old/index.html").is_file()
    github = invoke("build", "--strict", "--format", "github", "-d", project / "gh-site", cwd=project)
    assert github.exit_code == 0, github.output
    assert "::warning file=content/returns/old.md,line=4," in github.output
    assert (project / "gh-site/index.html").is_file()


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_build_fail_on_overdue_fails_and_keeps_nothing(make_site, invoke, fmt):
    project = make_site(OVERDUE)
    result = invoke("build", "--fail-on-overdue", "--format", fmt, "-d", project / "out", cwd=project)
    assert result.exit_code == 1
    assert "review_by 2025-01-01 has passed" in result.output
    assert "previous site was left as it was" in result.output
    assert not (project / "out").exists()


def test_other_warnings_still_fail_a_strict_check(make_site, invoke):
    files = {
        **OVERDUE,
        "content/returns/embed.md": '---\ntitle: E\n---\n<iframe src="https://evil.example/"></iframe>\n',
    }
    result = invoke("check", "--strict", cwd=make_site(files))
    assert result.exit_code == 1
    assert "content/returns/embed.md:4: <iframe> from 'evil.example' is not allowed" in result.stdout
    assert WARNING in result.stdout  # the review stays a warning


def test_report_lists_overdue_pages_with_owner_and_date(make_site, invoke, tmp_path):
    project = make_site(OVERDUE)
    result = invoke("report", "--database", f"sqlite:///{tmp_path / 'fb.sqlite3'}", cwd=project)
    assert result.exit_code == 0, result.output
    section = result.output.split("Pages past their review date", 1)[1]
    assert "2025-01-01  Old  (returns/old.md, Returns team)" in section


# -- scheduled changes ------------------------------------------------------

SCHEDULED = {
    **CATEGORY_FILES,
    "content/facts.yml": (
        "facts:\n"
        "  return_window:\n    value: 30\n    unit: days\n    changes:\n      - {from: 2027-03-01, value: 45}\n"
        "  restocking_fee:\n    value: 10\n    unit: '%'\n    changes:\n      - {from: 2026-01-01, value: 5}\n"
    ),
    "content/returns/policy.md": (
        "---\ntitle: Policy\nreview_by: 2026-12-01\n---\nReturn within {{ fact:return_window }}.\n"
    ),
}


def test_build_prints_the_next_scheduled_fact_change(make_site, invoke):
    result = invoke("build", cwd=make_site(SCHEDULED))
    assert result.exit_code == 0, result.output
    # the past change (2026-01-01) and the review date are not content changes to come
    assert "Content changes by itself on 2027-03-01 (fact return_window): schedule a build then" in result.output


def test_build_says_nothing_when_nothing_is_scheduled(make_site, invoke):
    result = invoke("build", cwd=make_site(OVERDUE))
    assert result.exit_code == 0
    assert "changes by itself" not in result.output


def test_notices_starting_and_ending_are_content_changes(make_site):
    notice = (
        "---\ntitle: Holiday deliveries\nseverity: info\nstart: 2026-12-10T09:00+00:00\nend: 2026-12-24\n---\n"
        "Orders placed after 18 December may arrive after Christmas.\n"
    )
    project = make_site({**SCHEDULED, "content/notices/holiday-deliveries.md": notice})
    center, report = content.load(project / "content", base=project, today=dt.date(2026, 11, 23))
    assert not report.errors, report.sorted()
    changes = schedule.upcoming(center, dt.date(2026, 11, 23))
    assert [(c.day.isoformat(), c.what) for c in changes] == [
        ("2026-12-11", "notice holiday-deliveries starts"),  # builds pick notices at 00:00 UTC
        ("2026-12-24", "notice holiday-deliveries ends"),
        ("2027-03-01", "fact return_window"),
    ]
    message = schedule.next_change_message(center, dt.date(2026, 11, 23))
    assert (
        message == "Content changes by itself on 2026-12-11 (notice holiday-deliveries starts): schedule a build then"
    )
    assert schedule.next_change_message(center, dt.date(2027, 3, 1)) is None

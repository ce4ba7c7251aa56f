"""``kbgen new``: a help center that shows every feature working, with its CI workflow."""

from __future__ import annotations

import pytest
import yaml

from kbgen.scaffold import TEMPLATE


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    from click.testing import CliRunner

    from kbgen.cli import cli

    root = tmp_path_factory.mktemp("scaffold") / "helpdesk"
    result = CliRunner().invoke(cli, ["new", str(root)])
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setenv("KBGEN_TODAY", "2026-11-29")


def test_the_scaffold_has_every_feature(project):
    content = project / "content"
    facts = yaml.safe_load((content / "facts.yml").read_text())
    assert any(f.get("changes") for f in facts["facts"].values())  # a scheduled change
    assert len(yaml.safe_load((content / "glossary.yml").read_text())) >= 3
    assert list((content / "notices").glob("*.md")) and list((content / "flows").glob("*.yml"))
    assert len(yaml.safe_load((content / "contact.yml").read_text())["channels"]) >= 3
    text = " ".join(p.read_text() for p in content.rglob("*.md")).lower()
    assert "lorem" not in text and "ipsum" not in text
    assert "{{ fact:" in text and "{{ flow:" in text and "{{ contact:" in text


def test_the_workflow_checks_pull_requests_and_publishes_to_both_targets_daily(project):
    (workflow,) = (project / ".github/workflows").glob("*.yml")
    data = yaml.safe_load(workflow.read_text())
    triggers = data.get("on", data.get(True))  # PyYAML reads a bare `on` key as True
    assert set(triggers) >= {"pull_request", "push", "schedule"}
    assert triggers["push"]["branches"] == ["main"]
    cron = triggers["schedule"][0]["cron"].split()
    assert len(cron) == 5 and cron[2:] == ["*", "*", "*"]  # every day
    jobs = data["jobs"]
    assert "pull_request" in jobs["check"]["if"]
    runs = [step.get("run", "") for step in jobs["check"]["steps"]]
    assert "kbgen check --strict --format github" in runs
    build = [step.get("run", "") + step.get("uses", "") for step in jobs["build"]["steps"]]
    assert any("kbgen build --strict" in r for r in build)
    assert any("upload-pages-artifact" in r for r in build) and any("upload-artifact@" in r for r in build)
    assert "deploy-pages" in jobs["pages"]["steps"][0]["uses"]  # static hosting
    assert "rsync" in jobs["replicas"]["steps"][-1]["run"]  # replicas running kbgen serve
    assert jobs["pages"]["needs"] == jobs["replicas"]["needs"] == "build"
    assert not (TEMPLATE / ".github").exists()  # stored without the dot, so packaging keeps it


def test_the_scaffold_checks_clean_and_builds_strict(project, invoke):
    check = invoke("check", "--strict", cwd=project)
    assert check.exit_code == 0, check.output
    assert "0 error(s), 0 warning(s)" in check.output
    built = invoke("build", "--strict", cwd=project)
    assert built.exit_code == 0, built.output
    assert "Content changes by itself on 2027-06-01 (fact return_window)" in built.output
    site = project / "site"
    policy = (site / "returns/returns-policy/index.html").read_text()
    assert "within <strong>30 days</strong> of delivery" in policy
    assert 'From <time datetime="2027-06-01">1 June 2027</time>: Return window 45 days (now 30 days).' in policy
    assert "{{" not in policy
    assert 'data-kb-notice="longer-return-window"' in (site / "returns/index.html").read_text()
    assert "Prepaid return label" in (site / "glossary/index.html").read_text()
    assert (site / "flows/parcel-not-arrived/index.html").is_file()
    assert "kb-flow" in (site / "orders/tracking-your-order/index.html").read_text()
    assert "£40" in (site / "orders/index.html").read_text()
    contact = (site / "contact/index.html").read_text()
    assert all(f'data-kb-channel="{c}"' in contact for c in ("chat", "email", "phone"))
    assert "MerchantReturnPolicy" in (site / "index.html").read_text()


def test_a_german_help_center_checks_strict_and_builds_in_german(tmp_path, invoke):
    from kbgen.build import build

    root = tmp_path / "hilfe"
    result = invoke("new", root, "--language", "de")
    assert result.exit_code == 0, result.output
    assert (root / ".github/workflows").is_dir() and (root / ".gitignore").is_file()
    check = invoke("check", "--strict", "-f", root / "mkdocs.yml", cwd=root)
    assert check.exit_code == 0, check.output
    site = build(root / "mkdocs.yml", root / "site", strict=True)
    policy = (site / "ruecksendungen/rueckgabebedingungen/index.html").read_text(encoding="utf-8")
    assert '<html lang="de"' in policy
    assert "innerhalb von 30 Tagen" in policy and "5 Werktagen" in policy
    assert "40\u00a0€" in (site / "bestellungen/index.html").read_text(encoding="utf-8")
    text = " ".join(p.read_text() for p in (root / "content").rglob("*.md")).lower()
    assert "the " not in text and "lorem" not in text  # German throughout

"""content.load() is read, then validate (report only), then resolve (fill derived values)."""

from __future__ import annotations

import datetime as dt
import pickle
import shutil

import pytest
from conftest import ROOT

from kbgen import content

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def broken_copy(tmp_path):
    """The sample content plus a broken glossary link, an unlabelled flow link and a bad one."""
    docs = tmp_path / "content"
    shutil.copytree(ROOT / "content", docs)
    with open(docs / "glossary.yml", "a", encoding="utf-8") as out:
        out.write("- term: Linky\n  definition: A thing.\n  link: nowhere.md\n")
    (docs / "flows" / "linky.yml").write_text(
        "title: Linky\nstart: a\nsteps:\n  - id: a\n    question: A?\n"
        "    answers: [{label: x, next: r}, {label: y, next: r}]\n"
        "results:\n  - id: r\n    title: Done\n    text: 'Within {{ fact:return_window }}'\n"
        "    links: [../shipping/tracking-a-parcel.md, ../nowhere.md]\n",
        encoding="utf-8",
    )
    return docs


@pytest.mark.parametrize("which", ["sample", "broken"])
def test_checks_leave_the_model_as_read(which, broken_copy, tmp_path):
    docs = ROOT / "content" if which == "sample" else broken_copy
    report = content.Report(base=tmp_path)
    center, refused = content.read(docs, report)
    as_read, read_problems = pickle.dumps(center), len(report.items)
    content.validate(center, report, TODAY, refused=refused)
    assert pickle.dumps(center) == as_read
    first = report.items[read_problems:]
    content.validate(center, report, TODAY, refused=refused)
    assert pickle.dumps(center) == as_read
    assert report.items[len(first) :] == first  # the same problems again, nothing else
    if which == "broken":
        messages = [d.format() for d in first]
        assert "content/glossary.yml:322: broken link: 'nowhere.md' does not exist" in messages
        assert any(m.startswith("content/flows/linky.yml:11: broken link: '../nowhere.md'") for m in messages)


def test_resolve_fills_what_the_checks_only_read(broken_copy, tmp_path):
    report = content.Report(base=tmp_path)
    center, refused = content.read(broken_copy, report)
    content.validate(center, report, TODAY, refused=refused)
    term = center.glossary.find("Restocking fee")
    flow = next(f for f in center.flows if f.id == "linky")
    assert term.target is None
    assert flow.results[0].links == [("", "../shipping/tracking-a-parcel.md"), ("", "../nowhere.md")]
    assert flow.results[0].text == "Within {{ fact:return_window }}"
    count = len(report.items)

    content.resolve(center, TODAY)

    assert len(report.items) == count
    assert term.target is not None and term.target.src.endswith(".md")
    linky = center.glossary.find("Linky")
    assert (linky.link, linky.target) == ("", None)  # broken: no link shown
    assert flow.results[0].links == [("Tracking a parcel", "../shipping/tracking-a-parcel.md"), ("", "../nowhere.md")]
    assert flow.results[0].text == "Within 30 days"


def test_load_is_read_validate_resolve(broken_copy, tmp_path):
    center, report = content.load(broken_copy, base=tmp_path, today=TODAY)
    again = content.Report(base=tmp_path)
    by_hand, refused = content.read(broken_copy, again)
    content.validate(by_hand, again, TODAY, refused=refused)
    content.resolve(by_hand, TODAY)
    assert report.sorted() == again.sorted()
    assert pickle.dumps(by_hand) == pickle.dumps(center)
    assert [step.__name__ for step in content.RESOLVE_STEPS][-1] == "apply"  # facts rendered last

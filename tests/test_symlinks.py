"""Symlinks in content/: a writer's commit must not publish files from outside the content folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import CATEGORY_FILES

from kbgen.build import BuildFailed, build

SECRET = "root:x:0:0:SECRET-TOKEN-4711"


@pytest.fixture
def outside(tmp_path_factory) -> Path:
    """A folder outside the project, like /etc on a CI runner."""
    folder = tmp_path_factory.mktemp("outside")
    (folder / "passwd").write_text(SECRET + "\n")
    (folder / "notes.md").write_text(f"---\ntitle: Leaked\n---\n{SECRET}\n")
    (folder / "_category.yml").write_text(f"title: {SECRET}\n")
    return folder


def _site_text(site: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in site.rglob("*") if p.is_file())


def test_a_link_to_a_file_outside_is_refused_and_never_published(make_site, invoke, outside):
    project = make_site(CATEGORY_FILES)
    site = build(project / "mkdocs.yml")
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    os.symlink(outside / "passwd", project / "content/returns/passwd.txt")

    result = invoke("check", cwd=project)
    assert result.exit_code == 1
    assert (
        f"content/returns/passwd.txt:1: symlink points outside the content folder (to '{outside / 'passwd'}')"
        in result.output
    )
    assert SECRET not in result.output

    built = invoke("build", cwd=project)
    assert built.exit_code == 1
    assert "content/returns/passwd.txt:1: symlink points outside" in built.output
    assert "previous site was left as it was" in built.output and "Traceback" not in built.output
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert SECRET not in _site_text(site)


def test_linked_folders_outside_are_neither_read_nor_indexed(make_site, invoke, outside):
    project = make_site(CATEGORY_FILES)
    os.symlink(outside, project / "content/leak")  # would be a category
    os.symlink(outside, project / "content/returns/faq-more")  # would be a section
    os.symlink(outside / "notes.md", project / "content/returns/notes.md")  # an article
    os.symlink(outside / "passwd", project / "content/contact.yml")  # a data file

    result = invoke("check", cwd=project)
    assert result.exit_code == 1
    refused = [line for line in result.output.splitlines() if "symlink points outside" in line]
    assert sorted(line.split(":")[0] for line in refused) == [
        "content/contact.yml",
        "content/leak",
        "content/returns/faq-more",
        "content/returns/notes.md",
    ]
    assert SECRET not in result.output  # nothing was read through the links
    with pytest.raises(BuildFailed):
        build(project / "mkdocs.yml")
    assert not (project / "site").exists()


def test_broken_links_and_loops_are_reported_without_a_traceback(make_site, invoke):
    project = make_site(CATEGORY_FILES)
    shared = project / "content/returns/shared"
    shared.mkdir()
    (shared / "_category.yml").write_text("title: Shared\n")
    (shared / "label.md").write_text("---\ntitle: Label\n---\nPrint it.\n")
    os.symlink("missing.png", shared / "photo.png")  # broken, inside a folder that is linked
    os.symlink("../returns/shared", project / "content/returns/also-shared")
    os.symlink("..", project / "content/returns/loop")

    result = invoke("check", cwd=project)
    assert result.exit_code == 1, result.output
    assert (
        "content/returns/shared/photo.png:1: broken symlink: it points to 'missing.png', which does not exist"
        in result.output
    )
    assert "content/returns/loop:1: symlink loop: it points to '..'" in result.output
    assert "also-shared" not in result.output  # a link that stays inside is fine
    built = invoke("build", cwd=project)
    assert built.exit_code == 1 and "Traceback" not in built.output
    assert "previous site was left as it was" in built.output


def test_links_that_stay_inside_the_content_folder_are_published(make_site, invoke):
    project = make_site(CATEGORY_FILES)
    (project / "content/images").mkdir()
    (project / "content/images/label.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    os.symlink("../images/label.png", project / "content/returns/label.png")
    page = project / "content/returns/return-policy.md"
    page.write_text(page.read_text() + "\n![A return label](label.png)\n")
    assert invoke("check", "--strict", cwd=project).exit_code == 0
    site = build(project / "mkdocs.yml")
    assert (site / "returns/label.png").read_bytes().endswith(b"fake")


def test_leaves_agrees_with_resolving_every_link(tmp_path):
    """``leaves`` skips resolving paths with no link below the root (every file of every
    build is checked): the answer is the full resolution's for links, ``..``, missing files."""
    import os

    from kbgen.content.symlinks import leaves

    root = tmp_path / "content"
    (root / "a").mkdir(parents=True)
    (root / "a/page.md").write_text("x", encoding="utf-8")
    (tmp_path / "secret").write_text("s", encoding="utf-8")
    (root / "a/out.md").symlink_to(tmp_path / "secret")
    (root / "a/in.md").symlink_to(root / "a/page.md")
    (root / "up").symlink_to(tmp_path)
    (tmp_path / "alias").symlink_to(root)

    def resolved(path, base) -> bool:
        real, top = os.path.realpath(path), os.path.realpath(base)
        return not os.path.exists(real) or not (real == top or real.startswith(top + os.sep))

    for rel in ("a/page.md", "a/out.md", "a/in.md", "a/missing.md", "up/secret", "a/../a/page.md", "up/content/a"):
        for base in (root, tmp_path / "alias"):
            assert leaves(root / rel, base) == resolved(root / rel, base), (rel, base)
    assert [leaves(root / rel, root) for rel in ("a/page.md", "a/out.md", "a/missing.md")] == [False, True, True]


def test_leaves_agrees_with_resolving_for_relative_and_linked_roots(tmp_path, outside):
    """``leaves`` looks for links below the content folder only; every kind of path gives
    what resolving both paths in full gives (links inside and out, ``..`` after a link,
    missing files, the folder itself, a content folder reached through a link)."""
    from kbgen.content.symlinks import Inside, leaves

    content = tmp_path / "content"
    (content / "returns" / "faq").mkdir(parents=True)
    (content / "returns" / "faq" / "a.md").write_text("x")
    (content / "shipping").mkdir()
    os.symlink(content / "returns", content / "inside-link")
    os.symlink(outside, content / "outside-link")
    os.symlink(outside / "passwd", content / "returns" / "passwd.txt")
    os.symlink(content, tmp_path / "linked-content")

    def resolved(path, root) -> bool:
        real, base = os.path.realpath(path), os.path.realpath(root)
        return not os.path.exists(real) or not (real == base or real.startswith(base.rstrip(os.sep) + os.sep))

    paths = [
        "returns/faq/a.md",
        "returns/faq/missing.md",
        "returns/passwd.txt",
        "inside-link/faq/a.md",
        "inside-link/../shipping",
        "outside-link/passwd",
        "outside-link/../content/returns/faq/a.md",
        "returns/../../outside-not-there",
        ".",
        "shipping",
    ]
    for root in (content, tmp_path / "linked-content", Path(os.path.relpath(content))):
        inside = Inside(root)  # the same answers, each folder looked at once
        for rel in paths:
            for path in (os.path.join(root, rel), os.path.join(os.path.abspath(root), rel)):
                assert leaves(path, root) == resolved(path, root), (path, root)
                assert leaves(Path(path), root) == resolved(path, root), (path, root)
                assert inside.leaves(path) == resolved(path, root), (path, root)
                assert inside.leaves(Path(path)) == resolved(path, root), (path, root)
    assert leaves(content / "returns/faq/a.md", content) is False
    assert leaves(content / "returns/passwd.txt", content) is True
    assert leaves(content / "outside-link/passwd", content) is True


def test_the_scan_finds_links_from_the_folder_listing_without_looking_up_every_file(tmp_path, outside, monkeypatch):
    """Every build scans the whole content folder: which entries are links comes from the
    folder listing (thousands of files, usually no link), not from an lstat of each file."""
    from kbgen.content import symlinks
    from kbgen.content.diagnostics import Report

    docs = tmp_path / "content"
    for n in range(40):
        (docs / f"c{n % 4}" / "faq").mkdir(parents=True, exist_ok=True)
        (docs / f"c{n % 4}" / "faq" / f"q{n}.md").write_text("---\nquestion: Q?\n---\nA.\n")
    (docs / "c1" / "faq" / "leak.md").symlink_to(outside / "notes.md")
    (docs / "c2" / "same").symlink_to(docs / "c1")
    looked_up = []
    lstat, stat = os.lstat, os.stat

    def counted_lstat(path, *args, **kwargs):
        looked_up.append(path)
        return lstat(path, *args, **kwargs)

    def counted_stat(path, *args, **kwargs):  # Path.is_symlink() calls os.stat(follow_symlinks=False)
        looked_up.append(path)
        return stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "lstat", counted_lstat)
    monkeypatch.setattr(os, "stat", counted_stat)
    report = Report(base=tmp_path)
    refused = symlinks.scan(docs, report)
    assert refused == {docs / "c1" / "faq" / "leak.md"}
    assert [d.message.split(" (")[0] for d in report.items] == ["symlink points outside the content folder"]
    files = {os.fspath(p) for p in docs.rglob("q*.md")}
    assert len(files) == 40 and files.isdisjoint(map(os.fspath, looked_up))  # only the links are resolved


def _lstat_calls(monkeypatch) -> list[str]:
    """The paths ``os.lstat`` is called with from now on, in order."""
    calls: list[str] = []
    lstat = os.lstat

    def counted_lstat(path, *args, **kwargs):
        calls.append(os.fspath(path))
        return lstat(path, *args, **kwargs)

    monkeypatch.setattr(os, "lstat", counted_lstat)
    return calls


def test_a_load_looks_at_each_folder_once_and_at_each_file(tmp_path, outside, monkeypatch):
    """A load reads thousands of files from a few folders: each folder on the way is looked at
    once, then each file (a link among them is still resolved and refused)."""
    from kbgen.content.symlinks import Inside

    content = tmp_path / "content"
    faq = content / "returns" / "faq"
    faq.mkdir(parents=True)
    for n in range(20):
        (faq / f"q{n}.md").write_text("x")
    (faq / "leak.md").symlink_to(outside / "passwd")
    looked_up = _lstat_calls(monkeypatch)
    inside = Inside(content)
    assert [inside.leaves(faq / f"q{n}.md") for n in range(20)] == [False] * 20
    assert sorted(looked_up) == sorted(
        [os.fspath(content / "returns"), os.fspath(faq)] + [os.fspath(faq / f"q{n}.md") for n in range(20)]
    )
    assert inside.leaves(faq / "leak.md") is True  # resolved in full
    assert inside.leaves(faq / "missing.md") is True


def test_reading_through_a_loads_check_gives_what_reading_alone_gives(tmp_path, outside, monkeypatch):
    """A load opens each file of a folder without links without following a link (no lstat of
    the file first): links inside are still read, links out never, a missing file is skipped
    silently and an unreadable one is reported, as the plain read does."""
    from kbgen.content import textfile
    from kbgen.content.diagnostics import Report
    from kbgen.content.symlinks import Inside

    content = tmp_path / "content"
    faq = content / "returns" / "faq"
    faq.mkdir(parents=True)
    (faq / "plain.md").write_text("plain\r\n")
    (faq / "in.md").symlink_to(faq / "plain.md")
    (faq / "out.md").symlink_to(outside / "passwd")
    (faq / "folder.md").mkdir()
    names = ["plain.md", "in.md", "out.md", "missing.md", "folder.md"]

    def read_all(inside):
        report = Report(base=tmp_path)
        texts = [textfile.read(faq / name, report, content, inside) for name in names]
        return texts, sorted((str(d.path), d.line, d.message) for d in report.items)

    alone = read_all(None)
    assert alone[0] == ["plain\n", "plain\n", None, None, None]
    assert [message.split(":")[0] for _, _, message in alone[1]] == [
        "cannot read",
        "Windows line endings (CRLF)",
        "Windows line endings (CRLF)",
    ]
    assert read_all(Inside(content)) == alone
    looked_up = _lstat_calls(monkeypatch)
    inside = Inside(content)
    assert textfile.read(faq / "plain.md", Report(base=tmp_path), content, inside) == "plain\n"
    assert os.fspath(faq / "plain.md") not in looked_up  # opened without a look first


def test_a_folders_markdown_is_listed_as_rglob_lists_it(tmp_path, outside):
    """The loader lists a FAQ or section folder with os.scandir: the paths and the order of
    ``sorted(folder.rglob("*.md"))`` (nested folders, "a-b.md" against "a/b.md", a folder
    named like a page, hidden files, a linked folder not followed, a link to a file kept)."""
    from kbgen.content.loader import markdown_below

    faq = tmp_path / "faq"
    for rel in ("b.md", "a-b.md", "a/b.md", "a/c/d.md", "a/notes.txt", ".hidden.md", "_draft.md", "Z.md", "a.de.md"):
        (faq / rel).parent.mkdir(parents=True, exist_ok=True)
        (faq / rel).write_text("x")
    (faq / "folder.md").mkdir()
    (faq / "folder.md" / "inner.md").write_text("x")
    (faq / "linked").symlink_to(faq / "a", target_is_directory=True)
    (faq / "out.md").symlink_to(outside / "passwd")
    listed = markdown_below(faq)
    assert listed == sorted(faq.rglob("*.md"))
    assert faq / "linked" / "b.md" not in listed and faq / "out.md" in listed

"""Unchanged pages are hard-linked from the live site, never trusted blindly.

A build with the cache gives an unchanged page the live site's file (the same inode) instead of
writing it again; a live file changed since the build that wrote it is written anew, and a
failed build leaves every live file as it was.
"""

from __future__ import annotations

import logging
import os
import random
from pathlib import Path

import pytest
from test_incremental import Project, _faq, differences

from kbgen.build import BuildFailed, build

PAGE = "returns/index.html"  # the returns category's page (its FAQ entries)
OTHER = "shipping/index.html"


def _inodes(site: Path) -> dict[str, int]:
    """Each page's inode (404.html is a theme template, not a page: written every time)."""
    return {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*.html") if p.name != "404.html"}


@pytest.fixture
def project(tmp_path):
    project = Project(tmp_path / "project", random.Random(0))
    build(project.path("mkdocs.yml"), tmp_path / "site", cache_dir=tmp_path / "cache")
    return project


def test_a_warm_build_links_every_unchanged_page_from_the_live_site(tmp_path, project):
    before = _inodes(tmp_path / "site")
    build(project.path("mkdocs.yml"), tmp_path / "site", cache_dir=tmp_path / "cache")
    after = _inodes(tmp_path / "site")
    assert len(before) > 5
    assert after == before
    assert all((tmp_path / "site" / page).stat().st_nlink == 1 for page in after)  # the old site is gone


def test_a_changed_page_is_written_and_the_others_linked(tmp_path, project):
    before = _inodes(tmp_path / "site")
    project.write("content/shipping/faq/lost.md", _faq("My parcel is lost?", "Wait a week, then ask us."))
    build(project.path("mkdocs.yml"), tmp_path / "site", cache_dir=tmp_path / "cache")
    after = _inodes(tmp_path / "site")
    assert after[OTHER] != before[OTHER]  # the shipping page shows the new answer
    assert "Wait a week, then ask us." in (tmp_path / "site" / OTHER).read_text(encoding="utf-8")
    assert after[PAGE] == before[PAGE]
    build(project.path("mkdocs.yml"), tmp_path / "clean")
    assert differences(tmp_path / "site", tmp_path / "clean") == []


@pytest.mark.parametrize("change", ["same size, in place", "replaced", "removed"])
def test_a_live_page_changed_since_its_build_is_written_again(tmp_path, project, change):
    live = tmp_path / "site" / PAGE
    original = live.read_bytes()
    if change == "same size, in place":  # a deploy step rewriting the file it serves
        stamp = live.stat().st_mtime_ns
        with open(live, "r+b") as f:
            f.write(b"X" * 64)
        os.utime(live, ns=(stamp + 10_000_000, stamp + 10_000_000))
    elif change == "replaced":
        live.unlink()
        live.write_bytes(original)  # the same bytes, but not the file the cache recorded
    else:
        live.unlink()
    build(project.path("mkdocs.yml"), tmp_path / "site", cache_dir=tmp_path / "cache")
    assert live.read_bytes() == original


def test_a_failed_build_leaves_the_live_files_as_they_were(tmp_path, project):
    before = {page: (tmp_path / "site" / page).read_bytes() for page in _inodes(tmp_path / "site")}
    inodes = _inodes(tmp_path / "site")
    project.write("content/returns/broken.md", "---\ntitle: Refunds: the basics\n---\nText.\n")
    with pytest.raises(BuildFailed):
        build(project.path("mkdocs.yml"), tmp_path / "site", cache_dir=tmp_path / "cache")
    assert _inodes(tmp_path / "site") == inodes
    assert {page: (tmp_path / "site" / page).read_bytes() for page in inodes} == before
    assert all((tmp_path / "site" / page).stat().st_nlink == 1 for page in inodes)


def test_pages_are_written_where_hard_links_fail(tmp_path, project, monkeypatch):
    calls = []

    def no_links(*args, **kwargs):  # a file system without hard links (FAT, some network shares)
        calls.append(args)
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    before = _inodes(tmp_path / "site")
    build(project.path("mkdocs.yml"), tmp_path / "site", cache_dir=tmp_path / "cache")
    assert len(calls) == 1  # tried once, then every page written
    after = _inodes(tmp_path / "site")
    assert not set(after.values()) & set(before.values())
    build(project.path("mkdocs.yml"), tmp_path / "clean")
    assert differences(tmp_path / "site", tmp_path / "clean") == []


def test_another_site_folder_links_nothing_and_gets_the_cached_pages_bytes(tmp_path, project):
    """The cache remembers the live files of one site folder: building into another (a CI
    runner that keeps only the cache) writes every page, from the cache, as a clean build."""
    first = _inodes(tmp_path / "site")
    build(project.path("mkdocs.yml"), tmp_path / "elsewhere", cache_dir=tmp_path / "cache")
    assert not set(_inodes(tmp_path / "elsewhere").values()) & set(first.values())
    build(project.path("mkdocs.yml"), tmp_path / "clean")
    assert differences(tmp_path / "elsewhere", tmp_path / "clean") == []


def test_linked_pages_are_not_reported_as_skipped(tmp_path, project, caplog):
    caplog.set_level(logging.DEBUG, logger="mkdocs")
    build(project.path("mkdocs.yml"), tmp_path / "site", cache_dir=tmp_path / "cache")
    assert "Page skipped" not in caplog.text
    assert _inodes(tmp_path / "site")  # (the pages are there)


def test_a_page_that_cannot_be_written_fails_the_build_and_leaves_the_live_site(tmp_path, project, monkeypatch, caplog):
    """Pages from the cache are written by a thread of their own: a write that fails there (a
    full disk) still fails the build, naming the page, and the live site stays as it was."""
    from kbgen import live_pages

    before = {page: (tmp_path / "site" / page).read_bytes() for page in _inodes(tmp_path / "site")}
    real_open = open

    def full_disk(path, *args, **kwargs):
        if str(path).endswith(OTHER):
            raise OSError(28, "No space left on device")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(live_pages, "open", full_disk, raising=False)
    with pytest.raises(BuildFailed):  # into another folder: every page from the cache is written
        build(project.path("mkdocs.yml"), tmp_path / "elsewhere", cache_dir=tmp_path / "cache")
    assert f"cannot write the page {OTHER}: No space left on device" in caplog.text
    assert not (tmp_path / "elsewhere").exists()
    assert {page: (tmp_path / "site" / page).read_bytes() for page in before} == before

"""The index written in a background process while pages render has the one-process build's bytes."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from kbgen.build import build
from kbgen.search import INDEX_DIR, semantic_available
from kbgen.search.background import BACKGROUND_MIN_DOCUMENTS, processes


def _build_with(project: Path, option: str, site: str) -> Path:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  - kbgen:\n" in config
    (project / "mkdocs.yml").write_text(config.replace("  - kbgen:\n", f"  - kbgen:\n{option}", 1), encoding="utf-8")
    return build(project / "mkdocs.yml", project / site) / INDEX_DIR


def _same_files(a: Path, b: Path) -> None:
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    assert (mismatch, errors) == ([], [])


@pytest.mark.parametrize("semantic", ["on", "off"])
def test_background_index_has_the_bytes_of_the_one_process_index(tmp_path, semantic, caplog):
    if semantic == "on" and not semantic_available():
        pytest.skip("the semantic extra is not installed")
    shutil.copytree(ROOT / "content", tmp_path / "content")
    vectors = "" if semantic == "on" else "      search_semantic: false\n"
    caplog.set_level("INFO", logger="mkdocs")
    one = _build_with(tmp_path, vectors + "      search_processes: 1\n", "site-one")
    two = _build_with(tmp_path, vectors + "      search_processes: 2\n", "site-two")
    assert "in a second process beside the rendering" in caplog.text  # it really ran in the background
    names = {p.name for p in two.iterdir()}
    assert ("vectors.bin" in names) == (semantic == "on")
    _same_files(one, two)


def test_two_processes_by_default_only_for_big_sites_on_two_cores(monkeypatch):
    import kbgen.search.background as background

    monkeypatch.setattr(background, "_cores", lambda: 2)
    assert processes(None, BACKGROUND_MIN_DOCUMENTS) == 2
    assert processes(None, BACKGROUND_MIN_DOCUMENTS - 1) == 1
    assert processes(1, 50_000) == 1  # the option wins
    assert processes(2, 10) == 2
    assert processes(8, 10) == 2  # one background process at most
    monkeypatch.setattr(background, "_cores", lambda: 1)
    assert processes(None, 50_000) == 1

"""The index written in a background process while pages render has the one-process build's bytes."""

from __future__ import annotations

import datetime as dt
import filecmp
import os
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from kbgen import content, pages, search
from kbgen.build import BuildFailed, build
from kbgen.search import INDEX_DIR, semantic_available
from kbgen.search.background import BACKGROUND_MIN_DOCUMENTS, Indexing, processes


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


def _background_children() -> list[int]:
    """Index processes started by this test process that are still running."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            stat = (proc / "stat").read_text()
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == os.getpid() and b"kbgen.search.background" in cmdline and " Z " not in stat:
            found.append(int(proc.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_build_failing_while_pages_render_stops_the_index_process_and_keeps_the_old_site(make_site):
    from conftest import CATEGORY_FILES, MINIMAL_CONFIG

    config = MINIMAL_CONFIG.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n")
    config = config.replace("  - kbgen\n", "  - kbgen:\n      search_processes: 2\n      search_semantic: false\n")
    project = make_site(CATEGORY_FILES, config)
    (project / "overrides").mkdir()
    site = build(project / "mkdocs.yml", project / "site")
    before = (site / INDEX_DIR / "meta.json").read_bytes()
    # a template that fails while pages render: after the index process has started
    (project / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}{% block footer %}{{ no_such_thing() }}{% endblock %}'
    )
    with pytest.raises(Exception):  # noqa: B017 (MkDocs lets a template error through as it is)
        build(project / "mkdocs.yml", project / "site")
    assert _background_children() == []
    assert (site / INDEX_DIR / "meta.json").read_bytes() == before


def test_pages_rendered_in_any_order_give_the_index_of_the_whole_list(tmp_path):
    """Indexing takes the pages' plan and their texts in whatever order they come (here
    backwards, so every document waits for the last page): the documents land at their
    planned places, and the bytes are those of the one-process index of ``collect``."""
    center, report = content.load(ROOT / "content", today=dt.date(2026, 11, 23))
    assert not report.errors
    layout = pages.Layout(center)
    plan = layout.search_plan()

    def url_for(src):
        return "/" + src.removesuffix(".md") + "/"

    texts = {src: search.PageText(body=f"Words of {src}.", headings=[src]) for src, _make in plan}
    texts[center.categories[0].index_src] = search.PageText(
        faq_answers={entry.slug: f"The answer to {entry.question}" for entry in center.categories[0].faqs}
    )
    docs = search.collect(layout.search_entries(texts), url_for)
    indexing = Indexing(plan, url_for, tmp_path / "two", configured_processes=2)
    assert indexing.background
    try:
        for src, _make in reversed(plan):
            indexing.page(src, texts[src])
        two = indexing.finish(docs, [("parcel", "package")])
    finally:
        indexing.close()
    assert indexing.background  # nothing was written again in this process
    one = search.write_index(docs, [("parcel", "package")], tmp_path / "one")
    _same_files(one, two)


@pytest.mark.parametrize("expected", [True, False])
def test_the_index_is_sealed_as_soon_as_the_planned_documents_are_in(tmp_path, expected):
    """Told the plan's number of documents, the background writer commits, scores and writes the
    index as soon as the last one is added, while the build still renders: ``finish`` (with the
    synonyms) only adds the phrases' scores and meta.json. Without it, all waits for ``finish``.
    The bytes are the one-process index's either way."""
    from kbgen.search import background

    center, report = content.load(ROOT / "content", today=dt.date(2026, 11, 23))
    layout = pages.Layout(center)
    texts = {src: search.PageText(body=f"Words of {src}.", headings=[src]) for src, _make in layout.search_plan()}
    docs = search.collect(layout.search_entries(texts), lambda src: "/" + src.removesuffix(".md") + "/")
    numbered = list(enumerate(docs))
    messages = [("docs", numbered[len(docs) // 2 :]), ("docs", numbered[: len(docs) // 2])]  # the second half first
    target = tmp_path / "two" / INDEX_DIR
    before_finish: list[str] = []
    synonyms = [("parcel", "package"), ("didn't arrive", "missing")]

    def receive():
        if messages:
            return messages.pop(0)
        before_finish.extend(sorted(p.name for p in target.iterdir()))
        return ("finish", (len(docs), synonyms, []))

    # (one shard: none is complete before the last document)
    found, _, _ = background._write(
        receive, tmp_path / "two", False, "en", None, expected=len(docs) if expected else None, shard_size=4 * len(docs)
    )
    if expected:
        assert any(name.endswith(".seg") for name in before_finish) and "positions.bin" in before_finish
        assert "impacts.bin" not in before_finish and "meta.json" not in before_finish  # they need the synonyms
    else:
        assert not any(name.endswith(".seg") for name in before_finish) and "positions.bin" not in before_finish
    _same_files(search.write_index(docs, synonyms, tmp_path / "one", shard_size=4 * len(docs)), found)


def test_a_build_without_a_cache_starts_its_index_process_before_the_content_loads(make_site, monkeypatch):
    """The process starts before the content is read (its interpreter, Whoosh and the model
    load meanwhile), and the index it writes has the bytes of the one-process index."""
    from conftest import CATEGORY_FILES, MINIMAL_CONFIG

    import kbgen.search.background as background

    started, loads = [], []
    real_start, real_load = background.start_early, content.load

    def watched(*args):
        found = real_start(*args)
        started.append((found is not None, len(loads)))
        return found

    def counted_load(*args, **kwargs):
        loads.append(1)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(search, "start_early", watched)
    monkeypatch.setattr(content, "load", counted_load)
    indexes = {}
    for processes_ in (1, 2):
        option = f"  - kbgen:\n      search_processes: {processes_}\n      search_semantic: false\n"
        project = make_site(CATEGORY_FILES, MINIMAL_CONFIG.replace("  - kbgen\n", option))
        started.clear(), loads.clear()
        indexes[processes_] = build(project / "mkdocs.yml", project / "site") / INDEX_DIR
        assert started == [(processes_ == 2, 0)]  # with two processes, started before the content was read
        assert loads == [1]
    _same_files(indexes[1], indexes[2])


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_build_whose_content_fails_stops_the_index_process_started_early(make_site):
    from conftest import CATEGORY_FILES, MINIMAL_CONFIG

    option = "  - kbgen:\n      search_processes: 2\n      search_semantic: false\n"
    config = MINIMAL_CONFIG.replace("  - kbgen\n", option)
    files = dict(CATEGORY_FILES)
    broken = next(name for name in files if name.endswith(".md") and "/faq/" not in name and "index" not in name)
    files[broken] = "---\ntitle: Refunds: the basics\n---\nText.\n"  # a YAML mistake: the content load fails
    project = make_site(files, config)
    with pytest.raises(BuildFailed) as failed:
        build(project / "mkdocs.yml", project / "site")
    assert any("put the value in quotes" in line for line in failed.value.errors)
    assert _background_children() == []


@pytest.mark.parametrize("warmed", [False, True])
def test_an_index_process_the_build_walks_away_from_ends_quietly(tmp_path, warmed):
    """A process started early that the build then stops or leaves (a preview's quick step
    needs no index, a writer's Ctrl-C) sees its input end: it exits without a word, never
    with a traceback on the writer's terminal."""
    import pickle
    import subprocess
    import sys

    code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from kbgen.search.background import main; main()"
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    if warmed:
        message = pickle.dumps(("warm", (False, None, "en")))
        process.stdin.write(len(message).to_bytes(8, "little") + message)
    out, err = process.communicate(timeout=60)
    assert (process.returncode, out, err) == (0, b"", b"")


def test_category_pages_are_rendered_first_then_the_articles_in_index_order(tmp_path):
    """Material's static index lists pages in the order MkDocs rendered them: the category
    pages (which hold the FAQ entries) come before every article, and the articles come in
    the search index's order (so each frees the documents the index holds behind it), which
    is the categories' order, not their folders' alphabetical one."""
    import json

    from whoosh.filedb.filestore import FileStorage

    from kbgen.search import shards

    shutil.copytree(ROOT / "content", tmp_path / "content")
    index_dir = _build_with(tmp_path, "      search_semantic: false\n", "site")
    site = index_dir.parent.parent
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    center, _ = content.load(tmp_path / "content", today=dt.date(2026, 11, 30))
    category_urls = {f"{category.slug}/" for category in center.categories}
    pages_in_order = list(dict.fromkeys(doc["location"].split("#")[0] for doc in docs))
    firsts = pages_in_order[: len(category_urls)]
    assert set(firsts) == category_urls
    names = json.loads((index_dir / "meta.json").read_text(encoding="utf-8"))["shards"]
    joined = shards.open_shards(FileStorage(str(index_dir), readonly=True), names)
    try:
        reader = joined.reader()
        indexed = [reader.stored_fields(n)["url"].lstrip("/").split("#")[0] for n in range(reader.doc_count_all())]
    finally:
        joined.close()
    articles = [url for url in pages_in_order[len(category_urls) :] if url in set(indexed)]
    assert len(articles) > 10
    assert articles == sorted(articles, key=indexed.index)
    assert articles != sorted(articles)  # the sample's categories are not in alphabetical order


def test_a_theme_language_search_does_not_know_is_said_once_when_the_index_process_starts_early(make_site, caplog):
    """The search language is asked before the content loads (for the early process) and again
    for the index: the fallback to English is said once."""
    from conftest import CATEGORY_FILES, MINIMAL_CONFIG

    if not semantic_available():
        pytest.skip("the semantic extra is not installed (without it the language is not asked early)")
    config = MINIMAL_CONFIG.replace("  name: material\n", "  name: material\n  language: fr\n")
    config = config.replace("  - kbgen\n", "  - kbgen:\n      search_processes: 2\n")
    project = make_site(CATEGORY_FILES, config)
    caplog.set_level("INFO", logger="mkdocs")
    build(project / "mkdocs.yml", project / "site")
    assert caplog.text.count("search analyses the pages as English") == 1


def _written_in_the_background(docs, site: Path, cache_folder: Path, semantic: bool) -> Path:
    """The background writer's index of ``docs`` (second half sent first, shards of 4), in this process."""
    from kbgen.search import background

    numbered = list(enumerate(docs))
    messages = [("docs", numbered[len(docs) // 2 :]), ("docs", numbered[: len(docs) // 2])]
    found, _, _ = background._write(
        lambda: messages.pop(0) if messages else ("finish", (len(docs), [], [])),
        site,
        semantic,
        "en",
        str(cache_folder),
        shard_size=4,
    )
    return found


def test_with_shards_in_the_cache_documents_are_not_analysed_ahead_and_reused_shards_not_at_all(tmp_path, monkeypatch):
    """The background writer analyses documents that come before their turn only while no shard
    can be reused: with the shards of an earlier build, only the changed shard's documents are
    analysed (when it ends), the others' shards merged whole. The bytes are the one-process index's."""
    import dataclasses

    from kbgen.search import index

    center, report = content.load(ROOT / "content", today=dt.date(2026, 11, 23))
    layout = pages.Layout(center)
    texts = {src: search.PageText(body=f"Words of {src}.", headings=[src]) for src, _make in layout.search_plan()}
    docs = search.collect(layout.search_entries(texts), lambda src: "/" + src.removesuffix(".md") + "/")
    analysed = []
    real = index.IndexWriter._analyse

    def counted(self, values, spelt):
        analysed.append(values["id"])
        return real(self, values, spelt)

    monkeypatch.setattr(index.IndexWriter, "_analyse", counted)

    def written(docs, site):
        return _written_in_the_background(docs, site, tmp_path / "cache", semantic=False)

    written(docs, tmp_path / "first")
    assert sorted(analysed) == sorted(doc.id for doc in docs)
    analysed.clear()
    docs[5] = dataclasses.replace(docs[5], body=docs[5].body + " one more sentence")
    found = written(docs, tmp_path / "second")
    assert docs[5].id in analysed and len(analysed) <= 12  # its shard's documents (at most 3 x 4)
    _same_files(index.write(docs, [], tmp_path / "one", shard_size=4), found)


@pytest.mark.skipif(not semantic_available(), reason="needs the semantic model")
def test_a_reused_shard_gives_its_vector_rows_whole(tmp_path, monkeypatch):
    """With hybrid search, a shard of the last build gives its documents' vector rows from its
    cache entry in one piece: only the changed shard's documents have their texts made and
    looked up (or embedded), and the vectors are the one-process index's bytes."""
    import dataclasses

    from kbgen.search import index, vectors

    center, report = content.load(ROOT / "content", today=dt.date(2026, 11, 23))
    layout = pages.Layout(center)
    texts = {src: search.PageText(body=f"Words of {src}.", headings=[src]) for src, _make in layout.search_plan()}
    docs = search.collect(layout.search_entries(texts), lambda src: "/" + src.removesuffix(".md") + "/")
    made: list[str] = []
    real = vectors.texts

    def counted(doc):
        made.append(doc.id)
        return real(doc)

    monkeypatch.setattr(vectors, "texts", counted)

    def written(docs, site):
        return _written_in_the_background(docs, site, tmp_path / "cache", semantic=True)

    written(docs, tmp_path / "first")
    assert set(made) == {doc.id for doc in docs}
    made.clear()
    docs[5] = dataclasses.replace(docs[5], body=docs[5].body + " one more sentence")
    found = written(docs, tmp_path / "second")
    assert docs[5].id in made and len(set(made)) <= 12  # its shard's documents (at most 3 x 4)
    one = index.write(docs, [], tmp_path / "one", semantic=True, shard_size=4)
    assert (found / "vectors.bin").read_bytes() == (one / "vectors.bin").read_bytes()
    _same_files(one, found)

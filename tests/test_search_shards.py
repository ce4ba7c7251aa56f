"""The Whoosh index in shards: which documents share one, reusing unchanged ones, reading them as one."""

from __future__ import annotations

import dataclasses
import filecmp
import itertools
import json
import random

import pytest
from test_search_index_write import _documents

from kbgen.search import index, open_engine, shards
from kbgen.search.reuse import Kept

SIZE = 40  # documents per shard, on average, in these tests


def _write(docs, folder, **kwargs):
    return index.write(docs, [("parcel", "package")], folder, shard_size=SIZE, **kwargs)


def _shards(target) -> list[str]:
    return json.loads((target / index.META_FILE).read_text(encoding="utf-8"))["shards"]


def _same_files(one, two) -> None:
    names = sorted(p.name for p in one.iterdir())
    assert names == sorted(p.name for p in two.iterdir())
    assert filecmp.cmpfiles(one, two, names, shallow=False)[1:] == ([], [])


def test_a_shard_starts_by_its_first_documents_id_within_half_and_three_times_the_size():
    ids = [f"c/{n}.md" for n in range(5000)]
    sizes, held = [], 0
    for doc_id in ids:
        if held and shards.starts(doc_id, held, SIZE):
            sizes.append(held)
            held = 0
        held += 1
    assert len(sizes) > 50
    assert min(sizes) >= SIZE // 2 and max(sizes) <= 3 * SIZE
    assert 0.7 * SIZE < sum(sizes) / len(sizes) < 1.3 * SIZE
    assert not shards.starts("anything", SIZE // 2 - 1, SIZE) and shards.starts("anything", 3 * SIZE, SIZE)


def test_changing_adding_or_removing_a_document_changes_its_shard_and_the_next_at_most(tmp_path):
    folders = (tmp_path / str(n) for n in range(100))
    docs = _documents(400)
    before = _shards(_write(docs, next(folders)))
    assert len(before) >= 6
    rng = random.Random(3)
    for _ in range(6):
        at = rng.randrange(len(docs))
        changed = list(docs)
        changed[at] = dataclasses.replace(docs[at], body=docs[at].body + " one more sentence")
        added = docs[:at] + [dataclasses.replace(docs[at], id="c/new.md", url="/c/new/")] + docs[at:]
        removed = docs[:at] + docs[at + 1 :]
        for edited in (changed, added, removed):
            after = _shards(_write(edited, next(folders)))
            assert len(set(after) - set(before)) <= 2
            assert len(set(before) - set(after)) <= 2
        assert len(set(_shards(_write(changed, next(folders)))) - set(before)) == 1


def test_an_index_written_with_the_shards_of_an_earlier_build_is_the_bytes_of_a_clean_one(tmp_path, monkeypatch):
    docs = _documents(400)
    kept = Kept({})
    spans = []
    _write(docs, tmp_path / "first", shard_files=kept, spans=spans)
    assert set(kept) == {name for name, _, _ in spans} == set(_shards(tmp_path / "first" / index.INDEX_DIR))
    assert [first for _, first, _ in spans] == [0, *itertools.accumulate(count for _, _, count in spans[:-1])]

    written = []
    real = index._shard_files

    def counted(name, *args):
        written.append(name)
        return real(name, *args)

    monkeypatch.setattr(index, "_shard_files", counted)
    docs[123] = dataclasses.replace(docs[123], title=docs[123].title + " refunds")
    again, spans = Kept(dict(kept)), []
    incremental = _write(docs, tmp_path / "incremental", shard_files=again, spans=spans)
    assert len(written) == 1  # only the changed document's shard went through Whoosh's writer
    assert [name for name, _, _ in spans] == _shards(incremental)  # what the next build keeps
    written.clear()
    clean = _write(docs, tmp_path / "clean")
    assert len(written) == len(_shards(clean)) >= 6
    _same_files(incremental, clean)


def test_a_damaged_remembered_shard_is_never_taken_for_another(tmp_path):
    """A shard is looked up by a digest of its documents: other documents never find it."""
    docs = _documents(120)
    kept = Kept({})
    _write(docs, tmp_path / "first", shard_files=kept)
    other = [dataclasses.replace(doc, body=doc.body + " x") for doc in docs]
    again = Kept(dict(kept))
    _same_files(_write(other, tmp_path / "second", shard_files=again), _write(other, tmp_path / "clean"))
    assert not set(_shards(tmp_path / "second" / index.INDEX_DIR)) & set(kept)


def test_a_search_over_many_shards_answers_as_over_one(tmp_path):
    docs = _documents(300)
    many = _write(docs, tmp_path / "many")
    one = index.write(docs, [("parcel", "package")], tmp_path / "one", shard_size=4 * len(docs))
    assert len(_shards(many)) >= 5 and len(_shards(one)) == 1
    for name in ("impacts.bin", "impacts.json", "positions.bin", "spelling.json"):
        assert (many / name).read_bytes() == (one / name).read_bytes(), name
    engines = [open_engine(folder.parent.parent, semantic=False, cache_size=0) for folder in (many, one)]
    words = " ".join(doc.title for doc in docs[:40]).split()
    queries = ["parcel", "package arrive", "word1 word2", "wrod3", '"the parcel"', "didn't arrive where"]
    queries += [" ".join(words[n : n + 3]) for n in range(0, 60, 3)]
    for q in queries:
        found = [engine.search(q, limit=20) for engine in engines]
        assert found[0] == found[1], q
        assert [engine.suggest(q[:4]) for engine in engines][0] == engines[1].suggest(q[:4])
    assert any(engines[0].search(q)["total"] for q in queries)


def test_an_index_written_before_shards_is_served_as_before(tmp_path):
    """An older kbgen wrote one Whoosh index under Whoosh's default name and no ``shards``."""
    from whoosh.filedb.filestore import FileStorage

    docs = _documents(200)
    new = _write(docs, tmp_path / "new")
    old = _write(docs, tmp_path / "old")
    for name in _shards(old):
        for path in old.glob(f"*{name}*"):
            path.unlink()
    writer = FileStorage(str(old)).create_index(index.schema()).writer()
    for doc in docs:
        writer.add_document(**index._values(doc))
    writer.commit(optimize=True)
    meta = json.loads((old / index.META_FILE).read_text(encoding="utf-8"))
    del meta["shards"]
    (old / index.META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    assert list(old.glob("_MAIN_*.toc"))
    engines = [open_engine(folder.parent.parent, semantic=False, cache_size=0) for folder in (old, new)]
    for q in ("parcel", "word1 word2", "wrod3", "arrive"):
        assert engines[0].search(q) == engines[1].search(q), q


def test_the_whole_index_key_changes_with_any_field_of_any_document():
    """A build where no document changed takes the whole index from the cache by this key."""
    from kbgen.search.documents import SearchDocument
    from kbgen.search.reuse import document_digests, index_key

    def key_of(docs):
        return index_key(document_digests(docs), [], None, False, "en")

    docs = _documents(3)
    key = key_of(docs)
    assert key_of(list(docs)) == key
    for field in dataclasses.fields(SearchDocument):
        value = getattr(docs[1], field.name)
        other = not value if isinstance(value, bool) else value + 1 if isinstance(value, float) else value + "x"
        changed = [docs[0], dataclasses.replace(docs[1], **{field.name: other}), docs[2]]
        assert key_of(changed) != key, field.name
    boundary = [docs[0], dataclasses.replace(docs[1], title="ab", summary="c"), docs[2]]
    other_boundary = [docs[0], dataclasses.replace(docs[1], title="a", summary="bc"), docs[2]]
    assert key_of(boundary) != key_of(other_boundary)  # "ab" then "c" is not "a" then "bc"
    assert key_of(docs[:2]) != key_of(docs) != key_of([docs[1], docs[0], docs[2]])  # count and order count


def _shard_of(docs, at: int) -> list[int]:
    """The positions of the documents that share a shard with ``docs[at]``."""
    groups: list[list[int]] = [[]]
    for position, doc in enumerate(docs):
        if groups[-1] and shards.starts(doc.id, len(groups[-1]), SIZE):
            groups.append([])
        groups[-1].append(position)
    return next(group for group in groups if at in group)


def test_a_reused_shards_documents_are_not_analysed_and_their_analysis_is_kept(tmp_path, monkeypatch):
    """A shard taken from the cache brings its postings, positions and spelling counts: none of its
    documents is analysed or added one by one, and the bytes are a clean build's. Its documents'
    analysis entries are kept all the same, so a later change to one of them is analysed alone."""
    from kbgen.search import impacts, positions
    from kbgen.search.reuse import Analysis

    calls = {"analyse": 0, "postings": 0, "positions": 0}

    def counting(owner, method, key):
        real = getattr(owner, method)

        def counted(*args, **kwargs):
            calls[key] += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, method, counted)

    counting(index.IndexWriter, "_analyse", "analyse")
    counting(impacts.Postings, "add", "postings")
    counting(positions.Gathered, "add", "positions")

    docs = _documents(400)
    analysis, kept = Analysis(None), Kept({})
    _write(docs, tmp_path / "first", analysis=analysis, shard_files=kept)
    assert calls == {"analyse": 400, "postings": 3 * 400, "positions": 400}  # each to its shard's, merged

    for build, at in (("second", 123), ("third", 321)):
        changed = _shard_of(docs, at)
        assert len(changed) < len(docs) / 4
        docs[at] = dataclasses.replace(docs[at], title=docs[at].title + " refunds")
        for key in calls:
            calls[key] = 0
        analysis, kept = Analysis(dict(analysis.kept)), Kept(dict(kept))
        incremental = _write(docs, tmp_path / build, analysis=analysis, shard_files=kept)
        # only the changed shard's documents: analysed (from the cache but one) and added
        assert calls == {"analyse": len(changed), "postings": 3 * len(changed), "positions": len(changed)}
        assert analysis.kept.added == 2  # the changed title, and the spelling words' text that holds it
        _same_files(incremental, _write(docs, tmp_path / f"{build}-clean"))
    assert _shard_of(docs, 123) != _shard_of(docs, 321)


def test_reused_shards_merge_to_the_same_bytes_without_numpy(tmp_path, monkeypatch):
    """numpy comes with the semantic extra only: a plain install merges the shards' postings and
    positions (and scores them) in plain Python, to the bytes numpy's way gives, cold and reused."""
    import sys

    from kbgen.search.reuse import Analysis

    pytest.importorskip("numpy")
    # each document's own word first: every shard numbers its terms in another order than the index
    docs = [dataclasses.replace(doc, body=f"word{n} {doc.body}") for n, doc in enumerate(_documents(200))]
    changed = list(docs)
    changed[77] = dataclasses.replace(docs[77], body=docs[77].body + " parcel refunds")
    with_numpy = _write(docs, tmp_path / "numpy"), _write(changed, tmp_path / "numpy-changed")
    monkeypatch.setitem(sys.modules, "numpy", None)  # `import numpy` raises ImportError
    with pytest.raises(ImportError):
        import numpy  # noqa: F401
    analysis, kept = Analysis(None), Kept({})
    _same_files(_write(docs, tmp_path / "first", analysis=analysis, shard_files=kept), with_numpy[0])
    analysis, kept = Analysis(dict(analysis.kept)), Kept(dict(kept))
    incremental = _write(changed, tmp_path / "second", analysis=analysis, shard_files=kept)
    assert len(_shards(incremental)) >= 3
    _same_files(incremental, with_numpy[1])


def test_the_cache_keeps_each_shard_as_an_entry_and_writes_only_the_changed_ones(tmp_path, monkeypatch):
    """An incremental build saves the entries of the shards it wrote (one for one changed
    document), not the whole index's analysis again; the pruned cache holds this index's shards."""
    from kbgen import cache as build_cache
    from kbgen.search.reuse import SHARDS, Reused

    written: list[str] = []
    real_write = build_cache.Store._write

    def noted(store, key, data, compress):
        written.append(key)
        return real_write(store, key, data, compress)

    monkeypatch.setattr(build_cache.Store, "_write", noted)
    folder = tmp_path / "cache"

    def build(docs, name):
        kept, spans = Reused(folder, "en", semantic=False), []
        target = _write(
            docs, tmp_path / name, analysis=kept.analysis, shard_files=kept.shards, spans=spans, language="en"
        )
        kept.save(spans, docs)
        store = build_cache.Store(folder)
        store.keep(kept.entries)
        store.prune()
        return target, kept, spans

    docs = _documents(400)
    written.clear()
    _, kept, spans = build(docs, "first")
    assert len(spans) >= 6 and sorted(written) == sorted([*kept.entries, SHARDS])
    entries = {path.name for path in (folder / build_cache.ENTRIES).glob("*/*")}
    assert entries == set(kept.entries)

    docs[123] = dataclasses.replace(docs[123], title=docs[123].title + " refunds")
    written.clear()
    incremental, kept, spans = build(docs, "second")
    assert kept.analysed == 2  # the changed title, and the spelling words' text that holds it
    assert len(written) == 2 and written[-1] == SHARDS  # the changed shard's entry, and the list
    assert {path.name for path in (folder / build_cache.ENTRIES).glob("*/*")} == set(kept.entries)
    assert len(set(kept.entries) - entries) == 1
    _same_files(incremental, _write(docs, tmp_path / "clean"))

    written.clear()
    again, kept, _ = build(docs, "third")
    assert kept.analysed == 0 and written == []  # nothing changed: nothing saved
    _same_files(again, incremental)

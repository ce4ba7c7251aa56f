"""Writing the index with less work (analysis, spilled postings, field lengths) gives plain Whoosh's bytes."""

from __future__ import annotations

import filecmp
import json
import random
import sys

import pytest

from kbgen.search import index
from kbgen.search.analysis import FieldIndexer
from kbgen.search.documents import SearchDocument

AWKWARD = [
    "",
    "the and of",  # only stop words
    "The parcel didn't arrive: where's my PARCEL?",  # a stop word first, then the numbering
    "How do I return an item? Returns, returned, returning: return it!",
    "Café crème, naïve résumé, Ærø, straße, İstanbul, ﬁle",  # folding, ligatures, dotted İ
    "HIJ NPS TWY his pins: upper-case letters the accent map folds",
    "snake_case under_scores 2fa 24h 1,000 £12.50 3-5 days",
    "e\u0301te\u0301 (combining accents) Ｆｕｌｌｗｉｄｔｈ",
    "one\ntwo\n\nthree one two three one",
    "no not off out back up: kept though stop words",
    "x y z ab ok go",
    "Rücksendungen, RUECKSENDUNG und Rückerstattung für die Straße: Größe, Maße, ÄÖÜ äöü ẞ",  # German
    "u\u0308ber Gebu\u0308hren (combining umlauts), Steuer, Quelle, aktuell, nicht kein weg",
]


@pytest.mark.parametrize("language", ["en", "de"])
def test_field_indexer_yields_whooshs_own_items_for_every_text_field(language):
    from kbgen.search import languages

    lang = languages.get(language)
    schema = index.schema(lang)
    for name, field in [*((n, schema[n]) for n in index.TEXT_FIELDS), ("spell", index.spelling_field(lang))]:
        fast = FieldIndexer(field)
        for text in AWKWARD + [" ".join(AWKWARD)]:
            assert fast(text) == list(field.index(text)), (name, text)
            assert fast(text) == list(field.index(text)), (name, text)  # again, from its word cache
            assert fast.counts(text) == [(term, freq) for term, freq, _, _ in field.index(text)], (name, text)


def test_the_positions_given_with_the_items_are_those_their_values_encode():
    field = index.schema()["body"]
    fast = FieldIndexer(field)
    for text in AWKWARD + [" ".join(AWKWARD)]:
        items, places = fast.with_positions(text)
        assert items == list(field.index(text))
        assert places == [field.format.decode_as("positions", value) for _, _, _, value in items]
        assert len({id(value) for _, _, _, value in items}) == len(items)  # fresh values, as Whoosh makes them


def _documents(count: int) -> list[SearchDocument]:
    rng = random.Random(7)
    words = " ".join(AWKWARD).split() + [f"word{n}" for n in range(60)]
    docs = []
    for n in range(count):
        body = " ".join(rng.choice(words) for _ in range(rng.randint(0, 120)))
        docs.append(
            SearchDocument(
                id=f"c/{n}.md",
                url=f"/c/{n}/",
                type="faq" if n % 3 else "article",
                title=" ".join(rng.choice(words) for _ in range(rng.randint(1, 8))),
                summary=" ".join(rng.choice(words) for _ in range(rng.randint(0, 12))),
                headings="\n".join(rng.choice(AWKWARD) for _ in range(rng.randint(0, 3))),
                tags=" ".join(rng.choice(words) for _ in range(rng.randint(0, 3))),
                body=body,
                category="c",
                category_title="C",
                audience="all",
                promoted=n % 7 == 0,
            )
        )
    return docs


@pytest.mark.parametrize(
    "pool_mb, language",
    [(index.POOL_MB, "en"), (0.05, "en"), (index.POOL_MB, "de")],  # 0.05: hundreds of sorted runs spilled and merged
)
def test_each_shard_is_the_bytes_whooshs_own_writer_gives_its_documents(tmp_path, monkeypatch, pool_mb, language):
    """The analysis given ahead, the field lengths read once: plain Whoosh's bytes all the same."""
    from whoosh.filedb.filestore import FileStorage, RamStorage

    from kbgen.search import languages

    monkeypatch.setattr(index, "POOL_MB", pool_mb)
    docs = _documents(400)
    target = index.write(docs, [("parcel", "package")], tmp_path / "fast", language=language, shard_size=60)
    names = json.loads((target / index.META_FILE).read_text(encoding="utf-8"))["shards"]
    assert len(names) >= 4
    start, written = 0, set()
    for name in names:
        count = FileStorage(str(target)).open_index(indexname=name).doc_count_all()
        plain = RamStorage()
        random.seed(0)
        writer = plain.create_index(index.schema(languages.get(language)), indexname=name).writer(limitmb=pool_mb)
        for doc in docs[start : start + count]:
            writer.add_document(**index._values(doc))
        writer.commit(optimize=True)
        files = {file: bytes(plain.open_file(file).read()) for file in plain.list() if not file.endswith("LOCK")}
        assert any(file.endswith(".seg") for file in files)
        assert {file: (target / file).read_bytes() for file in files} == files
        start += count
        written |= set(files)
    assert start == len(docs)
    ours = {"meta.json", "impacts.bin", "impacts.json", "positions.bin", "spelling.json"}
    assert {p.name for p in target.iterdir()} == written | ours


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_spelling_words_are_those_a_whoosh_spelling_field_over_the_pages_holds(tmp_path, language):
    """spelling.json: every word and its occurrences, as the ``spell`` field of indexes written
    before the file held them (its term dictionary and each term's frequency)."""
    import json

    from whoosh import fields
    from whoosh.filedb.filestore import RamStorage

    from kbgen.search import languages

    docs = _documents(300)
    target = index.write(docs, [], tmp_path, language=language)
    written = json.loads((target / "spelling.json").read_text(encoding="utf-8"))
    lang = languages.get(language)
    ix = RamStorage().create_index(fields.Schema(spell=fields.TEXT(analyzer=lang.spelling_analyzer(), spelling=True)))
    with ix.writer() as writer:
        for doc in docs:
            writer.add_document(spell="\n".join((doc.title, doc.summary, doc.headings, doc.tags, doc.body)))
    with ix.reader() as reader:
        expected = {t.decode(): reader.frequency("spell", t) for t in reader.lexicon("spell")}
    assert written["words"] == expected
    assert list(written["words"]) == sorted(expected)  # code-point order: the same pages, the same bytes
    assert any(w for w in expected if not w.isascii())  # the folding was exercised


def test_scores_without_numpy_are_the_same_bytes(tmp_path, monkeypatch):
    """numpy comes with the semantic extra only: without it the precomputed scores are
    computed term by term in Python, with the same float64 operations in the same order."""
    docs = _documents(300)
    synonyms = [("parcel", "package"), ("didn't arrive", "missing")]
    with_numpy = index.write(docs, synonyms, tmp_path / "numpy")
    monkeypatch.setitem(sys.modules, "numpy", None)  # import numpy raises ImportError
    without = index.write(docs, synonyms, tmp_path / "python")
    for name in ("impacts.bin", "impacts.json"):
        assert (with_numpy / name).read_bytes() == (without / name).read_bytes()


def test_the_schema_pickled_into_the_index_has_no_trace_of_the_fast_path(tmp_path):
    target = index.write(_documents(5), [], tmp_path)
    from whoosh.filedb.filestore import FileStorage

    (name,) = json.loads((target / index.META_FILE).read_text(encoding="utf-8"))["shards"]
    stored = FileStorage(str(target)).open_index(indexname=name).schema
    for name in index.TEXT_FIELDS:
        assert "index" not in vars(stored[name])


@pytest.mark.parametrize("count", [0, 1])
def test_tiny_indexes_are_written(tmp_path, count):
    target = index.write(_documents(count), [], tmp_path)
    assert (target / index.META_FILE).exists()


def test_documents_analysed_out_of_order_and_added_in_order_give_the_same_bytes(tmp_path):
    """What the background process does: analyse as pages come (here backwards), add in index order."""
    import marshal

    docs = _documents(300)
    synonyms = [("parcel", "package")]
    plain = index.write(docs, synonyms, tmp_path / "plain")
    writer = index.IndexWriter(tmp_path / "ahead")
    try:
        analysed = {n: marshal.dumps(writer.analyse(doc)) for n, doc in reversed(list(enumerate(docs)))}
        for n, doc in enumerate(docs):
            writer.add(doc, marshal.loads(analysed[n]))
        ahead = writer.finish(docs, synonyms)
    finally:
        writer.close()
    names = sorted(p.name for p in plain.iterdir())
    assert names == sorted(p.name for p in ahead.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(plain, ahead, names, shallow=False)
    assert (mismatch, errors) == ([], [])


def test_the_content_hash_is_of_the_documents_in_order_then_the_synonyms_and_definitions(tmp_path):
    """Taken as the documents are added (in several shards), it is the digest of each one's digest."""
    import hashlib

    from kbgen.search.documents import encoded

    docs = _documents(60)
    synonyms = [("parcel", "package"), ("money back", "refund")]
    definitions = [{"term": "RMA", "names": ["rma"], "definition": "A return.", "url": "/rma/"}]
    target = index.write(docs, synonyms, tmp_path, definitions, shard_size=10)
    digest = hashlib.sha256()
    for doc in docs:
        digest.update(hashlib.sha256(encoded(doc)).digest())
    digest.update(json.dumps([synonyms, definitions]).encode())
    meta = json.loads((target / index.META_FILE).read_text(encoding="utf-8"))
    assert len(meta["shards"]) > 1
    assert meta["content_hash"] == digest.hexdigest()[:16]


def test_a_documents_encoding_tells_its_fields_apart_and_is_the_same_in_any_process():
    """What shard names and the cache's keys hash: a character moved from one field to the next
    is another document, and the bytes do not depend on which objects the fields share."""
    import dataclasses
    import pickle
    import subprocess
    import sys

    from kbgen.search.documents import encoded

    doc = _documents(1)[0]
    moved = dataclasses.replace(doc, title=doc.title + doc.summary[:1], summary=doc.summary[1:])
    assert encoded(moved) != encoded(doc)
    shared = dataclasses.replace(doc, summary=doc.title, headings=doc.title)  # one object, three fields
    copies = dataclasses.replace(doc, summary="".join(doc.title), headings=(doc.title + ".")[:-1])
    assert encoded(shared) == encoded(copies)
    code = (
        "import sys, pickle; from kbgen.search.documents import encoded; "
        "sys.stdout.buffer.write(encoded(pickle.loads(sys.stdin.buffer.read())))"
    )
    fresh = subprocess.run([sys.executable, "-c", code], input=pickle.dumps(shared), capture_output=True, check=True)
    assert fresh.stdout == encoded(shared)

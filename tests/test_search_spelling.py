"""Spelling corrections through kbgen.search.spelling find what Whoosh's automaton finds.

The reference is ``engine._closest`` without a vocabulary (``reader.terms_within``, the
Levenshtein automaton) over a Whoosh spelling field holding the same words as often: for every
word of a built site's ``spelling.json`` and seeded single and double edits of it (deletions,
insertions, substitutions, transpositions), the candidates at distance 1 and 2 and the chosen
correction must be the same. (``tests/test_search_index_write.py`` shows the file holds what a
Whoosh spelling field over the pages held.)
"""

from __future__ import annotations

import random

import pytest

from kbgen.search import open_engine
from kbgen.search.engine import SPELL_FIELD, _closest
from kbgen.search.spelling import Vocabulary, distance


def _edit(word: str, rng: random.Random, alphabet: str) -> str:
    """``word`` with one random deletion, insertion, substitution or transposition."""
    i = rng.randrange(len(word))
    op = rng.choice(("delete", "insert", "substitute", "transpose"))
    if op == "delete" and len(word) > 1:
        return word[:i] + word[i + 1 :]
    if op == "insert":
        return word[:i] + rng.choice(alphabet) + word[i:]
    if op == "transpose" and i + 1 < len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice(alphabet) + word[i + 1 :]


def _typed(words: list[str], seed: int) -> list[str]:
    """Every word, one edit of it and two edits of it; and two deletions and two insertions at the
    end, where only a length two apart finds the word."""
    rng = random.Random(seed)
    alphabet = "".join(sorted(set("".join(words))))
    typed = []
    for word in words:
        once = _edit(word, rng, alphabet)
        typed += [word, once, _edit(once, rng, alphabet), word[:-2], word + rng.choice(alphabet) * 2]
    return [w for w in typed if w]


def _whoosh_field(vocabulary: Vocabulary):
    """An index whose spelling field holds each word of ``vocabulary`` as often as it counts."""
    from whoosh import analysis, fields
    from whoosh.filedb.filestore import RamStorage

    schema = fields.Schema(spell=fields.TEXT(analyzer=analysis.SpaceSeparatedTokenizer(), spelling=True))
    ix = RamStorage().create_index(schema)
    with ix.writer() as writer:
        writer.add_document(spell=" ".join(" ".join([w] * int(n)) for w, n in vocabulary.frequency.items()))
    return ix


def _compare(site, sample: int | None, seed: int) -> int:
    loaded = open_engine(site, semantic=False)._loaded
    vocabulary = loaded.spelling
    assert vocabulary is not None  # the engine corrects through it
    assert SPELL_FIELD not in loaded.index.schema  # read from spelling.json
    compared = 0
    with _whoosh_field(vocabulary).reader() as reader:
        words = sorted(t.decode() for t in reader.lexicon(SPELL_FIELD))
        assert words == sorted(vocabulary.frequency)
        assert all(vocabulary.frequency[w] == reader.frequency(SPELL_FIELD, w) for w in words)
        if sample is not None:
            words = random.Random(seed).sample(words, min(sample, len(words)))
        for typed in _typed(words, seed):
            forms = loaded.lang.spelling_forms(typed)
            assert vocabulary.closest(forms) == _closest(reader, forms), forms
            for most in (1, 2):
                whoosh = {c for c in reader.terms_within(SPELL_FIELD, typed, most, prefix=1) if c != typed}
                assert set(vocabulary.within(typed, most)) == whoosh, (typed, most)
            compared += 1
    return compared


def test_every_word_of_a_small_site_and_its_typos_get_whooshs_correction(search_site):
    assert _compare(search_site, None, seed=17) > 300


@pytest.mark.parametrize("part", ["", "de-de"])
def test_the_sample_help_centers_words_and_typos_get_whooshs_correction(sample_site, part):
    """English and German (where "ue" is also tried as "ü"), a seeded sample of the words."""
    assert _compare(sample_site / part, 150, seed=17 if not part else 18) > 600


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("return", "reutrn", 2),  # a transposition is two edits, as in Whoosh's automaton
        ("refund", "refunds", 1),
        ("refund", "refu", 2),
        ("refund", "refundable", 3),  # past the bound: bound + 1
        ("abc", "abc", 0),
        ("kitten", "sitting", 3),
    ],
)
def test_distance_is_levenshtein_up_to_a_bound(a, b, expected):
    assert distance(a, b, 2) == min(expected, 3)
    assert distance(b, a, 2) == min(expected, 3)


def test_distance_agrees_with_a_full_levenshtein_table():
    def levenshtein(a: str, b: str) -> int:
        row = list(range(len(b) + 1))
        for i, ca in enumerate(a, 1):
            row, previous = [i], row
            for j, cb in enumerate(b, 1):
                row.append(min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb)))
        return row[-1]

    rng = random.Random(5)
    for _ in range(3000):
        a = "".join(rng.choice("abcd") for _ in range(rng.randint(0, 7)))
        b = "".join(rng.choice("abcd") for _ in range(rng.randint(0, 7)))
        for most in (1, 2):
            assert distance(a, b, most) == min(levenshtein(a, b), most + 1), (a, b, most)


def test_an_index_read_in_several_segments_is_left_to_whoosh(tmp_path):
    from whoosh import fields
    from whoosh.filedb.filestore import RamStorage

    ix = RamStorage().create_index(fields.Schema(spell=fields.TEXT(spelling=True)))
    for text in ("refund", "return"):
        with ix.writer() as writer:
            writer.add_document(spell=text)
    with ix.reader() as reader:
        assert not reader.is_atomic()
        assert Vocabulary.read(reader, "spell") is None


def test_completions_are_whooshs_prefix_expansion_by_frequency(sample_site):
    from kbgen.search.engine import _completions

    vocabulary = open_engine(sample_site, semantic=False)._loaded.spelling
    with _whoosh_field(vocabulary).reader() as reader:
        prefixes = sorted({w[:n] for w in vocabulary.words for n in (2, 3, 4) if len(w) > n})
        for prefix in prefixes:
            assert _completions(reader, prefix, vocabulary) == _completions(reader, prefix), prefix
    assert len(prefixes) > 300


def _copy_without_spelling(site, tmp_path, damage: str):
    import shutil

    from kbgen.search import spelling
    from kbgen.search.index import INDEX_DIR

    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    path = copy / INDEX_DIR / spelling.FILE
    if damage == "missing":
        path.unlink()
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:100])
    elif damage == "another version":
        path.write_text('{"version": 99, "words": {"refund": 3}}')
    else:
        path.write_text('{"version": 1, "words": {"refund": "many"}}')
    return copy


@pytest.mark.parametrize("damage", ["missing", "truncated", "another version", "not counts"])
def test_without_a_usable_spelling_file_search_answers_uncorrected_with_one_warning(
    sample_site, tmp_path, damage, caplog
):
    import logging

    site = _copy_without_spelling(sample_site, tmp_path, damage)
    with caplog.at_level(logging.WARNING, logger="kbgen.search"):
        engine = open_engine(site, semantic=False, cache_size=0)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "spelling.json" in warnings[0] and "rebuilt" in warnings[0]
    assert engine._current().spelling is None
    healthy = open_engine(sample_site, semantic=False, cache_size=0)
    for typed, word in (("warrenty", "warranty"), ("collecton", "collection")):  # no synonym is close
        assert healthy.search(typed)["suggestion"] == word
        assert not engine.search(typed).get("suggestion")
        assert engine.search(word)["hits"]  # the words themselves still find their pages
    assert healthy.suggest("deli")["suggestions"] and not engine.suggest("deli")["suggestions"]  # nothing completes it


def test_the_api_answers_200_with_a_damaged_spelling_file(sample_site, tmp_path, serve):
    from test_search_api import call

    from kbgen.server import HelpCenterApp

    base = serve(HelpCenterApp(_copy_without_spelling(sample_site, tmp_path, "truncated")))
    for path in ("/api/search?q=refnud+my+ordr", "/api/suggest?q=refu"):
        status, _, _ = call(base, path)
        assert status == 200, path


def test_an_index_written_before_the_spelling_file_corrects_from_its_spelling_field(tmp_path, monkeypatch, caplog):
    """A site built by an earlier kbgen keeps its words in a Whoosh field: served as before."""
    import logging

    from test_search_index_write import _documents
    from whoosh import fields

    from kbgen.search import index

    docs = _documents(120)
    new = open_engine(index.write(docs, [], tmp_path / "new").parent.parent, semantic=False, cache_size=0)
    plain_schema, plain_values = index.schema, index._values

    def schema(lang=index.languages.ENGLISH):
        found = plain_schema(lang)
        found.add(SPELL_FIELD, fields.TEXT(analyzer=lang.spelling_analyzer(), spelling=True))
        return found

    monkeypatch.setattr(index, "schema", schema)
    monkeypatch.setattr(index, "_values", lambda doc: {**plain_values(doc), SPELL_FIELD: index._spelt(doc)})
    old_dir = index.write(docs, [], tmp_path / "old")
    (old_dir / "spelling.json").unlink()
    monkeypatch.undo()
    with caplog.at_level(logging.WARNING, logger="kbgen.search"):
        old = open_engine(old_dir.parent.parent, semantic=False, cache_size=0)
    assert not [r for r in caplog.records if r.levelno == logging.WARNING]
    assert SPELL_FIELD in old._current().index.schema
    assert old._current().spelling == new._current().spelling
    for typed in ("wrod1", "parcle", "refnd", "retrun", "word2"):
        assert old.search(typed) == new.search(typed), typed
        assert old.suggest(typed[:3]) == new.suggest(typed[:3])

"""Spelling corrections through kbgen.search.spelling find what Whoosh's automaton finds.

The reference is ``engine._closest`` without a vocabulary (``reader.terms_within``, the
Levenshtein automaton): for every indexed word and seeded single and double edits of it
(deletions, insertions, substitutions, transpositions), the candidates at distance 1 and 2
and the chosen correction must be the same.
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


def _compare(site, sample: int | None, seed: int) -> int:
    loaded = open_engine(site, semantic=False)._loaded
    vocabulary = loaded.spelling
    assert vocabulary is not None  # the engine corrects through it
    compared = 0
    with loaded.index.reader() as reader:
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

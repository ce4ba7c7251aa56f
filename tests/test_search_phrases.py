"""The synonym phrases' precomputed postings are those of Whoosh's own phrase matcher."""

from __future__ import annotations

import dataclasses
import json
import random
from array import array

import pytest
from conftest import article_document
from whoosh import query as Q
from whoosh.filedb.filestore import FileStorage

from kbgen.search import index, languages, phrases, shards
from kbgen.search.documents import SearchDocument
from kbgen.search.impacts import DATA_FILE, DIRECTORY_FILE, Impacts
from kbgen.search.query import Vocabulary

WORDS = "parcel box order refund card track lost the".split()  # "the": a stop word, in no field
SYNONYMS = [
    ("parcel box", "box parcel", "box box", "parcel box parcel", "order order order"),
    ("lost card", "card lost track", "refund the box", "parcel zebra"),  # "zebra": in no document
    ("track order", "order track refund card"),
]


def _text(rng: random.Random, most: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, most)))


def _document(n: int, title: str, meta: str, body: str) -> SearchDocument:
    return dataclasses.replace(article_document(n, body, summary=meta), title=title)


def _corpus(seed: int, count: int) -> list[SearchDocument]:
    rng = random.Random(seed)
    return [_document(n, _text(rng, 6), _text(rng, 10), _text(rng, 40)) for n in range(count)]


def _whoosh(target, field: str, words: tuple[str, ...]) -> tuple[array, array]:
    """What the build wrote before: Whoosh's phrase matcher over the shards read as one."""
    names = json.loads((target / index.META_FILE).read_text(encoding="utf-8"))["shards"]
    ix = shards.open_shards(FileStorage(str(target), readonly=True), names)
    try:
        with ix.searcher(weighting=index.weighting()) as searcher:
            matcher = Q.Phrase(field, list(words)).matcher(searcher)
            ids, scores = array("i"), array("f")
            while matcher.is_active():
                ids.append(matcher.id())
                scores.append(matcher.score())
                matcher.next()
            return ids, scores
    finally:
        ix.close()


def _written(target) -> Impacts:
    directory = json.loads((target / DIRECTORY_FILE).read_text(encoding="utf-8"))
    return Impacts((target / DATA_FILE).read_bytes(), directory)


@pytest.mark.parametrize("seed, count, shard_size, language", [(1, 60, 8, "en"), (2, 150, 20, "en"), (3, 90, 10, "de")])
def test_phrase_postings_are_whooshs_phrase_matchers_ids_and_float32_scores(
    tmp_path, seed, count, shard_size, language
):
    """Random small corpora of few words (so repeated words, words at either edge of a field,
    phrases of 2 to 4 words with repeated words), in several shards (document numbers offset)."""
    docs = _corpus(seed, count)
    target = index.write(docs, SYNONYMS, tmp_path, language=language, shard_size=shard_size)
    assert len(json.loads((target / index.META_FILE).read_text(encoding="utf-8"))["shards"]) >= 3
    written = _written(target)
    searched = Vocabulary.from_groups(SYNONYMS, languages.get(language)).searched_phrases()
    assert len(searched) >= 10
    held = 0
    for words in searched:
        for field in index.TEXT_FIELDS:
            expected = _whoosh(target, field, words)
            found = written.postings(field, words) or (array("i"), array("f"))
            assert found == expected, (field, words)
            held += len(expected[0])
    assert held > 100


def test_words_apart_or_in_the_other_order_are_not_the_phrase(tmp_path):
    texts = [
        "parcel box",  # the phrase
        "box parcel",  # the other order
        "parcel lost box",  # a word between
        "parcel the box",  # a stop word between: dropped, the words after it move up (Whoosh's StopFilter)
        "box track parcel box",  # at the end
        "parcel",  # one word only
    ]
    docs = [_document(n, text, text, text) for n, text in enumerate(texts)]
    target = index.write(docs, [("parcel box", "bundle")], tmp_path)
    written = _written(target)
    for field in index.TEXT_FIELDS:
        ids, _ = written.postings(field, ("parcel", "box"))
        assert list(ids) == [0, 3, 4], field
        assert ids == _whoosh(target, field, ("parcel", "box"))[0]


def test_matches_needs_every_word_right_after_the_one_before():
    places = {"a": {1: [0, 5], 2: [3]}, "b": {1: [1, 7], 2: [2, 9]}, "c": {1: [2], 2: [4]}}

    def documents(word):
        return sorted(places[word]) if word in places else None

    def where(word, docnums):
        return {d: places[word][d] for d in docnums if d in places[word]}

    assert phrases.matches(("a", "b"), documents, where) == [(1, [2, 2])]
    assert phrases.matches(("a", "b", "c"), documents, where) == [(1, [2, 2, 1])]
    assert phrases.matches(("b", "a"), documents, where) == [(2, [2, 1])]  # b at 2, a at 3; in 1 a comes first
    assert phrases.matches(("a", "a"), documents, where) == []
    assert phrases.matches(("a", "z"), documents, where) == []
    assert phrases.summed([0.1, 0.2, 0.3]) == 0.1 + (0.2 + 0.3)

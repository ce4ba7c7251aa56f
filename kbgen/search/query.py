"""From the words a shopper typed to a Whoosh query.

Queries are plain words, never query syntax: punctuation, wildcards and
``field:`` prefixes are just separators. The plan:

1. split into words, keeping stop words for now;
2. find synonym phrases (longest first): "money back" becomes the concept
   {refund, money back, reimbursement, ...};
3. drop stop and question words ("how do i", "where's my");
4. a word the index has never seen gets its closest indexed spelling as an
   alternative, and the corrected query becomes the ``suggestion``;
5. each concept searches every text field with its weight; documents that
   match every concept and the exact phrase rank higher.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from whoosh import query as Q

from .analysis import is_stop, stem, words
from .index import FIELD_WEIGHTS

MAX_WORDS = 32
SYNONYM_WEIGHT = 0.6  # a synonym counts less than the word typed
CORRECTION_WEIGHT = 0.9


@dataclass
class Vocabulary:
    """Synonym groups keyed by their stemmed phrases."""

    phrases: dict[tuple[str, ...], set[int]] = field(default_factory=dict)
    groups: list[list[tuple[str, ...]]] = field(default_factory=list)
    words: set[str] = field(default_factory=set)
    longest: int = 1

    @classmethod
    def from_groups(cls, groups) -> Vocabulary:
        vocab = cls()
        for gid, group in enumerate(groups):
            alternatives = []
            for phrase in group:
                tokens = words(phrase)
                if not tokens:
                    continue
                key = tuple(stem(t) for t in tokens)
                vocab.phrases.setdefault(key, set()).add(gid)
                vocab.longest = max(vocab.longest, len(key))
                vocab.words.update(t for t in tokens if not is_stop(t))
                searchable = tuple(stem(t) for t in tokens if not is_stop(t))
                if searchable:
                    alternatives.append(searchable)
            vocab.groups.append(list(dict.fromkeys(alternatives)))
        return vocab

    def alternatives(self, key: tuple[str, ...]) -> list[tuple[str, ...]]:
        found: list[tuple[str, ...]] = []
        for gid in sorted(self.phrases.get(key, ())):
            found.extend(self.groups[gid])
        return list(dict.fromkeys(found))


@dataclass
class Plan:
    concepts: list[list[tuple[tuple[str, ...], float]]]  # alternatives (stems, weight)
    literal: list[str]  # the typed content words' stems, for the phrase boost
    suggestion: str | None = None

    @property
    def highlight(self) -> set[str]:
        return {s for concept in self.concepts for stems, _ in concept for s in stems}

    @property
    def empty(self) -> bool:
        return not self.concepts


# "title:refund" or "body:x" typed by accident: the prefix is not a word the shopper meant.
_FIELD_PREFIX = re.compile(r"(?<![\w:])[^\W\d_]+:(?=[^\s:])")


def plan(
    text: str,
    vocab: Vocabulary,
    known: Callable[[str], bool],
    correct: Callable[[str], str | None],
) -> Plan:
    text = _FIELD_PREFIX.sub(" ", text)
    tokens = words(text)[:MAX_WORDS]
    stems = [stem(t) for t in tokens]
    concepts: list[list[tuple[tuple[str, ...], float]]] = []
    literal: list[str] = []
    fixes: dict[str, str] = {}
    i = 0
    while i < len(tokens):
        length = _synonym_at(stems, i, vocab, tokens)
        if length:
            key = tuple(stems[i:i + length])
            typed = tuple(s for s, t in zip(key, tokens[i:i + length], strict=True) if not is_stop(t))
            alternatives = [(alt, 1.0 if alt == typed else SYNONYM_WEIGHT)
                            for alt in vocab.alternatives(key)]
            concepts.append(alternatives)
            literal.extend(typed)
            i += length
            continue
        word, s = tokens[i], stems[i]
        i += 1
        if is_stop(word):
            continue
        alternatives = [((s,), 1.0)]
        literal.append(s)
        if not known(s) and word not in vocab.words and len(word) >= 3 and not word.isdigit():
            fix = correct(word)
            if fix and fix != word:
                fixes[word] = fix
                fixed = stem(fix)
                alternatives.append(((fixed,), CORRECTION_WEIGHT))
                alternatives += [(alt, CORRECTION_WEIGHT * SYNONYM_WEIGHT)
                                 for alt in vocab.alternatives((fixed,)) if alt != (fixed,)]
        concepts.append(alternatives)
    return Plan(concepts, literal, _suggest(text, fixes))


def _synonym_at(stems: list[str], i: int, vocab: Vocabulary, tokens: list[str]) -> int:
    """Length of the longest synonym phrase starting at ``i`` (0 if none)."""
    for length in range(min(vocab.longest, len(stems) - i), 0, -1):
        if length == 1 and is_stop(tokens[i]):
            return 0
        if tuple(stems[i:i + length]) in vocab.phrases:
            return length
    return 0


def _suggest(text: str, fixes: dict[str, str]) -> str | None:
    if not fixes:
        return None
    def replace(match: re.Match) -> str:
        return fixes.get(match.group(0).lower(), match.group(0))
    suggestion = re.sub(r"[^\W_]+", replace, text.strip())
    return " ".join(suggestion.split())


def to_whoosh(p: Plan, rare: Callable[[tuple[str, ...]], bool] = lambda stems: False,
              common: Callable[[str, str], bool] = lambda field, stem: False) -> Q.Query:
    """The scoring query for a plan (which must not be empty); None if every word is
    ``common``.

    Each concept searches every field with its weight; a document matches if
    any concept does. Matching every concept is rewarded afterwards
    (:func:`coverage`), which costs far less than a conjunction in the query.
    """
    concept_queries = []
    for alternatives in p.concepts:
        clauses = []
        # Synonyms and corrections search the short fields (titles, headings, tags,
        # summaries); only the words typed also search the body, whose postings are
        # long and most of a query's cost on a big help center. When few bodies hold
        # the words typed (``rare``), the synonyms must find the answer: they search
        # the body too.
        typed = [stems for stems, weight in alternatives if weight == 1.0]
        expand = not typed or all(rare(stems) for stems in typed)
        for stems, weight in alternatives:
            for name, field_weight in FIELD_WEIGHTS.items():
                if name == "body" and weight != 1.0 and not expand:
                    continue
                boost = field_weight * weight
                if len(stems) == 1:
                    if common(name, stems[0]):
                        continue  # too common to rank by; coverage still counts it
                    clauses.append(Q.Term(name, stems[0], boost=boost))
                else:
                    clauses.append(Q.Phrase(name, list(stems), boost=boost))
        if clauses:
            concept_queries.append(_preloaded(Q.Or(clauses)))
    if not concept_queries:
        return None
    if len(p.literal) >= 2:
        # the words typed, in order, in a title: cheap (titles are short), strong signal
        concept_queries.append(Q.Phrase("title", p.literal, boost=FIELD_WEIGHTS["title"]))
        concept_queries.append(Q.Phrase("body", p.literal, slop=2, boost=2.0))
    return concept_queries[0] if len(concept_queries) == 1 else _preloaded(Q.Or(concept_queries))


def _preloaded(query: Q.Or) -> Q.Or:
    """Score the union by reading each clause's postings into arrays.

    The engine scores every match anyway (to count them); for that, Whoosh's
    array union is about twice as fast as its default tree of binary unions
    on 10,000 pages (measured), which pays per document for every node.
    """
    query.matcher_type = Q.Or.ARRAY_MATCHER
    return query

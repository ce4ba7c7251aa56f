"""From the words a shopper typed to the clauses that score it.

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
from typing import NamedTuple

from .index import FIELD_WEIGHTS
from .languages import ENGLISH, Language

MAX_WORDS = 32
SYNONYM_WEIGHT = 0.6  # a synonym counts less than the word typed
CORRECTION_WEIGHT = 0.9
COMPOUND_WEIGHT = 0.6  # a compound that ends with the word typed ("Rücksendeetikett" for "Etikett")


@dataclass
class Vocabulary:
    """Synonym groups keyed by their stemmed phrases."""

    phrases: dict[tuple[str, ...], set[int]] = field(default_factory=dict)
    groups: list[list[tuple[str, ...]]] = field(default_factory=list)
    words: set[str] = field(default_factory=set)
    longest: int = 1

    @classmethod
    def from_groups(cls, groups, lang: Language = ENGLISH) -> Vocabulary:
        words, stem, is_stop = lang.words, lang.stem, lang.is_stop
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

    def searched_phrases(self) -> list[tuple[str, ...]]:
        """Every multi-word alternative a query may search (the index scores them ahead)."""
        return sorted({alt for group in self.groups for alt in group if len(alt) > 1})

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
    corrected: bool = False  # searched as the suggestion (the misspelt words matched nothing)

    @property
    def highlight(self) -> set[str]:
        """Stems to mark wherever they occur: those that stand alone in an alternative."""
        return {stems[0] for concept in self.concepts for stems, _ in concept if len(stems) == 1}

    @property
    def highlight_phrases(self) -> set[tuple[str, ...]]:
        """Multi-word alternatives ("money back"): marked only where they occur together."""
        return {stems for concept in self.concepts for stems, _ in concept if len(stems) > 1}

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
    lang: Language = ENGLISH,
    compounds: Callable[[str], list[str]] = lambda stem: [],
    split: Callable[[str], tuple[str, ...] | None] = lambda word: None,
) -> Plan:
    """``compounds``: indexed terms that end with a stem (German compounds), searched as lesser
    alternatives. ``split``: the stems of the indexed words an unknown word is made of
    ("werbemails": werb, mail), searched as if typed apart."""
    words, stem, is_stop = lang.words, lang.stem, lang.is_stop
    text = _FIELD_PREFIX.sub(" ", text)
    tokens = words(text)[:MAX_WORDS]
    stems = [stem(t) for t in tokens]
    concepts: list[list[tuple[tuple[str, ...], float]]] = []
    literal: list[str] = []
    fixes: dict[str, str] = {}
    i = 0
    while i < len(tokens):
        length = _synonym_at(stems, i, vocab, tokens, is_stop)
        if length:
            key = tuple(stems[i : i + length])
            typed = tuple(s for s, t in zip(key, tokens[i : i + length], strict=True) if not is_stop(t))
            alternatives = [(alt, 1.0 if alt == typed else SYNONYM_WEIGHT) for alt in vocab.alternatives(key)]
            concepts.append(alternatives)
            literal.extend(typed)
            i += length
            continue
        word, s = tokens[i], stems[i]
        i += 1
        if is_stop(word):
            continue
        if not known(s) and word not in vocab.words and (parts := split(word)):
            concepts.extend([((part,), 1.0)] for part in parts)
            literal.extend(parts)
            continue
        alternatives = [((s,), 1.0)]
        alternatives += [((c,), COMPOUND_WEIGHT) for c in compounds(s)]
        literal.append(s)
        if not known(s) and word not in vocab.words and len(word) >= 3 and not word.isdigit():
            fix = correct(word)
            if fix and fix != word:
                fixes[word] = fix
                fixed = stem(fix)
                alternatives.append(((fixed,), CORRECTION_WEIGHT))
                alternatives += [
                    (alt, CORRECTION_WEIGHT * SYNONYM_WEIGHT) for alt in vocab.alternatives((fixed,)) if alt != (fixed,)
                ]
        concepts.append(alternatives)
    # English keys its fixes by the lowercased word as typed (as it always has); others by the word as analysed
    suggestion = _suggest(text, fixes, None if lang is ENGLISH else words, lang.capitals)
    if suggestion is not None and not any(known(stem(word)) for word in fixes):
        # the misspelt words match nothing: search exactly as for the corrected query
        # (its synonyms, phrases and weights), so "refnud" finds what "refund" finds
        corrected = plan(suggestion, vocab, known, lambda word: None, lang, compounds, split)
        return Plan(corrected.concepts, corrected.literal, suggestion, corrected=True)
    return Plan(concepts, literal, suggestion)


def _synonym_at(stems: list[str], i: int, vocab: Vocabulary, tokens: list[str], is_stop) -> int:
    """Length of the longest synonym phrase starting at ``i`` (0 if none)."""
    for length in range(min(vocab.longest, len(stems) - i), 0, -1):
        if length == 1 and is_stop(tokens[i]):
            return 0
        if tuple(stems[i : i + length]) in vocab.phrases:
            return length
    return 0


def _suggest(text: str, fixes: dict[str, str], words=None, capitals: bool = False) -> str | None:
    if not fixes:
        return None

    def replace(match: re.Match) -> str:
        typed = match.group(0).lower()
        if words and typed not in fixes and not typed.isascii():  # "Café": the fix is keyed by "cafe"
            typed = "".join(words(typed)) or typed
        fix = fixes.get(typed)
        if fix is None:
            return match.group(0)
        return fix[:1].upper() + fix[1:] if capitals and match.group(0)[:1].isupper() else fix

    suggestion = re.sub(r"[^\W_]+", replace, text.strip())
    return " ".join(suggestion.split())


class Clause(NamedTuple):
    """One field searched for one term or phrase, its score multiplied by ``boost`` (a named
    tuple: a long query makes forty, and a frozen dataclass costs several times as much)."""

    field: str
    stems: tuple[str, ...]
    boost: float


def clauses(
    p: Plan,
    rare: Callable[[tuple[str, ...]], bool] = lambda stems: False,
    common: Callable[[str, str], bool] = lambda field, stem: False,
) -> list[list[Clause]]:
    """What each concept of a plan searches: its alternatives in every field, weighted.

    A document's score is the sum of the clauses it matches, whatever their
    concept; matching every concept is rewarded afterwards, which costs far
    less than a conjunction. Words too ``common`` to rank by leave the scored
    clauses (the re-ranking still counts them), unless that would leave none.
    """
    concepts = [_concept_clauses(alternatives, rare, common) for alternatives in p.concepts]
    if not any(concepts):
        concepts = [_concept_clauses(alternatives, rare, lambda field, stem: False) for alternatives in p.concepts]
    return concepts


def _concept_clauses(alternatives, rare, common) -> list[Clause]:
    found = []
    # Synonyms and corrections search the short fields (titles, headings, tags,
    # summaries); only the words typed also search the body, where any word
    # matches too many pages to be a good hint. When few bodies hold the words
    # typed (``rare``), the synonyms must find the answer: they search the body too.
    typed = [stems for stems, weight in alternatives if weight == 1.0]
    expand = not typed or all(rare(stems) for stems in typed)
    for stems, weight in alternatives:
        for name, field_weight in FIELD_WEIGHTS.items():
            if name == "body" and weight != 1.0 and not expand:
                continue
            if len(stems) == 1 and common(name, stems[0]):
                continue  # too common to rank by; coverage still counts it
            found.append(Clause(name, stems, field_weight * weight))
    return found


# The words typed, in order, in a title (exactly) or a body (one word between
# allowed): (field, slop, boost, reach). Checked on the best candidates only:
# ``reach`` of them, or all (None) for titles, which the engine keeps in memory.
PHRASE_BOOSTS = (("title", 1, FIELD_WEIGHTS["title"], None), ("body", 2, 2.0, 20))

"""Ranking a query: sums of precomputed scores, then the few best re-scored.

1. every clause adds its precomputed BM25F scores (times its boost) to the
   documents it matches: that is Whoosh's BM25F for the same query, without
   running a matcher per posting (in numpy arrays when numpy is installed and the
   postings are many: the same additions in the same order);
2. the best candidates get the phrase boost (the words typed, in order, in a
   title or a body), read from the postings' positions for those pages only;
3. the best of those are re-scored by how many of the query's concepts they
   contain (1 + 2·coverage²), so a page that answers the whole question
   ("cancel" and "bid") beats one that repeats a single word, and by the
   page's own weight (promoted articles, current notices).

With page vectors (:mod:`vectors`), :func:`fuse` then mixes that lexical
ranking with the query's similarity to each page (hybrid search).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Collection
from dataclasses import dataclass
from heapq import nlargest
from typing import NamedTuple

from .impacts import Impacts
from .index import TEXT_FIELDS
from .query import PHRASE_BOOSTS, Clause, Plan

RERANK = 50  # best matches re-scored by concept coverage
POOL = 1.5  # candidates for the phrase check, per place re-ranked

# (field, stem, sorted document numbers) -> {document: positions of the stem}
Positions = Callable[[str, str, list[int]], dict[int, list[int]]]


def rank(
    impacts: Impacts,
    plan: Plan,
    concepts: list[list[Clause]],
    positions: Positions,
    weight: Callable[[int], float],
    allowed: Collection[int] | None = None,
    depth: int = RERANK,
    matched: list | None = None,
    rescore: int = RERANK,
) -> tuple[int, list[tuple[float, int]]]:
    """(number of matching documents, the best ``depth`` as (score, document), best first).

    The best ``rescore`` are re-scored (phrase, coverage, page weight); past them the
    order is the plain score's. ``rescore`` never depends on the page asked for, so
    pages stay consistent. ``matched``, when given, receives one collection of every
    matching document (it answers ``in``; thousands of matches are not copied into a set)."""
    entries = []
    for concept in concepts:
        for clause in concept:
            entry = impacts.postings(clause.field, clause.stems)
            if entry is not None:
                entries.append((entry, clause.boost))
    if entries and sum(len(ids) for (ids, _), _ in entries) >= ARRAY_SUM and (np := _numpy()) is not None:
        scores = _ArraySums(np, entries, allowed)
    else:
        scores = _sums(entries, allowed)
    if matched is not None:
        matched.append(scores)
    if not scores:
        return 0, []
    # The re-scored head is the same whatever page is asked for, and the rest follows it
    # in one fixed order, so consecutive pages never repeat or skip a result.
    candidates = scores.best(int(POOL * rescore))
    candidates.sort()
    boosted = scores.of(candidates)
    if len(plan.literal) >= 2:
        for field, slop, boost, reach in PHRASE_BOOSTS:
            docs = candidates if reach is None else sorted(nlargest(reach, candidates, key=boosted.__getitem__))
            for doc, score in _phrase_scores(impacts, positions, field, plan.literal, slop, docs).items():
                boosted[doc] += score * boost
    best = nlargest(rescore, candidates, key=boosted.__getitem__)
    best.sort()
    covered = _coverage(impacts, plan, best)
    ranked = [(boosted[doc] * (1 + 2 * covered.get(doc, 0.0) ** 2) * weight(doc), doc) for doc in best]
    ranked.sort(key=lambda pair: (-pair[0], pair[1]))
    if depth > len(ranked) < len(scores):
        head = set(best)
        rest = ((boosted.get(doc, score), doc) for doc, score in scores.items() if doc not in head)
        ranked += nlargest(depth - len(ranked), rest, key=lambda pair: (pair[0], -pair[1]))
    return len(scores), ranked


class _Sums(dict):
    """Each matching document's summed score, in the order documents were first matched."""

    def outside(self, docs: list[int]) -> int:
        """How many of ``docs`` did not match."""
        return sum(1 for doc in docs if doc not in self)

    def of(self, docs: list[int]) -> dict[int, float]:
        """The scores of ``docs`` (matching documents)."""
        return {doc: self[doc] for doc in docs}

    def best(self, count: int) -> list[int]:
        """The ``count`` best documents, best first; of equal scores the first matched first."""
        return nlargest(count, self, key=self.__getitem__)


def nothing() -> _Sums:
    """No matches: what :func:`rank` gives ``matched`` when nothing matched."""
    return _Sums()


def _sums(entries: list, allowed: Collection[int] | None) -> _Sums:
    scores = _Sums()
    get = scores.get
    for (ids, values), boost in entries:
        for doc, score in zip(ids, values, strict=True):
            scores[doc] = get(doc, 0.0) + score * boost
    if allowed is not None:
        scores = _Sums((doc, score) for doc, score in scores.items() if doc in allowed)
    return scores


# Postings above which the sums are made with numpy when it is installed (hybrid search
# brings it): the same additions in the same order, so the same floats and the same ranking.
ARRAY_SUM = 500


class _ArraySums:
    """:func:`_sums` over numpy arrays: the same scores, the same order among equals.

    Every clause's postings are laid end to end in clause order; each score (float32) times
    its clause's boost is added to its document's float64 total by ``bincount``, which adds
    its weights one by one in that order, as the dictionary adds Python floats (so the same
    floats). A document's first place in that run keeps the order in which documents were
    first matched, which breaks ties as the dictionary's order does. One call per step for
    all clauses, not several per clause (a long query has thirty clauses or more)."""

    def __init__(self, np, entries: list, allowed: Collection[int] | None):
        ids = [np.frombuffer(ids, dtype=np.int32) for (ids, _), _ in entries]
        docs = np.concatenate(ids)
        values = np.concatenate([np.frombuffer(values, dtype=np.float32) for (_, values), _ in entries])
        values = values.astype(np.float64)
        values *= np.repeat(np.array([boost for _, boost in entries], dtype=np.float64), [len(i) for i in ids])
        size = int(docs.max()) + 1 if len(docs) else 0
        total = np.bincount(docs, weights=values, minlength=size)
        first = np.full(size, len(docs), dtype=np.int64)  # len(docs): never matched
        np.minimum.at(first, docs, np.arange(len(docs), dtype=np.int64))
        docs = np.flatnonzero(first < len(docs))
        if allowed is not None:
            docs = docs[np.isin(docs, np.fromiter(allowed, dtype=np.int64, count=len(allowed)))]
        self._np, self._total, self._first, self.docs = np, total, first, docs

    def __len__(self) -> int:
        return len(self.docs)

    def __iter__(self):
        return iter(self.docs.tolist())

    def __getitem__(self, doc: int) -> float:
        return float(self._total[doc])

    def __contains__(self, doc: int) -> bool:
        return self.outside([doc]) == 0

    def of(self, docs: list[int]) -> dict[int, float]:
        """The scores of ``docs`` (matching documents), read in one step."""
        return dict(zip(docs, self._total[docs].tolist(), strict=True))

    def outside(self, docs: list[int]) -> int:
        """How many of ``docs`` did not match (one array search for all of them)."""
        if not docs or not len(self.docs):
            return len(docs)
        wanted = self._np.asarray(docs, dtype=self.docs.dtype)
        places = self._np.minimum(self._np.searchsorted(self.docs, wanted), len(self.docs) - 1)
        return int((self.docs[places] != wanted).sum())

    def best(self, count: int) -> list[int]:
        docs, totals = self.docs, self._total[self.docs]
        if 0 < count < len(docs):
            # only scores at least the count-th best can make it (ties with it included): the
            # same order among far fewer documents than sorting every match
            floor = self._np.partition(totals, len(docs) - count)[len(docs) - count]
            keep = totals >= floor
            docs, totals = docs[keep], totals[keep]
        order = self._np.lexsort((self._first[docs], -totals))
        return docs[order[:count]].tolist()

    def items(self):
        return zip(self.docs.tolist(), self._total[self.docs].tolist(), strict=True)


def _numpy():
    """numpy when installed (imported on first use, after vectors.py set its thread count)."""
    global _np
    if _np is False:
        try:
            import numpy
        except ImportError:
            numpy = None
        _np = numpy
    return _np


_np = False  # not looked for yet


def _phrase_scores(
    impacts: Impacts, positions: Positions, field: str, stems: list[str], slop: int, docs: list[int]
) -> dict[int, float]:
    """The documents among ``docs`` (sorted) holding ``stems`` in order in ``field``,
    each with the sum of those terms' scores (what Whoosh's phrase query scores)."""
    tables = []
    for stem in stems:
        entry = impacts.postings(field, (stem,))
        if entry is None:
            return {}
        tables.append(entry)
    np = _numpy()
    if np is None or not docs:
        holders = [doc for doc in docs if all(_find(ids, doc) >= 0 for ids, _ in tables)]
        rows = [[_find(ids, doc) for doc in holders] for ids, _ in tables]
    else:  # the same lookups, for all of ``docs`` at once per stem
        wanted = np.asarray(docs, dtype=np.int32)
        held = np.ones(len(docs), dtype=bool)
        places = []
        for ids, _ in tables:
            found_at, there = _held(np, ids, wanted)
            held &= there
            places.append(found_at)
        holders = wanted[held].tolist()
        rows = [found_at[held].tolist() for found_at in places]
    if not holders:
        return {}
    where = {stem: positions(field, stem, holders) for stem in set(stems)}
    found = {}
    for i, doc in enumerate(holders):
        if _in_order([where[stem].get(doc, ()) for stem in stems], slop):
            found[doc] = sum(scores[row[i]] for (_, scores), row in zip(tables, rows, strict=True))
    return found


def _held(np, ids, wanted):
    """(each of ``wanted``'s place in the sorted postings ``ids``, whether it is there)."""
    ids = np.frombuffer(ids, dtype=np.int32)
    if not len(ids):
        return np.zeros(len(wanted), dtype=np.intp), np.zeros(len(wanted), dtype=bool)
    places = ids.searchsorted(wanted)
    return places, ids.take(places, mode="clip") == wanted


def _in_order(places: list, slop: int) -> bool:
    """Whether one position from each list follows the previous by 1 to ``slop``."""
    ends = set(places[0])
    for following in places[1:]:
        ends = {p for p in following if any(1 <= p - end <= slop for end in ends)}
        if not ends:
            return False
    return True


def _coverage(impacts: Impacts, plan: Plan, docs: list[int]) -> dict[int, float]:
    """Share of the plan's concepts each of ``docs`` contains (all stems of one
    alternative, anywhere in the page)."""
    holding: dict[str, set[int]] = {}
    np = _numpy()
    wanted = np.asarray(docs, dtype=np.int32) if np is not None else None

    def holders(stem: str) -> set[int]:
        if stem not in holding:
            found = set()
            for field in TEXT_FIELDS:
                entry = impacts.postings(field, (stem,))
                if entry is None:
                    continue
                if wanted is None:
                    found.update(doc for doc in docs if _find(entry[0], doc) >= 0)
                    continue
                # the same membership test for all of ``docs`` at once
                found.update(wanted[_held(np, entry[0], wanted)[1]].tolist())
            holding[stem] = found
        return holding[stem]

    counts: dict[int, int] = {}
    for alternatives in plan.concepts:
        concept_docs: set[int] = set()
        for stems, _ in alternatives:
            concept_docs |= set.intersection(*(holders(s) for s in stems))
        for doc in concept_docs:
            counts[doc] = counts.get(doc, 0) + 1
    return {doc: count / len(plan.concepts) for doc, count in counts.items()}


def _find(ids, doc: int) -> int:
    """Index of ``doc`` in the sorted ``ids``, or -1."""
    i = bisect_left(ids, doc)
    return i if i < len(ids) and ids[i] == doc else -1


KINDS = ("article", "faq")  # a document's kind for the fusion; anything else (flows, notices) is a third


@dataclass(frozen=True)
class Fusion:
    """How the lexical ranking and the vector similarity are mixed: a linear score over a few
    features of each candidate, whose weights were learned on the tune half of
    ``benchmarks/relevance/chat_queries.yml`` (listwise: the probability a softmax over a query's
    candidates gives its relevant pages, with an L2 penalty, chosen by cross-validation within
    that half; ``benchmarks/relevance/tune_fusion.py``). The features:

    - ``lexical``: the lexical score over the query's best (0 for pages found only by meaning);
    - ``lexical_rank``: 1 / the page's place in the lexical ranking (0 when not in it);
    - ``lexical_found``: 1 when the lexical ranking has the page at all;
    - ``meaning``: the page's similarity to the query (a typo as corrected, so a corrected
      typo finds what the corrected words find), as a z-score over the whole help center (how
      unusually close it is, whatever the query's wording); a FAQ entry's is the larger of its
      page's and its question's;
    - ``article``, ``faq``, ``other``: the page's kind (a flow or a notice is ``other``).

    Candidates: the lexical ranking's best plus the ``candidates`` pages most similar to the
    query (as corrected) whose z-score reaches ``floor`` and whose cosine reaches ``minimum``.
    """

    lexical: float = 1.604
    lexical_rank: float = 1.236
    lexical_found: float = 0.288
    meaning: float = 1.628
    article: float = 0.788
    faq: float = -0.581
    other: float = -0.207
    candidates: int = 20
    floor: float = 1.5
    # so words that mean nothing here ("zanzibar", "asdf") find nothing; real meaning-only
    # matches ("bill" -> an invoice page, "my stuff never showed up") measured 0.2-0.25
    minimum: float = 0.2


FUSION = Fusion()


class Fused(NamedTuple):
    """One fused hit, with what it was made of (for ``kbgen search --explain``). A named tuple:
    a search makes seventy of them, and a frozen dataclass costs five times as much to make."""

    score: float
    doc: int
    lexical: float  # the lexical ranking's score, 0 when found by meaning only
    similarity: float | None  # cosine similarity to the query (as corrected)
    z: float | None  # the similarity as a z-score over all pages


def kind_codes(groups: dict, count: int):
    """Each document's index in :data:`KINDS` (``len(KINDS)`` for any other kind), from the
    engine's ``("type", kind) -> document numbers`` groups."""
    import numpy as np

    out = np.full(count, len(KINDS), dtype=np.int8)
    for code, kind in enumerate(KINDS):
        docs = [doc for doc in groups.get(("type", kind), ()) if doc < count]
        out[docs] = code
    return out


def _z(similarity):
    """(mean, spread) of a similarity array, for its z-scores."""
    if not len(similarity):
        return 0.0, 1.0
    spread = float(similarity.std())
    return float(similarity.mean()), spread if spread > 1e-9 else 1.0


FEATURES = ("lexical", "lexical_rank", "lexical_found", "meaning", "article", "faq", "other")


def weights(fusion: Fusion = FUSION) -> tuple[float, ...]:
    """The fusion's weights in :data:`FEATURES` order."""
    return tuple(getattr(fusion, name) for name in FEATURES)


def pool(lexical: list[tuple[float, int]], similarity, fusion: Fusion = FUSION, allowed=None, scale=None) -> list[int]:
    """The candidates: the lexical ranking's documents, then those found by meaning alone.
    ``scale``: the similarity's (mean, spread), if already known."""
    import numpy as np

    found = [doc for _, doc in lexical]
    count = len(similarity)
    if not fusion.candidates or not count:
        return found
    mean, spread = scale or _z(similarity)
    seen = set(found)
    wanted = min(count, fusion.candidates * 4 if allowed is not None else fusion.candidates)
    # Only pages at least as similar as both thresholds below can be added, and they come
    # first in the order looked through: choose the ``wanted`` best among those few (a little
    # below the thresholds, for rounding) rather than among every page; of equal similarities
    # the first pages.
    top = np.flatnonzero(similarity >= max(fusion.minimum, mean + (fusion.floor - 0.001) * spread) - 1e-6)
    if wanted < len(top):
        values = similarity[top]
        top = top[values >= np.partition(values, len(top) - wanted)[len(top) - wanted]]
    added = 0
    for doc in sorted(top.tolist(), key=lambda d: (-similarity[d], d))[:wanted]:
        if added >= fusion.candidates or (similarity[doc] - mean) / spread < fusion.floor:
            break
        if similarity[doc] < fusion.minimum:
            break
        if (allowed is not None and doc not in allowed) or doc in seen:
            continue
        found.append(doc)
        added += 1
    return found


def features(lexical: list[tuple[float, int]], candidates: list[int], similarity, kinds=None, scale=None):
    """One row of :data:`FEATURES` per candidate (float64), as :class:`Fusion` describes them.
    ``scale``: the similarity's (mean, spread), if already known."""
    import numpy as np

    docs = np.asarray(candidates, dtype=np.int64)
    out = np.zeros((len(docs), len(FEATURES)))
    if not len(docs):
        return out
    best = lexical[0][0] if lexical and lexical[0][0] > 0 else 1.0
    ranked = [doc for _, doc in lexical]
    if ranked and list(candidates[: len(ranked)]) == ranked and set(ranked).isdisjoint(candidates[len(ranked) :]):
        # the pool's candidates: the lexical ranking in order, then pages it lacks (the same
        # divisions, by whole columns)
        head = len(ranked)
        out[:head, 0] = np.array([score for score, _ in lexical]) / best
        out[:head, 1] = 1.0 / np.arange(1, head + 1, dtype=np.float64)
        out[:head, 2] = 1.0
    else:
        places = {doc: (score / best, 1.0 / place, 1.0) for place, (score, doc) in enumerate(lexical, 1)}
        unfound = (0.0, 0.0, 0.0)
        out[:, :3] = [places.get(doc, unfound) for doc in candidates]  # (one assignment, not one a row)
    mean, spread = scale or _z(similarity)
    out[:, 3] = (similarity[docs] - mean) / spread
    kind = np.zeros(len(docs), dtype=np.int64) if kinds is None else np.asarray(kinds)[docs]
    out[np.arange(len(docs)), 4 + np.minimum(kind, len(KINDS))] = 1.0
    return out


def fuse(
    lexical: list[tuple[float, int]],
    similarity,
    fusion: Fusion = FUSION,
    allowed: Collection[int] | None = None,
    kinds=None,
) -> list[Fused]:
    """The fused ranking of the lexical candidates and the most similar pages, best first.

    ``similarity``: a numpy array of each document's cosine similarity to the query;
    ``kinds``: per document, its index in :data:`KINDS` or ``len(KINDS)`` for any other
    (None: every document an article).
    """
    import numpy as np

    scale = _z(similarity)  # once for both
    candidates = pool(lexical, similarity, fusion, allowed, scale)
    rows = features(lexical, candidates, similarity, kinds, scale)
    scores = rows @ np.asarray(weights(fusion))
    docs = np.asarray(candidates, dtype=np.int64)
    lex = {doc: score for score, doc in lexical}
    # best first, of equal scores the lower document number first; then every column as
    # Python floats at once (the same values as converting each element)
    order = np.lexsort((docs, -scores))
    return list(
        map(
            Fused._make,
            zip(
                scores[order].tolist(),
                docs[order].tolist(),
                [lex.get(doc, 0.0) for doc in docs[order].tolist()],
                similarity[docs[order]].tolist(),
                rows[order, 3].tolist(),
                strict=True,
            ),
        )
    )

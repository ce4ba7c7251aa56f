"""Experiments on pooling and fusion, from fusion_data.py's capture (imported; run by hand).

Pooling: weighted means of wordllama's token vectors (IDF, SIF, ...). Fusion: per
(query, candidate) features, a linear score trained listwise with numpy (Adam on the
softmax probability of the relevant candidates, L2 penalty), cross-validated. Only the
tune half is looked at query by query; the test half only ever gives aggregates.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from fusion_data import OUT  # noqa: E402

from kbgen.search import vectors as semantic  # noqa: E402


def load(path: Path = OUT) -> dict:
    with path.open("rb") as fh:
        return pickle.load(fh)


def ranked_paths(docnums, paths) -> list[str]:
    seen, out = set(), []
    for d in docnums:
        p = paths[d]
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out[:10]


def rank_of(ranked: list[str], relevant: list[str]) -> int | None:
    for i, p in enumerate(ranked[:10], 1):
        if p in relevant:
            return i
    return None


def metrics(ranks) -> tuple[float, float, float]:
    n = len(ranks)
    return (
        sum(1 / r for r in ranks if r) / n,
        sum(1 for r in ranks if r == 1) / n,
        sum(1 for r in ranks if r and r <= 5) / n,
    )


def title_first(docnums: list[int], exact) -> list[int]:
    if not exact:
        return docnums
    first = [d for d in docnums if d in exact]
    return first + [d for d in docnums if d not in exact] if first else docnums


# --------------------------------------------------------------------------------------
# Pooling: weighted bags of the model's token vectors


def token_ids(texts: list[str]) -> list[np.ndarray]:
    tok = semantic._tokenizer(semantic.model())
    size = semantic.model().embedding.shape[0]
    encoded = tok.encode_batch(list(texts), add_special_tokens=False)
    return [np.clip(np.asarray(e.ids, dtype=np.int64), 0, size - 1) for e in encoded]


def pool(ids_list: list[np.ndarray], weight=None, normalise=True) -> np.ndarray:
    """Weighted mean of token vectors; ``weight``: array over the vocabulary, or None (uniform)."""
    table = semantic.model().embedding
    out = np.zeros((len(ids_list), table.shape[1]), dtype=np.float32)
    for row, ids in enumerate(ids_list):
        if len(ids):
            w = np.ones(len(ids), np.float32) if weight is None else weight[ids].astype(np.float32)
            out[row] = w @ table[ids] / max(w.sum(), 1e-9)
    if normalise:
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
    return out


def document_frequencies(ids_list: list[np.ndarray]) -> np.ndarray:
    size = semantic.model().embedding.shape[0]
    df = np.zeros(size, np.float64)
    for ids in ids_list:
        df[np.unique(ids)] += 1
    return df


# --------------------------------------------------------------------------------------
# Learned fusion: features per (query, candidate), a linear score trained listwise


def zscore(s: np.ndarray) -> np.ndarray:
    sd = s.std()
    return (s - s.mean()) / (sd if sd > 1e-9 else 1.0)


class Space:
    """The document vectors of one pooling, and per query their similarities."""

    def __init__(self, docs, weight=None, head=True):
        self.docs = docs
        self.weight = weight
        self.page = pool(token_ids([semantic.document_text(d) for d in docs]), weight)
        self.qdocs = np.array([i for i, d in enumerate(docs) if d.type == "faq"], dtype=np.int64)
        self.question = pool(token_ids([docs[i].title for i in self.qdocs]), weight)
        self.head = pool(token_ids([f"{d.title}\n{d.summary}" for d in docs]), weight) if head else None

    def sims(self, texts: list[str]):
        qv = pool(token_ids(texts), self.weight)
        page = qv @ self.page.T
        quest = np.full_like(page, -1.0)
        quest[:, self.qdocs] = qv @ self.question.T
        head = qv @ self.head.T if self.head is not None else page
        return page, quest, head


FEATURES = (
    "lex",  # L / L_best
    "lex_rr",  # 1 / lexical rank
    "in_lex",
    "z_max",  # z of max(page, question)
    "z_page",
    "z_quest",  # FAQ entries; 0 otherwise
    "z_head",  # title + summary
    "vec_rr",  # 1 / rank by max similarity
    "faq",
    "article",
    "other",  # flow, notice
    "qshape_faq",
    "long_lex",  # lex for queries of 10+ words
    "short_lex",  # lex for queries of 3 words or fewer
    "long_z",
    "no_lex_hits",  # the query found nothing lexically (its z_max)
)


def candidates_features(row, page, quest, head, docs, vec_k=20):
    """(candidate docnums, feature matrix) for one query."""
    lexical = row["lexical"]
    best = lexical[0][0] if lexical and lexical[0][0] > 0 else 1.0
    lex = {d: s / best for s, d in lexical}
    lex_rank = {d: i for i, (_, d) in enumerate(lexical, 1)}
    simmax = np.maximum(page, quest)
    order = np.argsort(-simmax, kind="stable")
    vec_rank = np.empty(len(order), np.int64)
    vec_rank[order] = np.arange(1, len(order) + 1)
    cands = list(lex)
    for d in order[:vec_k].tolist():
        if d not in lex:
            cands.append(d)
    zm, zp, zh = zscore(simmax), zscore(page), zscore(head)
    has_q = quest > -1
    zq = np.zeros_like(page)
    if has_q.any():
        zq[has_q] = zscore(quest[has_q])
    nwords = len(row["q"].split())
    X = np.zeros((len(cands), len(FEATURES)), np.float32)
    for i, d in enumerate(cands):
        t = docs[d].type
        L = lex.get(d, 0.0)
        X[i] = (
            L,
            1 / lex_rank[d] if d in lex_rank else 0.0,
            1.0 if d in lex else 0.0,
            zm[d],
            zp[d],
            zq[d],
            zh[d],
            1 / vec_rank[d],
            t == "faq",
            t == "article",
            t not in ("faq", "article"),
            (t == "faq") and row["question"],
            L if nwords >= 10 else 0.0,
            L if nwords <= 3 else 0.0,
            zm[d] if nwords >= 10 else 0.0,
            zm[d] if not lexical else 0.0,
        )
    return np.array(cands, np.int64), X


def labels_for(row, cands, paths):
    return np.array([paths[d] in row["relevant"] for d in cands], np.float32)


def prepare(data, name, space, vec_k=20):
    rows = data["sets"][name]
    page, quest, head = space.sims([r["meant"] for r in rows])
    out = []
    for r, p, q, h in zip(rows, page, quest, head, strict=True):
        cands, X = candidates_features(r, p, q, h, data["docs"], vec_k)
        out.append((r, cands, X, labels_for(r, cands, data["paths"])))
    return out


def train(prepared, mask, l2=1e-2, steps=400, lr=0.05):
    """Listwise softmax: maximise the probability mass on the relevant candidates."""
    d = prepared[0][2].shape[1]
    w = np.zeros(d, np.float64)
    w[FEATURES.index("lex")] = 1.0
    m, v = np.zeros(d), np.zeros(d)
    items = [(X.astype(np.float64), y) for (_, _, X, y), use in zip(prepared, mask, strict=True) if use and y.any()]
    for t in range(1, steps + 1):
        g = l2 * w
        for X, y in items:
            s = X @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            # d/dw of -log sum_{relevant} p  (mass on relevant)
            pr = p * y
            pr /= max(pr.sum(), 1e-12)
            g += (X.T @ (p - pr)) / len(items)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w -= lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return w


def score_ranks(prepared, w, paths, mask=None):
    ranks = []
    for i, (r, cands, X, _) in enumerate(prepared):
        if mask is not None and not mask[i]:
            continue
        s = X @ w
        order = cands[np.lexsort((cands, -s))].tolist()
        order = title_first(order, set(r["exact"]))
        ranks.append(rank_of(ranked_paths(order, paths), r["relevant"]))
    return ranks


def cross_validate(prepared, paths, folds=5, repeats=4, **kw):
    """Mean MRR@10 / R@1 on held-out folds of the given queries."""
    n = len(prepared)
    all_ranks = []
    for rep in range(repeats):
        perm = np.random.default_rng(rep).permutation(n)
        for f in range(folds):
            test = np.zeros(n, bool)
            test[perm[f::folds]] = True
            w = train(prepared, ~test, **kw)
            all_ranks += score_ranks(prepared, w, paths, test)
    return metrics(all_ranks)

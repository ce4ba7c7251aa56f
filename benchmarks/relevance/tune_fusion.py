#!/usr/bin/env python3
"""Tune how hybrid search mixes the lexical ranking with vector similarity (run by hand).

Uses ONLY the tune half of chat_queries.yml (the test half is held back, and this script
refuses to read it). Builds the sample site with page vectors (or reuses --site), computes
each query's lexical ranking and similarities once through the engine, then scores a grid
of fusion settings with kbgen.search.ranking.fuse (the code the engine runs), plus two
other normalisations for comparison (per-query min-max of the similarity over the
candidates, and reciprocal-rank fusion). Prints the best settings by MRR@10.

    .venv/bin/python benchmarks/relevance/tune_fusion.py [--site DIR]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from evaluate import DEFAULT_SITE, ROOT, TargetMapper, build_site, dedupe, load_documents  # noqa: E402

from kbgen.search import SearchRequest, open_engine  # noqa: E402
from kbgen.search import vectors as semantic  # noqa: E402
from kbgen.search.engine import question_shaped  # noqa: E402
from kbgen.search.ranking import FUSION, Fusion, fuse  # noqa: E402

SEMANTIC = (0.0, 0.02, 0.05, 0.08, 0.1, 0.12, 0.15, 0.2, 0.25, 0.3, 0.4, 0.6, 1.0)
FLOOR = (1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 99.0)
CANDIDATES = (10, 20, 40)
QUESTION = (0.0, 0.03, 0.06, 0.1)
MINIMUM = (0.0, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4)


def mrr(ranked_paths: list[list[str]], relevant: list[list[str]]) -> tuple[float, float]:
    rr, r1 = 0.0, 0
    for ranked, rel in zip(ranked_paths, relevant, strict=True):
        for i, p in enumerate(ranked[:10], 1):
            if p in rel:
                rr += 1 / i
                r1 += i == 1
                break
    return rr / len(relevant), r1 / len(relevant)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--site", type=Path)
    args = ap.parse_args()
    entries = [e for e in yaml.safe_load((HERE / "chat_queries.yml").read_text()) if e["split"] == "tune"]
    docs = load_documents(ROOT / "content")
    mapper = TargetMapper(docs)
    site = args.site or DEFAULT_SITE
    if not args.site:
        build_site(site)
    engine = open_engine(site, cache_size=0)
    loaded = engine._current()
    if loaded.vectors is None:
        sys.exit("the site has no page vectors: install kbgen[semantic] and rebuild")
    with engine._searcher(loaded) as searcher:
        tune(engine, loaded, searcher, entries, mapper)
    return 0


def tune(engine, loaded, searcher, entries, mapper) -> None:
    path_of = {}

    def paths(docnums) -> list[str]:
        out = []
        for d in docnums:
            if d not in path_of:
                path_of[d] = mapper(loaded.stored_fields(searcher, d)["url"])
            out.append(path_of[d])
        return dedupe(out)[:10]

    relevant = [e["relevant"] for e in entries]
    lexical, sims = [], {}
    for e in entries:
        request = SearchRequest(e["q"], limit=10)
        _, _, ranked, _, _ = engine.candidates(request, loaded, searcher, Fusion(question=0.0))
        lexical.append(ranked)
    for bonus in QUESTION:
        sims[bonus] = [
            semantic.similarity(loaded.vectors, e["q"], bonus if question_shaped(e["q"]) else 0.0) for e in entries
        ]
    print(f"{len(entries)} tune queries, {loaded.doc_count} documents")
    base = mrr([paths([d for _, d in r]) for r in lexical], relevant)
    print(f"lexical alone: MRR@10 {base[0]:.3f} R@1 {base[1]:.3f}")
    for bonus in QUESTION:
        alone = mrr([paths(np.argsort(-s)[:20].tolist()) for s in sims[bonus]], relevant)
        print(f"vectors alone (question bonus {bonus}): MRR@10 {alone[0]:.3f} R@1 {alone[1]:.3f}")

    results = []
    for w, floor, k, bonus in itertools.product(SEMANTIC, FLOOR, CANDIDATES, QUESTION):
        f = Fusion(lexical=1.0, semantic=w, candidates=k, floor=floor, question=bonus)
        ranked = [paths([h.doc for h in fuse(lex, s, f)[:20]]) for lex, s in zip(lexical, sims[bonus], strict=True)]
        results.append((mrr(ranked, relevant), f))
    # An absolute floor for pages found by meaning only, so gibberish finds nothing:
    # the highest that costs nothing on the tune half, at the best setting above.
    best_f = max(results, key=lambda r: r[0])[1]
    print("\nminimum cosine for pages found by meaning only (at the best setting):")
    for minimum in MINIMUM:
        f = replace(best_f, minimum=minimum)
        ranked = [
            paths([h.doc for h in fuse(lex, s, f)[:20]]) for lex, s in zip(lexical, sims[f.question], strict=True)
        ]
        results.append((mrr(ranked, relevant), f))
        print(f"  {minimum:.2f}: MRR@10 {results[-1][0][0]:.3f} R@1 {results[-1][0][1]:.3f}")
    results.sort(key=lambda r: (-r[0][0], -r[0][1]))
    print("\nz-score fusion (kbgen.search.ranking.fuse), best 15 of", len(results))
    for (m, r1), f in results[:15]:
        print(f"  MRR@10 {m:.3f} R@1 {r1:.3f}  {f}")
    current = next(r for r in results if r[1] == FUSION)
    print(f"  shipped default: MRR@10 {current[0][0]:.3f} R@1 {current[0][1]:.3f}  {FUSION}")

    # Alternatives, for comparison: min-max similarity over the candidates; reciprocal-rank fusion.
    def minmax(lex, s, w, k):
        best = lex[0][0] if lex else 1.0
        pool = {d: sc / best for sc, d in lex}
        for d in np.argsort(-s)[:k].tolist():
            pool.setdefault(d, 0.0)
        cand = list(pool)
        vals = s[cand]
        lo, hi = float(vals.min()), float(vals.max())
        norm = (vals - lo) / (hi - lo if hi > lo else 1.0)
        scored = sorted(
            zip(cand, [pool[d] + w * v for d, v in zip(cand, norm, strict=True)], strict=True), key=lambda x: -x[1]
        )
        return [d for d, _ in scored]

    def rrf(lex, s, w, k, c=60):
        score: dict[int, float] = {}
        for i, (_, d) in enumerate(lex, 1):
            score[d] = 1 / (c + i)
        for i, d in enumerate(np.argsort(-s)[:k].tolist(), 1):
            score[d] = score.get(d, 0.0) + w / (c + i)
        return sorted(score, key=lambda d: -score[d])

    for name, method, weights in (
        ("min-max", minmax, (0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5)),
        ("RRF k=60", rrf, (0.25, 0.5, 0.75, 1.0, 1.5, 2.0)),
    ):
        best = max(
            (
                (
                    mrr(
                        [paths(method(lex, s, w, k)[:20]) for lex, s in zip(lexical, sims[0.0], strict=True)], relevant
                    ),
                    w,
                    k,
                )
                for w in weights
                for k in (10, 20, 40)
            ),
            key=lambda r: r[0],
        )
        print(
            f"{name}: best MRR@10 {best[0][0]:.3f} R@1 {best[0][1]:.3f} (weight {best[1]}, {best[2]} vector candidates)"
        )


if __name__ == "__main__":
    sys.exit(main())

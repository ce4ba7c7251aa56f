#!/usr/bin/env python3
"""Learn how hybrid search mixes the lexical ranking with vector similarity (run by hand).

Uses ONLY the tune half of chat_queries.yml (the test half is held back, and this script
never reads it). Builds the sample site with page vectors (or reuses --site), and for each
tune query takes what the engine fuses from (``engine.candidates``: the lexical ranking, the
similarity to the query, the documents' kinds) and the features
``kbgen.search.ranking.features`` computes from them (the code the engine runs). Then:

- cross-validation inside the tune half (5 folds, repeated with 10 shuffles; and leaving one
  category out at a time) of a linear score trained listwise (softmax over a query's
  candidates, maximising the probability of its relevant pages, L2 penalty), for a few
  penalties and feature subsets;
- the weights trained on the whole tune half with the chosen penalty, to paste into
  ``ranking.Fusion``; and the shipped weights' figures on the tune half (fit, not held out).

    .venv/bin/python benchmarks/relevance/tune_fusion.py [--site DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from evaluate import DEFAULT_SITE, ROOT, TargetMapper, build_site, load_documents  # noqa: E402
from fusion_lab import cross_validate, metrics, score_ranks, train  # noqa: E402

from kbgen.search import SearchRequest, open_engine, ranking  # noqa: E402
from kbgen.search.engine import _exact  # noqa: E402

PENALTIES = (0.01, 0.03, 0.1)
# Measured and dropped: the similarity to the query as typed when a typo was corrected (+0.01
# on the tune half), because a corrected typo must find exactly what the corrected words find.
CHOSEN_PENALTY = 0.03
SUBSETS = {
    "all": ranking.FEATURES,
    "without kinds": ranking.FEATURES[:4],
    "lexical + meaning": ("lexical", "meaning"),
}


def prepare(entries: list[dict], site: Path, mapper: TargetMapper) -> tuple[list, list[str]]:
    """Per query (row, candidates, feature rows, relevance labels), and each document's path."""
    engine = open_engine(site, cache_size=0)
    loaded = engine._current()
    if loaded.vectors is None:
        sys.exit("the site has no page vectors: install kbgen[semantic] and rebuild")
    prepared = []
    with engine._searcher(loaded) as searcher:
        paths = [mapper(loaded.stored_fields(searcher, d)["url"]) for d in range(loaded.doc_count)]
        for e in entries:
            _, _, ranked, _, sim = engine.candidates(SearchRequest(e["q"], limit=10), loaded, searcher)
            head = ranked[: ranking.RERANK]
            candidates = ranking.pool(head, sim)
            rows = ranking.features(head, candidates, sim, loaded.vectors.kinds)
            labels = np.array([paths[d] in e["relevant"] for d in candidates], np.float32)
            row = {
                "q": e["q"],
                "relevant": e["relevant"],
                "exact": sorted(loaded.exact_titles.get(_exact(e["q"], loaded.lang), ())),
            }
            prepared.append((row, np.array(candidates, np.int64), rows, labels))
    return prepared, paths


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--site", type=Path)
    args = ap.parse_args()
    entries = [e for e in yaml.safe_load((HERE / "chat_queries.yml").read_text()) if e["split"] == "tune"]
    mapper = TargetMapper(load_documents(ROOT / "content"))
    site = args.site or DEFAULT_SITE
    if not args.site:
        build_site(site)
    prepared, paths = prepare(entries, site, mapper)
    reach = np.mean([y.any() for *_, y in prepared])
    print(f"{len(entries)} tune queries; candidates hold a relevant page for {reach:.3f}")

    shipped = np.asarray(ranking.weights())
    m = metrics(score_ranks(prepared, shipped, paths))
    print(f"shipped weights on the whole tune half (fit): MRR@10 {m[0]:.3f} R@1 {m[1]:.3f} R@5 {m[2]:.3f}")
    lexical = np.zeros(len(ranking.FEATURES))
    lexical[:3] = (1.0, 0.0, 1e-6)
    m = metrics(score_ranks(prepared, lexical, paths))
    print(f"lexical order alone (no vector-only candidates ranked above): MRR@10 {m[0]:.3f} R@1 {m[1]:.3f}")

    print("\ncross-validated within the tune half (5 folds x 10 shuffles): MRR@10 R@1 R@5")
    for name, subset in SUBSETS.items():
        idx = [ranking.FEATURES.index(f) for f in subset]
        part = [(r, c, X[:, idx], y) for r, c, X, y in prepared]
        for penalty in PENALTIES if name == "all" else (CHOSEN_PENALTY,):
            m = cross_validate(part, paths, repeats=10, l2=penalty)
            print(f"  {name:18} L2 {penalty:<5} {m[0]:.3f} {m[1]:.3f} {m[2]:.3f}", flush=True)

    # Paraphrases of one need share an answer; holding out a whole category at a time keeps
    # them out of training together (a stricter check than shuffled folds).
    groups = np.array([e["relevant"][0].split("/")[0] for e in entries])
    ranks = []
    for category in sorted(set(groups)):
        held = groups == category
        ranks += score_ranks(prepared, train(prepared, ~held, l2=CHOSEN_PENALTY), paths, held)
    m = metrics(ranks)
    print(f"  all, leave one category out ({len(set(groups))}): {m[0]:.3f} {m[1]:.3f} {m[2]:.3f}")

    w = train(prepared, np.ones(len(prepared), bool), l2=CHOSEN_PENALTY)
    print(f"\nweights trained on the whole tune half (L2 {CHOSEN_PENALTY}), for ranking.Fusion:")
    for name, value in zip(ranking.FEATURES, w, strict=True):
        print(f"    {name}: float = {value:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

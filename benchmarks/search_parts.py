#!/usr/bin/env python3
"""Where a search's CPU goes, part by part, in process (run by hand, not a test).

    python benchmarks/search_parts.py --site SITE --corpus CORPUS [--passes 3] [--slowest 15]

Opens the site's index as a ``kbgen serve`` worker has it (warmed up, every long page's words
found, response cache off), searches the 600 benchmark queries (``search_bench.queries`` of
``--corpus``) once, then ``--passes`` more times, keeping each query's cheapest pass (thread CPU
time). Prints the mean per part over all queries and over the slowest 2%: the query plan, the
lexical ranking (its array sums, concept coverage and phrase check), the similarity (with the
query's embedding), the fusion (its pool and features), snippets, stored fields and the rest.
Parts are timed by wrapping kbgen's own functions, so the figures include a little of that.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOP = ("plan", "rank", "similarity", "fuse", "snippets", "stored")
SHOWN = ("total", "plan", "rank", "sums", "coverage", "phrase", "similarity", "embed", "fuse", "pool", "features")
SHOWN += ("snippets", "stored", "rest")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, required=True, help="a built site (hybrid for the similarity)")
    parser.add_argument("--corpus", type=Path, required=True, help="the corpus.py project of the queries' titles")
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--slowest", type=int, default=0, help="also list this many slowest queries")
    args = parser.parse_args()

    sys.path.insert(0, str(HERE))
    import search_bench

    from kbgen.search import engine, open_engine, ranking, vectors  # (vectors sets BLAS threads first)

    spent: dict[str, int] = {}
    clock = time.thread_time_ns

    def timed(owner, name: str, part: str) -> None:
        function = getattr(owner, name)

        def wrapper(*args, **kwargs):
            start = clock()
            try:
                return function(*args, **kwargs)
            finally:
                spent[part] = spent.get(part, 0) + clock() - start

        setattr(owner, name, wrapper)

    for owner, name, part in (
        (vectors, "embed", "embed"),
        (vectors, "similarity", "similarity"),
        (ranking, "rank", "rank"),
        (ranking, "_ArraySums", "sums"),
        (ranking, "_coverage", "coverage"),
        (ranking, "_phrase_scores", "phrase"),
        (ranking, "fuse", "fuse"),
        (ranking, "pool", "pool"),
        (ranking, "features", "features"),
        (engine, "snippet", "snippets"),
        (engine._Loaded, "stored_fields", "stored"),
        (engine.SearchEngine, "_plan", "plan"),
    ):
        timed(owner, name, part)

    queries = search_bench.queries(args.corpus)
    search = open_engine(args.site, cache_size=0)
    search.warm_up()
    search.find_body_words()
    for q in queries:
        search.search(q)
    cheapest: dict[str, dict[str, int]] = {}
    for _ in range(args.passes):
        for q in queries:
            spent.clear()
            start = clock()
            search.search(q)
            parts = dict(spent, total=clock() - start)
            parts["rest"] = parts["total"] - sum(spent.get(part, 0) for part in TOP)
            if q not in cheapest or parts["total"] < cheapest[q]["total"]:
                cheapest[q] = parts
    rows = sorted(cheapest.values(), key=lambda parts: parts["total"])
    slowest = rows[-max(1, len(rows) // 50) :]

    def means(selected: list[dict[str, int]]) -> str:
        return " ".join(f"{part}={sum(r.get(part, 0) for r in selected) / len(selected) / 1e6:.3f}" for part in SHOWN)

    print(f"ms of CPU, {'hybrid' if search.semantic else 'lexical'}, {len(rows)} queries, load {_load()}")
    print("all         ", means(rows))
    print("slowest 2%  ", means(slowest))
    print(f"p50 {rows[len(rows) // 2]['total'] / 1e6:.3f} p99 {rows[int(0.99 * (len(rows) - 1))]['total'] / 1e6:.3f}")
    for q, parts in sorted(cheapest.items(), key=lambda item: -item[1]["total"])[: args.slowest]:
        print(f"{q[:48]:48s}", " ".join(f"{part}={parts.get(part, 0) / 1e6:.2f}" for part in SHOWN[:8]))


def _load() -> str:
    import os

    return f"{os.getloadavg()[0]:.2f}"


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Every search response, written out to compare two versions of kbgen (run by hand, not a test).

    python benchmarks/search_compare.py --site SITE [--site SITE2 ...] --out FILE
    PYTHONPATH=/tmp/before python benchmarks/search_compare.py --site SITE --out before.jsonl
    cmp before.jsonl after.jsonl

For each site, in both engines (hybrid when the site has page vectors, and lexical:
``semantic=False``), and for each query of the 247 judged queries, the chat set's tune half
and the 600 benchmark queries (``search_bench.queries``; ``--corpus`` names the corpus their
title words come from), it writes one JSON line per response: page 1, page 2, ``explain``,
a ``type=faq`` filter and ``/api/search``'s neighbour ``/api/suggest`` on the query's first
six characters. The response cache is off, so every line is a real search. A change meant
to make search faster must leave the file byte for byte the same. The chat set's held-back
test half is never run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent


def query_sets(corpus: Path | None) -> dict[str, list[str]]:
    sets = {
        "judged": [q["q"] for q in yaml.safe_load((HERE / "relevance/queries.yml").read_text())],
        "chat-tune": [
            q["q"] for q in yaml.safe_load((HERE / "relevance/chat_queries.yml").read_text()) if q["split"] == "tune"
        ],
    }
    if corpus is not None:
        sys.path.insert(0, str(HERE))
        import search_bench

        sets["bench"] = search_bench.queries(corpus)
    return sets


def responses(site: Path, semantic: bool, sets: dict[str, list[str]]):
    from kbgen.search import open_engine

    engine = open_engine(site, cache_size=0, semantic=semantic, clock=lambda: 1.9e9)
    for name, queries in sets.items():
        for q in queries:
            yield name, q, "page1", engine.search(q)
            yield name, q, "page2", engine.search(q, page=2)
            yield name, q, "explain", engine.search(q, explain=True)
            yield name, q, "faq", engine.search(q, type="faq")
            yield name, q, "suggest", engine.suggest(q[:6])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, action="append", required=True, help="a built site (repeatable)")
    parser.add_argument("--corpus", type=Path, help="the corpus.py project of the benchmark queries' titles")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    import kbgen

    print(f"kbgen from {Path(kbgen.__file__).parent}", file=sys.stderr)
    sets = query_sets(args.corpus)
    digest = hashlib.sha256()
    count = 0
    with args.out.open("w", encoding="utf-8") as out:
        for site in args.site:
            for semantic in (True, False):
                for name, q, kind, response in responses(site, semantic, sets):
                    line = json.dumps([site.name, semantic, name, q, kind, response], ensure_ascii=False) + "\n"
                    out.write(line)
                    digest.update(line.encode())
                    count += 1
    print(f"{count} responses, sha256 {digest.hexdigest()}", file=sys.stderr)


if __name__ == "__main__":
    main()

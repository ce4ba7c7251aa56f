#!/usr/bin/env python3
"""Spelling corrections' CPU, Whoosh's automaton against kbgen.search.spelling (run by hand, not a test).

    python benchmarks/spelling_bench.py --site benchmarks/out/corpus-10000-seed1/site
        [--corpus benchmarks/out/corpus-10000-seed1] [--rounds 3]

In one process, alternating call by call (so a shared machine's load falls on both alike):
1. reading the spelling vocabulary (time, memory): from ``spelling.json``, or from the index's
   ``spell`` field for an index built before the file;
2. ``_closest`` for every word the 600 benchmark queries ask to correct, and for seeded
   typos of their words (one and two edits): Whoosh (``reader.terms_within``) against the
   vocabulary, thread CPU per call, and that both give the same correction. Whoosh searches
   the index's ``spell`` field, or for an index with ``spelling.json`` an in-memory field
   holding the same words as often;
3. only for an index with a ``spell`` field: whole searches of first-seen queries, two fresh
   engines (warmed up as a server worker is), one correcting through Whoosh, one through the
   vocabulary, the response cache bypassed, each query once per round; thread CPU per search,
   and equal responses.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def summary(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values) * 1e3, 3),
        "p99_ms": round(pct(values, 0.99) * 1e3, 3),
        "max_ms": round(max(values) * 1e3, 3),
        "mean_ms": round(statistics.fmean(values) * 1e3, 4),
    }


def typo(word: str, rng: random.Random, edits: int) -> str:
    for _ in range(edits):
        i = rng.randrange(len(word))
        op = rng.choice("dist")
        c = rng.choice("abcdefghijklmnopqrstuvwxyz")
        if op == "d" and len(word) > 3:
            word = word[:i] + word[i + 1 :]
        elif op == "i":
            word = word[:i] + c + word[i:]
        elif op == "t" and i + 1 < len(word):
            word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        else:
            word = word[:i] + c + word[i + 1 :]
    return word


def whoosh_words(vocabulary):
    """An in-memory Whoosh index whose spelling field holds each word as often as it counts."""
    from whoosh import analysis, fields
    from whoosh.filedb.filestore import RamStorage

    schema = fields.Schema(spell=fields.TEXT(analyzer=analysis.SpaceSeparatedTokenizer(), spelling=True))
    ix = RamStorage().create_index(schema)
    with ix.writer() as writer:
        writer.add_document(spell=" ".join(" ".join([w] * int(n)) for w, n in vocabulary.frequency.items()))
    return ix


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--site", type=Path, required=True)
    ap.add_argument("--corpus", type=Path, default=HERE / "out/corpus-10000-seed1")
    ap.add_argument("--rounds", type=int, default=3, help="fresh engine pairs for the whole searches")
    ap.add_argument("--lexical", action="store_true", help="semantic=False")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()

    import search_bench

    from kbgen.search import engine as E
    from kbgen.search import spelling
    from kbgen.search.request import SearchRequest

    queries = search_bench.queries(args.corpus)
    cpu = time.thread_time
    result: dict = {"site": str(args.site), "queries": len(queries), "load_before": os.getloadavg()}

    def fresh(whoosh: bool):
        engine = E.open_engine(args.site, cache_size=0, semantic=not args.lexical)
        if whoosh:
            engine._loaded.spelling = None
        engine.warm_up()
        return engine

    # 1. the vocabulary: time and memory to read it
    engine = E.open_engine(args.site, cache_size=0, semantic=not args.lexical)
    loaded = engine._loaded
    field = E.SPELL_FIELD in loaded.index.schema  # an index built before spelling.json
    data = None if field else (args.site / E.INDEX_DIR / spelling.FILE).read_bytes()
    with loaded.index.reader() as reader:

        def read():
            return spelling.Vocabulary.read(reader, E.SPELL_FIELD) if field else spelling.Vocabulary.parse(data)

        times = []
        for _ in range(5):
            start = time.perf_counter()
            read()
            times.append(time.perf_counter() - start)
        tracemalloc.start()
        words = read()
        size, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    result["vocabulary"] = {
        "from": E.SPELL_FIELD + " field" if field else spelling.FILE,
        "words": len(words.frequency),
        "groups": len(words.groups),
        "read_ms_min": round(min(times) * 1e3, 2),
        "bytes": size,
    }

    # 2. _closest on the words the queries ask to correct (recorded from real plans), and typos
    asked: list[tuple[str, ...]] = []
    closest = E._closest

    def record(reader, forms, words=None):
        asked.append(forms)
        return closest(reader, forms, words)

    E._closest = record
    for q in queries:
        engine._search(SearchRequest(q[:200]), loaded)
    E._closest = closest
    rng = random.Random(17)
    query_words = sorted({w for q in queries for w in loaded.lang.words(q.lower()) if len(w) >= 3 and w.isalpha()})
    typos = [typo(w, rng, n) for w in query_words for n in (1, 2)]
    sets = {
        "query_words_to_correct": list(dict.fromkeys(asked)),
        "typos": [loaded.lang.spelling_forms(t) for t in dict.fromkeys(typos)],
    }
    with (loaded.index if field else whoosh_words(words)).reader() as reader:
        for name, forms_list in sets.items():
            old, new, differ = [], [], 0
            for i, forms in enumerate(forms_list):
                pair = [("old", None), ("new", words)] if i % 2 else [("new", words), ("old", None)]
                got = {}
                for label, vocab in pair:
                    start = cpu()
                    got[label] = closest(reader, forms, vocab)
                    (old if label == "old" else new).append(cpu() - start)
                differ += got["old"] != got["new"]
            result[name] = {
                "words": len(forms_list),
                "different_corrections": differ,
                "old": summary(old),
                "new": summary(new),
                "p99_ratio": round(pct(old, 0.99) / max(pct(new, 0.99), 1e-9), 1),
            }

    # 3. whole searches of first-seen queries, two fresh engines per round (without the
    # vocabulary, an index without a spell field corrects to synonyms only: nothing to compare)
    olds, news, differ = [], [], 0
    for r in range(args.rounds if field else 0):
        old_engine, new_engine = fresh(True), fresh(False)
        for i, q in enumerate(queries):
            request = SearchRequest(q[:200])
            pair = [(old_engine, olds), (new_engine, news)]
            if (i + r) % 2:
                pair.reverse()
            answers = []
            for eng, into in pair:
                start = cpu()
                answers.append(eng._search(request, eng._loaded))
                into.append(cpu() - start)
            differ += json.dumps(answers[0], sort_keys=True) != json.dumps(answers[1], sort_keys=True)
    if field:
        result["first_seen_searches"] = {
            "rounds": args.rounds,
            "different_responses": differ,
            "old": summary(olds),
            "new": summary(news),
            "p99_ratio": round(pct(olds, 0.99) / pct(news, 0.99), 2),
            "max_ratio": round(max(olds) / max(news), 2),
        }
    else:
        result["first_seen_searches"] = f"not measured: the index has {spelling.FILE}, no {E.SPELL_FIELD} field"
    result["load_after"] = os.getloadavg()
    text = json.dumps(result, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

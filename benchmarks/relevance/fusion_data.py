#!/usr/bin/env python3
"""Capture what the fusion works from, once, for fast experiments (run by hand).

Builds the sample help center in this process (one indexing process) and keeps the
search documents exactly as the index got them; then, for each query of the given sets,
the engine's lexical ranking (the re-scored head, with scores), the text it embeds
(a corrected typo as corrected) and whether an exact title matched. Everything semantic
is recomputed from the documents by the experiments (``fusion_lab.py``), so ideas about
pooling and extra vectors need no rebuild.

The held-back test half is captured only with ``--with-test`` (for the final figures of
the chosen configuration); nothing here prints per-query results.

    .venv/bin/python benchmarks/relevance/fusion_data.py [--with-test]
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from evaluate import ROOT, TargetMapper, load_documents  # noqa: E402

OUT = ROOT / "benchmarks" / "out" / "fusion-data.pickle"


def build_in_process(site: Path) -> list:
    """Build the sample into ``site``, returning the search documents in index order."""
    from kbgen.build import build
    from kbgen.search import background, vectors

    captured = []
    original = vectors.write

    def write(docs, target, page_vectors=None):
        captured.append(list(docs))
        return original(docs, target, page_vectors)

    vectors.write = write
    background.processes = lambda configured, documents: 1
    try:
        build(ROOT / "mkdocs.yml", site)
    finally:
        vectors.write = original
    if not captured:
        sys.exit("the build wrote no vectors: is kbgen[semantic] installed?")
    return captured


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--with-test", action="store_true", help="also capture the held-back test half")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()

    from kbgen.search import SearchRequest, open_engine
    from kbgen.search.engine import _exact, question_shaped

    content = load_documents(ROOT / "content")
    mapper = TargetMapper(content)
    sets = {}
    chat = yaml.safe_load((HERE / "chat_queries.yml").read_text(encoding="utf-8"))
    sets["tune"] = [e for e in chat if e["split"] == "tune"]
    if args.with_test:
        sets["test"] = [e for e in chat if e["split"] == "test"]
    sets["judged"] = yaml.safe_load((HERE / "queries.yml").read_text(encoding="utf-8"))

    with tempfile.TemporaryDirectory(prefix="kbgen-fusion-") as tmp:
        site = Path(tmp) / "site"
        docs = build_in_process(site)
        engine = open_engine(site, cache_size=0)
        loaded = engine._current()
        with engine._searcher(loaded) as searcher:
            ids = [loaded.stored_fields(searcher, d)["id"] for d in range(loaded.doc_count)]
            bodies = {i: loaded.stored_fields(searcher, d).get("body", "") for d, i in enumerate(ids)}
            paths = []
            for d in range(loaded.doc_count):
                paths.append(mapper(loaded.stored_fields(searcher, d)["url"]))
            out_sets = {}
            for name, entries in sets.items():
                rows = []
                for e in entries:
                    request = SearchRequest(e["q"], limit=10)
                    plan, total, ranked, matched, _ = engine.candidates(request, loaded, searcher)
                    meant = plan.suggestion if plan.corrected else e["q"]
                    exact = sorted(loaded.exact_titles.get(_exact(e["q"], loaded.lang), ()))
                    rows.append(
                        {
                            "q": e["q"],
                            "kind": e["kind"],
                            "relevant": e["relevant"],
                            "meant": meant,
                            "lexical": ranked[:50],
                            "exact": exact,
                            "question": question_shaped(e["q"], loaded.lang),
                            "empty": plan.empty,
                        }
                    )
                out_sets[name] = rows
    # the documents of the root (market, language) pair: markets share their pages' ids, so the
    # pair whose bodies are the root index's own (another market's prices and phone numbers differ)
    root = [d for d in docs if {doc.id: " ".join(doc.body.split()) for doc in d} == bodies]
    if len(root) != 1:
        sys.exit(f"found {len(root)} captured document sets matching the root index, expected 1")
    by_id = {doc.id: doc for doc in root[0]}
    ordered = [by_id[i] for i in ids]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("wb") as fh:
        pickle.dump({"docs": ordered, "paths": paths, "sets": out_sets}, fh)
    print(f"wrote {args.out}: {len(ordered)} documents, " + ", ".join(f"{k} {len(v)}" for k, v in out_sets.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

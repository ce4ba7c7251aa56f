#!/usr/bin/env python3
"""Two lexical-side ideas for hybrid search, measured on the tune half (run by hand).

1. Query expansion from the model's neighbours: each word typed (as corrected) that the model
   holds as one whole-word piece also searches, as a lesser alternative (weight x cosine), its
   ``--k`` nearest words of the help center (whole-word pieces too, cosine at least ``--tau``,
   other stems than its own): "stuff" also searches "items" and "things".
2. ``--whole-word``: a word the model holds whole ("stuff", "ring", "medium") is a real word, so
   it is not corrected to the closest indexed spelling ("staff", "rating", "media").

Both are patched into the engine for one capture (``fusion_data.py``'s, tune and judged sets
only), then the fusion is cross-validated on it as in ``static_lab.py``. Never reads the test half.

    .venv/bin/python benchmarks/relevance/expansion_lab.py [--tau 0.5 --k 2 --weight 1.0] [--whole-word]
    .venv/bin/python benchmarks/relevance/expansion_lab.py --k 0 --whole-word   # the gate alone
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import fusion_data  # noqa: E402
from fusion_lab import load  # noqa: E402
from static_lab import WordLlama, alone, cv, judged, metrics, prepare, score_ranks, similarities  # noqa: E402

from kbgen.search import engine, ranking  # noqa: E402
from kbgen.search import query as planner  # noqa: E402
from kbgen.search import vectors as semantic  # noqa: E402
from kbgen.search.languages import ENGLISH  # noqa: E402


def whole_piece(word: str) -> int | None:
    """The model's piece id when it holds ``word`` as one whole-word piece, else None."""
    tok = semantic._tokenizer(semantic.model())
    ids = tok.encode(word, add_special_tokens=False).ids
    return ids[0] if len(ids) == 1 and tok.id_to_token(ids[0]) == "\u2581" + word else None


class Neighbours:
    """The help center's words nearest to a typed word, by the model's piece vectors."""

    def __init__(self, docs, tau: float, k: int):
        table = semantic.model().embedding.astype(np.float32)
        words = set()
        for d in docs:
            for text in (d.title, d.summary, d.tags, d.headings, d.body):
                words.update(re.findall(r"[a-z]{3,}", (text or "").lower()))
        self.words = sorted(w for w in words if not ENGLISH.is_stop(w) and whole_piece(w) is not None)
        self.stems = [ENGLISH.stem(w) for w in self.words]
        rows = table[[whole_piece(w) for w in self.words]]
        self.rows = rows / np.linalg.norm(rows, axis=1, keepdims=True)
        self.table, self.tau, self.k, self.cache = table, tau, k, {}

    def __call__(self, word: str) -> list[tuple[str, float]]:
        if word not in self.cache:
            found: list[tuple[str, float]] = []
            piece = whole_piece(word)
            if piece is not None and self.k:
                vector = self.table[piece] / np.linalg.norm(self.table[piece])
                sims = self.rows @ vector
                own = ENGLISH.stem(word)
                for j in np.argsort(-sims):
                    if sims[j] < self.tau or len(found) >= self.k:
                        break
                    if self.stems[j] != own and self.stems[j] not in (s for s, _ in found):
                        found.append((self.stems[j], float(sims[j])))
            self.cache[word] = found
        return self.cache[word]


def patch_expansion(neighbours: Neighbours, weight: float) -> None:
    original = planner.plan
    depth = [0]

    def plan(text, vocab, known, correct, lang=ENGLISH, *args, **kwargs):
        depth[0] += 1
        try:
            found = original(text, vocab, known, correct, lang, *args, **kwargs)
        finally:
            depth[0] -= 1
        if depth[0] or lang is not ENGLISH:
            return found
        typed = [w for w in lang.words(found.suggestion if found.corrected else text) if not lang.is_stop(w)]
        word_of = {lang.stem(w): w for w in typed}
        for concept in found.concepts:
            main = [stems for stems, w in concept if w == 1.0 and len(stems) == 1]
            if len(main) != 1 or main[0][0] not in word_of:
                continue
            have = {stems for stems, _ in concept}
            for stem, sim in neighbours(word_of[main[0][0]]):
                if (stem,) not in have and known(stem):
                    concept.append(((stem,), weight * sim))
                    have.add((stem,))
        return found

    planner.plan = plan


def patch_whole_word() -> None:
    closest, closest_synonym = engine._closest, engine._closest_synonym

    def fix(reader, forms, words=None):  # forms[0]: the word as typed
        return None if whole_piece(forms[0].lower()) is not None else closest(reader, forms, words)

    def fix_synonym(word, vocab):
        return None if whole_piece(word.lower()) is not None else closest_synonym(word, vocab)

    engine._closest, engine._closest_synonym = fix, fix_synonym


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--tau", type=float, default=0.5)
    ap.add_argument("--k", type=int, default=2)
    ap.add_argument("--weight", type=float, default=1.0)
    ap.add_argument("--whole-word", action="store_true")
    ap.add_argument("--base", type=Path, default=fusion_data.OUT, help="fusion_data.py's capture (its documents)")
    ap.add_argument("--out", type=Path, default=fusion_data.OUT.with_name("fusion-data-expanded.pickle"))
    args = ap.parse_args()
    if args.k:
        if not args.base.is_file():
            sys.exit(f"{args.base}: run fusion_data.py first (its documents give the help center's words)")
        patch_expansion(Neighbours(load(args.base)["docs"], args.tau, args.k), args.weight)
    if args.whole_word:
        patch_whole_word()
    sys.argv = ["fusion_data.py", "--out", str(args.out)]
    fusion_data.main()

    data = load(args.out)
    paths = data["paths"]
    sims = {name: similarities(WordLlama(), data, name) for name in ("tune", "judged")}
    shipped = np.asarray(ranking.weights())
    lexical = np.zeros(len(ranking.FEATURES))
    lexical[:3] = (1.0, 0.0, 1e-6)
    for name in ("tune", "judged"):
        prepared = prepare(data, name, [sims[name]], ranking.FUSION)
        fused, lex = metrics(score_ranks(prepared, shipped, paths)), metrics(score_ranks(prepared, lexical, paths))
        print(
            f"{name}: shipped weights {fused[0]:.3f} / {fused[1]:.3f}, lexical order {lex[0]:.3f} / {lex[1]:.3f},"
            " vectors alone {:.3f} / {:.3f}".format(*alone(sims[name], data, name)[:2])
        )
    w = cv(prepare(data, "tune", [sims["tune"]], ranking.FUSION), data, "fusion retrained")
    print(
        "    247 judged (weights fitted on the tune half): {:.3f} / {:.3f}".format(
            *judged(data, [sims["judged"]], ranking.FUSION, w)[:2]
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""FAQ-heavy build comparison: kbgen build against Material + navigation.prune + search.

    python benchmarks/build_compare.py --perf DIR [--pages 1000] [--repeat 3] [--code CHECKOUT]

DIR is the folder holding the FAQ-heavy generator (gen_corpus.py, which writes MkDocs pages
and the Material configs, and to_kbgen.py, which turns them into kbgen's content). The
corpus and a kbgen project with that content (from ``kbgen new``) are made once in
benchmarks/out/faq-<pages>/. Each round then runs Material (mkdocs-prune-search.yml) and
kbgen back to back, as fresh child processes measured like build_bench.py measures them
(wall time, CPU time, peak RSS, load average before), so both see the same machine load.
It prints each round's kbgen/Material ratio of wall time and of CPU time (steadier when
other work shares the cores; both builds run on one core), the ratio of the fastest runs
and of the medians, and writes benchmarks/out/compare-results.json.

Each kbgen round is a cold build: the project's build cache (``.kbgen/cache``) is emptied
first. ``--incremental`` then measures, after the last round, kbgen builds with the cache
that round filled: ``warm`` (nothing changed), ``one-faq`` (one FAQ entry's answer got a
sentence) and ``ci-one-faq`` (another sentence, with the site folder removed first: a CI
runner that keeps only the cache, so no unchanged page can be linked from the live site), as
wall and CPU ratios to that cold build (the CI run of issue 18's goal).

``--code CHECKOUT`` measures the kbgen of another checkout (put first on PYTHONPATH), for
before/after figures on one machine: e.g. ``git worktree``-free ``git archive <commit> | tar
-x -C /tmp/before`` and ``--code /tmp/before``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build_bench import OUT, compile_kbgen, measure, site_stats  # noqa: E402

RESULTS = OUT / "compare-results.json"
CACHE_DIR = ".kbgen/cache"  # kbgen's default build cache, beside mkdocs.yml


def ensure_corpus(perf: Path, pages: int, python: str, env: dict) -> Path:
    """benchmarks/out/faq-<pages>/ with docs/, the Material configs and kbproj/ (kbgen)."""
    root = OUT / f"faq-{pages}"
    stamp = root / "stamp.json"
    sources = {name: (perf / name).read_text(encoding="utf-8") for name in ("gen_corpus.py", "to_kbgen.py")}
    wanted = {"pages": pages, "sources": {k: hash_text(v) for k, v in sources.items()}}
    if stamp.exists() and json.loads(stamp.read_text()) == wanted:
        return root
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    run = lambda *cmd: subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)  # noqa: E731
    run(python, str(perf / "gen_corpus.py"), str(pages), str(root))
    run(python, str(perf / "to_kbgen.py"), str(root / "docs"), str(root / "kb" / "content"))
    run(python, "-m", "kbgen", "new", str(root / "kbproj"))
    shutil.rmtree(root / "kbproj" / "content")
    shutil.copytree(root / "kb" / "content", root / "kbproj" / "content")
    stamp.write_text(json.dumps(wanted))
    return root


def _incremental(project: Path, cmd: list[str], env: dict, cold: dict, args) -> dict | None:
    """Warm and one-FAQ-changed builds with the cache the last cold round filled."""
    faq = sorted((project / "content").glob("*/faq/*.md"))[0]
    original = faq.read_text(encoding="utf-8")
    found = {}
    try:
        for step in ("warm", "one-faq", "ci-one-faq"):
            if step == "one-faq":
                faq.write_text(original + "\nOne more sentence.\n", encoding="utf-8")
            if step == "ci-one-faq":  # a runner that keeps only the cache: no site to link pages from
                faq.write_text(original + "\nOne more sentence, and another.\n", encoding="utf-8")
                shutil.rmtree(project / "site")
            log = OUT / "logs" / f"faq-{args.pages}-kbgen-{step}.log"
            run = measure(cmd, project, env, log, args.timeout)
            if "error" in run:
                print(f"kbgen {step} build failed:\n{run['error']}", file=sys.stderr)
                return None
            run["cpu_vs_cold"] = round(cpu(run) / cpu(cold), 3)
            run["wall_vs_cold"] = round(run["wall_s"] / cold["wall_s"], 3)
            found[step] = run
            print(
                f"  kbgen {step}: wall {run['wall_s']:.1f} s, CPU {cpu(run):.1f} s: {run['wall_vs_cold']:.2f} "
                f"/ {run['cpu_vs_cold']:.2f} of the cold build's wall / CPU (load {run['load_avg_1min_before']})",
                file=sys.stderr,
            )
    finally:
        faq.write_text(original, encoding="utf-8")
    return found


def cpu(run: dict) -> float:
    return run["user_s"] + run["sys_s"]


def hash_text(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--perf", type=Path, required=True, help="folder with gen_corpus.py and to_kbgen.py")
    parser.add_argument("--pages", type=int, default=1000, help="pages for gen_corpus.py (default 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of Material then kbgen (default 3)")
    parser.add_argument("--code", type=Path, help="measure the kbgen of this checkout instead of the installed one")
    parser.add_argument("--label", default="", help="a name for this run in the results file")
    parser.add_argument("--python", default=sys.executable, help="Python that runs the builds (default: this one)")
    parser.add_argument("--timeout", type=float, default=1800, help="kill a build after this many seconds")
    parser.add_argument("--incremental", action="store_true", help="then warm and one-FAQ-changed kbgen builds")
    args = parser.parse_args(argv)

    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")
    root = ensure_corpus(args.perf.resolve(), args.pages, args.python, env)
    kb_env = dict(env)
    if args.code:
        kb_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(args.code.resolve()), env.get("PYTHONPATH")]))
    compile_kbgen(args.python, kb_env)
    material_cmd = [args.python, "-m", "mkdocs", "build", "-q", "-f", "mkdocs-prune-search.yml"]
    kbgen_cmd = [args.python, "-m", "kbgen", "build"]
    rounds = []
    for i in range(1, args.repeat + 1):
        print(f"round {i}/{args.repeat}: Material ...", file=sys.stderr, flush=True)
        material = measure(material_cmd, root, env, OUT / "logs" / f"faq-{args.pages}-material-{i}.log", args.timeout)
        print(f"round {i}/{args.repeat}: kbgen ...", file=sys.stderr, flush=True)
        shutil.rmtree(root / "kbproj" / CACHE_DIR, ignore_errors=True)  # a cold build, as on a fresh CI runner
        kbgen = measure(
            kbgen_cmd, root / "kbproj", kb_env, OUT / "logs" / f"faq-{args.pages}-kbgen-{i}.log", args.timeout
        )
        for name, run in (("Material", material), ("kbgen", kbgen)):
            if "error" in run:
                print(f"{name} build failed:\n{run['error']}", file=sys.stderr)
                return 1
        ratio = kbgen["wall_s"] / material["wall_s"]
        cpu_ratio = cpu(kbgen) / cpu(material)  # steadier than wall time when other work shares the cores
        rounds.append(
            {"material": material, "kbgen": kbgen, "ratio": round(ratio, 2), "cpu_ratio": round(cpu_ratio, 2)}
        )
        print(
            f"  Material {material['wall_s']:.1f} s, kbgen {kbgen['wall_s']:.1f} s "
            f"(CPU {cpu(material):.1f} / {cpu(kbgen):.1f} s, {kbgen['peak_rss_mib']:.0f} MiB): "
            f"{ratio:.2f}x, CPU {cpu_ratio:.2f}x "
            f"(load {material['load_avg_1min_before']})",
            file=sys.stderr,
        )
    best_m = min(r["material"]["wall_s"] for r in rounds)
    best_k = min(r["kbgen"]["wall_s"] for r in rounds)
    med_m = statistics.median(r["material"]["wall_s"] for r in rounds)
    med_k = statistics.median(r["kbgen"]["wall_s"] for r in rounds)
    summary = {
        "pages": args.pages,
        "code": str(args.code) if args.code else "installed",
        "label": args.label,
        "material_s": {"min": best_m, "median": med_m},
        "kbgen_s": {"min": best_k, "median": med_k},
        "ratio_of_fastest": round(best_k / best_m, 2),
        "ratio_of_medians": round(med_k / med_m, 2),
        "best_round_ratio": min(r["ratio"] for r in rounds),
        "cpu_ratio_median": statistics.median(r["cpu_ratio"] for r in rounds),
        "kbgen_site": site_stats(root / "kbproj" / "site"),
        "material_site": site_stats(root / "site-prune"),
    }
    print(
        f"kbgen/Material: fastest {best_k:.1f}/{best_m:.1f} s = {summary['ratio_of_fastest']}x, "
        f"medians {med_k:.1f}/{med_m:.1f} s = {summary['ratio_of_medians']}x, "
        f"best round {summary['best_round_ratio']}x; CPU time, median {summary['cpu_ratio_median']}x"
    )
    incremental = None
    if args.incremental:
        incremental = _incremental(root / "kbproj", kbgen_cmd, kb_env, rounds[-1]["kbgen"], args)
        if incremental is None:
            return 1
        summary["incremental_cpu_vs_cold"] = {step: run["cpu_vs_cold"] for step, run in incremental.items()}
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    results.append({"summary": summary, "rounds": rounds, "incremental": incremental})
    RESULTS.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

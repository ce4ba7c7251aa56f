"""Incremental builds: cold, warm-unchanged and one-change builds with the build cache.

For each size, a copy of the corpus.py corpus (benchmarks/out/incremental-<pages>/) gets a
facts.yml whose fact ``reply_time`` is used on every tenth Markdown file, then is built
as fresh child processes (measured as build_bench.py measures):

- ``no-cache``: ``kbgen build --no-cache`` (today's build, the reference);
- ``cold``: ``kbgen build --cache-dir cache`` with an empty cache (it fills it);
- ``warm``: the same again, nothing changed;
- ``one-faq``: one FAQ entry's answer changed (a sentence appended);
- ``one-fact``: the value of ``reply_time`` changed (on every tenth file);
- ``ci-one-faq``: one FAQ entry's answer changed again, the site folder removed first: a CI
  runner that keeps only the cache folder between runs (the builds before keep the site, as a
  writer's machine or a runner that keeps it too: unchanged pages are linked from it).

Ratios are against ``cold`` and ``no-cache`` (wall and CPU time); results go to
benchmarks/out/incremental-results.json.

    python benchmarks/incremental_bench.py                    # 1,000 pages
    python benchmarks/incremental_bench.py --sizes 1000,10000 --repeat 2
    python benchmarks/incremental_bench.py --code /tmp/frozen    # git archive HEAD | tar -x -C /tmp/frozen
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import build_bench  # noqa: E402

OUT = HERE / "out"
RESULTS = OUT / "incremental-results.json"
STEPS = ("no-cache", "cold", "warm", "one-faq", "one-fact", "ci-one-faq")
FACTS = """\
facts:
  reply_time:
    value: {days}
    unit: business days
    label: Reply time
structured_data:
  organization: Benchmark Market
  url: https://market.example/
  country: IE
"""
FACT_LINE = "\nWe reply within {{ fact:reply_time }}.\n"


def prepare(source: Path, pages: int) -> tuple[Path, Path, int]:
    """A fresh copy of the corpus with the fact in place; returns (project, the FAQ file to edit, fact users)."""
    project = OUT / f"incremental-{pages}"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    shutil.copy2(source / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(source / "content", project / "content")
    (project / "content" / "facts.yml").write_text(FACTS.format(days=2), encoding="utf-8")
    markdown = sorted((project / "content").rglob("*.md"))
    users = markdown[::10]
    for path in users:
        with open(path, "a", encoding="utf-8") as f:
            f.write(FACT_LINE)
    faq = next(p for p in markdown if "/faq/" in p.as_posix() and p not in users)
    return project, faq, len(users)


def edit(step: str, project: Path, faq: Path, run: int) -> None:
    if step in ("one-faq", "ci-one-faq"):
        with open(faq, "a", encoding="utf-8") as f:
            f.write(f"\nOne more sentence ({step}, {run}).\n")
    if step == "ci-one-faq":
        shutil.rmtree(project / "site")
    elif step == "one-fact":
        (project / "content" / "facts.yml").write_text(FACTS.format(days=3 + run), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000", help="comma-separated page counts (default 1000)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of the six builds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--python", default=sys.executable, help="the interpreter that runs kbgen")
    parser.add_argument("--code", help="a kbgen checkout put first on PYTHONPATH (e.g. a frozen copy)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    if args.code:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(args.code).resolve()), env.get("PYTHONPATH")]))
    build_bench.compile_kbgen(args.python, env)
    results = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    for pages in sizes:
        source, stamp = build_bench.ensure_corpus(pages, args.seed, force=False)
        rounds = []
        for run in range(args.repeat):
            project, faq, users = prepare(source, pages)
            cache = project / "cache"
            measured = {}
            for step in STEPS:
                edit(step, project, faq, run)
                cmd = [args.python, "-m", "kbgen", "build", "-f", "mkdocs.yml", "-d", "site"]
                cmd += ["--no-cache"] if step == "no-cache" else ["--cache-dir", str(cache)]
                log = OUT / "logs" / f"incremental-{pages}-{step}-{run}.log"
                result = build_bench.measure(cmd, project, env, log, args.timeout)
                result["cpu_s"] = round(result["user_s"] + result["sys_s"], 3)
                measured[step] = result
                status = result.get("error", "").splitlines()[-1:] or ["ok"]
                print(
                    f"{pages} pages, round {run + 1}, {step:8}: wall {result['wall_s']:7.1f} s, "
                    f"CPU {result['cpu_s']:7.1f} s, RSS {result['peak_rss_mib']:6.0f} MiB, "
                    f"load {result['load_avg_1min_before']}: {status[0]}",
                    file=sys.stderr,
                )
            cold = measured["cold"]
            ratios = {
                step: {
                    "wall_vs_cold": round(measured[step]["wall_s"] / cold["wall_s"], 3),
                    "cpu_vs_cold": round(measured[step]["cpu_s"] / cold["cpu_s"], 3),
                    "wall_vs_no_cache": round(measured[step]["wall_s"] / measured["no-cache"]["wall_s"], 3),
                    "cpu_vs_no_cache": round(measured[step]["cpu_s"] / measured["no-cache"]["cpu_s"], 3),
                }
                for step in STEPS
            }
            rounds.append({"builds": measured, "ratios": ratios, "fact_used_on": users, "faq_edited": faq.name})
        results[str(pages)] = {
            "corpus": stamp,
            "rounds": rounds,
            "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "environment": build_bench.environment(args.python),
            "kbgen": build_bench.kbgen_sources(args.python),
        }
        print(f"\n{pages} pages: ratio to the cold build with an empty cache (wall / CPU)")
        for step in STEPS:
            cells = [
                f"{r['ratios'][step]['wall_vs_cold']:.2f} / {r['ratios'][step]['cpu_vs_cold']:.2f}" for r in rounds
            ]
            print(f"  {step:8}  " + "   ".join(cells))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"wrote {build_bench._rel(RESULTS)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

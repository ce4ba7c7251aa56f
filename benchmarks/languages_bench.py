#!/usr/bin/env python3
"""Languages benchmark: the sample help center built with one language against two.

    python benchmarks/languages_bench.py [--repeat 3]

Three configurations of the same content/ (copied to benchmarks/out/languages/):

  one        English only, one market (mkdocs.yml without languages/markets)
  two        English (Ireland, at the root) and German (Germany, /de-de/)
  three      the sample as shipped: Ireland, the UK (/en-gb/) and Germany (/de-de/)

Each build is a fresh child process (`python -m kbgen build`), waited for with os.wait4, so
wall and CPU time are that build's alone; the median of --repeat runs is reported with the
site's size, the search indexes' size (every pair's _kbgen/search) and the ratios to `one`.
Results also go to benchmarks/out/languages-results.json. Run it with the Python that has
kbgen installed; KBGEN_TODAY is pinned so every run builds the same pages.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out" / "languages"
MARKETS = re.compile(r"\n      languages: .*?(?=\n\nmarkdown_extensions)", re.S)
TWO = """
      languages: [en, de]
      markets:
        ie: {country: IE, currency: EUR, languages: [en], name: Ireland}
        de: {country: DE, currency: EUR, languages: [de], name: Deutschland}
      default_market: ie"""


def configs() -> dict[str, str]:
    shipped = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    if not MARKETS.search(shipped):
        sys.exit("mkdocs.yml: no languages/markets block to vary")
    return {"one": MARKETS.sub("", shipped), "two": MARKETS.sub(TWO, shipped), "three": shipped}


def size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def run(project: Path, name: str) -> dict:
    site = project / f"site-{name}"
    env = {**os.environ, "KBGEN_TODAY": "2026-11-30"}
    command = [sys.executable, "-m", "kbgen", "build", "-f", f"mkdocs-{name}.yml", "-d", str(site)]
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        sys.exit(f"{name}: build failed:\n{child.stderr.read().decode()}")
    indexes = sum(size(p) for p in site.rglob("_kbgen/search") if p.is_dir())
    return {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "site_bytes": size(site),
        "index_bytes": indexes,
        "pages": sum(1 for _ in site.rglob("index.html")),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    shutil.copytree(ROOT / "content", OUT / "content")
    for name, text in configs().items():
        (OUT / f"mkdocs-{name}.yml").write_text(text, encoding="utf-8")
    results = {}
    for name in ("one", "two", "three"):
        runs = [run(OUT, name) for _ in range(args.repeat)]
        results[name] = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    base = results["one"]
    print(f"{'build':6} {'pages':>6} {'wall s':>7} {'cpu s':>7} {'site MB':>8} {'index MB':>9}  ratios to one")
    for name, r in results.items():
        ratios = "  ".join(
            f"{k.split('_')[0]} {r[k] / base[k]:.2f}x" for k in ("wall_s", "cpu_s", "site_bytes", "index_bytes")
        )
        print(
            f"{name:6} {r['pages']:>6} {r['wall_s']:>7.1f} {r['cpu_s']:>7.1f} {r['site_bytes'] / 1e6:>8.1f} "
            f"{r['index_bytes'] / 1e6:>9.2f}  {ratios}"
        )
    (HERE / "out" / "languages-results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

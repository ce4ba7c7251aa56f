#!/usr/bin/env python3
"""The build's own CPU time up to its last page: the rendering side of a cold build.

    python benchmarks/last_page_cpu.py --project benchmarks/out/faq-1000/kbproj \\
        --code /tmp/before --code . --rounds 3

Each round builds the project once per ``--code`` checkout (put first on PYTHONPATH),
alternating, as a fresh child with an empty build cache (as build_compare.py builds). The
child reads ``time.process_time`` when kbgen's ``on_post_page`` has seen the last page and
again at exit, so the figures are the build's own process: its background index process is
reported apart (its CPU from ``getrusage``). Other work on the machine moves these figures far
less than wall times or the total CPU time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import atexit, json, os, resource, sys, time
import kbgen.plugin as plugin
seen = {"pages": 0, "cpu": None}
original = plugin.KbgenPlugin.on_post_page
def on_post_page(self, output, page, config):
    output = original(self, output, page, config)
    seen["pages"] += 1
    if seen["pages"] == self._page_total:
        seen["cpu"] = time.process_time()
    return output
plugin.KbgenPlugin.on_post_page = on_post_page
@atexit.register
def report():
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print("LAST-PAGE-CPU " + json.dumps({
        "last_page_s": round(seen["cpu"] or 0, 2),
        "total_s": round(time.process_time(), 2),
        "background_s": round(children.ru_utime + children.ru_stime, 2),
        "load": round(os.getloadavg()[0], 1),
    }), file=sys.stderr)
from kbgen.cli import main
sys.argv = ["kbgen", "build", "--cache-dir", sys.argv[1], "-d", sys.argv[2]]
main()
"""


def run(code: Path, project: Path, python: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="last-page-cpu-") as tmp:
        env = dict(os.environ, PYTHONPATH=str(code.resolve()), NO_MKDOCS_2_WARNING="1")
        done = subprocess.run(
            [python, "-c", CHILD, str(Path(tmp) / "cache"), str(Path(tmp) / "site")],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
        )
    line = next((x for x in done.stderr.splitlines() if x.startswith("LAST-PAGE-CPU ")), None)
    if done.returncode != 0 or line is None:
        raise SystemExit(f"the build with {code} failed:\n{done.stderr[-3000:]}")
    return json.loads(line.split(" ", 1)[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, required=True, help="the kbgen project (mkdocs.yml) to build")
    parser.add_argument("--code", type=Path, action="append", required=True, help="a checkout to measure (repeat)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args(argv)
    for number in range(1, args.rounds + 1):
        for code in args.code:
            found = run(code, args.project, args.python)
            print(
                f"round {number}, {code}: up to the last page {found['last_page_s']} s, in all {found['total_s']} s, "
                f"background {found['background_s']} s (load {found['load']})",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

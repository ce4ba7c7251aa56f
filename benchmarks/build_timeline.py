#!/usr/bin/env python3
"""Where a one-change build's time goes, in the build's process and in the index process.

    python benchmarks/build_timeline.py PROJECT [--edit FILE] [--runs 3] [--code CHECKOUT]

Each run appends a sentence to ``FILE`` (default: the project's first FAQ entry), runs ``kbgen
build`` with the project's default cache, and prints each step's first start, last end and
total time (seconds from the build's start) in both processes, then puts the file back. On a
machine whose speed swings by half within minutes, one build's own timeline says more than
wall times compared across builds.

The steps are timed by wrapping functions of MkDocs and kbgen in a ``sitecustomize`` module
that only this script puts on the path (in a temporary folder): nothing of it is in kbgen.
The wrapped names are internals, so a step that no longer exists is left out with a note.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# (module, attribute path, label): timed in whichever process imports the module
STEPS = [
    ("kbgen.plugin", "KbgenPlugin.on_config", "kbgen on_config"),
    ("kbgen.plugin", "KbgenPlugin.on_files", "kbgen on_files"),
    ("kbgen.plugin", "KbgenPlugin.on_post_build", "kbgen on_post_build"),
    ("kbgen.content", "load", "content load"),
    ("mkdocs.commands.build", "get_files", "MkDocs get_files"),
    ("mkdocs.commands.build", "_populate_page", "MkDocs pages: Markdown"),
    ("mkdocs.commands.build", "_build_page", "MkDocs pages: templates"),
    ("kbgen.cache", "Store.flush", "cache writes waited for"),
    ("kbgen.search.reuse", "Reused.__init__", "index: cache read"),
    ("kbgen.search.background", "_Sealing.take", "index: documents taken"),
    ("kbgen.search.background", "_Sealing.seal", "index: seal"),
    ("kbgen.search.index", "IndexWriter.complete", "index: complete"),
    ("kbgen.search.background", "_load_model", "index: model loaded"),
]

SITECUSTOMIZE = """
import importlib.abc, importlib.util, json, os, sys, time
_OUT = os.environ.get("KBGEN_TIMELINE")
_STEPS = {steps!r}
if _OUT:
    def _record(label, start, end):
        with open(_OUT, "a") as f:
            f.write(json.dumps([os.getpid(), label, start, end]) + "\\n")

    def _wrap(module, path, label):
        owner = module
        *outer, name = path.split(".")
        for part in outer:
            owner = getattr(owner, part, None)
        original = getattr(owner, name, None) if owner is not None else None
        if original is None:
            _record("missing: " + label, 0, 0)
            return
        def timed(*args, **kwargs):
            start = time.time()
            try:
                return original(*args, **kwargs)
            finally:
                _record(label, start, time.time())
        setattr(owner, name, timed)

    class _Finder(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname, path, target=None):
            wanted = [step for step in _STEPS if step[0] == fullname]
            if not wanted:
                return None
            sys.meta_path.remove(self)
            try:
                spec = importlib.util.find_spec(fullname)
            finally:
                sys.meta_path.insert(0, self)
            execute = spec.loader.exec_module
            def exec_module(module):
                execute(module)
                for _, path, label in wanted:
                    _wrap(module, path, label)
            spec.loader.exec_module = exec_module
            return spec

    _record("process start", time.time(), time.time())
    sys.meta_path.insert(0, _Finder())
"""


def first_faq(project: Path) -> Path:
    found = sorted((project / "content").glob("*/faq/*.md"))
    if not found:
        raise SystemExit(f"{project}: no FAQ entry to edit; name one with --edit")
    return found[0]


def report(events: list, started: float) -> None:
    starts = [(start, pid) for pid, label, start, _ in events if label == "process start"]
    main_pid = min(starts)[1] if starts else None  # the build's process starts first
    by_step: dict[tuple[str, str], list] = {}
    for pid, label, start, end in events:
        if label == "process start":
            continue
        where = "build" if pid == main_pid else "index"
        by_step.setdefault((where, label), []).append((start, end))
    for (where, label), spans in sorted(by_step.items(), key=lambda item: min(s for s, _ in item[1])):
        if label.startswith("missing: "):
            print(f"  {where:5} {label}")
            continue
        first, last = min(s for s, _ in spans) - started, max(e for _, e in spans) - started
        total = sum(e - s for s, e in spans)
        print(f"  {where:5} {label:28} {first:7.3f} -> {last:7.3f}  total {total:6.3f} s  ({len(spans)} calls)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("project", type=Path, help="a kbgen project (its mkdocs.yml), built once already")
    parser.add_argument("--edit", type=Path, help="the file a sentence is appended to (default: the first FAQ)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--code", help="a kbgen checkout put first on PYTHONPATH")
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args(argv)
    project = args.project.resolve()
    edited = (args.edit or first_faq(project)).resolve()
    original = edited.read_bytes()
    with tempfile.TemporaryDirectory(prefix="kbgen-timeline-") as scratch:
        Path(scratch, "sitecustomize.py").write_text(SITECUSTOMIZE.format(steps=STEPS), encoding="utf-8")
        path = [scratch, *([args.code] if args.code else []), os.environ.get("PYTHONPATH", "")]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in path if p), NO_MKDOCS_2_WARNING="1")
        try:
            for run in range(1, args.runs + 1):
                edited.write_bytes(original + f"\nOne more sentence ({run}, {time.time()}).\n".encode())
                out = Path(scratch, f"run-{run}.jsonl")
                env["KBGEN_TIMELINE"] = str(out)
                started = time.time()
                result = subprocess.run(
                    [args.python, "-m", "kbgen", "build"], cwd=project, env=env, capture_output=True, text=True
                )
                wall = time.time() - started
                status = "ok" if result.returncode == 0 else f"failed ({result.returncode})"
                print(f"run {run}: {wall:.2f} s, {status}")
                events = [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []
                report(events, started)
        finally:
            edited.write_bytes(original)
    return 0


if __name__ == "__main__":
    sys.exit(main())

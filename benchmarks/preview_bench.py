#!/usr/bin/env python3
"""Preview benchmark: from saving one Markdown file to the reload event browsers poll.

    python benchmarks/preview_bench.py [--sizes sample,1000] [--edits 5]

For each size it copies a project into benchmarks/out/preview-<size>/ (``sample``: this
repository's content/ and mkdocs.yml; a number: the corpus.py corpus of that many pages,
cached as build_bench.py caches it), starts the real ``kbgen serve --watch`` on a free
loopback port and waits for its first build. Then, ``--edits`` times: it appends a line to
one article, records the moment the file is closed, and polls ``/_kbgen/livereload``
(what the page's live-reload script polls) every 10 ms until the build id changes; the
time in between is one measurement. It checks that the served page then shows the edit,
and waits for the watcher to settle before the next edit.

What a writer waits for is this time plus up to one second: the browser's own poll
interval (kbgen/server.py). Results go to stdout and benchmarks/out/preview-results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import build_bench  # noqa: E402

OUT = HERE / "out"
RESULTS = OUT / "preview-results.json"
LIVE_RELOAD = "/_kbgen/livereload"
POLL = 0.01
BROWSER_POLL = 1.0  # the live-reload script's interval (kbgen/server.py)


def prepare(size: str, seed: int) -> tuple[Path, str]:
    """A scratch copy of the project (edits never touch the cached corpus); the article to edit."""
    target = OUT / f"preview-{size}"
    shutil.rmtree(target, ignore_errors=True)
    if size == "sample":
        shutil.copytree(ROOT / "content", target / "content")
        shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
        return target, "returns/refunds.md"
    source, _ = build_bench.ensure_corpus(int(size), seed, force=False)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("site*", ".site*"))
    first = min(p for p in (target / "content").glob("*/*.md") if p.name != "index.md")
    return target, first.relative_to(target / "content").as_posix()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_id(base: str) -> int | None:
    try:
        with urllib.request.urlopen(base + LIVE_RELOAD, timeout=5) as response:
            return json.load(response)["build"]
    except OSError:
        return None


def page_url(src: str) -> str:
    return "/" + src[: -len(".md")] + "/"


def measure(size: str, edits: int, seed: int, python: str, timeout: float, code: str | None = None) -> dict:
    project, src = prepare(size, seed)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (OUT / "logs" / f"preview-{size}.log").open("w")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")
    if code:  # another checkout first on the path (a frozen copy, or the code before a change)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(code).resolve()), env.get("PYTHONPATH")]))
    cmd = [python, "-m", "kbgen", "serve", "--watch", "--port", str(port), "-d", str(project / "site")]
    started = time.perf_counter()
    server = subprocess.Popen(cmd, cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        while build_id(base) is None:
            if server.poll() is not None or time.perf_counter() - started > timeout:
                raise RuntimeError(f"kbgen serve --watch did not start; see {log.name}")
            time.sleep(0.1)
        first_build = time.perf_counter() - started
        print(f"{size}: serving after {first_build:.1f} s (first build); editing {src}", file=sys.stderr)
        time.sleep(1.0)  # the watcher takes its first snapshot
        article = project / "content" / src
        runs = []
        for n in range(1, edits + 1):
            before = build_id(base)
            marker = f"Edited for the preview benchmark, save {n}."
            text = article.read_text(encoding="utf-8")
            with article.open("w", encoding="utf-8") as out:
                out.write(text.rstrip("\n") + f"\n\n{marker}\n")
            saved = time.perf_counter()
            while build_id(base) == before:
                if time.perf_counter() - saved > timeout:
                    raise RuntimeError(f"no reload event {timeout:.0f} s after saving {src}")
                time.sleep(POLL)
            seconds = time.perf_counter() - saved
            with urllib.request.urlopen(base + page_url(src), timeout=10) as response:
                shown = marker in response.read().decode("utf-8")
            runs.append({"seconds": round(seconds, 3), "page_shows_edit": shown})
            print(f"{size}: save {n}: reload event after {seconds:.2f} s", file=sys.stderr)
            time.sleep(1.5)  # let the watcher take its next snapshot
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
    times = [r["seconds"] for r in runs]
    return {
        "edited": src,
        "markdown_files": sum(1 for _ in (project / "content").rglob("*.md")),
        "first_build_seconds": round(first_build, 2),
        "runs": runs,
        "median_seconds": round(statistics.median(times), 3),
        "min_seconds": min(times),
        "max_seconds": max(times),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="sample,1000", help="'sample' and/or page counts (default sample,1000)")
    parser.add_argument("--edits", type=int, default=5, help="saves measured per size (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for a build (default 600)")
    parser.add_argument("--python", default=sys.executable, help="Python that runs kbgen (default: this one)")
    parser.add_argument("--code", help="a kbgen checkout put first on PYTHONPATH")
    args = parser.parse_args(argv)
    (OUT / "logs").mkdir(parents=True, exist_ok=True)
    results = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    for size in [s.strip() for s in args.sizes.split(",") if s.strip()]:
        results[size] = measure(size, args.edits, args.seed, args.python, args.timeout, args.code)
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\n{'size':>8} {'files':>6} {'first build':>12} {'save -> reload event (median, min-max)':>40}")
    for size, r in results.items():
        spread = f"{r['median_seconds']:.2f} s ({r['min_seconds']:.2f}-{r['max_seconds']:.2f})"
        print(f"{size:>8} {r['markdown_files']:>6} {r['first_build_seconds']:>10.1f} s {spread:>40}")
    print(f"\nA browser sees the event up to {BROWSER_POLL:.0f} s later (its poll interval). Results: {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

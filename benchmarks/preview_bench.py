#!/usr/bin/env python3
"""Preview benchmark: from saving one Markdown file to the reload event browsers poll.

    python benchmarks/preview_bench.py [--sizes sample,1000] [--edits 5] [--change article|fact]

For each size it copies a project into benchmarks/out/preview-<size>/ (``sample``: this
repository's content/ and mkdocs.yml; a number: the corpus.py corpus of that many pages,
cached as build_bench.py caches it), starts the real ``kbgen serve --watch`` on a free
loopback port and waits for its first build. Then, ``--edits`` times: it appends a line to
one article, records the moment the file is closed, and polls ``/_kbgen/livereload``
(what the page's live-reload script polls, saying which page it is: ``?page=``, the page
checked is the one open) every 10 ms until the build id changes; the time in between is one
measurement. It checks that the served page then shows the edit,
and waits for the watcher to settle before the next edit.

``--change fact``: the project gets incremental_bench.py's facts.yml, whose fact
``reply_time`` is used on every tenth Markdown file, and each save changes its value; the
page checked is the first article using it. Results are stored as ``<size>-fact``.

Where the server says when the search index caught up (``"search"`` in the live-reload
state, a preview that writes the index after the pages), that time is recorded too, with the
number of reload events until then and the last one's time (a preview that puts the open
pages live first reloads again once the other changed pages are live). A
browser's page hears of the event at once (a long poll; before that: within its one-second
poll interval). Results go to stdout and benchmarks/out/preview-results.json.
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
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import build_bench  # noqa: E402
import incremental_bench  # noqa: E402

OUT = HERE / "out"
RESULTS = OUT / "preview-results.json"
LIVE_RELOAD = "/_kbgen/livereload"
POLL = 0.01


def prepare(size: str, seed: int, change: str = "article") -> tuple[Path, str, int]:
    """A scratch copy of the project (edits never touch the cached corpus); the article to
    edit (or, with ``change="fact"``, to check) and how many files the change touches."""
    if change == "fact" and size == "sample":
        raise SystemExit("--change fact is for the corpus sizes (the sample has its own facts.yml)")
    target = OUT / (f"preview-{size}" + ("" if change == "article" else f"-{change}"))
    shutil.rmtree(target, ignore_errors=True)
    if size == "sample":
        shutil.copytree(ROOT / "content", target / "content")
        shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    else:
        source, _ = build_bench.ensure_corpus(int(size), seed, force=False)
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("site*", ".site*"))
    content = target / "content"
    if change == "fact":
        (content / "facts.yml").write_text(incremental_bench.FACTS.format(days=2), encoding="utf-8")
        users = sorted(content.rglob("*.md"))[::10]
        for path in users:
            with open(path, "a", encoding="utf-8") as f:
                f.write(incremental_bench.FACT_LINE)
        first = min(p for p in users if p.name != "index.md" and "/faq/" not in p.as_posix() and p.parent != content)
        return target, first.relative_to(content).as_posix(), len(users)
    if size == "sample":
        return target, "returns/refunds.md", 1
    first = min(p for p in content.glob("*/*.md") if p.name != "index.md")
    return target, first.relative_to(content).as_posix(), 1


def save(project: Path, src: str, change: str, n: int) -> str:
    """One save; returns the text the page then shows."""
    if change == "fact":
        days = 2 + n
        (project / "content" / "facts.yml").write_text(incremental_bench.FACTS.format(days=days), encoding="utf-8")
        return f"{days} business days"
    article = project / "content" / src
    marker = f"Edited for the preview benchmark, save {n}."
    text = article.read_text(encoding="utf-8")
    with article.open("w", encoding="utf-8") as out:
        out.write(text.rstrip("\n") + f"\n\n{marker}\n")
    return marker


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def state(base: str, page: str = "") -> dict | None:
    """The live-reload state, asked as the script of the page at ``page`` asks it (it says
    where it is: a preview puts the pages open in browsers live first)."""
    query = "?page=" + urllib.parse.quote(page) if page else ""
    try:
        with urllib.request.urlopen(base + LIVE_RELOAD + query, timeout=5) as response:
            return json.load(response)
    except OSError:
        return None


def build_id(base: str, page: str = "") -> int | None:
    found = state(base, page)
    return None if found is None else found["build"]


def page_url(src: str) -> str:
    return "/" + src[: -len(".md")] + "/"


def measure(
    size: str, edits: int, seed: int, python: str, timeout: float, code: str | None = None, change: str = "article"
) -> dict:
    project, src, touched = prepare(size, seed, change)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (OUT / "logs" / f"preview-{size}.log").open("w")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")
    if code:  # another checkout first on the path (a frozen copy, or the code before a change)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(code).resolve()), env.get("PYTHONPATH")]))
    build_bench.compile_kbgen(python, env)
    cmd = [python, "-m", "kbgen", "serve", "--watch", "--port", str(port), "-d", str(project / "site")]
    started = time.perf_counter()
    server = subprocess.Popen(cmd, cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        while build_id(base) is None:
            if server.poll() is not None or time.perf_counter() - started > timeout:
                raise RuntimeError(f"kbgen serve --watch did not start; see {log.name}")
            time.sleep(0.1)
        first_build = time.perf_counter() - started
        what = "facts.yml" if change == "fact" else src
        print(f"{size}: serving after {first_build:.1f} s (first build); editing {what}", file=sys.stderr)
        time.sleep(1.0)  # the watcher takes its first snapshot
        runs = []
        for n in range(1, edits + 1):
            before = build_id(base, page_url(src))  # the checked page is open
            marker = save(project, src, change, n)
            saved = time.perf_counter()
            while (now := state(base, page_url(src))) is None or now["build"] == before:
                if time.perf_counter() - saved > timeout:
                    raise RuntimeError(f"no reload event {timeout:.0f} s after saving {what}")
                time.sleep(POLL)
            seconds = time.perf_counter() - saved
            with urllib.request.urlopen(base + page_url(src), timeout=10) as response:
                shown = marker in response.read().decode("utf-8")
            run = {"seconds": round(seconds, 3), "page_shows_edit": shown}
            if "search" in now:  # the index follows the pages: when did it catch up?
                last_reload, reloads = seconds, 1  # later reload events: the other changed pages live
                while (seen := state(base, page_url(src))) is None or seen["search"] != seen["build"]:
                    if seen is not None and seen["build"] != now["build"]:
                        now, last_reload, reloads = seen, time.perf_counter() - saved, reloads + 1
                    if time.perf_counter() - saved > timeout:
                        raise RuntimeError(f"no search index {timeout:.0f} s after saving {what}")
                    time.sleep(POLL)
                if seen["build"] != now["build"]:
                    last_reload, reloads = time.perf_counter() - saved, reloads + 1
                run["search_seconds"] = round(time.perf_counter() - saved, 3)
                run["last_reload_seconds"], run["reloads"] = round(last_reload, 3), reloads
            runs.append(run)
            later = f", search index after {run['search_seconds']:.2f} s" if "search_seconds" in run else ""
            if run.get("reloads", 1) > 1:
                later += f", {run['reloads']} reload events, the last after {run['last_reload_seconds']:.2f} s"
            print(f"{size}: save {n}: reload event after {seconds:.2f} s{later}", file=sys.stderr)
            time.sleep(1.5)  # let the watcher take its next snapshot
    finally:
        try:
            os.killpg(server.pid, signal.SIGTERM)
        except ProcessLookupError:  # it stopped by itself (see the log)
            pass
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
    times = [r["seconds"] for r in runs]
    searched = [r["search_seconds"] for r in runs if "search_seconds" in r]
    return {
        "change": change,
        "edited": "facts.yml" if change == "fact" else src,
        "files_touched": touched,
        "markdown_files": sum(1 for _ in (project / "content").rglob("*.md")),
        "search_median_seconds": round(statistics.median(searched), 3) if searched else None,
        "last_reload_median_seconds": (
            round(statistics.median(r["last_reload_seconds"] for r in runs), 3) if searched else None
        ),
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
    parser.add_argument(
        "--change", choices=("article", "fact"), default="article", help="what each save changes (default article)"
    )
    parser.add_argument("--label", default="", help="appended to each result's name (e.g. '-before')")
    args = parser.parse_args(argv)
    (OUT / "logs").mkdir(parents=True, exist_ok=True)
    results = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    for size in [s.strip() for s in args.sizes.split(",") if s.strip()]:
        name = size + ("" if args.change == "article" else f"-{args.change}") + args.label
        results[name] = measure(size, args.edits, args.seed, args.python, args.timeout, args.code, args.change)
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\n{'result':>18} {'files':>6} {'first build':>12} {'save -> reload event (median, min-max)':>40}")
    for name, r in results.items():
        spread = f"{r['median_seconds']:.2f} s ({r['min_seconds']:.2f}-{r['max_seconds']:.2f})"
        searched = f"  search {r['search_median_seconds']:.2f} s" if r.get("search_median_seconds") else ""
        print(f"{name:>18} {r['markdown_files']:>6} {r['first_build_seconds']:>10.1f} s {spread:>40}{searched}")
    print(f"\nResults: {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

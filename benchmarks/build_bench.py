#!/usr/bin/env python3
"""Build benchmark: kbgen build against plain MkDocs + Material on the same Markdown.

    python benchmarks/build_bench.py [--sizes 1000,10000] [--repeat 1] [--skip-plain]

For each size the corpus from corpus.py is generated once and cached in benchmarks/out/
(regenerated when corpus.py or corpus_banks.py change). Each measurement is a fresh child
process, waited for with os.wait4, so wall time, CPU time and peak RSS are that build's
alone:

  kbgen        kbgen build (mkdocs.yml: plugins search + kbgen, navigation.prune), cold: the
               project's build cache (.kbgen/cache) is emptied before each run
  plain        mkdocs build -f mkdocs-plain.yml: Material, plugins [search], no nav, no prune
  plain-prune  mkdocs build -f mkdocs-plain-prune.yml: the same with navigation.prune

Results go to stdout (a table and the ratios kbgen/plain and kbgen/plain-prune) and to
benchmarks/out/build-results.json, merged with the results of earlier runs so that sizes
measured separately end up in one file. Run it with the Python that has kbgen installed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.metadata
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

OUT = HERE / "out"
RESULTS = OUT / "build-results.json"
BUILDS = ("kbgen", "plain", "plain-prune")
SITE_DIRS = {"kbgen": "site", "plain": "site-plain", "plain-prune": "site-plain-prune"}
CACHE_DIR = ".kbgen/cache"  # kbgen's default build cache, beside mkdocs.yml


def command(build: str, python: str) -> list[str]:
    if build == "kbgen":
        return [python, "-m", "kbgen", "build", "-f", "mkdocs.yml", "-d", SITE_DIRS[build]]
    config = {"plain": "mkdocs-plain.yml", "plain-prune": "mkdocs-plain-prune.yml"}[build]
    return [python, "-m", "mkdocs", "build", "-f", config, "-d", SITE_DIRS[build]]


def ensure_corpus(pages: int, seed: int, force: bool) -> tuple[Path, dict]:
    project = OUT / f"corpus-{pages}-seed{seed}"
    stamp = None if force else corpus.current_stamp(project, pages, seed)
    if stamp is not None:
        print(f"corpus {pages}: cached in {_rel(project)}", file=sys.stderr)
        return project, stamp
    print(f"corpus {pages}: generating in {_rel(project)} ...", file=sys.stderr)
    started = time.perf_counter()
    # In a child process: on Linux a child's peak RSS starts at its parent's RSS when it is
    # forked, so this process must stay small for the builds' figures to be their own.
    subprocess.run(
        [
            sys.executable,
            str(HERE / "corpus.py"),
            "--pages",
            str(pages),
            "--out",
            str(project),
            "--seed",
            str(seed),
            "--force",
        ],
        check=True,
    )
    stamp = json.loads((project / corpus.STAMP).read_text())
    print(
        f"corpus {pages}: {stamp['articles']} articles, {stamp['faqs']} FAQ entries, "
        f"{stamp['categories']} categories in {time.perf_counter() - started:.1f}s",
        file=sys.stderr,
    )
    return project, stamp


def compile_kbgen(python: str, env: dict) -> None:
    """Byte-compile the kbgen that ``python`` imports under ``env``, as ``pip install`` does: a
    checkout run through PYTHONPATH (``--code``) or an editable install has no ``.pyc`` files,
    and with PYTHONDONTWRITEBYTECODE set (as on the machines these figures come from) every
    build would compile kbgen's modules again (0.3 s of a warm FAQ-heavy build), which an
    installed kbgen, and MkDocs and Material beside it, never do."""
    where = subprocess.run(
        [python, "-c", "import kbgen, os; print(os.path.dirname(kbgen.__file__))"],
        cwd=Path(__file__).anchor,  # not a checkout's root, whose kbgen/ would come first
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    subprocess.run([python, "-m", "compileall", "-q", where], env=dict(env, PYTHONDONTWRITEBYTECODE=""), check=True)


def measure(cmd: list[str], cwd: Path, env: dict, log: Path, timeout: float | None) -> dict:
    """Run ``cmd`` as a fresh child; its own wall time, CPU time and peak RSS."""
    log.parent.mkdir(parents=True, exist_ok=True)
    # A private temp folder: Whoosh keeps temp files under a fixed name in the system temp
    # folder, so a kbgen build running elsewhere on the machine could clobber ours.
    tmp = OUT / "tmp" / log.stem
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    env = dict(env, TMPDIR=str(tmp))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    timed_out = threading.Event()
    with open(log, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # the child's own process group
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            if timer:
                timer.cancel()
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped above; keep Popen quiet
    # ru_maxrss is KiB on Linux, bytes on macOS.
    rss_kib = usage.ru_maxrss / 1024 if sys.platform == "darwin" else usage.ru_maxrss
    result = {
        "returncode": proc.returncode,
        "wall_s": round(wall, 3),
        "user_s": round(usage.ru_utime, 3),
        "sys_s": round(usage.ru_stime, 3),
        "peak_rss_mib": round(rss_kib / 1024, 1),
        "load_avg_1min_before": round(load, 2) if load is not None else None,
        "log": _rel(log),
    }
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.parent.rmdir()
    except OSError:
        pass  # another run's folder is still there
    if timed_out.is_set():
        result["error"] = f"timed out after {timeout:.0f}s (killed)"
    elif proc.returncode != 0:
        tail = log.read_text(errors="replace").splitlines()[-25:]
        result["error"] = "\n".join(tail)
    return result


def site_stats(site: Path) -> dict:
    pages = files = size = 0
    for root, _, names in os.walk(site):
        for name in names:
            files += 1
            pages += name.endswith(".html")
            try:
                size += os.path.getsize(os.path.join(root, name))
            except OSError:
                pass
    return {"html_files": pages, "files": files, "site_mib": round(size / 2**20, 1)}


def summarize(runs: list[dict]) -> dict:
    ok = [r for r in runs if r["returncode"] == 0 and "error" not in r]
    if not ok:
        return {"ok": False}
    walls = [r["wall_s"] for r in ok]
    return {
        "ok": len(ok) == len(runs),
        "wall_s_median": round(statistics.median(walls), 3),
        "wall_s_min": round(min(walls), 3),
        "cpu_s_median": round(statistics.median(r["user_s"] + r["sys_s"] for r in ok), 3),
        "peak_rss_mib": max(r["peak_rss_mib"] for r in ok),
    }


def ratios(entries: dict) -> dict:
    """kbgen/plain and kbgen/plain-prune per size, for time and peak memory."""
    out: dict = {}
    for pages, builds in sorted(entries.items(), key=lambda kv: int(kv[0])):
        k = builds.get("kbgen", {}).get("summary", {})
        if "wall_s_median" not in k:
            continue
        for other in ("plain", "plain-prune"):
            o = builds.get(other, {}).get("summary", {})
            if "wall_s_median" not in o:
                continue
            out.setdefault(pages, {})[f"kbgen/{other}"] = {
                "wall": round(k["wall_s_median"] / o["wall_s_median"], 2),
                "peak_rss": round(k["peak_rss_mib"] / o["peak_rss_mib"], 2),
            }
    return out


def environment(python: str) -> dict:
    def version(name: str) -> str | None:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return None

    return {
        "python": platform.python_version(),
        "child_python": python,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "kbgen": version("kbgen"),
        "mkdocs": version("mkdocs"),
        "mkdocs-material": version("mkdocs-material"),
        "markdown": version("markdown"),
    }


def kbgen_sources(python: str) -> dict:
    """Where the measured kbgen lives and a hash of its code and theme (it changes often)."""
    probe = subprocess.run(
        [python, "-c", "import kbgen, kbgen.resources as r; print(kbgen.__file__); print(r.theme_dir())"],
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        return {}
    package, theme = (Path(p).resolve() for p in probe.stdout.split("\n")[:2])
    package = package.parent
    digest = hashlib.sha256()
    for root in (package, theme):
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return {"kbgen_package": str(package), "kbgen_sources_sha256": digest.hexdigest()[:16]}


def load_results() -> dict:
    try:
        data = json.loads(RESULTS.read_text())
        if isinstance(data.get("sizes"), dict):
            return data
    except (OSError, ValueError):
        pass
    return {"sizes": {}}


def print_table(entries: dict, sizes: list[int]) -> None:
    header = (
        f"{'pages':>6}  {'build':<12} {'runs':>4}  {'wall s':>8}  {'min s':>8}  "
        f"{'cpu s':>8}  {'peak RSS MiB':>12}  {'html':>6}  status"
    )
    print(header)
    print("-" * len(header))
    for pages in sizes:
        for build in BUILDS:
            entry = entries.get(str(pages), {}).get(build)
            if entry is None:
                continue
            s = entry["summary"]
            runs = len(entry["runs"])
            html = entry.get("site", {}).get("html_files", "")
            if "wall_s_median" in s:
                status = "ok" if s["ok"] else "some runs failed"
                print(
                    f"{pages:>6}  {build:<12} {runs:>4}  {s['wall_s_median']:>8.2f}  "
                    f"{s['wall_s_min']:>8.2f}  {s['cpu_s_median']:>8.2f}  "
                    f"{s['peak_rss_mib']:>12.1f}  {html:>6}  {status}"
                )
            else:
                print(
                    f"{pages:>6}  {build:<12} {runs:>4}  {'-':>8}  {'-':>8}  {'-':>8}  "
                    f"{'-':>12}  {'':>6}  FAILED (see {entry['runs'][-1]['log']})"
                )
    rs = ratios(entries)
    lines = []
    for pages in sizes:
        for name, r in rs.get(str(pages), {}).items():
            lines.append(f"{pages:>6}  {name:<18}  time x{r['wall']:<6}  peak RSS x{r['peak_rss']}")
    if lines:
        print("\nratios (median wall time, peak RSS)")
        print("\n".join(lines))


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated page counts (default 1000,10000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per build (default 1)")
    parser.add_argument(
        "--skip-plain", action="store_true", help="skip the plain build without prune (quadratic in pages)"
    )
    parser.add_argument("--builds", default=",".join(BUILDS), help=f"which builds to run (default {','.join(BUILDS)})")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument(
        "--timeout", type=float, default=3600, help="kill a build after this many seconds (default 3600; 0: never)"
    )
    parser.add_argument("--regenerate", action="store_true", help="regenerate cached corpora")
    parser.add_argument("--python", default=sys.executable, help="Python that runs the builds (default: this one)")
    args = parser.parse_args(argv)

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    builds = [b.strip() for b in args.builds.split(",") if b.strip()]
    unknown = set(builds) - set(BUILDS)
    if unknown:
        parser.error(f"unknown build(s): {', '.join(sorted(unknown))}")
    if args.skip_plain and "plain" in builds:
        builds.remove("plain")
    check = subprocess.run([args.python, "-c", "import kbgen, mkdocs, material"], capture_output=True)
    if check.returncode != 0:
        parser.error(
            f"{args.python} cannot import kbgen, mkdocs and material; run this with "
            "the virtualenv's Python or pass --python"
        )

    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")
    compile_kbgen(args.python, env)
    results = load_results()
    results["environment"] = environment(args.python)
    entries = results["sizes"]
    for pages in sizes:
        project, stamp = ensure_corpus(pages, args.seed, args.regenerate)
        size_entry = entries.setdefault(str(pages), {})
        size_entry["corpus"] = {
            k: stamp[k]
            for k in ("pages", "seed", "categories", "articles", "faqs", "article_words", "faq_words", "internal_links")
        }
        for build in builds:
            sources = kbgen_sources(args.python) if build == "kbgen" else {}
            runs = []
            for i in range(1, args.repeat + 1):
                print(f"{pages} pages: {build} build, run {i}/{args.repeat} ...", file=sys.stderr, flush=True)
                log = OUT / "logs" / f"{pages}-{build}-{i}.log"
                if build == "kbgen":  # a cold build: an earlier run's build cache would make it a warm one
                    shutil.rmtree(project / CACHE_DIR, ignore_errors=True)
                run = measure(command(build, args.python), project, env, log, args.timeout or None)
                runs.append(run)
                if "error" in run:
                    print(
                        f"  FAILED ({run['wall_s']:.1f}s): see {run['log']}\n"
                        + "\n".join("  | " + line for line in run["error"].splitlines()),
                        file=sys.stderr,
                    )
                else:
                    print(f"  {run['wall_s']:.1f}s, peak RSS {run['peak_rss_mib']:.0f} MiB", file=sys.stderr)
            size_entry[build] = {
                "command": " ".join(command(build, "python")),
                "measured_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                **sources,
                "runs": runs,
                "summary": summarize(runs),
                "site": site_stats(project / SITE_DIRS[build]) if runs[-1]["returncode"] == 0 else {},
            }
        results["ratios"] = ratios(entries)
        OUT.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")  # after every size
    print()
    print_table(entries, sizes)
    print(f"\nresults: {_rel(RESULTS)}")
    failed = any("error" in r for p in sizes for b in builds for r in entries[str(p)].get(b, {}).get("runs", []))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

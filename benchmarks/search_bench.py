#!/usr/bin/env python3
"""Search speed at scale (run by hand, not a test).

    python benchmarks/search_bench.py [--pages 10000] [--seconds 20] [--connections 4]
        [--runs paced,cold,warm] [--rate 300] [--workers N] [--threads N] [--no-build]

1. generates (or reuses) the benchmark corpus with corpus.py and builds it with
   ``kbgen build``, reporting the build time and the search-index part of it;
2. measures query latency in process (p50/p99 over the relevance queries plus
   words drawn from the corpus's titles);
3. starts ``kbgen serve --no-build`` and loads it from loopback with ``wrk``
   (Debian's package) for a bounded time and connection count, cycling
   through the same queries: requests per second, latency p50/p99, errors.
   Runs: ``cold`` (response cache off, every request a real search, closed
   loop), ``paced`` (cache off, connections that wait between requests to
   offer ``--rate``), ``warm`` (the default cache, Zipf-repeated queries).

Targets (issue 3): p99 under 20 ms through the API, at least 300 requests per
second, zero errors. Results go to benchmarks/out/search-results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
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
OUT = HERE / "out"
BIN = Path(sys.executable).parent


def corpus(pages: int) -> Path:
    project = OUT / f"corpus-{pages}-seed1"
    subprocess.run([sys.executable, str(HERE / "corpus.py"), "--pages", str(pages), "--out", str(project)], check=True)
    return project


def build(project: Path) -> tuple[Path, float, float | None]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    run = subprocess.run([str(BIN / "kbgen"), "build"], cwd=project, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if run.returncode:
        sys.exit(run.stderr)
    match = re.search(r"search index(?: \(\w+\))?: \d+ documents in ([\d.]+) s", run.stderr)
    return project / "site", seconds, float(match.group(1)) if match else None


def queries(project: Path, n: int = 600) -> list[str]:
    import yaml

    qs = [q["q"] for q in yaml.safe_load((HERE / "relevance/queries.yml").read_text())]
    rng = random.Random(7)
    titles = [json.loads(line)["title"] if line.startswith("{") else line for line in _titles(project)]
    while len(qs) < n and titles:
        words = re.findall(r"[A-Za-z]+", rng.choice(titles))
        if words:
            k = rng.randint(1, min(3, len(words)))
            start = rng.randint(0, len(words) - k)
            qs.append(" ".join(words[start : start + k]).lower())
    return qs


def _titles(project: Path) -> list[str]:
    found = []
    for md in sorted((project / "content").rglob("*.md"))[:3000]:
        head = md.read_text(encoding="utf-8").split("---")[1] if md.read_text().startswith("---") else ""
        m = re.search(r"^(?:title|question): (.+)$", head, re.M)
        if m:
            found.append(m.group(1).strip().strip("\"'"))
    return found


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def in_process(site: Path, qs: list[str]) -> dict:
    """Latency with the response cache off: every query really searched."""
    sys.path.insert(0, str(HERE.parent))
    from kbgen.search import open_engine

    start = time.perf_counter()
    engine = open_engine(site, cache_size=0)
    open_ms = (time.perf_counter() - start) * 1000
    hybrid = engine.semantic
    for q in qs[:50]:
        engine.search(q)  # warm caches
    times = []
    for q in qs:
        t = time.perf_counter()
        engine.search(q)
        times.append((time.perf_counter() - t) * 1000)
    return {
        "search": "hybrid" if hybrid else "lexical",
        "open_ms": round(open_ms, 1),
        "queries": len(qs),
        "p50_ms": round(percentile(times, 50), 2),
        "p99_ms": round(percentile(times, 99), 2),
        "mean_ms": round(statistics.mean(times), 2),
    }


def _worker_rss_mib(group: int, field: str = "VmRSS") -> list[float]:
    """Resident memory of each process in the server's process group (the workers).
    ``field="Pss"``: each process's share, pages shared by n processes counted 1/n each."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != group:
                continue
            status = (entry / ("status" if field == "VmRSS" else "smaps_rollup")).read_text()
        except (OSError, ProcessLookupError):
            continue
        match = re.search(rf"^{field}:\s+(\d+) kB", status, re.M)
        if match:
            found.append(round(int(match.group(1)) / 1024, 1))
    return sorted(found)


def _connections_per_worker(group: int, port: int) -> list[int]:
    """How many established connections to ``port`` each process of the server's group holds."""
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                established.add(fields[9])
    counts = []
    for pid in _group(group):
        try:
            links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
        except OSError:
            continue
        held = sum(1 for link in links if link.startswith("socket:[") and link[8:-1] in established)
        if held:
            counts.append(held)
    return sorted(counts)


def _group(group: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == group:
                    found.append(int(entry.name))
            except (OSError, ProcessLookupError):
                continue
    return found


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _wait_for_workers(group: int, port: int, timeout: float = 120) -> None:
    """Until every worker has warmed up: a worker takes connections only once its index is
    warm, and one still warming when the load starts would leave the others every keep-alive
    connection. Connections opened one by one land on the workers holding the fewest, so once
    all are ready, one per worker spreads over all of them."""
    import http.client

    workers = len([pid for pid in _group(group) if pid != group])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        held = []
        try:
            for _ in range(workers):
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                held.append(connection)
            spread = _connections_per_worker(group, port)
        finally:
            for connection in held:
                connection.close()
        if len(spread) == workers:
            time.sleep(0.2)  # the workers see those connections closed
            return
        time.sleep(0.5)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def through_api(
    site: Path,
    qs: list[str],
    seconds: int,
    connections: int,
    threads: int,
    cache: int,
    rate: float | None = None,
    workers: int = 0,
    prefix: str = "",
) -> dict:
    """wrk from loopback: closed-loop (each connection sends as soon as it has its
    answer: the most the server sustains) or, with ``rate``, paced: each connection
    waits an exponentially distributed time between requests so that together they
    offer ``rate`` requests per second (the latency shoppers see at that load).
    ``workers``: server processes (0: kbgen serve's default). ``prefix``: a (market, language)
    pair's, e.g. "/de-de" (its index answers /de-de/api/search)."""
    if not shutil.which("wrk"):
        return {"skipped": "wrk is not installed (apt-get install wrk)"}
    port = free_port()
    server = subprocess.Popen(
        [
            str(BIN / "kbgen"),
            "serve",
            "--no-build",
            "-d",
            str(site),
            "--port",
            str(port),
            "--threads",
            str(threads),
            "--search-cache",
            str(cache),
            *(["--workers", str(workers)] if workers else []),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        paths = [prefix + "/api/search?" + urllib.parse.urlencode({"q": q}) for q in qs]
        if cache:
            # Shoppers repeat the same questions: draw requests from a Zipf law
            # (s = 1.1) over the queries, as search logs show.
            rng = random.Random(11)
            weights = [1 / (rank + 1) ** 1.1 for rank in range(len(paths))]
            paths = rng.choices(paths, weights=weights, k=5000)
        for path in paths[:50]:
            urllib.request.urlopen(base + path).close()  # open the index
        _wait_for_workers(server.pid, port)
        load_before = os.getloadavg()[0]
        script = OUT / "wrk-queries.lua"
        script.write_text(
            "local paths = {" + ",".join(json.dumps(p) for p in paths) + "}\n"
            "local i = 0\n"
            "request = function()\n  i = (i % #paths) + 1\n"
            "  return wrk.format('GET', paths[i])\nend\n"
            + (
                f"delay = function()\n  return -math.log(1 - math.random()) * {connections * 1000 / rate}\nend\n"
                if rate
                else ""
            )
            + "done = function(summary, latency, requests)\n"
            '  io.write(string.format(\'JSON {"p50": %d, "p99": %d, "non2xx": %d, '
            '"errors": %d, "requests": %d}\\n\', latency:percentile(50), '
            "latency:percentile(99), summary.errors.status, summary.errors.connect + "
            "summary.errors.read + summary.errors.write + summary.errors.timeout, "
            "summary.requests))\nend\n"
        )
        pids = _group(server.pid)
        cpu_before = _cpu_seconds(pids)
        wrk = subprocess.Popen(
            ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--latency", "-s", str(script), base],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(min(2, seconds / 2))
        spread = _connections_per_worker(server.pid, port)  # keep-alive connections per worker
        out, err = wrk.communicate()
        if wrk.returncode:
            raise subprocess.CalledProcessError(wrk.returncode, wrk.args, out, err)
        run = subprocess.CompletedProcess(wrk.args, 0, out, err)
        server_cpu = _cpu_seconds(pids) - cpu_before
        rss = _worker_rss_mib(server.pid)
        pss = _worker_rss_mib(server.pid, "Pss")
        stats = json.loads(run.stdout.split("JSON ", 1)[1].splitlines()[0])
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", run.stdout).group(1))
        return {
            "seconds": seconds,
            "connections": connections,
            "server_threads": threads,
            "server_processes": workers or "default (one per core)",
            "search_cache": cache,
            "distinct_queries": len(set(paths)),
            "traffic": "zipf over the queries, caches start empty" if cache else "each query in turn",
            "load": f"paced, {rate:g} req/s offered" if rate else "closed loop (as fast as answered)",
            "requests": stats["requests"],
            "rps": round(rps, 1),
            "p50_ms": stats["p50"] / 1000,
            "p99_ms": stats["p99"] / 1000,
            "non_2xx": stats["non2xx"],
            "socket_errors": stats["errors"],
            "process_rss_mib": rss,
            "process_pss_mib": pss,
            "connections_per_worker": spread,
            "server_cpu_ms_per_request": round(server_cpu * 1000 / max(1, stats["requests"]), 2),
            "load_before": load_before,
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=10000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="server threads per process")
    parser.add_argument("--workers", type=int, default=0, help="server processes (default: kbgen's)")
    parser.add_argument("--no-build", action="store_true", help="reuse the built site")
    parser.add_argument("--site", type=Path, help="measure this built site (no corpus, no build)")
    parser.add_argument(
        "--runs",
        default="paced,cold,warm",
        help="API runs: paced (cache off, paced load), cold (cache off, closed loop), "
        "warm (cache on, Zipf traffic, closed loop)",
    )
    parser.add_argument(
        "--rate", type=float, default=400, help="requests per second offered in the paced run (target: 300)"
    )
    parser.add_argument(
        "--paced-connections",
        type=int,
        default=16,
        help="connections of the paced run; each waits between requests, so the rate "
        "sent is a little below the rate offered",
    )
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    project = corpus(args.pages)
    result: dict = {"pages": args.pages, "load_at_start": os.getloadavg()[0]}
    if args.site:
        site = args.site
        result["site"] = str(site)
    elif args.no_build and (project / "site/_kbgen/search/meta.json").exists():
        site = project / "site"
    else:
        site, seconds, index_seconds = build(project)
        result["build_seconds"] = round(seconds, 1)
        result["index_seconds"] = index_seconds
    qs = queries(project)
    result["in_process"] = in_process(site, qs)
    print(json.dumps(result, indent=1), flush=True)
    # Cold: cache off, so every request runs a real search. Warm: the default cache and
    # traffic that repeats itself the way shoppers' searches do.
    runs = {  # run: (result key, connections, response cache, paced rate)
        "paced": ("api_cold_paced", args.paced_connections, 0, args.rate),
        "cold": ("api_cold", args.connections, 0, None),
        "warm": ("api_warm", args.connections, 4096, None),
    }
    for run in args.runs.split(","):
        name, connections, cache, rate = runs[run.strip()]
        result[name] = through_api(
            site, qs, args.seconds, connections, args.threads, cache, rate=rate, workers=args.workers
        )
        print(json.dumps(result[name], indent=1), flush=True)
    (OUT / "search-results.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()

"""The first searches of a freshly started `kbgen serve` worker (is it warm before it accepts connections?).

Starts `kbgen serve --workers 1` on a built site, waits for /healthz, then sends
300 searches (words from page titles, some misspelt; all different, so the
response cache never answers) over one keep-alive connection, and prints the
latency of the first one, the median, p99 and the maximum. `--code DIR` runs
another checkout's kbgen (e.g. main) with the same Python, for a comparison.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path


def queries(project: Path, n: int, seed: int) -> list[str]:
    titles = []
    for md in sorted((project / "content").rglob("*.md"))[:3000]:
        found = re.search(r"^(?:title|question): (.+)$", md.read_text(encoding="utf-8"), re.M)
        if found:
            titles.append(found.group(1).strip().strip("\"'"))
    rng = random.Random(seed)
    qs = []
    while len(qs) < n:
        words = re.findall(r"[A-Za-z]+", rng.choice(titles))
        k = rng.randint(1, min(3, len(words)))
        start = rng.randint(0, len(words) - k)
        q = " ".join(words[start : start + k]).lower()
        if rng.random() < 0.3 and len(q) > 5:  # a typo: two letters swapped
            i = rng.randrange(len(q) - 1)
            q = q[:i] + q[i + 1] + q[i] + q[i + 2 :]
        qs.append(q)
    return qs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a built site whose project has content/")
    parser.add_argument("--code", help="a kbgen checkout to run instead of the installed one")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    qs = queries(args.site.resolve().parent, 300, args.seed)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if args.code:
        env["PYTHONPATH"] = str(Path(args.code).resolve())
    command = [sys.executable, "-m", "kbgen", "serve", "--no-build", "-d", str(args.site.resolve())]
    started = time.monotonic()
    proc = subprocess.Popen(
        [*command, "--workers", "1", "--port", str(port)],
        cwd="/",
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None:
                    sys.exit("kbgen serve exited")
                time.sleep(0.05)
        ready = time.monotonic() - started
        conn = http.client.HTTPConnection("127.0.0.1", port)
        latencies = []
        for q in qs:
            t = time.perf_counter()
            conn.request("GET", "/api/search?" + urllib.parse.urlencode({"q": q}))
            response = conn.getresponse()
            response.read()
            latencies.append((time.perf_counter() - t) * 1000)
        ordered = sorted(latencies)
        print(
            json.dumps(
                {
                    "healthz_after_s": round(ready, 2),
                    "first_ms": round(latencies[0], 1),
                    "p50_ms": round(ordered[len(ordered) // 2], 1),
                    "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))], 1),
                    "max_ms": round(ordered[-1], 1),
                }
            )
        )
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()

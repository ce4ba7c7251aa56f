"""Lighthouse scores of the sample help center as `kbgen serve` serves it.

Five pages (home, category, article, results, contact), each run three times with
Lighthouse's default mobile settings (simulated throttling), the median score per category.
Lighthouse is pinned in benchmarks/lighthouse/package-lock.json; Chromium is Debian's.

    npm ci --prefix benchmarks/lighthouse
    python benchmarks/lighthouse_bench.py [--runs 3] [--desktop]

Scores move with the machine's load: the script prints the load average next to them;
run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "benchmarks/lighthouse/node_modules/.bin/lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
PAGES = {
    "home": "/",
    "category": "/returns/",
    "article": "/returns/how-to-return-an-item/",
    "results": "/search/?q=refund",
    "contact": "/contact/",
}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = " ".join(
    [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ]
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_sample(work: Path) -> tuple[subprocess.Popen, str]:
    shutil.copytree(ROOT / "content", work / "content")
    shutil.copy(ROOT / "mkdocs.yml", work / "mkdocs.yml")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    kbgen = [sys.executable, "-m", "kbgen"]
    subprocess.run([*kbgen, "build", "-d", "site"], cwd=work, env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [*kbgen, "serve", "--no-build", "-d", "site", "--port", str(port), "--workers", "1"],
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).close()
            return server, base
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("kbgen serve did not start")


def lighthouse(url: str, desktop: bool) -> dict[str, float]:
    args = [str(LIGHTHOUSE), url, "--output=json", "--output-path=stdout", "--quiet", f"--chrome-flags={CHROME_FLAGS}"]
    args += [f"--only-categories={','.join(CATEGORIES)}"]
    if desktop:
        args.append("--preset=desktop")
    run = subprocess.run(
        args, capture_output=True, text=True, timeout=300, env={**os.environ, "CHROME_PATH": CHROME}, check=True
    )
    report = json.loads(run.stdout)
    return {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--desktop", action="store_true", help="Lighthouse's desktop preset instead of mobile")
    options = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: npm ci --prefix benchmarks/lighthouse")
    with tempfile.TemporaryDirectory() as tmp:
        server, base = serve_sample(Path(tmp))
        try:
            print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            print(f"{'page':10} " + " ".join(f"{c:>14}" for c in CATEGORIES))
            for name, path in PAGES.items():
                runs = [lighthouse(base + path, options.desktop) for _ in range(options.runs)]
                medians = {c: statistics.median(r[c] for r in runs) for c in CATEGORIES}
                perf = ",".join(str(r["performance"]) for r in runs)
                print(
                    f"{name:10} "
                    + " ".join(f"{medians[c]:>14g}" for c in CATEGORIES)
                    + f"   (performance runs: {perf})"
                )
            print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()

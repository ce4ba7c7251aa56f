#!/usr/bin/env python3
"""Search speed per language (run by hand, not a test).

    python benchmarks/search_languages_bench.py [--seconds 15] [--connections 4]

Builds the sample help center (English, at the root) and its German translations
(``translations/de/`` over a copy of ``content/``, ``theme.language: de``, into
``de-de/``) as one two-pair site, then measures each language's index:

- in process: p50/p99 of ``open_engine(site).search(q)`` with the response cache off,
  over the judged queries of that language (``relevance/queries.yml``, ``de_queries.yml``);
- through the API: ``kbgen serve --no-build`` loaded from loopback by ``wrk`` (closed loop,
  cache off, every request a real search) on ``/api/search`` (English) and
  ``/de-de/api/search`` (German): requests per second, p50/p99, errors.

Results go to benchmarks/out/search-languages.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from search_bench import in_process, through_api  # noqa: E402


def build(project: Path, site: Path) -> None:
    kbgen = Path(sys.executable).parent / "kbgen"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    run = subprocess.run([str(kbgen), "build", "-d", str(site)], cwd=project, env=env, capture_output=True, text=True)
    if run.returncode:
        sys.exit(run.stderr)


def two_pairs(work: Path) -> Path:
    """The English sample at the root of ``work/site`` and the German one in ``work/site/de-de``."""
    shutil.rmtree(work, ignore_errors=True)
    english, german = work / "en", work / "de"
    shutil.copytree(ROOT / "content", english / "content")
    shutil.copy(ROOT / "mkdocs.yml", english / "mkdocs.yml")
    shutil.copytree(ROOT / "content", german / "content")
    shutil.copytree(ROOT / "translations" / "de", german / "content", dirs_exist_ok=True)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("\n  language: en\n", "\n  language: de\n", 1)
    config = config.replace(
        "site_url: https://help.larkspur.example/", "site_url: https://help.larkspur.example/de-de/"
    )
    (german / "mkdocs.yml").write_text(config, encoding="utf-8")
    site = work / "site"
    build(english, site)
    build(german, site / "de-de")
    return site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=0, help="server processes (default: kbgen's)")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    site = two_pairs(OUT / "languages")
    result: dict = {"load_at_start": os.getloadavg()[0], "cpus": os.cpu_count()}
    for language, prefix, queries in (
        ("en", "", HERE / "relevance" / "queries.yml"),
        ("de", "/de-de", HERE / "relevance" / "de_queries.yml"),
    ):
        qs = [e["q"] for e in yaml.safe_load(queries.read_text(encoding="utf-8"))]
        folder = site / prefix.lstrip("/") if prefix else site
        entry = {
            "queries": len(qs),
            "documents": json.loads((folder / "_kbgen/search/meta.json").read_text())["documents"],
            "in_process": in_process(folder, qs),
            "api_cold": through_api(
                site, qs, args.seconds, args.connections, 1, 0, workers=args.workers, prefix=prefix
            ),
        }
        result[language] = entry
        print(language, json.dumps(entry, indent=1), flush=True)
    (OUT / "search-languages.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()

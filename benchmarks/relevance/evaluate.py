#!/usr/bin/env python3
"""Relevance benchmark for the help center's search (run by hand, not a test).

Builds the sample site once (or reuses one with --site), runs every query in
queries.yml through each search system and prints MRR@10, Recall@1 and Recall@5,
overall and per query kind, side by side:

  kbgen       kbgen.search.open_engine(site_dir).search(q, limit=10), in process
              (hybrid when the site has page vectors: kbgen[semantic] installed)
  kbgen-lexical  the same with the page vectors ignored (open_engine(..., semantic=False))
  vectors     the page vectors alone: cosine similarity to the query, no lexical part
  bm25        plain BM25 (k1=1.2, b=0.75) over the content files, implemented below
  lunr        Material's built-in search as the built site runs it (lunr_search.js)
  lunr+stem   the same with lunr's full English pipeline and exact + wildcard terms

Writes benchmarks/out/relevance-results.json with per-query ranks for every system
and lists the queries kbgen misses (best relevant result below rank 5, or none).

With --stackfaq DIR (the folder holding faq_eval_stackfaq.json) it also builds a
kbgen help center from StackFAQ's entries in a temporary folder and runs its
paraphrased queries through kbgen's search (and the bm25 baseline).

With --queries chat_queries.yml --split tune|test only that half runs; for the held-back
test half only aggregate figures are printed and written.

With --judged-flows the guided flows judged blind after flows became search results
(flow_judgments.yml) count as relevant too, for the queries that file lists; without it a
flow in the results answers nothing, as when the judgments were written.

    python benchmarks/relevance/evaluate.py [--site DIR] [--systems ...] [--stackfaq DIR]
    python benchmarks/relevance/evaluate.py --queries benchmarks/relevance/chat_queries.yml --split test
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import math
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DEFAULT_SITE = ROOT / "benchmarks" / "out" / "relevance-site"
DEFAULT_OUT = ROOT / "benchmarks" / "out" / "relevance-results.json"

KINDS = ("colloquial", "misspelled", "short", "question", "synonym", "seller", "long", "umlaut")
SYSTEMS = ("kbgen", "kbgen-lexical", "vectors", "bm25", "lunr", "lunr+stem")
LIMIT = 10  # results looked at per query: MRR@10
MISS_RANK = 5  # kbgen "misses" a query when its first relevant hit is below this rank


# --------------------------------------------------------------------------------------
# Content and judgments


def split_front_matter(text: str) -> tuple[dict, str]:
    if text.startswith("---"):
        parts = re.split(r"^---[ \t]*$", text, maxsplit=2, flags=re.M)
        if len(parts) == 3:
            return yaml.safe_load(parts[1]) or {}, parts[2]
    return {}, text


def load_documents(content_dir: Path) -> dict[str, dict]:
    """One document per article (<cat>/<slug>.md) and per FAQ entry (<cat>/faq/<slug>.md).

    Translations beside their sources (<slug>.de.md) are left out: the judged queries are
    judged against the source pages, and a translation in the bm25 baseline's collection
    (or in the document count) would be a page the English site never shows.
    """
    docs: dict[str, dict] = {}
    for path in sorted(content_dir.rglob("*.md")):
        rel = path.relative_to(content_dir).as_posix()
        parts = rel.split("/")
        if not (len(parts) == 2 or (len(parts) == 3 and parts[1] == "faq")):
            continue
        if "." in path.stem:  # page.de.md: a translation
            continue
        meta, body = split_front_matter(path.read_text(encoding="utf-8"))
        title = meta.get("title") or meta.get("question") or ""
        docs[rel] = {"title": str(title), "body": body, "faq": len(parts) == 3}
    return docs


def load_queries(path: Path, docs: dict[str, dict]) -> list[dict]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems = []
    seen = set()
    for i, e in enumerate(entries, 1):
        where = f"{path.name} entry {i} ({e.get('q')!r})"
        if not isinstance(e.get("q"), str) or not e["q"].strip():
            problems.append(f"{where}: missing q")
        if e.get("q") in seen:
            problems.append(f"{where}: duplicate query")
        seen.add(e.get("q"))
        if e.get("kind") not in KINDS:
            problems.append(f"{where}: kind must be one of {', '.join(KINDS)}")
        rel = e.get("relevant")
        if not isinstance(rel, list) or not 1 <= len(rel) <= 3:
            problems.append(f"{where}: relevant must list 1-3 paths")
            continue
        for p in rel:
            if p not in docs:
                problems.append(f"{where}: {p} is not an article or FAQ entry in content/")
    if problems:
        sys.exit("queries.yml has problems:\n  " + "\n  ".join(problems))
    return entries


# --------------------------------------------------------------------------------------
# Mapping search results to judged targets


class TargetMapper:
    """Maps a result URL or Material `location` to a content path, or to a page that
    answers nothing (category pages, the home page), as "page:<path>".

    /returns/refunds/ and /returns/refunds/#a-heading -> returns/refunds.md
    /returns/#how-long-do-refunds-take              -> returns/faq/how-long-do-refunds-take.md
    /returns/ and /returns/#anything-else           -> page:returns/
    """

    def __init__(self, docs: dict[str, dict]):
        self.docs = docs
        self.categories = {p.split("/")[0] for p in docs}
        self.flows: set[str] = set()  # with judged flows: /flows/<name>/ -> flows/<name>.yml

    def __call__(self, url: str) -> str:
        parts = urlsplit(str(url))
        fragment = parts.fragment
        segments = [s for s in parts.path.split("/") if s and s not in (".", "..")]
        if segments and segments[-1] in ("index.html", "index.htm"):
            segments.pop()
        elif segments and segments[-1].endswith(".html"):
            segments[-1] = segments[-1][: -len(".html")]
        # Tolerate a site prefix (site_url with a path): start at the first category.
        for i, seg in enumerate(segments):
            if seg in self.categories:
                segments = segments[i:]
                break
        if len(segments) == 1:
            category = segments[0]
            entry = f"{category}/faq/{fragment}.md"
            if fragment and entry in self.docs:
                return entry
            return f"page:{category}/"
        if len(segments) == 2 and segments[0] == "flows" and segments[1] in self.flows:
            return f"flows/{segments[1]}.yml"
        if len(segments) == 2:
            article = f"{segments[0]}/{segments[1]}.md"
            if article in self.docs:
                return article
        return "page:" + "/".join(segments) + ("/" if segments else "")


FLOW_JUDGMENTS = HERE / "flow_judgments.yml"


def add_judged_flows(entries: list[dict], queries_file: Path, content_dir: Path, mapper: TargetMapper) -> None:
    """Extend each query's relevant targets with the flows judged to answer it (appended:
    the written order of the other targets is kept), and map flow URLs to those targets."""
    judged = yaml.safe_load(FLOW_JUDGMENTS.read_text(encoding="utf-8")) or {}
    listed = judged.get(queries_file.name) or []
    by_query = {e["q"]: e for e in entries}
    every_query = {e["q"] for e in yaml.safe_load(queries_file.read_text(encoding="utf-8"))}
    problems = []
    for item in listed:
        if item["q"] not in every_query:
            problems.append(f"{item['q']!r} is not a query of {queries_file.name}")
        for flow in item["flows"]:
            if not (content_dir / flow).is_file():
                problems.append(f"{item['q']!r}: {flow} is not a flow in content/")
        if item["q"] in by_query:  # not when another half runs
            by_query[item["q"]]["relevant"] = by_query[item["q"]]["relevant"] + list(item["flows"])
    if problems:
        sys.exit(f"{FLOW_JUDGMENTS.name} has problems:\n  " + "\n  ".join(problems))
    mapper.flows = {Path(f).stem for f in (content_dir / "flows").glob("*.yml") if "." not in Path(f).stem}


def dedupe(targets: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for t in targets:
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out


# --------------------------------------------------------------------------------------
# Systems: each returns, per query, a ranked list of raw URLs/locations (or None + note)

TOKEN = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


def markdown_text(body: str) -> str:
    body = re.sub(r"\]\([^)]*\)", "]", body)  # keep link text, drop link targets
    body = re.sub(r"^\s*!!!\s+\w+", "", body, flags=re.M)  # admonition markers
    return body


class BM25:
    def __init__(self, docs: dict[str, dict], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.postings: dict[str, list[tuple[str, int]]] = defaultdict(list)
        self.length: dict[str, int] = {}
        for doc_id, doc in docs.items():
            tokens = words(doc["title"]) * 2 + words(markdown_text(doc["body"]))
            self.length[doc_id] = len(tokens)
            counts: dict[str, int] = defaultdict(int)
            for t in tokens:
                counts[t] += 1
            for t, n in counts.items():
                self.postings[t].append((doc_id, n))
        self.n = len(self.length)
        self.avgdl = sum(self.length.values()) / max(self.n, 1)

    def search(self, query: str, limit: int) -> list[str]:
        scores: dict[str, float] = defaultdict(float)
        for term in set(words(query)):
            postings = self.postings.get(term)
            if not postings:
                continue
            df = len(postings)
            idf = math.log(1 + (self.n - df + 0.5) / (df + 0.5))
            for doc_id, tf in postings:
                norm = self.k1 * (1 - self.b + self.b * self.length[doc_id] / self.avgdl)
                scores[doc_id] += idf * tf * (self.k1 + 1) / (tf + norm)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        return [doc_id for doc_id, _ in ranked[:limit]]


def doc_url(doc_id: str) -> str:
    parts = doc_id[: -len(".md")].split("/")
    if len(parts) == 3:  # <cat>/faq/<slug>
        return f"/{parts[0]}/#{parts[2]}"
    return f"/{parts[0]}/{parts[1]}/"


def run_bm25(queries, docs, site_dir):
    engine = BM25(docs)
    results, times = [], []
    for q in queries:
        t0 = time.perf_counter()
        ids = engine.search(q, LIMIT)
        times.append(time.perf_counter() - t0)
        results.append([doc_url(i) for i in ids])
    return results, "k1=1.2 b=0.75, title twice + body, lowercase words", times


def run_kbgen(queries, docs, site_dir, semantic=True):
    try:
        from kbgen.search import open_engine
    except ImportError as exc:
        return None, f"skipped: kbgen.search.open_engine is not importable ({exc})", []
    try:
        engine = open_engine(site_dir, cache_size=0, semantic=semantic)
    except Exception as exc:  # noqa: BLE001 - report and carry on with the other systems
        return None, f"skipped: open_engine({site_dir}) failed: {type(exc).__name__}: {exc}", []
    results, times, errors = [], [], []
    for q in queries:
        t0 = time.perf_counter()
        try:
            result = engine.search(q, limit=LIMIT)
            hits = result["hits"] if isinstance(result, dict) else result
            urls = [h["url"] if isinstance(h, dict) else str(h) for h in hits]
        except Exception as exc:  # noqa: BLE001
            errors.append(f"{q!r}: {type(exc).__name__}: {exc}")
            urls = []
        times.append(time.perf_counter() - t0)
        results.append(urls)
    note = "in process, open_engine(site).search(q, limit=10)"
    note += ", hybrid" if engine.semantic else ", lexical only"
    if errors:
        note += f"; {len(errors)} queries raised, e.g. {errors[0]}"
    return results, note, times


def run_lunr(queries, docs, site_dir, variant):
    index = site_dir / "search" / "search_index.json"
    node = shutil.which("node")
    if node is None:
        return None, "skipped: node is not installed", []
    if not (HERE / "node_modules" / "lunr").is_dir():
        return None, "skipped: lunr missing, run `npm install --prefix benchmarks/relevance`", []
    if not index.is_file():
        return None, f"skipped: {index} not found (is Material's search plugin enabled?)", []
    t0 = time.perf_counter()
    proc = subprocess.run(
        [node, str(HERE / "lunr_search.js"), str(index), "--variant", variant],
        input=json.dumps(queries),
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        return None, f"skipped: lunr_search.js failed: {proc.stderr.strip()[-300:]}", []
    note = {
        "material": "Material's worker: index config as built, `t*` per term, page boost",
        "stemmed": "lunr English pipeline (trimmer, stop words, stemmer), `t t*` per term",
    }[variant]
    # One node process for all queries: report the mean per query (includes index build).
    return json.loads(proc.stdout), note, [elapsed / max(len(queries), 1)] * len(queries)


def check_lunr_port(site_dir: Path, queries: list[str]) -> None:
    """Compare lunr_search.js with the search worker bundled in the installed Material."""
    try:
        import material
    except ImportError:
        print("lunr port check: mkdocs-material is not importable", file=sys.stderr)
        return
    workers = sorted((Path(material.__file__).parent / "templates/assets/javascripts/workers").glob("search.*.min.js"))
    node = shutil.which("node")
    if not workers or node is None or not (HERE / "node_modules" / "lunr").is_dir():
        print("lunr port check: needs node, lunr and Material's worker bundle", file=sys.stderr)
        return
    proc = subprocess.run(
        [
            node,
            str(HERE / "check_lunr_port.js"),
            str(site_dir / "search" / "search_index.json"),
            str(workers[-1]),
        ],
        input=json.dumps(queries),
        capture_output=True,
        text=True,
    )
    print((proc.stdout + proc.stderr).strip())


def run_vectors(queries, docs, site_dir):
    """The page vectors alone: documents by their similarity to the query (no lexical part)."""
    try:
        from kbgen.search import open_engine
        from kbgen.search import vectors as semantic
    except ImportError as exc:
        return None, f"skipped: kbgen.search is not importable ({exc})", []
    engine = open_engine(site_dir, cache_size=0)
    loaded = engine._current()
    if loaded.vectors is None:
        return None, "skipped: the site has no page vectors (install kbgen[semantic] and rebuild)", []
    results, times = [], []
    with engine._searcher(loaded) as searcher:
        for q in queries:
            t0 = time.perf_counter()
            sims = semantic.similarity(loaded.vectors, q)
            best = sorted(range(len(sims)), key=lambda d: -sims[d])[:LIMIT]
            times.append(time.perf_counter() - t0)
            results.append([loaded.stored_fields(searcher, d)["url"] for d in best])
    return results, f"cosine to the page vectors alone ({semantic.MODEL_ID})", times


RUNNERS = {
    "kbgen": run_kbgen,
    "kbgen-lexical": lambda q, d, s: run_kbgen(q, d, s, semantic=False),
    "vectors": run_vectors,
    "bm25": run_bm25,
    "lunr": lambda q, d, s: run_lunr(q, d, s, "material"),
    "lunr+stem": lambda q, d, s: run_lunr(q, d, s, "stemmed"),
}


# --------------------------------------------------------------------------------------
# Metrics


def first_relevant_rank(ranked: list[str], relevant: list[str]) -> int | None:
    for i, target in enumerate(ranked[:LIMIT], 1):
        if target in relevant:
            return i
    return None


def summarize(ranks: list[int | None]) -> dict:
    n = len(ranks)
    if n == 0:
        return {"n": 0, "mrr@10": None, "recall@1": None, "recall@5": None}
    return {
        "n": n,
        "mrr@10": sum(1 / r for r in ranks if r) / n,
        "recall@1": sum(1 for r in ranks if r and r <= 1) / n,
        "recall@5": sum(1 for r in ranks if r and r <= 5) / n,
    }


# --------------------------------------------------------------------------------------
# StackFAQ: an outside FAQ set, built into a kbgen help center and searched through it

STACKFAQ_FILE = "faq_eval_stackfaq.json"
STACKFAQ_SYSTEMS = ("kbgen", "kbgen-lexical", "vectors", "bm25")
STACKFAQ_CONFIG = """\
site_name: StackFAQ Help Center
site_url: https://help.example.com/
docs_dir: content
theme:
  name: material
plugins:
  - search
  - kbgen
"""
# A contact page as every help center has one, so each answer carries the same
# widgets ("Still need help? Contact us", ...) as the sample's answers do.
STACKFAQ_CONTACT = {
    "contact.yml": (
        "timezone: Europe/Dublin\nchannels:\n"
        "  - {id: email, type: email, label: Email, address: help@example.com, response_time: 1d}\n"
    ),
    "contact/_category.yml": "title: Contact us\ndescription: How to reach our team.\n",
    "contact/contacting-support.md": (
        "---\ntitle: Contacting support\nsummary: Write to us.\n---\nWrite to us any day.\n\n{{ contact:email }}\n"
    ),
}


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def load_stackfaq(folder: Path) -> dict:
    path = folder / STACKFAQ_FILE
    if not path.is_file():
        sys.exit(f"--stackfaq {folder}: no {STACKFAQ_FILE} there")
    data = json.loads(path.read_text(encoding="utf-8"))
    ids = {f["id"] for f in data["faqs"]}
    missing = [q["query"] for q in data["queries"] if not set(q["relevant"]) <= ids]
    if missing:
        sys.exit(f"{path}: {len(missing)} queries name unknown FAQ ids, e.g. {missing[0]!r}")
    return data


def write_stackfaq_project(data: dict, project: Path) -> dict[str, str]:
    """A kbgen project with one category per StackFAQ category and one FAQ entry per
    question (the answer as its Markdown body); returns FAQ id -> content path."""
    content = project / "content"
    paths: dict[str, str] = {}
    for rel, text in STACKFAQ_CONTACT.items():
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / rel).write_text(text, encoding="utf-8")
    for faq in data["faqs"]:
        category = slugify(faq["category"])
        folder = content / category
        if not (folder / "_category.yml").exists():
            (folder / "faq").mkdir(parents=True)
            (folder / "_category.yml").write_text(
                yaml.safe_dump({"title": faq["category"]}, allow_unicode=True), encoding="utf-8"
            )
        meta = yaml.safe_dump({"question": faq["question"]}, allow_unicode=True, width=10_000)
        rel = f"{category}/faq/{faq['id']}.md"
        (content / rel).write_text(f"---\n{meta}---\n{faq['answer']}\n", encoding="utf-8")
        paths[faq["id"]] = rel
    (project / "mkdocs.yml").write_text(STACKFAQ_CONFIG, encoding="utf-8")
    return paths


def evaluate_stackfaq(folder: Path, systems: list[str]) -> dict:
    """Build the StackFAQ help center with kbgen, run its queries, score them."""
    import tempfile

    data = load_stackfaq(folder)
    queries = [q["query"] for q in data["queries"]]
    relevant = [q["relevant"] for q in data["queries"]]
    summary: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="kbgen-stackfaq-") as tmp:
        project = Path(tmp)
        paths = write_stackfaq_project(data, project)
        site_dir = project / "site"
        build_site(site_dir, project / "mkdocs.yml")
        docs = load_documents(project / "content")
        mapper = TargetMapper(docs)
        by_path = {p: i for i, p in paths.items()}
        for system in systems:
            if system not in STACKFAQ_SYSTEMS:
                continue
            raw, note, times = RUNNERS[system](queries, docs, site_dir)
            if raw is None:
                summary[system] = {"status": "skipped", "note": note}
                continue
            ranked = [dedupe([by_path.get(mapper(u), mapper(u)) for u in urls]) for urls in raw]
            ranks = [first_relevant_rank(r, rel) for r, rel in zip(ranked, relevant, strict=True)]
            summary[system] = {
                "status": "ok",
                "note": note,
                "overall": summarize(ranks),
                "latency_ms": {"median": round(statistics.median(times) * 1000, 3) if times else None},
            }
    return {"n_queries": len(queries), "n_faqs": len(data["faqs"]), "source": data.get("source"), "systems": summary}


def print_stackfaq(result: dict) -> None:
    print(f"\nStackFAQ: {result['n_queries']} queries, {result['n_faqs']} FAQ entries (one relevant entry each)")
    print(f"{'system':12}| {'MRR@10':>6} {'R@1':>6} {'R@5':>6}")
    for system, info in result["systems"].items():
        if info["status"] != "ok":
            print(f"{system:12}| {info['note']}")
            continue
        m = info["overall"]
        print(f"{system:12}| {fmt(m['mrr@10'])} {fmt(m['recall@1'])} {fmt(m['recall@5'])}")


# --------------------------------------------------------------------------------------
# Main


def build_site(site_dir: Path, config: Path = ROOT / "mkdocs.yml") -> None:
    kbgen = Path(sys.executable).parent / "kbgen"
    if kbgen.exists():
        cmd = [str(kbgen)]
    elif shutil.which("kbgen"):
        cmd = [shutil.which("kbgen")]
    else:
        cmd = [sys.executable, "-m", "kbgen"]
    try:
        dest = site_dir.relative_to(ROOT).as_posix()
    except ValueError:
        dest = str(site_dir)
    cmd += ["build", "-f", str(config), "-d", dest]
    print("$", " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, cwd=config.parent, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"build failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")


def fmt(x: float | None) -> str:
    return "   -  " if x is None else f"{x:6.3f}"


def print_table(systems: list[str], summary: dict, kinds_n: dict) -> None:
    groups = ["overall", *KINDS]
    head1 = f"{'':12}{'':>5} " + " ".join(f"| {s:^20} " for s in systems)
    head2 = f"{'kind':12}{'n':>5} " + " ".join(f"| {'MRR@10':>6} {'R@1':>6} {'R@5':>6} " for _ in systems)
    print(head1)
    print(head2)
    print("-" * len(head2))
    for g in groups:
        row = f"{g:12}{kinds_n[g]:>5} "
        for s in systems:
            if summary[s]["status"] != "ok":
                row += f"| {'skipped':^20} "
                continue
            m = summary[s]["overall"] if g == "overall" else summary[s]["by_kind"][g]
            row += f"| {fmt(m['mrr@10'])} {fmt(m['recall@1'])} {fmt(m['recall@5'])} "
        print(row)
        if g == "overall":
            print("-" * len(head2))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--site", type=Path, help="reuse this built site instead of building one")
    ap.add_argument("--queries", type=Path, default=HERE / "queries.yml")
    ap.add_argument("--content", type=Path, default=ROOT / "content")
    ap.add_argument(
        "--judged-flows",
        action="store_true",
        help="also count the guided flows flow_judgments.yml lists for a query as relevant to it",
    )
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results JSON")
    ap.add_argument(
        "--systems",
        default=",".join(SYSTEMS),
        help=f"comma-separated subset of {','.join(SYSTEMS)}",
    )
    ap.add_argument(
        "--split",
        choices=("tune", "test"),
        help="only the queries of this half (chat_queries.yml); with test, only aggregate figures "
        "are printed and written (no per-query results: the held-back half is never looked into)",
    )
    ap.add_argument(
        "--stackfaq",
        type=Path,
        metavar="DIR",
        help=f"also evaluate on StackFAQ: the folder holding {STACKFAQ_FILE}",
    )
    ap.add_argument(
        "--check-lunr-port",
        action="store_true",
        help="also check lunr_search.js against the installed Material's own search worker",
    )
    args = ap.parse_args(argv)

    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = [s for s in systems if s not in RUNNERS]
    if unknown:
        ap.error(f"unknown systems: {', '.join(unknown)}")

    docs = load_documents(args.content)
    entries = load_queries(args.queries, docs)
    if args.split:
        entries = [e for e in entries if e.get("split") == args.split]
        if not entries:
            sys.exit(f"{args.queries}: no queries with split: {args.split}")
    held_back = args.split == "test"
    queries = [e["q"] for e in entries]
    mapper = TargetMapper(docs)
    if args.judged_flows:
        add_judged_flows(entries, args.queries, args.content, mapper)

    if args.site:
        site_dir = args.site.resolve()
        if not (site_dir / "index.html").is_file():
            sys.exit(f"--site {site_dir}: no built site there")
    else:
        site_dir = DEFAULT_SITE
        build_site(site_dir)

    if args.check_lunr_port:
        check_lunr_port(site_dir, queries)

    summary: dict[str, dict] = {}
    per_query_ranked: dict[str, list[list[str]]] = {}
    for system in systems:
        raw, note, times = RUNNERS[system](queries, docs, site_dir)
        if raw is None:
            print(f"{system}: {note}", file=sys.stderr)
            summary[system] = {"status": "skipped", "note": note}
            continue
        ranked = [dedupe([mapper(u) for u in urls]) for urls in raw]
        per_query_ranked[system] = ranked
        ranks = [first_relevant_rank(r, e["relevant"]) for r, e in zip(ranked, entries, strict=True)]
        by_kind = {k: summarize([r for r, e in zip(ranks, entries, strict=True) if e["kind"] == k]) for k in KINDS}
        summary[system] = {
            "status": "ok",
            "note": note,
            "overall": summarize(ranks),
            "by_kind": by_kind,
            "latency_ms": {
                "median": round(statistics.median(times) * 1000, 3) if times else None,
                "max": round(max(times) * 1000, 3) if times else None,
            },
        }

    kinds_n = {"overall": len(entries)}
    kinds_n.update({k: sum(1 for e in entries if e["kind"] == k) for k in KINDS})

    print()
    print(
        f"{len(entries)} queries, {len(docs)} documents "
        f"({sum(d['faq'] for d in docs.values())} FAQ entries), site {site_dir}"
    )
    print("MRR@10: mean of 1/rank of the first relevant result (0 if none in the top 10).")
    print("R@k: share of queries with a relevant result in the top k.\n")
    print_table(systems, summary, kinds_n)
    print()
    for s in systems:
        info = summary[s]
        lat = info.get("latency_ms")
        extra = f" (median {lat['median']} ms/query)" if lat and lat["median"] is not None else ""
        print(f"  {s:10} {info['note']}{extra}")
    if any(s.startswith("lunr") for s in per_query_ranked):
        with_article = sum(1 for e in entries if any(p in docs and not docs[p]["faq"] for p in e["relevant"]))
        print(
            f"\n  note: Material's index has one section per category for all its FAQ answers\n"
            f"  ('<category>/#faq'), which answers no single entry, so lunr can only score on\n"
            f"  articles: {with_article}/{len(entries)} queries list an article as relevant."
        )

    # Per-query detail and kbgen misses
    records = []
    for i, e in enumerate(entries):
        rec = {
            "q": e["q"],
            "kind": e["kind"],
            "relevant": e["relevant"],
            "ranks": {},
            "best_answer_ranks": {},
            "top5": {},
        }
        for s, ranked in per_query_ranked.items():
            rec["ranks"][s] = first_relevant_rank(ranked[i], e["relevant"])
            rec["best_answer_ranks"][s] = first_relevant_rank(ranked[i], e["relevant"][:1])
            rec["top5"][s] = ranked[i][:5]
        records.append(rec)

    misses = []
    if held_back:
        records = []
        print("\n(held-back test half: per-query results are neither printed nor written)")
    elif "kbgen" in per_query_ranked:
        for rec in records:
            r = rec["ranks"]["kbgen"]
            if r is None or r > MISS_RANK:
                misses.append(rec)
        print(f"\nkbgen misses ({len(misses)} of {len(records)} queries: no relevant result in the top {MISS_RANK}):")
        for rec in misses:
            r = rec["ranks"]["kbgen"]
            others = ", ".join(f"{s} {rec['ranks'][s] or '-'}" for s in per_query_ranked if s != "kbgen")
            print(f"  [{rec['kind']}] {rec['q']!r}: rank {r or '>10'}" + (f" ({others})" if others else ""))
            print(
                f"      want {rec['relevant'][0]}"
                + (f" (+{len(rec['relevant']) - 1} more)" if len(rec["relevant"]) > 1 else "")
            )
            print(f"      got  {', '.join(rec['top5']['kbgen'][:3]) or '(no results)'}")
    elif "kbgen" in systems:
        print(f"\nkbgen: {summary['kbgen']['note']}")

    out = {
        "generated": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "site": str(site_dir),
        "queries_file": str(args.queries),
        "n_queries": len(entries),
        "n_documents": len(docs),
        "kinds": kinds_n,
        "metrics": {
            "mrr@10": "mean over queries of 1/rank of the first relevant target in the top 10",
            "recall@k": "share of queries with at least one relevant target in the top k",
            "ranks": "rank of the first relevant target after mapping results to content "
            "paths and keeping the first occurrence of each; null = not in top 10",
            "best_answer_ranks": "rank of the first-listed (best) answer alone",
        },
        "systems": summary,
        "queries": records,
        "kbgen_misses": [
            {
                "q": r["q"],
                "kind": r["kind"],
                "relevant": r["relevant"],
                "rank": r["ranks"]["kbgen"],
                "kbgen_top5": r["top5"]["kbgen"],
            }
            for r in misses
        ],
    }
    if args.stackfaq:
        out["stackfaq"] = evaluate_stackfaq(args.stackfaq, systems)
        print_stackfaq(out["stackfaq"])

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

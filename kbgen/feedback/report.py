"""``kbgen report``: what shoppers searched for and how helpful pages were.

Numbers come from the store; titles and review dates from the content, so
the report names pages the way writers know them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import escape

from .privacy import printable

TOP = 20


@dataclass
class Report:
    since: dt.datetime
    until: dt.datetime
    searches: int = 0
    top_queries: list[tuple[str, int, float]] = field(default_factory=list)  # query, count, avg hits
    no_results: list[tuple[str, int]] = field(default_factory=list)
    never_opened: list[tuple[str, int]] = field(default_factory=list)
    votes: int = 0
    least_helpful: list[dict] = field(default_factory=list)  # url, title, yes, no, reasons
    overdue: list[dict] = field(default_factory=list)  # title, path, review_by, owner
    # per language searched ('' for searches recorded before languages were): searches,
    # searches without results, the top queries with no results
    languages: list[dict] = field(default_factory=list)


def build_report(
    store,
    since: dt.datetime,
    until: dt.datetime,
    titles: dict[str, str] | None = None,
    overdue: list[dict] | None = None,
) -> Report:
    titles = titles or {}
    report = Report(since, until, overdue=overdue or [])
    rows = store.searches(since, until)
    report.searches = len(rows)
    counts: Counter = Counter()
    hits: dict[str, list[int]] = defaultdict(list)
    opened: Counter = Counter()
    per_language: dict[str, dict] = {}
    for query, n_hits, opened_url, language in rows:
        entry = per_language.setdefault(language or "", {"language": language or "", "searches": 0, "empty": Counter()})
        entry["searches"] += 1
        if not n_hits:
            entry["empty"][query] += 1
        counts[query] += 1
        hits[query].append(n_hits)
        if opened_url:
            opened[query] += 1
    report.top_queries = [(q, c, sum(hits[q]) / len(hits[q])) for q, c in counts.most_common(TOP)]
    report.no_results = [(q, c) for q, c in counts.most_common() if max(hits[q]) == 0][:TOP]
    report.never_opened = [(q, c) for q, c in counts.most_common() if max(hits[q]) > 0 and opened[q] == 0][:TOP]
    report.languages = [
        {
            "language": e["language"],
            "searches": e["searches"],
            "no_results": sum(e["empty"].values()),
            "top_no_results": e["empty"].most_common(5),
        }
        for e in sorted(per_language.values(), key=lambda e: (-e["searches"], e["language"]))
    ]
    votes = store.votes(since, until)
    report.votes = len(votes)
    pages: dict[str, dict] = {}
    for url, helpful, reason in votes:
        page = pages.setdefault(url, {"url": url, "title": titles.get(url, url), "yes": 0, "no": 0, "reasons": []})
        page["yes" if helpful else "no"] += 1
        if not helpful and reason:
            page["reasons"].append(reason)
    report.least_helpful = sorted(
        (p for p in pages.values() if p["no"]), key=lambda p: (-p["no"] / (p["yes"] + p["no"]), -p["no"], p["url"])
    )[:TOP]
    return report


def as_text(report: Report) -> str:
    """The report for a terminal: stored text is printed without control characters,
    so a reason or query can never move the cursor, clear the screen or retitle the window."""
    p = printable
    lines = [
        f"kbgen report {report.since:%Y-%m-%d} to {report.until:%Y-%m-%d}: "
        f"{report.searches} searches, {report.votes} votes",
        "",
    ]

    def section(title: str, rows: list[str]) -> None:
        lines.append(title)
        lines.extend(rows or ["  (none)"])
        lines.append("")

    section(
        "Top queries (searches, average results)", [f"  {c:5}  {avg:5.1f}  {p(q)}" for q, c, avg in report.top_queries]
    )
    section("Queries with no results (content gaps)", [f"  {c:5}  {p(q)}" for q, c in report.no_results])
    section(
        "Searches by language (searches, without results, top queries without results)",
        [
            f"  {p(e['language'] or '(not recorded)'):16} {e['searches']:5}  {e['no_results']:5}  "
            + ", ".join(p(q) for q, _ in e["top_no_results"])
            for e in report.languages
        ],
    )
    section("Queries whose results are never opened", [f"  {c:5}  {p(q)}" for q, c in report.never_opened])
    rows = []
    for page in report.least_helpful:
        share = page["yes"] / (page["yes"] + page["no"])
        rows.append(
            f"  {share:4.0%} helpful ({page['yes']} yes, {page['no']} no)  {p(page['title'])}  {p(page['url'])}"
        )
        rows.extend(f"           - {p(r)}" for r in page["reasons"][:5])
    section("Least helpful pages", rows)
    section(
        "Pages past their review date",
        [f"  {o['review_by']}  {p(o['title'])}  ({o['path']}, {o['owner'] or 'no owner'})" for o in report.overdue],
    )
    return "\n".join(lines).rstrip() + "\n"


def _bars(rows: list[tuple[str, int]], label: str) -> str:
    """A horizontal bar chart as inline SVG, with the numbers as text too."""
    if not rows:
        return "<p>None in this period.</p>"
    top = max(n for _, n in rows) or 1
    height = 22 * len(rows)
    bars = []
    for i, (name, n) in enumerate(rows):
        width = max(2, int(360 * n / top))
        y = i * 22
        bars.append(
            f'<text x="0" y="{y + 15}" class="l">{escape(name[:48])}</text>'
            f'<rect x="330" y="{y + 4}" width="{width}" height="14" rx="2"></rect>'
            f'<text x="{336 + width}" y="{y + 15}">{n}</text>'
        )
    return (
        f'<svg role="img" aria-label="{escape(label)}" width="760" height="{height}" '
        f'viewBox="0 0 760 {height}">{"".join(bars)}</svg>'
    )


def as_html(report: Report, site_name: str = "Help center") -> str:
    def table(headers, rows) -> str:
        if not rows:
            return "<p>None in this period.</p>"
        head = "".join(f"<th scope=col>{escape(h)}</th>" for h in headers)
        body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    helpful_rows = []
    for p in report.least_helpful:
        share = p["yes"] / (p["yes"] + p["no"])
        helpful_rows.append((p["title"], p["url"], f"{share:.0%}", p["yes"], p["no"], " / ".join(p["reasons"][:5])))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(site_name)}: search and feedback report</title>
<style>
body {{ font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1f2328; }}
h1 {{ font-size: 1.6rem; }} h2 {{ margin-top: 2rem; font-size: 1.2rem; }}
table {{ border-collapse: collapse; width: 100%; }} th, td {{ text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #d0d7de; vertical-align: top; }}
svg text {{ font: 12px system-ui, sans-serif; fill: #1f2328; }} svg rect {{ fill: #3949ab; }}
.summary {{ display: flex; gap: 2rem; }} .summary p {{ margin: 0; }} .summary strong {{ font-size: 1.4rem; display: block; }}
</style></head><body>
<h1>{escape(site_name)}: what shoppers searched for and how pages helped</h1>
<p>{report.since:%d %B %Y} to {report.until:%d %B %Y}</p>
<div class="summary"><p><strong>{report.searches}</strong>searches</p><p><strong>{report.votes}</strong>votes</p>
<p><strong>{len(report.no_results)}</strong>queries without results</p></div>
<h2>Top queries</h2>
{_bars([(q, c) for q, c, _ in report.top_queries], "Top queries by number of searches")}
<h2>Queries with no results: content gaps</h2>
{_bars(report.no_results, "Queries with no results")}
<h2>Searches by language</h2>
{table(("Language", "Searches", "Without results", "Top queries without results"), [(e["language"] or "(not recorded)", e["searches"], e["no_results"], ", ".join(q for q, _ in e["top_no_results"])) for e in report.languages])}
<h2>Queries whose results are never opened</h2>
{table(("Query", "Searches"), report.never_opened)}
<h2>Least helpful pages</h2>
{table(("Page", "Address", "Helpful", "Yes", "No", "Reasons"), helpful_rows)}
<h2>Pages past their review date</h2>
{table(("Page", "File", "Review by", "Owner"), [(o["title"], o["path"], o["review_by"], o["owner"]) for o in report.overdue])}
</body></html>
"""

"""Service notices (``notices/<id>.md``): incidents, warnings, information, recalls.

```markdown
---
title: Card payments delayed
severity: incident            # info, warning, incident, resolved
audience: everyone
categories: [payments]        # where the banner shows; none = every page
start: 2026-11-20T10:40+00:00 # a date, or a date and time (site time zone if no offset)
end: until resolved           # or a date and time
updates:
  - {time: 2026-11-20T10:40+00:00, text: Card payments are delayed; PayPal works.}
  - {time: 2026-11-20T12:15+00:00, text: Resolved.}
---
What happened, what to do.
```
A recall adds ``type: recall`` with ``product``, ``risk``, ``action`` and ``refund``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from ..constants import AUDIENCES
from . import fields as f
from . import slugs
from .diagnostics import Report, did_you_mean
from .languages import is_translation
from .textfile import read
from .yamlfile import front_matter

NOTICES_DIR = "notices"
SEVERITIES = ("info", "warning", "incident", "resolved")
RECALL_KEYS = ("product", "risk", "action", "refund")
NOTICE = {
    "title": f.Str(strip=True, help="required"),
    "severity": f.Choice(choices=SEVERITIES, what="severity", required=True),
    "audience": f.Choice(choices=AUDIENCES, what="audience", suggest=False, default="everyone"),
    "categories": f.List(
        default=list,
        blank=True,
        single=True,
        message="'categories' must be a list of category folders, e.g. [payments]",
    ),
    "start": f.Field(help="required: a date, or a date and time"),
    "end": f.Field(help="a date, a date and time, or 'until resolved' (the default)"),
    "updates": f.List(default=list, blank=True, message="'updates' must be a list of {time, text}"),
    "type": f.Choice(
        choices=("notice", "recall"), default="notice", message="unknown notice type '{value}'; use notice or recall"
    ),
    **{key: f.Str(strip=True, help="required for a recall") for key in RECALL_KEYS},
    "summary": f.Str(),
    "markets": f.List(
        default=list, blank=True, single=True, message="'markets' must be a list of market ids, e.g. [uk]"
    ),
    "translates": f.Field(help="a translation: the source's version"),
}
UNTIL_RESOLVED = "until resolved"


@dataclass
class Update:
    time: dt.datetime
    text: str


@dataclass
class Notice:
    id: str
    path: Path
    title: str
    severity: str
    body: str
    body_line: int
    start: dt.datetime
    end: dt.datetime | None  # None: until resolved
    audience: str = "everyone"
    categories: tuple[str, ...] = ()
    updates: list[Update] = field(default_factory=list)  # oldest first
    type: str = "notice"  # or "recall"
    summary: str = ""
    recall: dict = field(default_factory=dict)
    lines: dict = field(default_factory=dict)
    markets: tuple[str, ...] = ()  # only in these markets (empty: all)

    @property
    def src(self) -> str:
        return f"{NOTICES_DIR}/{self.id}.md"

    @property
    def latest(self) -> Update | None:
        return self.updates[-1] if self.updates else None

    def active(self, at: dt.datetime) -> bool:
        """Shown now: started, not ended, and not marked resolved."""
        if self.severity == "resolved" or at < self.start:
            return False
        return self.end is None or at < self.end

    def ended(self, at: dt.datetime) -> bool:
        return self.severity == "resolved" or (self.end is not None and at >= self.end)


def parse_time(value, zone: ZoneInfo) -> dt.datetime | None:
    """A date (midnight) or an ISO date and time; naive times are in ``zone``."""
    if isinstance(value, dt.datetime):
        moment = value
    else:
        text = str(value or "").strip()
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        if len(text) == 10:  # a bare date
            moment = dt.datetime.combine(moment.date(), dt.time())
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def load_notices(docs_dir: Path, report: Report, zone_name: str, categories: set[str], market=None) -> list[Notice]:
    """``market``: only the notices for it (no ``markets:`` list, or one naming it)."""
    folder = docs_dir / NOTICES_DIR
    if not folder.is_dir():
        return []
    zone = ZoneInfo(zone_name)
    notices = []
    for md in sorted(p for p in folder.glob("*.md") if not is_translation(p.name)):
        notice = _load(md, docs_dir, report, zone, categories)
        if notice is not None and (market is None or not notice.markets or market.id in notice.markets):
            notices.append(notice)
    return notices


def _load(md: Path, docs_dir: Path, report: Report, zone: ZoneInfo, categories: set[str]) -> Notice | None:
    """The notice in ``md``, or None when anything in it is wrong (all reported)."""
    parsed = _front_matter(md, docs_dir, report)
    if parsed is None:
        return None
    meta, line = parsed.meta.data, parsed.meta.line
    checked = f.check(meta, NOTICE, "a notice")
    issues = [(p.key, p.message) for p in checked.problems]
    start, end, window_issues = _window(meta, zone)
    recall, recall_issues = _recall(checked)
    issues += [*_title(checked), *_categories(checked, categories), *window_issues, *recall_issues]
    for key, message in issues:
        report.error(md, line(key), message, key)
    updates, bad = _updates(checked.get("updates"), zone)
    for i in bad:
        report.error(md, line("updates") + i + 1, "each update needs a 'time' (date and time) and a 'text'", "updates")
    if issues or bad:
        return None
    return Notice(
        md.stem,
        md,
        checked.get("title"),
        checked.get("severity"),
        parsed.body,
        parsed.body_line,
        start,
        end,
        checked.get("audience"),
        tuple(checked.get("categories")),
        updates,
        checked.get("type"),
        checked.get("summary"),
        recall,
        parsed.meta.lines,
        tuple(str(m) for m in checked.get("markets")),
    )


def _front_matter(md: Path, docs_dir: Path, report: Report):
    """The parsed file when its name is an id and it starts with front matter, else None."""
    if not slugs.is_id(md.stem):
        report.error(md, 1, f"notice file name '{md.name}' must be lowercase words joined by hyphens")
        return None
    text = read(md, report, docs_dir)
    if text is None:
        return None
    parsed = front_matter(text, md, report)
    if parsed is None:
        return None
    if parsed.meta is None or not isinstance(parsed.meta.data, dict):
        report.error(md, 1, "a notice starts with front matter: title, severity, start")
        return None
    return parsed


def _title(checked: f.Checked) -> list[tuple[str | None, str]]:
    return [] if checked.get("title") else [(None, "missing required 'title'")]


def _categories(checked: f.Checked, categories: set[str]) -> list[tuple[str | None, str]]:
    return [
        ("categories", f"unknown category '{cat}'{did_you_mean(str(cat), categories)}")
        for cat in checked.get("categories")
        if not isinstance(cat, str) or cat not in categories
    ]


def _window(meta: dict, zone: ZoneInfo) -> tuple[dt.datetime | None, dt.datetime | None, list]:
    """``start`` and ``end`` (None: until resolved), and what is wrong with them."""
    issues = []
    start = parse_time(meta.get("start"), zone)
    if start is None:
        issues.append(
            ("start", f"'start': '{meta.get('start')}' is not a date or time (2026-11-20 or 2026-11-20T10:40+00:00)")
        )
    raw_end = meta.get("end", UNTIL_RESOLVED)
    if str(raw_end).strip().lower() == UNTIL_RESOLVED:
        return start, None, issues
    end = parse_time(raw_end, zone)
    if end is None:
        issues.append(("end", f"'end': '{raw_end}' is not a date or time, or 'until resolved'"))
    elif start is not None and end <= start:
        issues.append(("end", "'end' must be after 'start'"))
    return start, end, issues


def _updates(items, zone: ZoneInfo) -> tuple[list[Update], list[int]]:
    """The updates, oldest first, and the indexes of those without a time and a text."""
    updates, bad = [], []
    for i, item in enumerate(items or []):
        when = parse_time(item.get("time"), zone) if isinstance(item, dict) else None
        text = str(item.get("text") or "").strip() if isinstance(item, dict) else ""
        if when is None or not text:
            bad.append(i)
        else:
            updates.append(Update(when, text))
    return sorted(updates, key=lambda u: u.time), bad


def _recall(checked: f.Checked) -> tuple[dict, list[tuple[str | None, str]]]:
    """A recall's product, risk, action and refund, each required."""
    if checked.get("type") != "recall":
        return {}, []
    recall = {key: checked.get(key) for key in RECALL_KEYS}
    return recall, [(None, f"a recall needs '{key}'") for key, value in recall.items() if not value]

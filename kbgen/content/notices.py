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
from . import slugs
from .diagnostics import Report, did_you_mean
from .textfile import read
from .yamlfile import YamlError, split_front_matter

NOTICES_DIR = "notices"
SEVERITIES = ("info", "warning", "incident", "resolved")
KEYS = (
    "title",
    "severity",
    "audience",
    "categories",
    "start",
    "end",
    "updates",
    "type",
    "product",
    "risk",
    "action",
    "refund",
    "summary",
)
RECALL_KEYS = ("product", "risk", "action", "refund")
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


def load_notices(docs_dir: Path, report: Report, zone_name: str, categories: set[str]) -> list[Notice]:
    folder = docs_dir / NOTICES_DIR
    if not folder.is_dir():
        return []
    zone = ZoneInfo(zone_name)
    notices = []
    for md in sorted(folder.glob("*.md")):
        notice = _load(md, docs_dir, report, zone, categories)
        if notice is not None:
            notices.append(notice)
    return notices


def _load(md: Path, docs_dir: Path, report: Report, zone: ZoneInfo, categories: set[str]) -> Notice | None:  # noqa: C901 reshaped in the page-kind/validation work (declared fields, small rule functions)
    if not slugs.is_id(md.stem):
        report.error(md, 1, f"notice file name '{md.name}' must be lowercase words joined by hyphens")
        return None
    text = read(md, report, docs_dir)
    if text is None:
        return None
    try:
        parsed = split_front_matter(text)
    except YamlError as exc:
        report.load_failed(md, exc.line, exc.message)
        return None
    if parsed.meta is None or not isinstance(parsed.meta.data, dict):
        report.error(md, 1, "a notice starts with front matter: title, severity, start")
        return None
    meta, line = parsed.meta.data, parsed.meta.line
    ok = True

    def error(key, message):
        nonlocal ok
        report.error(md, line(key), message, key)
        ok = False

    if report.unknown_keys(md, meta, KEYS, "a notice", line):
        ok = False
    title = str(meta.get("title") or "").strip()
    if not title:
        error(None, "missing required 'title'")
    severity = meta.get("severity")
    if severity not in SEVERITIES:
        error(
            "severity",
            f"unknown severity '{severity}'; use one of {', '.join(SEVERITIES)}"
            f"{did_you_mean(str(severity), SEVERITIES)}",
        )
    audience = meta.get("audience", "everyone")
    if audience not in AUDIENCES:
        error("audience", f"unknown audience '{audience}'; use one of {', '.join(AUDIENCES)}")
    cats = meta.get("categories") or []
    if isinstance(cats, str):
        cats = [cats]
    for cat in cats:
        if cat not in categories:
            error("categories", f"unknown category '{cat}'{did_you_mean(str(cat), categories)}")
    start = parse_time(meta.get("start"), zone)
    if start is None:
        error("start", f"'start': '{meta.get('start')}' is not a date or time (2026-11-20 or 2026-11-20T10:40+00:00)")
    raw_end = meta.get("end", UNTIL_RESOLVED)
    end = None
    if str(raw_end).strip().lower() != UNTIL_RESOLVED:
        end = parse_time(raw_end, zone)
        if end is None:
            error("end", f"'end': '{raw_end}' is not a date or time, or 'until resolved'")
        elif start is not None and end <= start:
            error("end", "'end' must be after 'start'")
    updates = []
    for i, item in enumerate(meta.get("updates") or []):
        when = parse_time(item.get("time"), zone) if isinstance(item, dict) else None
        text = str(item.get("text") or "").strip() if isinstance(item, dict) else ""
        if when is None or not text:
            report.error(
                md, line("updates") + i + 1, "each update needs a 'time' (date and time) and a 'text'", "updates"
            )
            ok = False
            continue
        updates.append(Update(when, text))
    updates.sort(key=lambda u: u.time)
    kind = meta.get("type", "notice")
    recall = {}
    if kind == "recall":
        for key in RECALL_KEYS:
            value = str(meta.get(key) or "").strip()
            if not value:
                error(None, f"a recall needs '{key}'")
            recall[key] = value
    elif kind != "notice":
        error("type", f"unknown notice type '{kind}'; use notice or recall")
    if not ok:
        return None
    return Notice(
        md.stem,
        md,
        title,
        severity,
        parsed.body,
        parsed.body_line,
        start,
        end,
        audience,
        tuple(cats),
        updates,
        kind,
        str(meta.get("summary") or ""),
        recall,
        parsed.meta.lines,
    )

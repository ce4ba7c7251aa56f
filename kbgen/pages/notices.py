"""What templates and feeds show of service notices.

Banners carry their start and end, so the browser hides a notice that has
ended (or not begun) without a rebuild; without JavaScript they show with
their dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ..content.model import HelpCenter
from ..content.notices import Notice
from ..i18n import N_, Messages, messages
from . import atom
from .dates import moment_view

FEED_FILE = "notices.xml"
SEVERITY_LABELS = {
    "info": N_("Information"),
    "warning": N_("Warning"),
    "incident": N_("Incident"),
    "resolved": N_("Resolved"),
}
RECALL_LABEL = N_("Product recall")


def notice_view(notice: Notice, url_for: Callable[[str], str], zone: str, m: Messages | None = None) -> dict:
    m = m or messages()
    latest = notice.latest
    label = RECALL_LABEL if notice.type == "recall" else SEVERITY_LABELS[notice.severity]
    return {
        "id": notice.id,
        "title": notice.title,
        "severity": notice.severity,
        "severity_label": m.gettext(label),
        "type": notice.type,
        "summary": notice.summary,
        "url": url_for(notice.src),
        "start": moment_view(notice.start, zone, m),
        "end": moment_view(notice.end, zone, m) if notice.end else None,
        "latest": {"time": moment_view(latest.time, zone, m), "text": latest.text} if latest else None,
        "updates": [{"time": moment_view(u.time, zone, m), "text": u.text} for u in reversed(notice.updates)],
        "recall": notice.recall,
        "categories": list(notice.categories),
    }


def banners(
    center: HelpCenter,
    category: str | None,
    url_for,
    now: dt.datetime,
    everywhere: bool = False,
    m: Messages | None = None,
) -> list[dict]:
    """Notices not yet ended that belong on a page of ``category``."""
    shown = []
    for notice in center.notices:
        if notice.ended(now):
            continue
        if everywhere or not notice.categories or category in notice.categories:
            shown.append(notice_view(notice, url_for, center.zone, m))
    order = {"incident": 0, "warning": 1, "info": 2, "resolved": 3}
    return sorted(shown, key=lambda n: (order[n["severity"]], n["start"]["iso"]))


def listing(center: HelpCenter, url_for, now: dt.datetime, m: Messages | None = None) -> dict:
    current = [n for n in center.notices if not n.ended(now)]
    past = [n for n in center.notices if n.ended(now)]

    def newest_first(items):
        return [notice_view(n, url_for, center.zone, m) for n in sorted(items, key=lambda n: n.start, reverse=True)]

    return {"current": newest_first(current), "past": newest_first(past)}


def announcement_jsonld(notice: Notice, page_url: str) -> dict:
    """schema.org SpecialAnnouncement (with the recalled product, for recalls)."""
    data = {
        "@context": "https://schema.org",
        "@type": "SpecialAnnouncement",
        "name": notice.title,
        "text": notice.summary or (notice.latest.text if notice.latest else notice.title),
        "datePosted": notice.start.isoformat(),
        "url": page_url,
    }
    if notice.end:
        data["expires"] = notice.end.isoformat()
    if notice.type == "recall":
        data["about"] = {"@type": "Product", "name": notice.recall.get("product", "")}
        data["category"] = "https://schema.org/ProductRecall"
    return data


def atom_feed(center: HelpCenter, url_for, site_url: str, title: str, m: Messages | None = None) -> bytes:
    """Every notice update as an Atom entry, newest first."""
    base = site_url.rstrip("/") + "/"
    entries = []
    for notice in center.notices:
        link = base + url_for(notice.src)
        updates = notice.updates or []
        for index, update in enumerate(updates):
            entries.append((update.time, f"{notice.title}: {update.text}", link, f"{link}#update-{index}", update.text))
        if not updates:
            entries.append((notice.start, notice.title, link, link, notice.summary or notice.title))
    entries.sort(key=lambda e: e[0], reverse=True)
    newest = entries[0][0] if entries else dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    return atom.feed(
        (m or messages()).gettext("%(site)s: service notices", site=title),
        base + FEED_FILE,
        newest.isoformat(),
        title,
        [atom.Entry(t, link, entry_id, when.isoformat(), summary) for when, t, link, entry_id, summary in entries],
    )

"""When the content changes by itself: scheduled fact changes, notices starting or ending.

A build renders the content as of its day, so such a change reaches shoppers only
through a build on or after that date; the build says when the next one is due.
A ``review_by`` date is not content: it changes nothing shoppers see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .model import HelpCenter


@dataclass(frozen=True, order=True)
class Change:
    day: dt.date
    what: str  # "fact return_window", "notice card-payments starts"


def build_day(moment: dt.datetime) -> dt.date:
    """The first day whose build sees ``moment`` as past (builds pick notices at 00:00 UTC)."""
    utc = moment.astimezone(dt.timezone.utc)
    return utc.date() if utc.time() == dt.time() else utc.date() + dt.timedelta(days=1)


def upcoming(center: HelpCenter, today: dt.date) -> list[Change]:
    """Every date after ``today`` on which a build renders different content, soonest first."""
    changes = []
    if center.facts is not None:
        for fact in center.facts.facts.values():
            changes += [Change(day, f"fact {fact.name}") for day, _ in fact.upcoming(today)]
    for notice in center.notices:
        changes.append(Change(build_day(notice.start), f"notice {notice.id} starts"))
        if notice.end is not None and notice.severity != "resolved":
            changes.append(Change(build_day(notice.end), f"notice {notice.id} ends"))
    return sorted(c for c in changes if c.day > today)


def next_change_message(center: HelpCenter, today: dt.date) -> str | None:
    """One line for the build's output, or None when nothing is scheduled."""
    changes = upcoming(center, today)
    if not changes:
        return None
    first = changes[0].day
    what = ", ".join(c.what for c in changes if c.day == first)
    return f"Content changes by itself on {first.isoformat()} ({what}): schedule a build then"

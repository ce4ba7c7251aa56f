"""Dates and times as templates and feeds show them: machine-readable and for people.

One format for the whole help center: "14 September 2026" and
"20 November 2026, 10:40" in the help center's time zone.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def date_view(value: dt.date | None) -> dict | None:
    """``{"iso": "2026-09-14", "text": "14 September 2026"}``; None stays None."""
    if value is None:
        return None
    return {"iso": value.isoformat(), "text": f"{value.day} {value:%B %Y}"}


def moment_view(moment: dt.datetime, zone: str) -> dict:
    """An aware time: ISO with its offset, and the text in ``zone``."""
    local = moment.astimezone(ZoneInfo(zone))
    return {"iso": moment.isoformat(), "text": f"{local.day} {local:%B %Y, %H:%M}"}

"""Dates and times as templates and feeds show them: machine-readable and for people.

One format per language for the whole help center, from its catalog: "14 September 2026"
and "20 November 2026, 10:40" in English, in the help center's time zone.
"""

from __future__ import annotations

import datetime as dt

from ..i18n import Messages, messages


def date_view(value: dt.date | None, m: Messages | None = None) -> dict | None:
    """``{"iso": "2026-09-14", "text": "14 September 2026"}``; None stays None."""
    if value is None:
        return None
    return {"iso": value.isoformat(), "text": (m or messages()).format_date(value)}


def moment_view(moment: dt.datetime, zone: str, m: Messages | None = None) -> dict:
    """An aware time: ISO with its offset, and the text in ``zone``."""
    return {"iso": moment.isoformat(), "text": (m or messages()).format_moment(moment, zone)}

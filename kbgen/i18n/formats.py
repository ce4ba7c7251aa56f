"""Dates, times and numbers for a language, by Babel: the functions the design names,
for callers that hold a language tag rather than a :class:`Messages`."""

from __future__ import annotations

import datetime as dt

from babel import dates as _dates
from babel import numbers as _numbers

from .catalog import messages, parse_locale


def format_date(value: dt.date, language: str, format: str = "text") -> str:
    """``format="text"``: the help center's own ("14 September 2026"); else a Babel format
    name ("short", "medium", "long", "full") or a CLDR pattern."""
    if format == "text":
        return messages(language).format_date(value)
    return _dates.format_date(value, format, locale=parse_locale(language))


def format_time(value: dt.time | dt.datetime, language: str, format: str = "HH:mm", zone: str | None = None) -> str:
    return _dates.format_time(value, format, tzinfo=_zone(zone), locale=parse_locale(language))


def format_datetime(value: dt.datetime, language: str, zone: str, format: str = "text") -> str:
    if format == "text":
        return messages(language).format_moment(value, zone)
    return _dates.format_datetime(value, format, tzinfo=_zone(zone), locale=parse_locale(language))


def format_decimal(number, language: str) -> str:
    return _numbers.format_decimal(number, locale=parse_locale(language))


def format_currency(number, currency: str, language: str) -> str:
    return _numbers.format_currency(number, currency, locale=parse_locale(language))


def _zone(zone: str | None):
    from zoneinfo import ZoneInfo

    return ZoneInfo(zone) if zone else None

"""Weekly business hours in a named time zone, with closures.

A schedule is, for each weekday, a list of (start, end) minutes after local
midnight; an end past 24:00 (written "22:00-02:00") runs into the next day.
All times are wall-clock times in the channel's zone, so daylight-saving
changes move nothing: "09:00" is 09:00 in winter and in summer.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from ..i18n import Messages, messages

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")  # writers' errors
_RANGE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(m|min|minutes?|h|hours?|d|days?)$", re.I)


class HoursError(ValueError):
    """A schedule that cannot be right; the message says why."""


@dataclass(frozen=True)
class Schedule:
    zone: str
    week: tuple[tuple[tuple[int, int], ...], ...]  # 7 days of (start, end) minutes
    closed: frozenset[dt.date] = field(default_factory=frozenset)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    def as_json(self) -> dict:
        """What the browser needs to compute open/closed itself."""
        return {
            "zone": self.zone,
            "week": [[list(r) for r in day] for day in self.week],
            "closed": sorted(d.isoformat() for d in self.closed),
        }

    def rows(self, m: Messages | None = None) -> list[dict]:
        """One row per weekday for the hours table: {"day", "text"}, in ``m``'s language."""
        m = m or messages()
        names = m.day_names()
        return [
            {"day": names[i], "text": ", ".join(_fmt_range(r) for r in day) or m.gettext("Closed")}
            for i, day in enumerate(self.week)
        ]

    def summary(self, m: Messages | None = None) -> str:
        """Compact text such as "Mon-Fri 08:00-20:00, Sat 09:00-17:00"."""
        m = m or messages()
        short = m.day_names("abbreviated")
        groups: list[tuple[int, int, str]] = []
        for i, day in enumerate(self.week):
            text = ", ".join(_fmt_range(r) for r in day)
            if groups and groups[-1][2] == text and groups[-1][1] == i - 1:
                groups[-1] = (groups[-1][0], i, text)
            else:
                groups.append((i, i, text))
        parts = []
        for first, last, text in groups:
            if not text:
                continue
            days = short[first] if first == last else f"{short[first]}–{short[last]}"
            parts.append(f"{days} {text}")
        return ", ".join(parts) or m.gettext("Closed")


def _fmt_minutes(minutes: int) -> str:
    minutes %= 24 * 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _fmt_range(r: tuple[int, int]) -> str:
    return f"{_fmt_minutes(r[0])}–{_fmt_minutes(r[1])}"


def _days(key: str) -> list[int]:
    key = key.strip().lower()
    if key in ("daily", "every day", "mon-sun"):
        return list(range(7))
    found: list[int] = []
    for part in key.split(","):
        part = part.strip()
        if "-" in part:
            first, _, last = part.partition("-")
            a, b = _day(first), _day(last)
            if b < a:
                raise HoursError(f"day range '{part}' runs backwards; write it as e.g. mon-fri")
            found.extend(range(a, b + 1))
        else:
            found.append(_day(part))
    return found


def _day(name: str) -> int:
    name = name.strip().lower()[:3]
    if name not in DAYS:
        raise HoursError(f"unknown day '{name}'; use mon, tue, wed, thu, fri, sat, sun")
    return DAYS.index(name)


def _ranges(value: str) -> list[tuple[int, int]]:
    if value.strip().lower() == "closed":
        return []
    ranges = []
    for part in value.split(","):
        match = _RANGE.match(part.strip())
        if not match:
            raise HoursError(f"'{part.strip()}' is not a time range like 09:00-17:30")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        for h, m in ((h1, m1), (h2, m2)):
            if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m):
                raise HoursError(f"'{h:02d}:{m:02d}' is not a time of day")
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if start == end:
            raise HoursError(f"'{part.strip()}' opens and closes at the same time")
        if end < start:
            end += 24 * 60  # overnight: closes the next morning
        ranges.append((start, end))
    return ranges


def parse_schedule(hours: dict, zone: str, closed=()) -> Schedule:
    """Build a schedule from ``{"mon-fri": "08:00-20:00", ...}``; HoursError if impossible."""
    try:
        ZoneInfo(zone)
    except (KeyError, ValueError, OSError):
        raise HoursError(f"unknown time zone '{zone}'; use a name like Europe/Dublin") from None
    if not isinstance(hours, dict) or not hours:
        raise HoursError("hours must map days to times, e.g. mon-fri: 09:00-17:00")
    week: list[list[tuple[int, int]]] = [[] for _ in DAYS]
    for key, value in hours.items():
        if not isinstance(value, str):
            raise HoursError(f"hours for '{key}' must be text like \"09:00-17:00\" (quote it)")
        ranges = _ranges(value)
        for day in _days(str(key)):
            week[day].extend(ranges)
    _check_overlaps(week)
    return Schedule(zone, tuple(tuple(sorted(day)) for day in week), frozenset(closed))


def _check_overlaps(week: list[list[tuple[int, int]]]) -> None:
    """No two ranges may cover the same minute, overnight spill included."""
    spans = []
    for day, ranges in enumerate(week):
        for start, end in ranges:
            spans.append((day * 1440 + start, day * 1440 + end, day))
    spans.sort()
    week_minutes = 7 * 1440
    for (_, e1, _), (s2, _, d2) in zip(spans, spans[1:], strict=False):
        if s2 < e1:
            raise HoursError(f"hours overlap on {DAY_NAMES[d2]}")
    if spans and spans[-1][1] > week_minutes and spans[-1][1] - week_minutes > spans[0][0]:
        raise HoursError(f"hours overlap on {DAY_NAMES[spans[0][2]]}")


def _local(at: dt.datetime, schedule: Schedule) -> dt.datetime:
    if at.tzinfo is None:
        raise ValueError("give an aware datetime")
    return at.astimezone(schedule.tz)


def is_open(schedule: Schedule, at: dt.datetime) -> bool:
    local = _local(at, schedule)
    minute = local.hour * 60 + local.minute
    for offset in (0, 1):  # today's ranges, and yesterday's running past midnight
        day = local.date() - dt.timedelta(days=offset)
        if day in schedule.closed:
            continue
        for start, end in schedule.week[day.weekday()]:
            m = minute + offset * 1440
            if start <= m < end:
                return True
    return False


def next_change(schedule: Schedule, at: dt.datetime) -> dt.datetime | None:
    """When the channel next opens (if closed) or closes (if open), as an aware datetime."""
    now_open = is_open(schedule, at)
    local = _local(at, schedule)
    edges = []
    for offset in range(-1, 15):
        day = local.date() + dt.timedelta(days=offset)
        if day in schedule.closed:
            continue
        for start, end in schedule.week[day.weekday()]:
            minutes = end if now_open else start
            wall = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)
            edges.append(wall.replace(tzinfo=schedule.tz))
    for when in sorted(e for e in edges if e > local):
        if is_open(schedule, when) != now_open:  # a reopening at the same minute is no change
            return when
    return None


def describe(schedule: Schedule, at: dt.datetime, m: Messages | None = None) -> str:
    """ "Open now" or "Closed · opens Tuesday 09:00" (in the channel's zone), the same
    words as js/contact.js."""
    m = m or messages()
    if is_open(schedule, at):
        return m.gettext("Open now")
    nxt = next_change(schedule, at)
    if nxt is None:
        return m.gettext("Closed")
    local = _local(at, schedule)
    when = nxt.strftime("%H:%M")
    if nxt.date() == local.date():
        opens = m.t("opens today {time}", time=when)
    elif nxt.date() == local.date() + dt.timedelta(days=1):
        opens = m.t("opens tomorrow {time}", time=when)
    else:
        opens = m.t("opens {day} {time}", day=m.day_names()[nxt.weekday()], time=when)
    return m.t("Closed · {opens}", opens=opens)


def parse_duration(text) -> int:
    """Minutes in "2m", "12 hours", "1d"; HoursError otherwise."""
    match = _DURATION.match(str(text).strip())
    if not match:
        raise HoursError(f"'{text}' is not a duration like 2m, 12h or 1d")
    amount, unit = float(match.group(1)), match.group(2).lower()[0]
    return round(amount * {"m": 1, "h": 60, "d": 1440}[unit])


def promise_text(minutes: int, kind: str = "replies", m: Messages | None = None) -> str:
    """Human wording of a response promise: "replies in about 2 minutes". ``kind``: how the
    channel keeps it ("replies", "answers", "answered"); one whole sentence per kind and
    unit, so each language words it its own way."""
    m = m or messages()
    if minutes < 60:
        n = minutes
        texts = {
            "answers": m.ngettext("answers in about %(num)s minute", "answers in about %(num)s minutes", n),
            "answered": m.ngettext("answered in about %(num)s minute", "answered in about %(num)s minutes", n),
        }
        return texts.get(kind) or m.ngettext("replies in about %(num)s minute", "replies in about %(num)s minutes", n)
    if minutes < 2 * 1440:
        n = round(minutes / 60)
        texts = {
            "answers": m.ngettext("answers within %(num)s hour", "answers within %(num)s hours", n),
            "answered": m.ngettext("answered within %(num)s hour", "answered within %(num)s hours", n),
        }
        return texts.get(kind) or m.ngettext("replies within %(num)s hour", "replies within %(num)s hours", n)
    n = round(minutes / 1440)
    texts = {
        "answers": m.ngettext("answers within %(num)s day", "answers within %(num)s days", n),
        "answered": m.ngettext("answered within %(num)s day", "answered within %(num)s days", n),
    }
    return texts.get(kind) or m.ngettext("replies within %(num)s day", "replies within %(num)s days", n)

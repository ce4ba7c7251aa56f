"""Business hours: time zones, overnight hours, holidays, daylight-saving changes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kbgen.contact.hours import (
    HoursError,
    describe,
    is_open,
    next_change,
    parse_duration,
    parse_schedule,
    promise_text,
)

DUBLIN = ZoneInfo("Europe/Dublin")
UTC = dt.timezone.utc
WEEKDAYS = parse_schedule({"mon-fri": "08:00-20:00", "sat": "09:00-17:00"}, "Europe/Dublin", [dt.date(2026, 12, 25)])


def at(*args, tz=DUBLIN):
    return dt.datetime(*args, tzinfo=tz)


def test_open_and_closed_within_the_week():
    assert is_open(WEEKDAYS, at(2026, 11, 23, 8, 0))  # Monday, opening minute
    assert not is_open(WEEKDAYS, at(2026, 11, 23, 20, 0))  # closing minute is closed
    assert is_open(WEEKDAYS, at(2026, 11, 28, 16, 59))  # Saturday
    assert not is_open(WEEKDAYS, at(2026, 11, 29, 12, 0))  # Sunday


def test_the_channel_zone_decides_not_the_shoppers():
    # 07:30 in New York is 12:30 in Dublin: open
    assert is_open(WEEKDAYS, at(2026, 11, 23, 7, 30, tz=ZoneInfo("America/New_York")))
    # 02:00 in Tokyo on Monday is Sunday 17:00 in Dublin: closed
    assert not is_open(WEEKDAYS, at(2026, 11, 23, 2, 0, tz=ZoneInfo("Asia/Tokyo")))


def test_next_opening_after_the_weekend():
    saturday_evening = at(2026, 11, 21, 18, 30)
    assert next_change(WEEKDAYS, saturday_evening) == at(2026, 11, 23, 8, 0)
    assert describe(WEEKDAYS, saturday_evening) == "Closed · opens Monday 08:00"
    assert describe(WEEKDAYS, at(2026, 11, 23, 7, 0)) == "Closed · opens today 08:00"
    assert describe(WEEKDAYS, at(2026, 11, 23, 21, 0)) == "Closed · opens tomorrow 08:00"
    assert next_change(WEEKDAYS, at(2026, 11, 23, 10, 0)) == at(2026, 11, 23, 20, 0)  # closes


def test_holidays_close_the_channel_and_move_the_next_opening():
    christmas = at(2026, 12, 25, 10, 0)  # a Friday
    assert not is_open(WEEKDAYS, christmas)
    assert next_change(WEEKDAYS, christmas) == at(2026, 12, 26, 9, 0)
    assert describe(WEEKDAYS, at(2026, 12, 24, 21, 0)) == "Closed · opens Saturday 09:00"


def test_overnight_hours_run_into_the_next_day():
    late = parse_schedule({"fri-sat": "22:00-02:00"}, "Europe/Dublin")
    assert is_open(late, at(2026, 11, 20, 23, 0))  # Friday night
    assert is_open(late, at(2026, 11, 21, 1, 30))  # Saturday small hours, from Friday
    assert is_open(late, at(2026, 11, 22, 1, 30))  # Sunday small hours, from Saturday
    assert not is_open(late, at(2026, 11, 23, 1, 30))  # Monday: Sunday has no hours
    assert describe(late, at(2026, 11, 22, 3, 0)) == "Closed · opens Friday 22:00"


def test_holiday_closes_the_overnight_hours_that_start_on_it():
    late = parse_schedule({"fri-sat": "22:00-02:00"}, "Europe/Dublin", [dt.date(2026, 11, 20)])
    assert not is_open(late, at(2026, 11, 21, 1, 0))


def test_daylight_saving_changes_keep_wall_clock_hours():
    # Dublin moves from UTC+1 to UTC on 25 October 2026: 09:00 local is 08:00 UTC before
    # and 09:00 UTC after; the shop opens at 09:00 local both times.
    day = parse_schedule({"mon-sun": "09:00-17:00"}, "Europe/Dublin")
    assert is_open(day, dt.datetime(2026, 10, 24, 8, 0, tzinfo=UTC))
    assert not is_open(day, dt.datetime(2026, 10, 26, 8, 0, tzinfo=UTC))
    assert is_open(day, dt.datetime(2026, 10, 26, 9, 0, tzinfo=UTC))
    assert next_change(day, dt.datetime(2026, 10, 25, 17, 30, tzinfo=UTC)) == at(2026, 10, 26, 9, 0)
    # spring forward at 01:00 on Sunday 28 March 2027: UTC+0 to UTC+1
    saturday = next_change(day, dt.datetime(2027, 3, 26, 18, 0, tzinfo=UTC))
    sunday = next_change(day, dt.datetime(2027, 3, 27, 18, 0, tzinfo=UTC))
    assert (saturday.hour, saturday.utcoffset()) == (9, dt.timedelta(0))
    assert (sunday.hour, sunday.utcoffset()) == (9, dt.timedelta(hours=1))
    assert sunday.astimezone(UTC).hour == 8


@pytest.mark.parametrize(
    "hours, zone, message",
    [
        ({"mon": "09:00-17:00"}, "Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
        ({"mon": "25:00-26:00"}, "UTC", "'25:00' is not a time of day"),
        ({"mon": "09:60-17:00"}, "UTC", "'09:60' is not a time of day"),
        ({"mon": "9am-5pm"}, "UTC", "'9am-5pm' is not a time range like 09:00-17:30"),
        ({"mon": "09:00-09:00"}, "UTC", "opens and closes at the same time"),
        ({"mon-fri": "08:00-20:00", "wed": "19:00-21:00"}, "UTC", "hours overlap on Wednesday"),
        ({"sun": "22:00-03:00", "mon": "02:00-05:00"}, "UTC", "hours overlap on Monday"),
        ({"fri-mon": "09:00-17:00"}, "UTC", "runs backwards"),
        ({"funday": "09:00-17:00"}, "UTC", "unknown day 'fun'"),
        ({"mon": 540}, "UTC", "must be text"),
    ],
)
def test_impossible_hours_are_rejected(hours, zone, message):
    with pytest.raises(HoursError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_schedule(hours, zone)


def test_summary_rows_and_promises():
    assert WEEKDAYS.summary() == "Mon–Fri 08:00–20:00, Sat 09:00–17:00"
    assert WEEKDAYS.rows()[6] == {"day": "Sunday", "text": "Closed"}
    assert parse_duration("2m") == 2 and parse_duration("12 hours") == 720 and parse_duration("1d") == 1440
    assert promise_text(2) == "replies in about 2 minutes"
    assert promise_text(720, "answered") == "answered within 12 hours"
    with pytest.raises(HoursError):
        parse_duration("soon")

"""Contact channels: business hours, open/closed, next opening, response promises.

Pure logic over the content model's channels (no MkDocs). The browser does
the same computation for "open now" (theme/assets/kbgen/js/contact.js), from the same schedule data.
"""

from .hours import (
    DAYS,
    HoursError,
    Schedule,
    is_open,
    next_change,
    parse_duration,
    parse_schedule,
    promise_text,
)

__all__ = [
    "DAYS",
    "HoursError",
    "Schedule",
    "is_open",
    "next_change",
    "parse_duration",
    "parse_schedule",
    "promise_text",
]

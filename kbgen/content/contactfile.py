"""``contact.yml``: the support team's channels, hours, holidays and promises.

```yaml
timezone: Europe/Dublin           # default for every channel
holidays:                         # every channel is closed on these days
  - {date: 2026-12-25, name: Christmas Day}
channels:
  - id: chat
    type: chat                    # phone, email, chat, messaging, social, form, post
    label: Live chat
    hours: {mon-fri: "08:00-20:00", sat: "09:00-17:00"}
    response_time: 2m             # the promise: 2m, 12h, 1d
    escalation: 1                 # its place when a problem needs escalating
```
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..constants import AUDIENCES
from ..contact.hours import HoursError, parse_duration, parse_schedule
from . import slugs
from .diagnostics import Report, did_you_mean
from .fields import parse_date
from .model import Channel, Contact
from .yamlfile import Lines, read_data_file

CONTACT_FILE = "contact.yml"
TYPES = ("phone", "email", "chat", "messaging", "social", "form", "post")
TOP_KEYS = ("timezone", "holidays", "channels")
CHANNEL_KEYS = (
    "id",
    "type",
    "label",
    "address",
    "url",
    "audience",
    "hours",
    "timezone",
    "closed",
    "response_time",
    "response",
    "escalation",
    "script",
    "note",
    "app",
)
FACT_REF = re.compile(r"^\{\{\s*fact\s*:\s*([a-z0-9_]+)\s*\}\}$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+[1-9][0-9 ()-]+$")
_URL = re.compile(r"^https://[^\s/$.?#][^\s]*$")
MESSAGING_APPS = {
    "whatsapp": "https://wa.me/{digits}",
    "telegram": "https://t.me/+{digits}",
    "signal": "https://signal.me/#p/+{digits}",
    "sms": "sms:+{digits}",
}


def load_contact(docs_dir: Path, report: Report) -> Contact | None:
    path = docs_dir / CONTACT_FILE
    if not path.is_file():
        return None
    parsed = read_data_file(path, report, docs_dir)
    if parsed is None:
        return None
    data, line = parsed
    if not isinstance(data, dict):
        report.error(path, 1, "contact.yml must be a mapping with 'channels:'")
        return None
    report.unknown_keys(path, data, TOP_KEYS, "contact.yml", line)
    zone = data.get("timezone") or "UTC"
    try:
        parse_schedule({"mon": "00:00-01:00"}, str(zone))
    except HoursError as exc:
        report.error(path, line("timezone"), f"'timezone': {exc}")
        zone = "UTC"
    contact = Contact(path=path, zone=str(zone))
    contact.holidays = _holidays(data.get("holidays") or [], path, line, report)
    channels = data.get("channels")
    if not isinstance(channels, list) or not channels:
        report.error(path, line("channels"), "'channels' must list at least one channel")
        return contact
    for i, raw in enumerate(channels):
        channel = _channel(raw, i, contact, path, line, report)
        if channel is not None and _unique(channel, i, contact, path, line, report):
            contact.channels.append(channel)
    return contact


def _holidays(holidays, path: Path, line: Lines, report: Report) -> list[tuple[dt.date, str]]:
    if not isinstance(holidays, list):
        report.error(path, line("holidays"), "'holidays' must be a list of {date, name}")
        return []
    days = []
    for i, item in enumerate(holidays):
        item = item if isinstance(item, dict) else {"date": item}
        date = parse_date(item.get("date"))
        if date is None:
            report.error(path, line("holidays", i), f"holiday date '{item.get('date')}' is not a date (YYYY-MM-DD)")
            continue
        days.append((date, str(item.get("name") or "Public holiday")))
    return days


def _unique(channel: Channel, i: int, contact: Contact, path: Path, line: Lines, report: Report) -> bool:
    """False for a duplicate id; a second channel at an escalation step is reported but kept."""
    first = contact.channel(channel.id)
    if first is not None:
        report.error(
            path, line("channels", i, "id"), f"duplicate channel id '{channel.id}' (first on line {first.line})"
        )
        return False
    step = next((c for c in reversed(contact.channels) if c.escalation == channel.escalation), None)
    if channel.escalation is not None and step is not None:
        report.error(
            path,
            line("channels", i, "escalation"),
            f"escalation {channel.escalation} is already '{step.id}'",
        )
    return True


def _channel(raw, i: int, contact: Contact, path: Path, line: Lines, report: Report) -> Channel | None:  # noqa: C901 reshaped in the page-kind/validation work (declared fields, small rule functions)
    def error(key: str | None, message: str) -> None:
        at = line("channels", i, key) if key else line("channels", i)
        report.error(path, at, message, key)

    if not isinstance(raw, dict):
        error(None, "a channel must be a mapping with id, type and label")
        return None
    ok = True
    if report.unknown_keys(path, raw, CHANNEL_KEYS, "a channel", lambda key: line("channels", i, key)):
        ok = False
    cid, ctype, label = raw.get("id"), raw.get("type"), raw.get("label")
    if not slugs.is_id(cid):
        error("id", f"channel 'id' must be a short lowercase name like 'chat' (got {cid!r})")
        ok = False
    if ctype not in TYPES:
        error("type", f"unknown channel type '{ctype}'; use one of {', '.join(TYPES)}{did_you_mean(str(ctype), TYPES)}")
        ok = False
    if not isinstance(label, str) or not label.strip():
        error("label", "every channel needs a 'label' shoppers read, e.g. 'Live chat'")
        ok = False
    audience = raw.get("audience", "everyone")
    if audience not in AUDIENCES:
        error("audience", f"unknown audience '{audience}'; use one of {', '.join(AUDIENCES)}")
        ok = False
    address = str(raw.get("address") or "").strip()
    url = str(raw.get("url") or "").strip()
    if ctype in ("phone", "messaging"):
        digits = re.sub(r"\D", "", address)
        if not _PHONE.match(address) or not 8 <= len(digits) <= 15:
            error("address", f"'{address}' is not an international phone number like +353 1 555 0142")
            ok = False
        elif ctype == "phone":
            url = url or f"tel:+{digits}"
        else:
            app = str(raw.get("app") or "whatsapp").lower()
            if app not in MESSAGING_APPS:
                error("app", f"unknown messaging app '{app}'; use one of {', '.join(MESSAGING_APPS)}")
                ok = False
            else:
                url = url or MESSAGING_APPS[app].format(digits=digits)
    elif ctype == "email":
        if not _EMAIL.match(address):
            error("address", f"'{address}' is not an e-mail address")
            ok = False
        url = url or f"mailto:{address}"
    elif ctype in ("social", "form") and not (_URL.match(url) or url.startswith("/")):
        error("url", f"a {ctype} channel needs a 'url' starting with https:// (got {url!r})")
        ok = False
    elif ctype == "post" and len(address.splitlines()) < 2:
        error("address", "a postal address needs several lines (use 'address: |')")
        ok = False
    if url and not (url.startswith(("https://", "mailto:", "tel:", "sms:", "/"))):
        error("url", f"'{url}' must start with https://")
        ok = False
    script = str(raw.get("script") or "")
    if script and (ctype != "chat" or not _URL.match(script)):
        error("script", "'script' is a chat provider's https:// script, for chat channels only")
        ok = False
    if ctype == "chat" and not (url or script):
        error("url", "a chat channel needs a 'url' to open or a provider 'script' to load")
        ok = False
    schedule = None
    closed = [d for d, _ in contact.holidays]
    for j, value in enumerate(raw.get("closed") or []):
        date = parse_date(value)
        if date is None:
            report.error(path, line("channels", i, "closed", j), f"closed date '{value}' is not a date (YYYY-MM-DD)")
            ok = False
        else:
            closed.append(date)
    if "hours" in raw:
        try:
            schedule = parse_schedule(raw["hours"], str(raw.get("timezone") or contact.zone), closed)
        except HoursError as exc:
            key = "timezone" if "time zone" in str(exc) and "timezone" in raw else "hours"
            error(key, f"'{key}': {exc}")
            ok = False
    minutes = None
    response_fact = ""
    fact_ref = FACT_REF.match(str(raw.get("response_time", "")))
    if fact_ref:
        response_fact = fact_ref.group(1)  # resolved once the facts are loaded
    elif "response_time" in raw:
        try:
            minutes = parse_duration(raw["response_time"])
        except HoursError as exc:
            error("response_time", f"'response_time': {exc}")
            ok = False
    escalation = raw.get("escalation")
    if escalation is not None and (isinstance(escalation, bool) or not isinstance(escalation, int) or escalation < 1):
        error("escalation", "'escalation' must be a whole number from 1 (the first step)")
        ok = False
    if not ok:
        return None
    return Channel(
        id=cid,
        type=ctype,
        label=label.strip(),
        address=address,
        url=url,
        audience=audience,
        schedule=schedule,
        response_minutes=minutes,
        response=str(raw.get("response") or ""),
        escalation=escalation,
        script=script,
        note=str(raw.get("note") or ""),
        line=line("channels", i),
        response_fact=response_fact,
        response_line=line("channels", i, "response_time"),
    )

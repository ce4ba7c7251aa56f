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
from ..contact.hours import HoursError, Schedule, parse_duration, parse_schedule
from . import fields as f
from .diagnostics import Report
from .fields import parse_date
from .model import Channel, Contact
from .yamlfile import Lines, read_data_file

CONTACT_FILE = "contact.yml"
TYPES = ("phone", "email", "chat", "messaging", "social", "form", "post")
MESSAGING_APPS = {
    "whatsapp": "https://wa.me/{digits}",
    "telegram": "https://t.me/+{digits}",
    "signal": "https://signal.me/#p/+{digits}",
    "sms": "sms:+{digits}",
}

TOP = {
    "timezone": f.Field(default="UTC", help="an IANA name; the default of every channel"),
    "holidays": f.Field(default=list, help="a list of {date, name} or dates; every channel is closed"),
    "channels": f.Field(help="at least one channel (checked by load_contact)"),
    "markets": f.Field(default=dict, help="per market: {uk: {timezone, holidays}}, replacing the defaults there"),
    "translates": f.Field(default="", help="a translation (contact.de.yml): the source's version"),
}
MARKET = {
    "timezone": f.Field(help="an IANA name: this market's default for every channel"),
    "holidays": f.Field(help="this market's public holidays (instead of the file's)"),
}
CHANNEL = {
    "id": f.Id(required=True, message="channel 'id' must be a short lowercase name like 'chat' (got {value!r})"),
    "type": f.Choice(choices=TYPES, what="channel type", required=True),
    "label": f.Text(
        required=True, numbers=False, message="every channel needs a 'label' shoppers read, e.g. 'Live chat'"
    ),
    "address": f.Str(strip=True, help="a phone number, an e-mail address or a postal address, by type"),
    "url": f.Str(strip=True, help="where the channel starts; made from the address when absent"),
    "audience": f.Choice(choices=AUDIENCES, what="audience", suggest=False, default="everyone"),
    "hours": f.Field(help="opening hours, e.g. {mon-fri: '08:00-20:00'}; absent: any time"),
    "timezone": f.Field(help="the time zone of the hours; default: the file's"),
    "closed": f.List(default=list, blank=True, message="'closed' must be a list of dates (YYYY-MM-DD)"),
    "response_time": f.Field(help="the promise: 2m, 12h, 1d, or a fact with a time unit"),
    "response": f.Str(help="the promise as shoppers read it"),
    "escalation": f.Int(minimum=1, null=True, message="'escalation' must be a whole number from 1 (the first step)"),
    "script": f.Str(help="a chat provider's https:// script, loaded on request"),
    "note": f.Str(),
    "app": f.Str(default="whatsapp", help=f"messaging channels: {', '.join(MESSAGING_APPS)}"),
    "markets": f.List(
        default=list, blank=True, single=True, message="'markets' must be a list of market ids, e.g. [uk]"
    ),
}
FACT_REF = re.compile(r"^\{\{\s*fact\s*:\s*([a-z0-9_]+)\s*\}\}$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+[1-9][0-9 ()-]+$")
_URL = re.compile(r"^https://[^\s/$.?#][^\s]*$")
_STARTS = ("https://", "mailto:", "tel:", "sms:", "/")

# A problem a channel rule found: the key path below the channel, the message, the key.
Issue = tuple[tuple, str, "str | None"]


def load_contact(docs_dir: Path, report: Report, market=None) -> Contact | None:
    """``market`` (a :class:`~.markets.Market`): its time zone, holidays and channels only
    (a channel with ``markets: [...]`` is offered in those markets); None: every channel."""
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
    for problem in f.check(data, TOP, "contact.yml").problems:
        report.error(path, line(problem.key), problem.message, problem.key)
    own = _market_block(data.get("markets"), market, path, line, report)
    contact = Contact(path=path, zone=_zone(data, own, market, path, line, report))
    if "holidays" in own:
        contact.holidays = _holidays(own["holidays"] or [], path, line, report, ("markets", market.id, "holidays"))
    else:
        contact.holidays = _holidays(data.get("holidays") or [], path, line, report)
    channels = data.get("channels")
    if not isinstance(channels, list) or not channels:
        report.error(path, line("channels"), "'channels' must list at least one channel")
        return contact
    for i, raw in enumerate(channels):
        if market is not None and not _offered(raw, market):
            continue
        if market is None and _other_market(raw, channels[:i]):
            continue  # the same channel for another market (read as a whole: the first only)
        channel = _channel(raw, i, contact, path, line, report)
        if channel is not None and _unique(channel, i, contact, path, line, report):
            contact.channels.append(channel)
    return contact


def _zone(data: dict, own: dict, market, path: Path, line: Lines, report: Report) -> str:
    """The default time zone: the market's entry, else the market's own (mkdocs.yml), else the file's."""
    zone = own.get("timezone") or data.get("timezone") or "UTC"
    if market is not None and not own.get("timezone") and getattr(market, "timezone", None):
        zone = market.timezone
    try:
        parse_schedule({"mon": "00:00-01:00"}, str(zone))
    except HoursError as exc:
        where = ("markets", market.id, "timezone") if own.get("timezone") else ("timezone",)
        report.error(path, line(*where), f"'timezone': {exc}")
        zone = "UTC"
    return str(zone)


def _market_block(markets, market, path: Path, line: Lines, report: Report) -> dict:
    """This market's ``markets: {id: {timezone, holidays}}`` entry (checked), or {}."""
    if not markets:
        return {}
    if not isinstance(markets, dict):
        report.error(path, line("markets"), "'markets' must be a mapping of market id: {timezone, holidays}")
        return {}
    for market_id, block in markets.items():
        if not isinstance(block, dict):
            report.error(
                path, line("markets", market_id), f"market '{market_id}' must be a mapping {{timezone, holidays}}"
            )
            continue
        for problem in f.check(block, MARKET, f"market '{market_id}'").problems:
            report.error(path, line("markets", market_id, problem.key), problem.message, problem.key)
    block = markets.get(market.id) if market is not None else None
    return block if isinstance(block, dict) else {}


def _other_market(raw, before: list) -> bool:
    """Whether an earlier channel has the same id for other markets only (``phone`` for
    ``[ie]``, then ``phone`` for ``[uk]``): the same channel, not a duplicate."""
    if not isinstance(raw, dict) or not raw.get("markets"):
        return False
    mine = set(_markets_of(raw))
    return any(
        isinstance(b, dict) and b.get("id") == raw.get("id") and b.get("markets") and not mine & set(_markets_of(b))
        for b in before
    )


def _markets_of(raw: dict) -> list[str]:
    wanted = raw.get("markets") or []
    return [str(m) for m in ([wanted] if isinstance(wanted, str) else wanted)]


def _offered(raw, market) -> bool:
    """Whether a channel (as written) is offered in ``market``: no ``markets`` list, or it names it."""
    if not isinstance(raw, dict) or not raw.get("markets"):
        return True
    return market.id in _markets_of(raw)


def _holidays(holidays, path: Path, line: Lines, report: Report, where=("holidays",)) -> list[tuple[dt.date, str]]:
    if not isinstance(holidays, list):
        report.error(path, line(*where), "'holidays' must be a list of {date, name}")
        return []
    days = []
    for i, item in enumerate(holidays):
        item = item if isinstance(item, dict) else {"date": item}
        date = parse_date(item.get("date"))
        if date is None:
            report.error(path, line(*where, i), f"holiday date '{item.get('date')}' is not a date (YYYY-MM-DD)")
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


def _channel(raw, i: int, contact: Contact, path: Path, line: Lines, report: Report) -> Channel | None:
    """The channel at ``channels[i]``, or None when anything in it is wrong (all reported)."""
    if not isinstance(raw, dict):
        report.error(path, line("channels", i), "a channel must be a mapping with id, type and label")
        return None
    checked = f.check(raw, CHANNEL, "a channel")
    issues: list[Issue] = [((p.key,), p.message, p.key) for p in checked.problems]
    ctype = checked.get("type")
    url, link_issues = _link(ctype, checked)
    closed, closed_issues = _closed(checked.get("closed"), contact)
    schedule, hours_issues = _schedule(checked, contact.zone, closed)
    minutes, response_fact, response_issues = _response(checked)
    issues += [*link_issues, *_script(ctype, checked.get("script"), url), *closed_issues]
    issues += [*hours_issues, *response_issues]
    for where, message, key in issues:
        report.error(path, line("channels", i, *where), message, key)
    if issues:
        return None
    return Channel(
        id=checked.get("id"),
        type=ctype,
        label=checked.get("label"),
        address=checked.get("address"),
        url=url,
        audience=checked.get("audience"),
        schedule=schedule,
        response_minutes=minutes,
        response=checked.get("response"),
        escalation=checked.get("escalation"),
        script=checked.get("script"),
        note=checked.get("note"),
        line=line("channels", i),
        response_fact=response_fact,
        response_line=line("channels", i, "response_time"),
    )


def _link(ctype, checked: f.Checked) -> tuple[str, list[Issue]]:
    """Where the channel starts (``url``, or one made from the address) and what is wrong."""
    address, url = checked.get("address"), checked.get("url")
    rule = _ADDRESS_RULES.get(ctype)
    issues = []
    if rule is not None:
        url, issues = rule(ctype, address, url, checked)
    if url and not url.startswith(_STARTS):
        issues.append((("url",), f"'{url}' must start with https://", "url"))
    return url, issues


def _phone(ctype: str, address: str, url: str, checked: f.Checked) -> tuple[str, list[Issue]]:
    """Phone and messaging channels: an international number; the link is made from it."""
    digits = re.sub(r"\D", "", address)
    if not _PHONE.match(address) or not 8 <= len(digits) <= 15:
        message = f"'{address}' is not an international phone number like +353 1 555 0142"
        return url, [(("address",), message, "address")]
    if ctype == "phone":
        return url or f"tel:+{digits}", []
    app = (checked.get("app") or "whatsapp").lower()
    if app not in MESSAGING_APPS:
        return url, [(("app",), f"unknown messaging app '{app}'; use one of {', '.join(MESSAGING_APPS)}", "app")]
    return url or MESSAGING_APPS[app].format(digits=digits), []


def _email(ctype: str, address: str, url: str, checked: f.Checked) -> tuple[str, list[Issue]]:
    issues = [] if _EMAIL.match(address) else [(("address",), f"'{address}' is not an e-mail address", "address")]
    return url or f"mailto:{address}", issues


def _web(ctype: str, address: str, url: str, checked: f.Checked) -> tuple[str, list[Issue]]:
    """Social and form channels open a web page."""
    if _URL.match(url) or url.startswith("/"):
        return url, []
    return url, [(("url",), f"a {ctype} channel needs a 'url' starting with https:// (got {url!r})", "url")]


def _post(ctype: str, address: str, url: str, checked: f.Checked) -> tuple[str, list[Issue]]:
    if len(address.splitlines()) < 2:
        return url, [(("address",), "a postal address needs several lines (use 'address: |')", "address")]
    return url, []


_ADDRESS_RULES = {"phone": _phone, "messaging": _phone, "email": _email, "social": _web, "form": _web, "post": _post}


def _script(ctype, script: str, url: str) -> list[Issue]:
    """A provider's script is for chat only; a chat channel needs a url or a script."""
    issues = []
    if script and (ctype != "chat" or not _URL.match(script)):
        issues.append((("script",), "'script' is a chat provider's https:// script, for chat channels only", "script"))
    if ctype == "chat" and not (url or script):
        issues.append((("url",), "a chat channel needs a 'url' to open or a provider 'script' to load", "url"))
    return issues


def _closed(values, contact: Contact) -> tuple[list[dt.date], list[Issue]]:
    """The file's holidays and the channel's own ``closed`` dates."""
    closed, issues = [d for d, _ in contact.holidays], []
    for j, value in enumerate(values or []):
        date = parse_date(value)
        if date is None:
            issues.append((("closed", j), f"closed date '{value}' is not a date (YYYY-MM-DD)", None))
        else:
            closed.append(date)
    return closed, issues


def _schedule(checked: f.Checked, zone: str, closed: list[dt.date]) -> tuple[Schedule | None, list[Issue]]:
    if "hours" not in checked.values:
        return None, []
    try:
        return parse_schedule(checked.get("hours"), str(checked.get("timezone") or zone), closed), []
    except HoursError as exc:
        key = "timezone" if "time zone" in str(exc) and "timezone" in checked.values else "hours"
        return None, [((key,), f"'{key}': {exc}", key)]


def _response(checked: f.Checked) -> tuple[int | None, str, list[Issue]]:
    """(minutes, fact name, issues): a duration, or a fact resolved once the facts are loaded."""
    fact_ref = FACT_REF.match(str(checked.values.get("response_time", "")))
    if fact_ref:
        return None, fact_ref.group(1), []
    if "response_time" not in checked.values:
        return None, "", []
    try:
        return parse_duration(checked.get("response_time")), "", []
    except HoursError as exc:
        return None, "", [(("response_time",), f"'response_time': {exc}", "response_time")]

"""Policy facts (``facts.yml``): numbers written once and used everywhere.

```yaml
facts:
  return_window:
    value: 30
    unit: days                # days, hours, %, or a currency: EUR
    label: Return window
    keywords: [return]        # kbgen check warns where "14 days" is written near them
    changes:                  # a scheduled change: the value from that date on
      - {from: 2027-03-01, value: 60}
structured_data:              # optional: schema.org for search engines, built from the facts
  organization: Larkspur Market Ltd
  url: https://www.larkspur.example/
  country: IE
  return_policy: {days: return_window, fees: free, restocking_fee: restocking_fee}
  shipping: {free_over: free_shipping_threshold, handling_days: max_handling_days,
             transit_days: [2, 5]}
```
Pages write ``{{ fact:return_window }}``; the build renders "30 days".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import fields as f
from .diagnostics import Report, did_you_mean
from .fields import parse_date
from .yamlfile import Lines, read_data_file

FACTS_FILE = "facts.yml"
CURRENCIES = {"EUR": "€", "GBP": "£", "USD": "$"}
TIME_UNITS = ("minutes", "hours", "days", "business days", "weeks", "months", "years")
FILE = {
    "facts": f.Mapping(blank=True, message="'facts' must be a mapping of name: value, or name: {value, unit, ...}"),
    "structured_data": f.Field(default=dict, help="schema.org data built from the facts"),
}
FACT = {
    "value": f.Field(required=True, help="a number or short text"),
    "unit": f.Choice(
        choices=("%", *CURRENCIES, *TIME_UNITS),
        blank=True,
        default="",
        message=f"unknown unit '{{value}}'; use %, a currency ({', '.join(CURRENCIES)}) or {', '.join(TIME_UNITS)}",
    ),
    "label": f.Str(help="what it is, in words; default: the name"),
    "keywords": f.List(
        default=list,
        blank=True,
        single=True,
        message="'keywords' must be a list of words near which a value is checked",
    ),
    "changes": f.List(default=list, blank=True, message="'changes' must be a list of {from: YYYY-MM-DD, value}"),
    "text": f.Str(help="an explicit rendering, when the value needs words"),
    "markets": f.Mapping(blank=True, message="'markets' must be a mapping of market id: {value, unit, changes}"),
}
# A market's own value: ``markets: {uk: {value: 35, unit: GBP}}`` (unit and text default to
# the fact's; changes to none).
MARKET_VALUE = {key: FACT[key] for key in ("value", "unit", "changes", "text")}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass
class Fact:
    name: str
    value: object
    unit: str = ""
    label: str = ""
    keywords: tuple[str, ...] = ()
    changes: list[tuple[dt.date, object]] = field(default_factory=list)  # (from, value)
    text: str = ""  # an explicit rendering, when the value needs words
    line: int = 1
    language: str = "en"  # the language values render in

    def value_on(self, day: dt.date):
        value = self.value
        for start, new in sorted(self.changes, key=lambda c: c[0]):
            if start <= day:
                value = new
        return value

    def render(self, day: dt.date, value=None, fmt: ValueFormat | None = None) -> str:
        """The value on ``day`` (or ``value``) as shoppers read it. In a writer's sentence
        (no ``fmt``) in the fact's language, time units in German's dative ("innerhalb von
        30 Tagen"); ``fmt``: the interface's formatting instead (kbgen.i18n's
        ``Messages.format_value``, "60 Tage (bisher 30 Tage)" on the policy updates page)."""
        value = self.value_on(day) if value is None else value
        if self.text and value == self.value:
            return self.text
        if fmt is not None:
            return fmt(value, self.unit)
        return format_value(value, self.unit, self.language)

    def upcoming(self, day: dt.date) -> list[tuple[dt.date, object]]:
        return sorted((c for c in self.changes if c[0] > day), key=lambda c: c[0])


ValueFormat = Callable[[object, str], str]


# German renderings: amounts after the number with a space ("40 €", "10 %"), a decimal
# comma, and time units in the dative plural, which fits "innerhalb von", "nach", "seit".
GERMAN_UNITS = {
    "minutes": ("Minute", "Minuten"),
    "hours": ("Stunde", "Stunden"),
    "days": ("Tag", "Tagen"),
    "business days": ("Werktag", "Werktagen"),
    "weeks": ("Woche", "Wochen"),
    "months": ("Monat", "Monaten"),
    "years": ("Jahr", "Jahren"),
}


def format_value(value, unit: str, language: str = "en") -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if language == "de":
        return _format_german(value, unit)
    if unit in CURRENCIES:
        amount = f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"
        return f"{CURRENCIES[unit]}{amount}"
    if unit == "%":
        return f"{value}%"
    if unit:
        singular = unit[:-1] if unit.endswith("s") and value == 1 else unit
        return f"{value} {singular}"
    return str(value)


def _format_german(value, unit: str) -> str:
    if isinstance(value, float):
        number = f"{value:,.2f}" if unit in CURRENCIES else f"{value:,}"
        number = number.replace(",", "\u202f").replace(".", ",")
    else:
        number = f"{value:,}".replace(",", ".") if isinstance(value, int) and abs(value) >= 10000 else str(value)
    if unit in CURRENCIES:
        return f"{number}\u00a0{CURRENCIES[unit]}"
    if unit == "%":
        return f"{number}\u00a0%"
    if unit in GERMAN_UNITS:
        one, many = GERMAN_UNITS[unit]
        return f"{number} {one if value == 1 else many}"
    return f"{number} {unit}".strip()


@dataclass
class Facts:
    path: Path | None = None
    facts: dict[str, Fact] = field(default_factory=dict)
    structured: dict = field(default_factory=dict)
    lines: Lines | None = None
    fmt: ValueFormat | None = None  # how values read in the help center's language (None: English)
    market: str | None = None  # the market these values are for
    missing: dict[str, str] = field(default_factory=dict)  # fact -> why it has no value in this market

    def get(self, name: str) -> Fact | None:
        return self.facts.get(name)


def load_facts(docs_dir: Path, report: Report, market=None, language: str = "en") -> Facts:
    """``market`` (a :class:`~.markets.Market`): each fact's value there (see :func:`_for_market`);
    ``language``: the language values render in."""
    path = docs_dir / FACTS_FILE
    if not path.is_file():
        return Facts()
    parsed = read_data_file(path, report, docs_dir)
    if parsed is None:
        return Facts(path)
    data, line = parsed
    facts = Facts(path, lines=line)
    if not isinstance(data, dict):
        report.error(path, 1, "facts.yml must be a mapping with 'facts:'")
        return facts
    checked = f.check(data, FILE, "facts.yml")
    for problem in checked.problems:
        report.error(path, line(problem.key), problem.message, problem.key)
    for name, raw_fact in checked.get("facts").items():
        fact = _fact(str(name), raw_fact, path, line, report)
        if fact is not None:
            fact.language = language
            facts.facts[fact.name] = fact
    structured = data.get("structured_data") or {}  # optional: without it, no merchant JSON-LD
    if structured and not isinstance(structured, dict):
        report.error(path, line("structured_data"), "structured_data must be a mapping (organization: ..., url: ...)")
    elif structured:
        facts.structured = structured
        _check_structured(facts, path, line, report)
    if market is not None:
        _for_market(facts, data, market, path, line, report)
    return facts


def _for_market(facts: Facts, data: dict, market, path: Path, line: Lines, report: Report) -> None:
    """Each fact's value in ``market``: its ``markets.<id>`` entry, else the fact's own value,
    unless that is missing (a fact written per market only) or in another currency than the
    market's. A fact without a value there is left out and named in ``facts.missing``; a page
    of that market using it is an error (:func:`..checks.unknown_shortcodes`)."""
    facts.market = market.id
    raw_facts = data.get("facts") if isinstance(data.get("facts"), dict) else {}
    for name, fact in list(facts.facts.items()):
        raw = raw_facts.get(name)
        own = (raw.get("markets") or {}).get(market.id) if isinstance(raw, dict) else None
        if isinstance(own, dict):
            where = ("facts", name, "markets", market.id)
            checked = f.check(own, MARKET_VALUE, f"fact '{name}' in market '{market.id}'")
            for problem in checked.problems:
                report.error(path, line(*where, problem.key), problem.message, problem.key)
            changes, bad = _changes(checked.get("changes"))
            for i in bad:
                report.error(path, line(*where, "changes", i), "a change needs 'from' (YYYY-MM-DD) and the new 'value'")
            if "value" not in own or checked.problems or bad:
                facts.missing[name] = f"its entry for market '{market.id}' has no usable value"
                del facts.facts[name]
                continue
            fact.value, fact.changes = own["value"], changes
            fact.unit = checked.get("unit") or fact.unit
            fact.text = checked.get("text") or ""
            fact.line = line(*where)
        elif fact.value is None:
            facts.missing[name] = f"no value for market '{market.id}' (add markets: {{{market.id}: {{value: ...}}}})"
        elif fact.unit in CURRENCIES and market.currency and fact.unit != market.currency:
            facts.missing[name] = (
                f"its value is in {fact.unit}, and market '{market.id}' pays in {market.currency}: "
                f"add markets: {{{market.id}: {{value: ..., unit: {market.currency}}}}}"
            )
        else:
            continue
        if name in facts.missing:
            del facts.facts[name]
    if facts.structured and market.country:
        facts.structured = {**facts.structured, "country": market.country}


def _fact(name: str, raw, path: Path, line: Lines, report: Report) -> Fact | None:
    where = ("facts", name)
    if not _NAME.match(name):
        report.error(path, line(*where), f"fact name '{name}' must be lowercase words joined by _")
        return None
    raw = raw if isinstance(raw, dict) else {"value": raw}
    checked = f.check(raw, FACT, f"fact '{name}'")
    unknown = [p for p in checked.problems if p.kind == f.UNKNOWN]
    for problem in unknown:
        report.error(path, line(*where, problem.key), problem.message, problem.key)
    value = checked.values.get("value")
    if "value" not in raw and raw.get("markets"):
        checked.values["value"] = None  # written per market only: see _for_market
    elif "value" not in checked.values or isinstance(value, (dict, list)):
        report.error(path, line(*where), f"fact '{name}' needs a 'value' (a number or short text)")
        return None
    problems = [(p.key, p.message) for p in checked.problems if p.kind == f.INVALID]
    unit = checked.get("unit")
    if raw.get("unit") and "value" in raw and not isinstance(value, (int, float)):  # any unit written, known or not
        problems.append(("value", f"fact '{name}' has a unit, so its value must be a number"))
    changes, bad = _changes(checked.get("changes"))
    problems += [(("changes", i), "a change needs 'from' (YYYY-MM-DD) and the new 'value'") for i in bad]
    for key, message in problems:
        report.error(path, line(*where, *(key if isinstance(key, tuple) else (key,))), message)
    if unknown or problems:
        return None
    return Fact(
        name,
        value,
        unit,
        checked.get("label") or name.replace("_", " ").capitalize(),
        tuple(str(k).lower() for k in checked.get("keywords")),
        changes,
        checked.get("text"),
        line(*where),
    )


def _changes(items) -> tuple[list[tuple[dt.date, object]], list[int]]:
    """The scheduled changes (from, value), and the indexes of those without both."""
    changes, bad = [], []
    for i, change in enumerate(items or []):
        start = parse_date(change.get("from")) if isinstance(change, dict) else None
        if start is None or "value" not in change:
            bad.append(i)
        else:
            changes.append((start, change["value"]))
    return changes, bad


def _check_structured(facts: Facts, path: Path, line: Lines, report: Report) -> None:
    data = facts.structured

    def need_fact(value, where: tuple, unit_kind: str | None = None) -> None:
        if isinstance(value, str) and value not in facts.facts:
            report.error(
                path, line("structured_data", *where), f"unknown fact '{value}'{did_you_mean(value, facts.facts)}"
            )

    for key in ("organization", "url"):
        if not data.get(key):
            report.error(path, line("structured_data"), f"structured_data needs '{key}'")
    policy, shipping = (_mapping(data, key, path, line, report) for key in ("return_policy", "shipping"))
    for key in ("days", "restocking_fee"):
        if key in policy:
            need_fact(policy[key], ("return_policy", key))
    if policy and policy.get("fees", "free") not in ("free", "buyer_pays", "restocking_fee"):
        report.error(
            path, line("structured_data", "return_policy", "fees"), "'fees' must be free, buyer_pays or restocking_fee"
        )
    for key in ("free_over", "handling_days", "rate"):
        if key in shipping:
            need_fact(shipping[key], ("shipping", key))


def _mapping(data: dict, key: str, path: Path, line: Lines, report: Report) -> dict:
    """``structured_data.<key>``: a mapping, or empty (reported when something else)."""
    value = data.get(key) or {}
    if isinstance(value, dict):
        return value
    report.error(path, line("structured_data", key), f"'{key}' must be a mapping of 'key: value' lines")
    return {}


# -- placeholders --------------------------------------------------------------------------


def render_placeholders(text: str, facts: Facts, day: dt.date) -> str:
    """Replace ``{{ fact:name }}`` (outside code) with the value on ``day``."""
    from .mdscan import SHORTCODE, mask_code

    masked = mask_code(text)
    out, pos = [], 0
    for match in SHORTCODE.finditer(masked):
        if match.group("kind") != "fact":
            continue
        fact = facts.get(match.group("id"))
        if fact is None:
            continue  # reported by checks.unknown_shortcodes
        out.append(text[pos : match.start()])
        out.append(fact.render(day))  # in the language the writer wrote in
        pos = match.end()
    out.append(text[pos:])
    return "".join(out)


def used_facts(text: str) -> list[str]:
    from .mdscan import SHORTCODE, mask_code

    return [m.group("id") for m in SHORTCODE.finditer(mask_code(text)) if m.group("kind") == "fact"]


_NUMBER_UNIT = re.compile(
    r"(?P<all>(?P<cur>[€£$])\s?(?P<amount1>\d+(?:[.,]\d+)?)|(?P<amount2>\d+(?:\.\d+)?)\s?"
    r"(?P<unit>%|percent|business days?|days?|hours?|minutes?|weeks?|months?))",
    re.I,
)
_WORD = re.compile(r"[a-z]+")
NEARBY_WORDS = 6


IGNORE_MARK = "kbgen:not-a-fact"  # an HTML comment on a line: its numbers are examples


def hard_coded_values(body: str, facts: Facts, first_line: int = 1):
    """(line, text written, fact) where a body writes a value a fact covers.

    A number with the fact's kind of unit within a few words of one of the
    fact's keywords (words or phrases): "within 14 days" near "return" while
    return_window has keywords [return]. When several facts could apply, the one
    whose value was written wins. Placeholders, code and lines marked
    ``<!-- kbgen:not-a-fact -->`` are ignored.
    """
    from .mdscan import SHORTCODE, mask_code

    masked = SHORTCODE.sub(lambda m: " " * len(m.group(0)), mask_code(body))
    keyed = [f for f in facts.facts.values() if f.keywords and isinstance(f.value, (int, float))]
    if not keyed:
        return []
    found = []
    for match in _NUMBER_UNIT.finditer(masked):
        line_start = masked.rfind("\n", 0, match.start()) + 1
        line_end = masked.find("\n", match.end())
        if IGNORE_MARK in body[line_start : line_end if line_end != -1 else len(body)]:
            continue
        unit = (match.group("unit") or "").lower()
        currency = match.group("cur")
        amount = float((match.group("amount1") or match.group("amount2")).replace(",", "."))
        before = _WORD.findall(masked[max(0, match.start() - 80) : match.start()].lower())[-NEARBY_WORDS:]
        after = _WORD.findall(masked[match.end() : match.end() + 80].lower())[:NEARBY_WORDS]
        window = " " + " ".join(before + after) + " "
        candidates = [
            fact
            for fact in keyed
            if _same_kind(fact.unit, unit, currency) and any(f" {k}" in window for k in fact.keywords)
        ]
        if candidates:
            same = [f for f in candidates if any(float(v) == amount for v in _values(f))]
            line = first_line + masked.count("\n", 0, match.start())
            found.append((line, match.group("all"), (same or candidates)[0]))
    return found


def _values(fact: Fact) -> list:
    return [v for v in [fact.value, *(c[1] for c in fact.changes)] if isinstance(v, (int, float))]


def _same_kind(fact_unit: str, unit: str, currency: str | None) -> bool:
    if fact_unit in CURRENCIES:
        return currency is not None and CURRENCIES[fact_unit] == currency
    if fact_unit == "%":
        return unit in ("%", "percent")
    if fact_unit:
        return (
            bool(unit)
            and unit.split()[-1].rstrip("s") == fact_unit.split()[-1].rstrip("s")
            and ("business" in unit) == ("business" in fact_unit)
        )
    return False


def apply(center, day: dt.date) -> None:
    """Render every placeholder in the loaded content with the values on ``day``.

    Runs after all checks (which need the placeholders); later steps (pages,
    search) then see the values shoppers read.
    """
    facts = center.facts
    if facts is None:
        return

    def render(text: str) -> str:
        return render_placeholders(text, facts, day) if "{{" in text else text

    for article in [*center.articles, *[c.intro for c in center.categories if c.intro]]:
        article.facts_used = list(dict.fromkeys(used_facts(article.body)))
        article.body = render(article.body)
        article.summary = render(article.summary)
    if center.home is not None:
        center.home.body = render(center.home.body)
    for entry in center.faqs:
        entry.body = render(entry.body)
    for flow in center.flows:
        for owner, name, _ in flow.placeholder_fields():
            setattr(owner, name, render(getattr(owner, name)))
    _apply_to_glossary(center, render)
    if center.contact is not None:
        for channel in center.contact.channels:
            channel.response, channel.note = render(channel.response), render(channel.note)
            fact = facts.get(channel.response_fact) if channel.response_fact else None
            if fact is not None and fact.unit in MINUTES_PER:
                channel.response_minutes = round(fact.value_on(day) * MINUTES_PER[fact.unit])


def _apply_to_glossary(center, render) -> None:
    """A definition may quote a fact (one that differs per market, say)."""
    if center.glossary is not None:
        for term in center.glossary.terms:
            term.definition = render(term.definition)


MINUTES_PER = {"minutes": 1, "hours": 60, "days": 1440, "business days": 1440, "weeks": 10080}


def check_channel_facts(center, report: Report) -> None:
    """``response_time: "{{ fact:name }}"`` must name a fact with a time unit."""
    if center.contact is None:
        return
    facts = center.facts or Facts()
    for channel in center.contact.channels:
        if not channel.response_fact:
            continue
        fact = facts.get(channel.response_fact)
        if fact is None:
            report.error(
                center.contact.path,
                channel.response_line,
                f"unknown fact '{channel.response_fact}'{did_you_mean(channel.response_fact, facts.facts)}",
            )
        elif fact.unit not in MINUTES_PER:
            report.error(
                center.contact.path,
                channel.response_line,
                f"fact '{fact.name}' is not a time (its unit is '{fact.unit or 'none'}')",
            )

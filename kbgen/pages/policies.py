"""Policy changes, scheduled fact changes, the Atom feed and schema.org data.

All derived from the content model: article ``changes`` (what changed, when),
fact ``changes`` (what will change), and ``structured_data`` in facts.yml.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ..content.model import HelpCenter
from ..i18n import Messages, messages
from . import atom
from .dates import date_view

FEED_FILE = "policy-updates.xml"


def upcoming_changes(center: HelpCenter, names: list[str], today: dt.date, m: Messages | None = None) -> list[dict]:
    """Scheduled changes of the given facts: "From 1 March 2027: Return window 60 days"."""
    notices = []
    facts = center.facts
    for name in names:
        fact = facts.get(name) if facts else None
        if fact is None:
            continue
        for start, value in fact.upcoming(today):
            notices.append(
                {
                    "date": date_view(start, m),
                    "label": fact.label,
                    "value": fact.render(today, value, fmt=facts.fmt),
                    "now": fact.render(today, fmt=facts.fmt),
                }
            )
    return sorted(notices, key=lambda n: n["date"]["iso"])


def all_changes(center: HelpCenter, url_for: Callable[[str], str], m: Messages | None = None) -> list[dict]:
    """Every article's change history, newest first."""
    entries = []
    for article in center.articles:
        for index, (date, summary) in enumerate(article.changes):
            entries.append(
                {
                    "date": date_view(date, m),
                    "summary": summary,
                    "title": article.title,
                    "url": url_for(article.src),
                    "src": article.src,
                    "index": index,
                }
            )
    entries.sort(key=lambda e: (e["date"]["iso"], e["title"]), reverse=True)
    return entries


def scheduled_changes(center: HelpCenter, today: dt.date, m: Messages | None = None) -> list[dict]:
    facts = center.facts
    if not facts:
        return []
    names = [name for name, fact in facts.facts.items() if fact.upcoming(today)]
    return upcoming_changes(center, names, today, m)


def atom_feed(
    center: HelpCenter, url_for: Callable[[str], str], site_url: str, title: str, m: Messages | None = None
) -> bytes:
    """An Atom 1.0 feed of policy changes; ids and dates come from content only."""
    base = site_url.rstrip("/") + "/"
    changes = all_changes(center, url_for, m)
    newest = changes[0]["date"]["iso"] if changes else "1970-01-01"
    entries = []
    for change in changes:
        link = base + change["url"]
        entries.append(
            atom.Entry(
                f"{change['title']}: {change['summary']}",
                link,
                f"{link}#change-{change['date']['iso']}-{change['index']}",
                f"{change['date']['iso']}T00:00:00Z",
                change["summary"],
            )
        )
    return atom.feed(
        (m or messages()).gettext("%(site)s: policy updates", site=title),
        base + FEED_FILE,
        f"{newest}T00:00:00Z",
        title,
        entries,
        alternate=base + url_for("policy-updates.md"),
    )


def organization_jsonld(center: HelpCenter, today: dt.date) -> dict | None:
    """schema.org Organization with its store-wide MerchantReturnPolicy and
    OfferShippingDetails, from the facts named in ``structured_data``."""
    facts = center.facts
    data = facts.structured if facts else {}
    if not data.get("organization") or not data.get("url"):
        return None
    values = _FactValues(facts, today)
    org: dict = {
        "@type": "Organization",
        "@id": data["url"].rstrip("/") + "/#organization",
        "name": data["organization"],
        "url": data["url"],
    }
    if data.get("return_policy"):
        org["hasMerchantReturnPolicy"] = _return_policy(data["return_policy"], data.get("country"), values)
    graph = [org]
    if data.get("shipping"):
        details = _shipping_details(data["shipping"], data, values)
        if facts.market and data.get("country"):  # one market's shipping among others: its own id
            details["@id"] += "-" + data["country"].lower()
        graph.append(details)
    return {"@context": "https://schema.org", "@graph": graph}


class _FactValues:
    """``structured_data`` names facts or gives numbers: the value on a day, and the unit."""

    def __init__(self, facts, today: dt.date):
        self.facts, self.today = facts, today

    def value(self, name):
        fact = self.facts.get(name) if isinstance(name, str) else None
        return fact.value_on(self.today) if fact else name

    def unit(self, name) -> str:
        fact = self.facts.get(name) if isinstance(name, str) else None
        return fact.unit if fact else ""


_RETURN_FEES = {
    "free": "https://schema.org/FreeReturn",
    "buyer_pays": "https://schema.org/ReturnShippingFees",
    "restocking_fee": "https://schema.org/RestockingFees",
}


def _return_policy(policy: dict, country, values: _FactValues) -> dict:
    days = values.value(policy.get("days"))
    return_policy: dict = {"@type": "MerchantReturnPolicy"}
    if country:
        return_policy["applicableCountry"] = country
    if days:
        return_policy["returnPolicyCategory"] = "https://schema.org/MerchantReturnFiniteReturnWindow"
        return_policy["merchantReturnDays"] = days
    else:
        return_policy["returnPolicyCategory"] = "https://schema.org/MerchantReturnNotPermitted"
    return_policy["returnFees"] = _RETURN_FEES[policy.get("fees", "free")]
    if policy.get("restocking_fee") and values.unit(policy["restocking_fee"]) == "%":
        return_policy["restockingFee"] = {
            "@type": "QuantitativeValue",
            "value": values.value(policy["restocking_fee"]),
            "unitText": "percent",
        }
    return_policy["returnMethod"] = "https://schema.org/ReturnByMail"
    return return_policy


def _shipping_details(shipping: dict, data: dict, values: _FactValues) -> dict:
    details: dict = {"@type": "OfferShippingDetails", "@id": data["url"].rstrip("/") + "/#shipping"}
    if data.get("country"):
        details["shippingDestination"] = {"@type": "DefinedRegion", "addressCountry": data["country"]}
    free_over = shipping.get("free_over")
    if free_over:
        details["freeShippingThreshold"] = {
            "@type": "MonetaryAmount",
            "value": values.value(free_over),
            "currency": values.unit(free_over),
        }
    handling = shipping.get("handling_days")
    transit = shipping.get("transit_days")
    if handling or transit:
        time: dict = {"@type": "ShippingDeliveryTime"}
        if handling is not None:
            time["handlingTime"] = _range(
                values.value(handling) if not isinstance(handling, list) else [values.value(v) for v in handling]
            )
        if transit is not None:
            time["transitTime"] = _range(transit)
        details["deliveryTime"] = time
    return details


def _range(value) -> dict:
    low, high = (value[0], value[-1]) if isinstance(value, list) else (0, value)
    return {"@type": "QuantitativeValue", "minValue": low, "maxValue": high, "unitCode": "DAY"}

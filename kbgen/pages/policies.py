"""Policy changes, scheduled fact changes, the Atom feed and schema.org data.

All derived from the content model: article ``changes`` (what changed, when),
fact ``changes`` (what will change), and ``structured_data`` in facts.yml.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from xml.etree import ElementTree as ET

from ..content.model import HelpCenter

FEED_FILE = "policy-updates.xml"
ATOM = "http://www.w3.org/2005/Atom"


def _date(value: dt.date) -> dict:
    return {"iso": value.isoformat(), "text": f"{value.day} {value:%B %Y}"}


def upcoming_changes(center: HelpCenter, names: list[str], today: dt.date) -> list[dict]:
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
                    "date": _date(start),
                    "label": fact.label,
                    "value": fact.render(today, value),
                    "now": fact.render(today),
                }
            )
    return sorted(notices, key=lambda n: n["date"]["iso"])


def all_changes(center: HelpCenter, url_for: Callable[[str], str]) -> list[dict]:
    """Every article's change history, newest first."""
    entries = []
    for article in center.articles:
        for index, (date, summary) in enumerate(article.changes):
            entries.append(
                {
                    "date": _date(date),
                    "summary": summary,
                    "title": article.title,
                    "url": url_for(article.src),
                    "src": article.src,
                    "index": index,
                }
            )
    entries.sort(key=lambda e: (e["date"]["iso"], e["title"]), reverse=True)
    return entries


def scheduled_changes(center: HelpCenter, today: dt.date) -> list[dict]:
    facts = center.facts
    if not facts:
        return []
    names = [name for name, fact in facts.facts.items() if fact.upcoming(today)]
    return upcoming_changes(center, names, today)


def atom_feed(center: HelpCenter, url_for: Callable[[str], str], site_url: str, title: str) -> bytes:
    """An Atom 1.0 feed of policy changes; ids and dates come from content only."""
    base = site_url.rstrip("/") + "/"
    entries = all_changes(center, url_for)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = f"{title}: policy updates"
    ET.SubElement(feed, f"{{{ATOM}}}id").text = base + FEED_FILE
    newest = entries[0]["date"]["iso"] if entries else "1970-01-01"
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = f"{newest}T00:00:00Z"
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=base + FEED_FILE)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=base + url_for("policy-updates.md"))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = title
    for entry in entries:
        item = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(item, f"{{{ATOM}}}title").text = f"{entry['title']}: {entry['summary']}"
        link = base + entry["url"]
        ET.SubElement(item, f"{{{ATOM}}}link", rel="alternate", href=link)
        ET.SubElement(item, f"{{{ATOM}}}id").text = f"{link}#change-{entry['date']['iso']}-{entry['index']}"
        ET.SubElement(item, f"{{{ATOM}}}updated").text = f"{entry['date']['iso']}T00:00:00Z"
        ET.SubElement(item, f"{{{ATOM}}}summary").text = entry["summary"]
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def organization_jsonld(center: HelpCenter, today: dt.date) -> dict | None:
    """schema.org Organization with its store-wide MerchantReturnPolicy and
    OfferShippingDetails, from the facts named in ``structured_data``."""
    facts = center.facts
    data = facts.structured if facts else {}
    if not data.get("organization") or not data.get("url"):
        return None

    def value(name):
        fact = facts.get(name) if isinstance(name, str) else None
        return fact.value_on(today) if fact else name

    def unit(name):
        fact = facts.get(name) if isinstance(name, str) else None
        return fact.unit if fact else ""

    country = data.get("country")
    org: dict = {
        "@type": "Organization",
        "@id": data["url"].rstrip("/") + "/#organization",
        "name": data["organization"],
        "url": data["url"],
    }
    policy = data.get("return_policy")
    if policy:
        days = value(policy.get("days"))
        return_policy: dict = {"@type": "MerchantReturnPolicy"}
        if country:
            return_policy["applicableCountry"] = country
        if days:
            return_policy["returnPolicyCategory"] = "https://schema.org/MerchantReturnFiniteReturnWindow"
            return_policy["merchantReturnDays"] = days
        else:
            return_policy["returnPolicyCategory"] = "https://schema.org/MerchantReturnNotPermitted"
        fees = policy.get("fees", "free")
        return_policy["returnFees"] = {
            "free": "https://schema.org/FreeReturn",
            "buyer_pays": "https://schema.org/ReturnShippingFees",
            "restocking_fee": "https://schema.org/RestockingFees",
        }[fees]
        if policy.get("restocking_fee") and unit(policy["restocking_fee"]) == "%":
            return_policy["restockingFee"] = {
                "@type": "QuantitativeValue",
                "value": value(policy["restocking_fee"]),
                "unitText": "percent",
            }
        return_policy["returnMethod"] = "https://schema.org/ReturnByMail"
        org["hasMerchantReturnPolicy"] = return_policy
    graph = [org]
    shipping = data.get("shipping")
    if shipping:
        details: dict = {"@type": "OfferShippingDetails", "@id": data["url"].rstrip("/") + "/#shipping"}
        if country:
            details["shippingDestination"] = {"@type": "DefinedRegion", "addressCountry": country}
        free_over = shipping.get("free_over")
        if free_over:
            details["freeShippingThreshold"] = {
                "@type": "MonetaryAmount",
                "value": value(free_over),
                "currency": unit(free_over),
            }
        handling = shipping.get("handling_days")
        transit = shipping.get("transit_days")
        if handling or transit:
            time: dict = {"@type": "ShippingDeliveryTime"}
            if handling is not None:
                time["handlingTime"] = _range(
                    value(handling) if not isinstance(handling, list) else [value(v) for v in handling]
                )
            if transit is not None:
                time["transitTime"] = _range(transit)
            details["deliveryTime"] = time
        graph.append(details)
    return {"@context": "https://schema.org", "@graph": graph}


def _range(value) -> dict:
    low, high = (value[0], value[-1]) if isinstance(value, list) else (0, value)
    return {"@type": "QuantitativeValue", "minValue": low, "maxValue": high, "unitCode": "DAY"}

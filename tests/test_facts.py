"""Policy facts: placeholders, unknown facts, the consistency check, scheduled changes,
change history, the Atom feed and schema.org data in the built pages."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import CATEGORY_FILES, MINIMAL_CONFIG, write_tree

from kbgen.build import build
from kbgen.content import load
from kbgen.content.facts import Fact, Facts, format_value, render_placeholders

FACTS = """
facts:
  return_window:
    value: 30
    unit: days
    label: Return window
    keywords: [return]
    changes:
      - {from: 2027-03-01, value: 60}
  free_shipping:
    value: 40
    unit: EUR
    keywords: [free shipping]
  restocking_fee: {value: 10, unit: "%"}
structured_data:
  organization: Example Shop Ltd
  url: https://shop.example/
  country: IE
  return_policy: {days: return_window, fees: buyer_pays, restocking_fee: restocking_fee}
  shipping: {free_over: free_shipping, handling_days: [0, 2], transit_days: [2, 5]}
"""

POLICY = """---
title: Return policy
summary: Return within {{ fact:return_window }}.
changes:
  - {date: 2026-09-01, summary: Restocking fee capped at 10%}
  - {date: 2026-03-01, summary: Return window extended to 30 days}
---
You can return items within {{ fact:return_window }} of delivery.
Free shipping from {{ fact:free_shipping }}. `{{ fact:in_code }}` stays as written.
"""


def test_values_render_with_their_units():
    assert format_value(30, "days") == "30 days" and format_value(1, "days") == "1 day"
    assert format_value(40, "EUR") == "€40" and format_value(0.3, "EUR") == "€0.30"
    assert format_value(10, "%") == "10%" and format_value(5, "business days") == "5 business days"
    facts = Facts(facts={"w": Fact("w", 30, "days", changes=[(dt.date(2027, 3, 1), 60)])})
    text = "Within {{ fact:w }}; `{{ fact:w }}` in code."
    assert render_placeholders(text, facts, dt.date(2026, 11, 1)) == "Within 30 days; `{{ fact:w }}` in code."
    assert render_placeholders(text, facts, dt.date(2027, 3, 1)).startswith("Within 60 days;")


def problems(tmp_path, files, today=dt.date(2026, 11, 23)):
    write_tree(tmp_path, {**CATEGORY_FILES, **files})
    center, report = load(tmp_path / "content", base=tmp_path, today=today)
    return [d.format() for d in report.sorted()], center


def test_placeholders_render_in_bodies_and_summaries(tmp_path):
    found, center = problems(tmp_path, {"content/facts.yml": FACTS, "content/returns/policy.md": POLICY})
    assert found == []
    article = next(a for a in center.articles if a.slug == "policy")
    assert "within 30 days of delivery" in article.body and "from €40" in article.body
    assert article.summary == "Return within 30 days."
    assert article.facts_used == ["return_window", "free_shipping"]
    assert article.changes[0] == (dt.date(2026, 9, 1), "Restocking fee capped at 10%")


def test_unknown_fact_is_an_error_with_its_line(tmp_path):
    found, _ = problems(
        tmp_path,
        {"content/facts.yml": FACTS, "content/returns/a.md": "---\ntitle: A\n---\nWithin {{ fact:return_windw }}.\n"},
    )
    assert found == [
        "content/returns/a.md:4: unknown fact (see facts.yml) 'return_windw' (did you mean 'return_window'?)"
    ]


def test_hand_written_values_near_keywords_are_warnings(tmp_path):
    found, _ = problems(
        tmp_path,
        {
            "content/facts.yml": FACTS,
            "content/returns/a.md": (
                "---\ntitle: A\n---\n"
                "You can return items within 14 days.\n"
                "Returns are accepted for 30 days.\n"
                "The parcel takes 14 days to arrive.\n"  # no keyword nearby
                "An item that sells for €40 pays €3. <!-- kbgen:not-a-fact -->\n"
                "Free shipping on orders over €40.\n"
            ),
        },
    )
    assert found == [
        "content/returns/a.md:4: warning: '14 days' is written by hand but the fact says 30 days: "
        "write {{ fact:return_window }} so it follows return window",
        "content/returns/a.md:5: warning: '30 days' is written by hand: write "
        "{{ fact:return_window }} so it follows return window",
        "content/returns/a.md:8: warning: '€40' is written by hand: write "
        "{{ fact:free_shipping }} so it follows free shipping",
    ]


def test_hand_written_values_in_flow_texts_are_warnings(tmp_path):
    """Flow questions, help and results render placeholders too, so they follow the facts;
    answer labels do not, and are not checked."""
    found, _ = problems(
        tmp_path,
        {
            "content/facts.yml": FACTS,
            "content/flows/send-back.yml": (
                "title: Send it back\n"
                "start: ask\n"
                "steps:\n"
                "  - id: ask\n"
                "    question: Can you return it within 30 days?\n"
                "    answers:\n"
                "      - {label: 'Yes, I can return within 30 days', next: done}\n"
                "      - {label: 'No', next: done}\n"
                "results:\n"
                "  - id: done\n"
                "    title: Return it\n"
                "    text: You can return items within 14 days of delivery.\n"
            ),
        },
    )
    assert found == [
        "content/flows/send-back.yml:5: warning: '30 days' is written by hand: write "
        "{{ fact:return_window }} so it follows return window",
        "content/flows/send-back.yml:12: warning: '14 days' is written by hand but the fact says 30 days: "
        "write {{ fact:return_window }} so it follows return window",
    ]


@pytest.mark.parametrize(
    "change, expected",
    [
        (("unit: days", "unit: fortnights"), "content/facts.yml:4: unknown unit 'fortnights'"),
        (
            ("{from: 2027-03-01, value: 60}", "{from: next year, value: 60}"),
            "content/facts.yml:8: a change needs 'from' (YYYY-MM-DD) and the new 'value'",
        ),
        (
            ("days: return_window", "days: return_windows"),
            "content/facts.yml:18: unknown fact 'return_windows' (did you mean 'return_window'?)",
        ),
    ],
)
def test_bad_facts_file(tmp_path, change, expected):
    found, _ = problems(tmp_path, {"content/facts.yml": FACTS.replace(*change)})
    assert any(f.startswith(expected) for f in found), found


def test_bad_change_history(tmp_path):
    found, _ = problems(tmp_path, {"content/returns/a.md": "---\ntitle: A\nchanges:\n  - {date: soon}\n---\nB\n"})
    assert found[0].startswith("content/returns/a.md:3: 'changes': each change needs a date")


# -- the built site --------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("facts-site")
    write_tree(
        root,
        {
            "mkdocs.yml": MINIMAL_CONFIG,
            **CATEGORY_FILES,
            "content/facts.yml": FACTS,
            "content/returns/policy.md": POLICY,
        },
    )
    return build(root / "mkdocs.yml", root / "site")


def test_policy_page_shows_values_effective_changes_and_the_coming_change(site):
    page = (site / "returns/policy/index.html").read_text()
    assert "within 30 days of delivery" in page and "{{ fact:" not in page.replace("{{ fact:in_code }}", "")
    assert 'From <time datetime="2027-03-01">1 March 2027</time>: Return window 60 days (now 30 days).' in page
    assert "Change history" in page
    assert page.index("1 September 2026") < page.index("1 March 2026")  # newest first


def test_policy_updates_page_and_atom_feed(site):
    feedparser = pytest.importorskip("feedparser")
    updates = (site / "policy-updates/index.html").read_text()
    assert "Restocking fee capped at 10%" in updates and "Return window 60 days" in updates
    feed = feedparser.parse((site / "policy-updates.xml").read_bytes())
    assert feed.bozo == 0 and feed.version == "atom10"
    assert [e.title for e in feed.entries] == [
        "Return policy: Restocking fee capped at 10%",
        "Return policy: Return window extended to 30 days",
    ]
    assert feed.entries[0].link == "https://help.example.com/returns/policy/"
    assert feed.feed.updated.startswith("2026-09-01")
    home = (site / "index.html").read_text()
    assert 'type="application/atom+xml"' in home
    assert not (site / "facts.yml").exists()


def test_merchant_return_policy_and_shipping_as_jsonld(site):
    extruct = pytest.importorskip("extruct")
    data = extruct.extract(
        (site / "index.html").read_text(), base_url="https://help.example.com/", syntaxes=["json-ld"]
    )
    (graph,) = [d["@graph"] for d in data["json-ld"] if "@graph" in d]
    org = next(n for n in graph if n["@type"] == "Organization")
    policy = org["hasMerchantReturnPolicy"]
    assert policy["@type"] == "MerchantReturnPolicy"
    assert policy["merchantReturnDays"] == 30 and policy["applicableCountry"] == "IE"
    assert policy["returnFees"] == "https://schema.org/ReturnShippingFees"
    assert policy["restockingFee"]["value"] == 10
    shipping = next(n for n in graph if n["@type"] == "OfferShippingDetails")
    assert shipping["freeShippingThreshold"] == {"@type": "MonetaryAmount", "value": 40, "currency": "EUR"}
    assert shipping["deliveryTime"]["transitTime"]["maxValue"] == 5


def test_contact_promises_and_flows_read_the_same_facts(tmp_path):
    facts = FACTS.replace("  restocking_fee:", "  email_hours: {value: 12, unit: hours}\n  restocking_fee:")
    contact = (
        "channels:\n  - id: email\n    type: email\n    label: Email\n"
        '    address: help@shop.example\n    response_time: "{{ fact:email_hours }}"\n'
        '    note: "Returns accepted for {{ fact:return_window }}."\n'
    )
    flow = (
        "title: Return\nstart: ok\nsteps: []\nresults:\n  - id: ok\n"
        "    title: Send it back within {{ fact:return_window }}\n    channel: email\n"
    )
    found, center = problems(
        tmp_path, {"content/facts.yml": facts, "content/contact.yml": contact, "content/flows/return.yml": flow}
    )
    assert found == []
    email = center.contact.channel("email")
    assert email.response_minutes == 720 and email.note == "Returns accepted for 30 days."
    assert center.flows[0].results[0].title == "Send it back within 30 days"
    bad, _ = problems(
        tmp_path,
        {
            "content/facts.yml": facts,
            "content/contact.yml": contact.replace("email_hours", "email_hour"),
            "content/flows/return.yml": flow.replace("return_window", "return_windw"),
        },
    )
    assert "content/contact.yml:6: unknown fact 'email_hour' (did you mean 'email_hours'?)" in bad
    assert any(b.startswith("content/flows/return.yml:1: unknown fact (see facts.yml) 'return_windw'") for b in bad)


def test_structured_data_is_optional(tmp_path):
    facts_only = FACTS.split("structured_data:")[0]
    write_tree(tmp_path, {"mkdocs.yml": MINIMAL_CONFIG, **CATEGORY_FILES, "content/facts.yml": facts_only})
    found, _ = problems(tmp_path, {"content/facts.yml": facts_only})
    assert found == []
    site = build(tmp_path / "mkdocs.yml", tmp_path / "site")
    home = (site / "index.html").read_text()
    assert "MerchantReturnPolicy" not in home and "OfferShippingDetails" not in home
    assert '"@type": "WebSite"' in home  # the rest of the structured data is still there


@pytest.mark.parametrize(
    "block, expected",
    [
        (
            "structured_data:\n  url: https://shop.example/\n",
            "content/facts.yml:14: structured_data needs 'organization'",
        ),
        ("structured_data: yes please\n", "content/facts.yml:14: structured_data must be a mapping"),
    ],
)
def test_a_structured_data_block_still_needs_its_keys(tmp_path, block, expected):
    found, _ = problems(tmp_path, {"content/facts.yml": FACTS.split("structured_data:")[0] + block})
    assert any(f.startswith(expected) for f in found), found

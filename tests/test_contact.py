"""Contact channels and guided flows: validation, and what the built pages show."""

from __future__ import annotations

import json
import re
from pathlib import Path

import material as materials_templates
import pytest
from conftest import CATEGORY_FILES, write_tree

from kbgen.build import build
from kbgen.content import load

CONTACT = """
timezone: Europe/Dublin
holidays:
  - {date: 2026-12-25, name: Christmas Day}
channels:
  - id: chat
    type: chat
    label: Live chat
    url: https://shop.example/chat
    hours: {mon-fri: "08:00-20:00", sat: "09:00-17:00"}
    response_time: 2m
    escalation: 1
  - id: email
    type: email
    label: Email
    address: help@shop.example
    response_time: 12h
    escalation: 2
  - id: sellers
    type: phone
    label: Seller line
    address: +353 1 555 0150
    audience: sellers
    hours: {mon-fri: "09:00-17:00"}
  - id: post
    type: post
    label: Complaints by post
    address: |
      Complaints Team
      1 Main Street
      Dublin
"""

FLOW = """
title: Item not received
summary: What to do when a parcel is late.
audience: buyers
start: passed
steps:
  - id: passed
    question: Has the delivery date passed?
    answers:
      - {label: "Yes", next: seller}
      - {label: "No", next: wait}
  - id: seller
    question: Have you asked the seller?
    help: The seller can **trace** the parcel.
    answers:
      - {label: Yes, next: escalate}
      - {label: No, next: ask}
results:
  - id: wait
    title: Wait a little longer
    text: Parcels often arrive on the last day.
    links: [../returns/return-policy.md]
  - id: ask
    title: Ask the seller
    text: Message the seller from **Your orders**.
  - id: escalate
    title: Ask us to step in
    text: We decide within 10 business days.
    channel: chat
"""


def problems(tmp_path, files):
    write_tree(tmp_path, {**CATEGORY_FILES, **files})
    _, report = load(tmp_path / "content", base=tmp_path)
    return [d.format() for d in report.sorted()]


def test_valid_contact_and_flow_load(tmp_path):
    assert problems(tmp_path, {"content/contact.yml": CONTACT, "content/flows/late.yml": FLOW}) == []
    center, _ = load(tmp_path / "content")
    assert [c.id for c in center.contact.escalation] == ["chat", "email"]
    assert center.contact.channel("email").url == "mailto:help@shop.example"
    assert center.contact.channel("sellers").url == "tel:+35315550150"
    assert [c.id for c in center.contact.for_audience("buyers")] == ["chat", "email", "post"]
    (flow,) = center.flows
    assert flow.start == "passed" and flow.steps[1].answers[0].label == "Yes"  # bare Yes is text
    assert flow.results[0].links == [("Return policy", "../returns/return-policy.md")]


@pytest.mark.parametrize(
    "change, expected",
    [
        (
            ("address: help@shop.example", "address: help-at-shop"),
            "content/contact.yml:15: 'help-at-shop' is not an e-mail address",
        ),
        (
            ("address: +353 1 555 0150", "address: 01 555 0150"),
            "content/contact.yml:21: '01 555 0150' is not an international phone number like +353 1 555 0142",
        ),
        (
            ('hours: {mon-fri: "09:00-17:00"}', 'hours: {mon-fri: "09:00-17:00", wed: "16:00-18:00"}'),
            "content/contact.yml:23: 'hours': hours overlap on Wednesday",
        ),
        (
            ('hours: {mon-fri: "09:00-17:00"}', 'hours: {mon-fri: "17:00-09:61"}'),
            "content/contact.yml:23: 'hours': '09:61' is not a time of day",
        ),
        (
            ("timezone: Europe/Dublin", "timezone: Europe/Dublinn"),
            "content/contact.yml:1: 'timezone': unknown time zone 'Europe/Dublinn'; use a name like Europe/Dublin",
        ),
        (
            ("    type: chat\n", "    type: chatbot\n"),
            "content/contact.yml:6: unknown channel type 'chatbot'; use one of phone, email, chat, messaging, "
            "social, form, post",
        ),
        (
            ("    response_time: 12h", "    response_time: soon"),
            "content/contact.yml:16: 'response_time': 'soon' is not a duration like 2m, 12h or 1d",
        ),
        (("    escalation: 2", "    escalation: 1"), "content/contact.yml:17: escalation 1 is already 'chat'"),
        (("  - id: email", "  - id: chat"), "content/contact.yml:12: duplicate channel id 'chat' (first on line 5)"),
        (
            ("{date: 2026-12-25,", "{date: 2026-12-32,"),
            "content/contact.yml:3: holiday date '2026-12-32' is not a date (YYYY-MM-DD)",
        ),
        (
            ("    label: Email\n", "    label: Email\n    respone: fast\n"),
            "content/contact.yml:15: unknown key 'respone' in a channel (did you mean 'response'?)",
        ),
    ],
)
def test_contact_mistakes_are_reported_with_their_line(tmp_path, change, expected):
    old, new = change
    assert old in CONTACT
    found = problems(tmp_path, {"content/contact.yml": CONTACT.replace(old, new, 1)})
    assert any(f.startswith(expected) for f in found), found


@pytest.mark.parametrize(
    "change, expected",
    [
        (
            ("next: escalate", "next: escalation"),
            "content/flows/late.yml:15: answer 'Yes' leads to unknown 'escalation' (did you mean 'escalate'?)",
        ),
        (("start: passed", "start: begin"), "content/flows/late.yml:4: 'start' must name a step"),
        (("channel: chat", "channel: fax"), "content/flows/late.yml:28: unknown channel 'fax'"),
        (
            ("[../returns/return-policy.md]", "[../returns/gone.md]"),
            "content/flows/late.yml:21: broken link: '../returns/gone.md' does not exist",
        ),
        (
            ("next: ask", "next: passed"),
            "content/flows/late.yml:5: the answers go round in a circle; a flow must always move on to a result",
        ),
        (("  - id: ask\n", "  - id: wait\n"), "content/flows/late.yml:22: duplicate id 'wait'"),
    ],
)
def test_flow_mistakes_are_reported_with_their_line(tmp_path, change, expected):
    old, new = change
    assert old in FLOW
    found = problems(tmp_path, {"content/contact.yml": CONTACT, "content/flows/late.yml": FLOW.replace(old, new, 1)})
    assert any(f.startswith(expected) for f in found), found


def test_unreachable_flow_result_is_a_warning(tmp_path):
    flow = FLOW + "  - id: spare\n    title: Never shown\n"
    found = problems(tmp_path, {"content/contact.yml": CONTACT, "content/flows/late.yml": flow})
    assert found == ["content/flows/late.yml:1: warning: 'spare' is never reached from 'passed'"]


def test_unknown_shortcodes(tmp_path):
    found = problems(
        tmp_path,
        {
            "content/contact.yml": CONTACT,
            "content/returns/help.md": "---\ntitle: Help\n---\n{{ contact:fax }}\n\n{{ flow:late }}\n\n"
            "`{{ contact:in-code }}` is fine\n\n{{ contakt:chat }}\n",
        },
    )
    assert found == [
        "content/returns/help.md:4: unknown contact channel (see contact.yml) 'fax'",
        "content/returns/help.md:6: unknown flow (see flows/) 'late'",
        "content/returns/help.md:10: unknown shortcode 'contakt'; use {{ fact:name }}, {{ contact:id }} or "
        "{{ flow:id }} (did you mean 'contact'?)",
    ]


# -- built pages ---------------------------------------------------------------


@pytest.fixture(scope="module")
def contact_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("contact-site")
    from conftest import MINIMAL_CONFIG

    write_tree(
        root,
        {
            "mkdocs.yml": MINIMAL_CONFIG,
            **CATEGORY_FILES,
            "content/contact.yml": CONTACT,
            "content/flows/late.yml": FLOW,
            "content/contact/_category.yml": "title: Contact us\n",
            "content/contact/response-times.md": "---\ntitle: Response times\n---\n{{ contact:chat }}\n",
            "content/returns/late-parcel.md": "---\ntitle: Late parcel\naudience: buyers\n---\n"
            "## Guide\n\n{{ flow:late }}\n",
            "content/returns/seller-fees.md": "---\ntitle: Seller fees\naudience: sellers\n---\nFees.\n",
            "content/returns/quiet.md": "---\ntitle: Quiet page\ncontact: false\n---\nNothing.\n",
        },
    )
    return build(root / "mkdocs.yml", root / "site")


def html(site, url):
    return (site / url / "index.html").read_text(encoding="utf-8")


def test_contact_page_lists_every_channel_with_hours_and_escalation(contact_site):
    page = html(contact_site, "contact")
    for label in ("Live chat", "Email", "Seller line", "Complaints by post"):
        assert f'<h3 class="kb-channel__label">{label}</h3>' in page
    assert '<th scope="row">Saturday</th><td>09:00–17:00</td>' in page
    assert "Replies in about 2 minutes" in page and "Answered within 12 hours" in page
    assert re.search(r'<ol class="kb-escalation">\s*<li><strong>Live chat</strong>', page)
    assert "Christmas Day" in page
    # each card shows its type's icon, Material's SVG inlined (kbgen.themes.material.CHANNEL_ICONS)
    icons = re.findall(r'<span class="kb-channel__icon" aria-hidden="true">(<svg.*?</svg>)</span>', page, re.S)
    chat_svg = (
        Path(materials_templates.__file__).parent / "templates/.icons/material/chat-processing-outline.svg"
    ).read_text()
    assert len(icons) == 4 and icons[0] == chat_svg.strip()
    schedule = re.search(r"data-kb-schedule='([^']+)'", page).group(1)
    assert json.loads(schedule) == {
        "zone": "Europe/Dublin",
        "closed": ["2026-12-25"],
        "week": [[[480, 1200]]] * 5 + [[[540, 1020]], []],
    }


def test_articles_end_with_channels_for_their_audience(contact_site):
    buyers = html(contact_site, "returns/late-parcel")
    help_block = buyers[buyers.index('class="kb-still-need-help"') :]
    assert "Live chat" in help_block and "Seller line" not in help_block
    assert 'href="mailto:help@shop.example?subject=Question%20about%3A%20Late%20parcel"' in help_block
    sellers = html(contact_site, "returns/seller-fees")
    assert "Seller line" in sellers[sellers.index('class="kb-still-need-help"') :]
    assert "kb-still-need-help" not in html(contact_site, "returns/quiet")


def test_faq_answers_link_to_the_contact_page(contact_site):
    page = html(contact_site, "returns")
    assert re.search(r'<p class="kb-faq__contact">Still need help\? <a href="../contact/">Contact us</a>', page)


def test_status_line_on_every_page_works_without_javascript(contact_site):
    for url in ("", "returns", "returns/late-parcel"):
        page = html(contact_site, url)
        assert "data-kb-status-line" in page
        assert "Live chat: Mon–Fri 08:00–20:00, Sat 09:00–17:00" in page


def test_flow_page_and_embedded_flow_are_nested_sections(contact_site):
    page = html(contact_site, "flows/late")
    assert page.count('class="kb-flow__node') == 5
    assert 'href="#kb-flow-late-seller" data-kb-next="seller">Yes</a>' in page
    assert "<strong>trace</strong>" in page  # help text is Markdown
    assert '<a href="../../returns/return-policy/">Return policy</a>' in page
    embedded = html(contact_site, "returns/late-parcel")
    assert 'data-kb-flow="late"' in embedded and "kb-embed" not in embedded
    assert '<a href="../return-policy/">Return policy</a>' in embedded


def test_channel_shortcode_renders_the_card(contact_site):
    page = html(contact_site, "contact/response-times")
    assert '<ul class="kb-channels kb-channels--embedded">' in page
    assert 'data-kb-channel="chat"' in page


def test_data_files_are_not_published(contact_site):
    assert not (contact_site / "contact.yml").exists()
    assert not list((contact_site / "flows").glob("*.yml"))

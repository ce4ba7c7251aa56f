"""Service notices: validation, activity windows, banners, pages, feed, search, browser."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from conftest import CATEGORY_FILES, MINIMAL_CONFIG, write_tree

from kbgen.build import build
from kbgen.content import load
from kbgen.content.notices import parse_time

UTC = dt.timezone.utc
INCIDENT = """---
title: Card payments delayed
severity: incident
categories: [returns]
start: 2026-11-20T10:40+00:00
end: until resolved
updates:
  - {time: 2026-11-20T10:40+00:00, text: "Card payments are delayed; PayPal works."}
  - {time: 2026-11-20T11:30+00:00, text: We have found the cause.}
---
Card payments are slow. See the [policy](../returns/return-policy.md).
"""
INFO = """---
title: Holiday delivery times
severity: info
start: 2026-11-16
end: 2027-01-08T00:00+00:00
---
Order by 16 December.
"""
OLD = """---
title: Outage in October
severity: resolved
start: 2026-10-01T09:00+00:00
end: 2026-10-01T10:00+00:00
updates:
  - {time: 2026-10-01T10:00+00:00, text: Resolved.}
---
It was short.
"""
RECALL = """---
title: Kettle recall
type: recall
severity: warning
categories: [returns]
start: 2026-11-18T09:00+00:00
product: Brevia KT-200 kettle
risk: The base can overheat.
action: Stop using it.
refund: Full refund through us.
---
Check the batch number.
"""


def problems(tmp_path, files):
    write_tree(tmp_path, {**CATEGORY_FILES, **files})
    center, report = load(tmp_path / "content", base=tmp_path)
    return [d.format() for d in report.sorted()], center


def test_activity_windows_and_time_zones(tmp_path):
    found, center = problems(
        tmp_path,
        {"content/notices/payments.md": INCIDENT, "content/notices/holiday.md": INFO, "content/notices/old.md": OLD},
    )
    assert found == []
    notices = {n.id: n for n in center.notices}
    incident, info, old = notices["payments"], notices["holiday"], notices["old"]
    assert not incident.active(dt.datetime(2026, 11, 20, 10, 39, tzinfo=UTC))
    assert incident.active(dt.datetime(2030, 1, 1, tzinfo=UTC))  # until resolved
    assert incident.latest.text == "We have found the cause."
    assert info.start == dt.datetime(2026, 11, 16, tzinfo=UTC)  # a bare date: midnight, site zone
    assert info.active(dt.datetime(2027, 1, 7, 23, 59, tzinfo=UTC))
    assert not info.active(dt.datetime(2027, 1, 8, 0, 0, tzinfo=UTC))
    assert old.ended(dt.datetime(2026, 10, 1, 9, 30, tzinfo=UTC))  # resolved is over
    dublin = ZoneInfo("Europe/Dublin")
    assert parse_time("2026-07-01T09:00", dublin).utcoffset() == dt.timedelta(hours=1)


@pytest.mark.parametrize(
    "change, expected",
    [
        (
            ("severity: incident", "severity: critical"),
            "content/notices/payments.md:3: unknown severity 'critical'; use one of info, warning, incident, resolved",
        ),
        (
            ("categories: [returns]", "categories: [refunds]"),
            "content/notices/payments.md:4: unknown category 'refunds' (did you mean 'returns'?)",
        ),
        (
            ("start: 2026-11-20T10:40+00:00", "start: yesterday"),
            "content/notices/payments.md:5: 'start': 'yesterday' is not a date or time",
        ),
        (("end: until resolved", "end: 2026-11-19"), "content/notices/payments.md:6: 'end' must be after 'start'"),
        (
            ("{time: 2026-11-20T11:30+00:00,", "{time: later,"),
            "content/notices/payments.md:9: each update needs a 'time'",
        ),
        (
            ("[policy](../returns/return-policy.md)", "[policy](../returns/gone.md)"),
            "content/notices/payments.md:11: broken link: '../returns/gone.md' does not exist",
        ),
    ],
)
def test_notice_mistakes_are_reported_with_their_line(tmp_path, change, expected):
    found, _ = problems(tmp_path, {"content/notices/payments.md": INCIDENT.replace(*change)})
    assert any(f.startswith(expected) for f in found), found


def test_recall_needs_its_fields(tmp_path):
    found, _ = problems(tmp_path, {"content/notices/kettle.md": RECALL.replace("risk: The base can overheat.\n", "")})
    assert found == ["content/notices/kettle.md:2: a recall needs 'risk'"]


FLOW = """\
title: Where is my refund?
summary: Find out when card refunds arrive.
start: paid
steps:
  - id: paid
    question: Did you pay by card?
    answers:
      - {label: "Yes", next: wait}
      - {label: "No", next: other}
results:
  - id: wait
    title: Wait five days
    text: Card refunds take **five days**.
  - id: other
    title: Ask the seller
    text: Other refunds come from the seller.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("notices-site")
    write_tree(
        root,
        {
            "mkdocs.yml": MINIMAL_CONFIG,
            **CATEGORY_FILES,
            "content/shipping/_category.yml": "title: Shipping\n",
            "content/shipping/tracking.md": "---\ntitle: Tracking\n---\nTrack it.\n",
            "content/notices/payments.md": INCIDENT,
            "content/notices/holiday.md": INFO,
            "content/notices/old.md": OLD,
            "content/notices/kettle.md": RECALL,
            "content/flows/refund-help.yml": FLOW,
        },
    )
    return build(root / "mkdocs.yml", root / "site")


def banners(site, url):
    import re

    return re.findall(r'data-kb-notice="([a-z-]+)"', (site / url / "index.html").read_text())


def test_banners_on_affected_categories_or_everywhere(site):
    assert banners(site, "returns/return-policy") == ["payments", "kettle", "holiday"]  # incident first
    assert banners(site, "shipping/tracking") == ["holiday"]  # not in returns
    assert set(banners(site, "")) == {"payments", "kettle", "holiday"}  # home shows all current
    page = (site / "returns/return-policy/index.html").read_text()
    assert 'data-kb-start="2026-11-20T10:40:00+00:00"' in page
    assert "We have found the cause." in page  # the latest update
    assert "Outage in October" not in page  # ended notices are not shown


def test_notice_page_timeline_recall_and_schema_org(site):
    extruct = pytest.importorskip("extruct")
    page = (site / "notices/payments/index.html").read_text()
    assert page.index("We have found the cause.") < page.index("Card payments are delayed; PayPal works.")
    kettle = (site / "notices/kettle/index.html").read_text()
    assert "<dt>Risk</dt><dd>The base can overheat.</dd>" in kettle
    data = extruct.extract(kettle, syntaxes=["json-ld"])["json-ld"]
    announcement = next(d for d in data if d.get("@type") == "SpecialAnnouncement")
    assert announcement["about"] == {"@type": "Product", "name": "Brevia KT-200 kettle"}
    assert announcement["datePosted"] == "2026-11-18T09:00:00+00:00"
    category = (site / "returns/index.html").read_text()
    assert "Product recalls" in category and "../notices/kettle/" in category


def test_service_notices_page_and_feed(site):
    feedparser = pytest.importorskip("feedparser")
    listing = (site / "notices/index.html").read_text()
    current, past = listing.split('id="kb-past"')
    assert "Card payments delayed" in current and "Outage in October" in past
    feed = feedparser.parse((site / "notices.xml").read_bytes())
    assert feed.bozo == 0 and feed.version == "atom10"
    assert feed.entries[0].title == "Card payments delayed: We have found the cause."
    assert {e.link for e in feed.entries} >= {"https://help.example.com/notices/old/"}


def test_search_ranks_an_active_incident_first(site):
    from kbgen.search import open_engine

    result = open_engine(site).search("card payments")
    assert result["hits"][0]["url"] == "/notices/payments/"
    assert result["hits"][0]["type"] == "notice"


def test_cli_search_filters_by_every_type_the_api_accepts(site, invoke):
    """The CLI's --type choices are the API's: notices can be searched for alone."""
    import json

    from kbgen.search.request import TYPES

    for type_ in TYPES:
        result = invoke("search", "-d", site, "--json", "--type", type_, "card payments kettle refunds")
        assert result.exit_code == 0, result.output
        hits = json.loads(result.output)["hits"]
        assert hits and {hit["type"] for hit in hits} == {type_}


@pytest.mark.browser
def test_banner_hides_after_its_end_and_can_be_dismissed(new_page, site, serve):
    from kbgen.server import HelpCenterApp

    base = serve(HelpCenterApp(site))
    before = new_page()
    before.clock.set_fixed_time(dt.datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    before.goto(base + "/shipping/tracking/")
    holiday = before.locator("[data-kb-notice=holiday]")
    assert holiday.is_visible()
    after = new_page()
    after.clock.set_fixed_time(dt.datetime(2027, 1, 8, 0, 1, tzinfo=UTC))
    after.goto(base + "/shipping/tracking/")
    assert after.locator("[data-kb-notice=holiday]").count() == 1  # still in the page...
    assert not after.locator("[data-kb-notice=holiday]").is_visible()  # ...but hidden
    holiday.get_by_role("button", name="Dismiss: Holiday delivery times").click()
    assert not holiday.is_visible()
    before.reload()
    assert not before.locator("[data-kb-notice=holiday]").is_visible()  # remembered
    no_js = new_page(java_script_enabled=False)
    no_js.goto(base + "/shipping/tracking/")
    assert "from 16 November 2026, 00:00 until 8 January 2027, 00:00" in " ".join(
        no_js.locator("[data-kb-notice=holiday]").inner_text().split()
    )


def test_cached_search_answers_expire_when_a_notice_ends(site):
    from kbgen.search import SearchRequest, open_engine

    now = [dt.datetime(2027, 1, 7, 23, 59, tzinfo=UTC).timestamp()]
    # the lexical scores, whose ratio is the notice's weight (hybrid search rescales them per query)
    engine = open_engine(site, clock=lambda: now[0], semantic=False)

    def notice_score() -> float:
        hits = engine.search(SearchRequest("holiday delivery times"))["hits"]
        return next(h["score"] for h in hits if h["url"] == "/notices/holiday/")

    active = notice_score()
    assert notice_score() == active  # answered from the cache
    now[0] = dt.datetime(2027, 1, 8, 0, 1, tzinfo=UTC).timestamp()  # the notice ended a minute ago
    ended = notice_score()
    assert ended == pytest.approx(active * 0.3 / 1.2, rel=1e-3)  # an ended notice sinks at once


def test_flows_are_found_by_search_and_recalls_are_labelled(site):
    from kbgen.search import SearchRequest, open_engine

    engine = open_engine(site)
    hits = engine.search(SearchRequest("where is my refund"))["hits"]
    flow = next(h for h in hits if h["type"] == "flow")
    assert (flow["url"], flow["category"]) == ("/flows/refund-help/", "Guided help")
    assert "**" not in flow["snippet"]
    kettle = next(h for h in engine.search(SearchRequest("kettle"))["hits"] if h["type"] == "notice")
    assert kettle["category"] == "Product recalls"
    payments = next(h for h in engine.search(SearchRequest("card payments"))["hits"] if h["type"] == "notice")
    assert payments["category"] == "Service notices"

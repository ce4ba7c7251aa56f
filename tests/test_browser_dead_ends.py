"""Results that never dead-end: zero results and the 404 page lead on, hits say what they are
(Notice, Recall, Guided help), `kbgen serve` answers /search/?q= without JavaScript, and searches
by crawlers and audit tools are not counted."""

from __future__ import annotations

import sqlite3
import urllib.request

import pytest
from conftest import SHOPPER_UA

pytestmark = pytest.mark.browser

BOTH = pytest.mark.parametrize(
    "viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}], ids=["phone", "desktop"]
)


def assert_leads_on(page):
    """Search, the topics, popular answers and the way to contact us, all visible."""
    assert page.locator("input[name=q]:visible").count() >= 1
    dead_end = page.locator(".kb-dead-end")
    assert dead_end.get_by_role("link", name="Returns & refunds").is_visible()
    assert dead_end.get_by_role("heading", name="Popular answers").is_visible()
    assert dead_end.locator(".kb-list__link").count() >= 3
    assert dead_end.get_by_role("link", name="Contact us").is_visible()


@BOTH
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_zero_results_lead_on(new_page, sample_url, viewport, javascript):
    page = new_page(viewport=viewport, java_script_enabled=javascript)
    page.goto(f"{sample_url}/search/?q=zqxjv+wqpfk")
    status = page.locator("[data-kb-results-status]")
    status.filter(has_text="No results").wait_for()
    assert_leads_on(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@BOTH
def test_missing_page_leads_on(new_page, sample_url, viewport):
    page = new_page(viewport=viewport)
    response = page.goto(f"{sample_url}/returns/no-such-page/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Sorry, this page is not here"
    assert_leads_on(page)
    page.locator(".kb-not-found-search input[name=q]").fill("refund")
    page.locator(".kb-not-found-search input[name=q]").press("Enter")
    page.wait_for_url("**/search/?q=refund")


def test_server_answers_the_results_page_without_javascript(new_page, sample_url):
    page = new_page(java_script_enabled=False)
    page.goto(f"{sample_url}/search/?q=kettle+recall&type=notice")
    assert page.locator("#kb-results-q").input_value() == "kettle recall"
    assert page.locator("select[name=type]").input_value() == "notice"
    first = page.locator(".kb-result").first
    assert first.locator(".kb-result__meta").inner_text() == "Recall"
    assert first.locator(".kb-result__snippet mark").count() >= 1
    assert page.locator("noscript").count() == 0 or "needs JavaScript" not in page.content()
    many = new_page(java_script_enabled=False)
    many.goto(f"{sample_url}/search/?q=refund")
    assert many.locator(".kb-result").count() == 10
    many.get_by_role("link", name="Next").click()
    assert "page=2" in many.url and many.locator(".kb-pager").inner_text().startswith("Previous")


def test_static_results_page_is_left_as_built(sample_site):
    built = (sample_site / "search/index.html").read_text()
    assert '<ol class="kb-results" data-kb-results-list></ol>' in built  # the browser fills it on static hosts


@BOTH
def test_hits_are_labelled_and_notices_and_flows_can_be_filtered(new_page, sample_url, viewport):
    page = new_page(viewport=viewport)
    page.goto(f"{sample_url}/search/?q=kettle+recall")
    recall = page.locator(
        ".kb-result", has=page.get_by_role("link", name="Safety recall: Brevia KT-200 cordless kettle")
    )
    assert recall.locator(".kb-result__meta").inner_text() == "Recall"
    options = page.locator("select[name=type] option").all_inner_texts()
    assert "Notices and recalls" in options and "Guided help" in options
    page.goto(f"{sample_url}/search/?q=charged+twice")
    flow = page.locator(".kb-result", has=page.locator("a[href*='/flows/']")).first
    assert flow.locator(".kb-result__meta").inner_text() == "Guided help"
    page.goto(f"{sample_url}/search/?q=item+not+received&type=flow")
    titles = page.locator(".kb-result__title")
    titles.first.wait_for()
    assert all("/flows/" in (t.get_attribute("href") or "") for t in titles.all())


def test_crawler_and_audit_searches_are_not_counted(sample_site, serve, tmp_path):
    from kbgen.server import HelpCenterApp

    database = tmp_path / "analytics.sqlite3"
    base = serve(HelpCenterApp(sample_site, database=f"sqlite:///{database}", write_rate=6000))

    def get(path, agent, headers=None):
        request = urllib.request.Request(base + path, headers={"User-Agent": agent, **(headers or {})})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.headers, response.read().decode()

    robots = [
        "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/130.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/130.0.0.0 Safari/537.36",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    ]
    record = {"X-KB-Record": "1", "X-KB-Browser": "0b7c6c1e-5d5c-4f0e-9a57-8b8c2f1e7a11"}
    for agent in robots:
        headers, _ = get("/api/search?q=refund", agent, record)
        assert headers["X-KB-Search-Id"] is None, agent
        _, html = get("/search/?q=parcel", agent)
        assert "data-kb-search-id" not in html and 'class="kb-result"' in html  # answered, not counted
    headers, _ = get("/api/search?q=refund", SHOPPER_UA, record)
    assert headers["X-KB-Search-Id"]
    _, html = get("/search/?q=parcel", SHOPPER_UA)
    assert "data-kb-search-id" in html  # a shopper without JavaScript is counted
    rows = sqlite3.connect(database).execute("SELECT query FROM kb_searches ORDER BY id").fetchall()
    assert rows == [("refund",), ("parcel",)]


@BOTH
def test_results_page_puts_the_exact_title_first_and_marks_only_what_matched(new_page, sample_url, viewport):
    """On the results page: "where is my parcel" opens with that very question, a typo finds
    what the corrected word finds, and "money back" never marks a lone "back"."""
    page = new_page(viewport=viewport)
    page.goto(f"{sample_url}/search/?q=where+is+my+parcel")
    titles = page.locator(".kb-result__title")
    titles.first.wait_for()
    assert titles.first.inner_text() == "Where is my parcel?"

    page.goto(f"{sample_url}/search/?q=refund")
    page.locator(".kb-result__title").first.wait_for()
    meant = page.locator(".kb-result__title").all_inner_texts()
    page.goto(f"{sample_url}/search/?q=refnud")
    page.locator(".kb-result__title").first.wait_for()
    assert page.locator(".kb-result__title").all_inner_texts() == meant

    page.goto(f"{sample_url}/search/?q=money+back")
    page.locator(".kb-result__title").first.wait_for()
    snippets = page.locator(".kb-result__snippet").evaluate_all("els => els.map(e => e.innerHTML.toLowerCase())")
    marked = " ".join(snippets)
    assert "<mark>money</mark> <mark>back</mark>" in marked
    assert marked.count("<mark>back</mark>") == marked.count("<mark>money</mark> <mark>back</mark>")

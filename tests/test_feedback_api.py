"""Votes and search analytics through the HTTP API, and the report built from them."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
import urllib.error
import urllib.request

import pytest

from kbgen.feedback import open_store
from kbgen.feedback.report import as_html, as_text, build_report
from kbgen.server import HelpCenterApp


def post(base, path, body, headers=None, raw=None):
    data = raw if raw is not None else json.dumps(body).encode()
    request = urllib.request.Request(
        base + path,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json", "X-KB-Browser": "browser-1", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        with err:
            return err.code, json.loads(err.read())


@pytest.fixture
def api(search_site, serve, tmp_path):
    database = f"sqlite:///{tmp_path}/feedback.sqlite3"
    app = HelpCenterApp(search_site, database=database, write_rate=600)
    return serve(app), database, app


def test_a_vote_is_stored_once_per_page_and_browser(api):
    base, database, _ = api
    assert post(
        base,
        "/api/feedback",
        {"url": "/returns/refunds/", "helpful": False, "reason": "  Card refunds   take how long? "},
    ) == (201, {"ok": True})
    assert post(base, "/api/feedback", {"url": "/returns/refunds/", "helpful": True})[0] == 201
    assert post(base, "/api/feedback", {"url": "/returns/#refund-time", "helpful": True})[0] == 201
    with open_store(database) as store:
        now = dt.datetime.now(dt.timezone.utc)
        votes = sorted(store.votes(now - dt.timedelta(1), now + dt.timedelta(1)))
    assert votes == [("/returns/#refund-time", True, ""), ("/returns/refunds/", True, "")]


@pytest.mark.parametrize(
    "body, headers, raw, status, error",
    [
        ({"url": "/nope/", "helpful": True}, {}, None, 400, "unknown page '/nope/'"),
        (
            {"url": "https://evil.example/", "helpful": True},
            {},
            None,
            400,
            "'url' must be a path on this site, such as /returns/refunds/",
        ),
        ({"url": "/returns/refunds/", "helpful": "yes"}, {}, None, 400, "'helpful' must be true or false"),
        (
            {"url": "/returns/refunds/", "helpful": False, "reason": "x" * 501},
            {},
            None,
            400,
            "'reason' must be text of at most 500 characters",
        ),
        ({"url": "/returns/refunds/", "helpful": True, "ip": "1.2.3.4"}, {}, None, 400, "unknown field 'ip'"),
        (None, {}, b"{not json", 400, "the body is not valid JSON"),
        (None, {}, b"[1, 2]", 400, "the body must be a JSON object"),
        (None, {}, b"x" * 5000, 413, "the body is larger than 4096 bytes"),
        (
            {"url": "/returns/refunds/", "helpful": True},
            {"X-KB-Browser": ""},
            None,
            400,
            "missing X-KB-Browser header (the page sends a random id)",
        ),
        (
            {"url": "/returns/refunds/", "helpful": True},
            {"Content-Type": "text/plain"},
            None,
            415,
            "send JSON with Content-Type: application/json",
        ),
    ],
)
def test_bad_writes_are_refused_with_a_reason(api, body, headers, raw, status, error):
    base, _, _ = api
    assert post(base, "/api/feedback", body, headers, raw) == (status, {"error": error})


def test_writes_are_rate_limited_per_client(search_site, serve, tmp_path):
    base = serve(HelpCenterApp(search_site, database=f"sqlite:///{tmp_path}/f.sqlite3", write_rate=6))
    statuses = [post(base, "/api/feedback", {"url": "/returns/refunds/", "helpful": True})[0] for _ in range(25)]
    assert statuses[:20] == [201] * 20 and statuses[-1] == 429


def test_searches_from_the_results_page_and_opened_results_are_recorded(api):
    base, database, _ = api
    request = urllib.request.Request(
        base + "/api/search?q=Money+back", headers={"X-KB-Record": "1", "X-KB-Browser": "browser-1"}
    )
    with urllib.request.urlopen(request) as response:
        search_id = int(response.headers["X-KB-Search-Id"])
    with urllib.request.urlopen(base + "/api/search?q=typed+as+you+go") as response:
        assert response.headers["X-KB-Search-Id"] is None  # typeahead is not counted
    assert post(base, "/api/opened", {"search_id": search_id, "url": "/returns/refunds/"})[0] == 201
    path = database[len("sqlite:///") :]
    rows = sqlite3.connect(path).execute("SELECT * FROM kb_searches").fetchall()
    assert len(rows) == 1
    _, at, query, hits, browser, opened_url, opened_at, language = rows[0]
    assert (query, browser, opened_url, language) == ("money back", "browser-1", "/returns/refunds/", "en") and hits > 0
    columns = [c[1] for c in sqlite3.connect(path).execute("PRAGMA table_info(kb_votes)")]
    assert columns == ["id", "at", "url", "helpful", "reason", "browser"]  # no IP, no cookie


def test_feedback_off_without_a_database(search_site, serve):
    base = serve(HelpCenterApp(search_site))
    assert post(base, "/api/feedback", {"url": "/returns/refunds/", "helpful": True})[0] == 503


def test_report_on_known_data(tmp_path):
    with open_store(f"sqlite:///{tmp_path}/r.sqlite3") as store:
        for query, hits in [
            ("money back", 5),
            ("Money back", 5),
            ("gift wrap", 0),
            ("gift wrap", 0),
            ("klarna", 0),
            ("refund", 8),
        ]:
            search = store.record_search(query, hits, "b1")
            if query == "refund":
                store.record_open(search, "/returns/refunds/", "b1")
        store.record_vote("/returns/refunds/", False, "Didn't say how long", "b1")
        store.record_vote("/returns/refunds/", True, "", "b2")
        store.record_vote("/returns/#fee", False, "", "b3")
        now = dt.datetime.now(dt.timezone.utc)
        report = build_report(
            store,
            now - dt.timedelta(days=1),
            now + dt.timedelta(days=1),
            titles={"/returns/refunds/": "Refunds"},
            overdue=[{"title": "Old page", "path": "x.md", "review_by": "2026-01-01", "owner": "Team"}],
        )
    assert report.searches == 6 and report.votes == 3
    assert report.top_queries[0] == ("money back", 2, 5.0)
    assert report.no_results == [("gift wrap", 2), ("klarna", 1)]
    assert report.never_opened == [("money back", 2)]
    assert [(p["url"], p["yes"], p["no"]) for p in report.least_helpful] == [
        ("/returns/#fee", 0, 1),
        ("/returns/refunds/", 1, 1),
    ]
    text = as_text(report)
    assert "Queries with no results (content gaps)\n      2  gift wrap" in text
    assert "50% helpful (1 yes, 1 no)  Refunds  /returns/refunds/\n           - Didn't say how long" in text
    html = as_html(report, "Shop help")
    assert html.count("<svg") == 2 and "gift wrap" in html and "Old page" in html


def test_the_report_splits_searches_by_language(tmp_path):
    with open_store(f"sqlite:///{tmp_path}/f.sqlite3") as store:
        store.record_search("rücksendung", 4, "b1", language="de")
        store.record_search("kaffeemaschine", 0, "b1", language="de")
        store.record_search("refund", 8, "b2", language="en")
        store.record_search("old one", 0, "b2")  # recorded before languages were
        now = dt.datetime.now(dt.timezone.utc)
        report = build_report(store, now - dt.timedelta(days=1), now + dt.timedelta(days=1))
    assert [(e["language"], e["searches"], e["no_results"]) for e in report.languages] == [
        ("de", 2, 1),
        ("", 1, 1),
        ("en", 1, 0),
    ]
    assert report.languages[0]["top_no_results"] == [("kaffeemaschine", 1)]
    text = as_text(report)
    assert "Searches by language" in text and "  de                   2      1  kaffeemaschine" in text
    assert "(not recorded)" in text
    assert "<td>de</td><td>2</td><td>1</td><td>kaffeemaschine</td>" in as_html(report)


def test_report_command(tmp_path, invoke, make_site):
    from conftest import CATEGORY_FILES

    project = make_site(CATEGORY_FILES)
    with open_store(f"sqlite:///{project}/.kbgen/feedback.sqlite3") as store:
        store.record_search("nothing here", 0, "b")
    result = invoke("report", "--html", project / "report.html", cwd=project)
    assert result.exit_code == 0, result.output
    assert "1  nothing here" in result.stdout
    assert (project / "report.html").read_text().startswith("<!doctype html>")


@pytest.mark.browser
def test_vote_in_the_browser_and_see_the_thanks(new_page, api):
    base, database, _ = api
    page = new_page()
    page.goto(base + "/returns/refunds/")
    widget = page.locator("form[data-kb-feedback]")
    widget.get_by_role("button", name="No").click()
    reason = widget.get_by_label("What was missing or unclear? (optional)")
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"  # focus moved to it
    reason.fill("It doesn't say how long card refunds take.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Send", with the keyboard
    status = widget.locator("[data-kb-feedback-status]")
    status.filter(has_text="Thank you").wait_for()
    page.reload()
    assert "Thank you" in widget.locator("[data-kb-feedback-status]").inner_text()  # one vote
    with open_store(database) as store:
        now = dt.datetime.now(dt.timezone.utc)
        assert store.votes(now - dt.timedelta(1), now + dt.timedelta(1)) == [
            ("/returns/refunds/", False, "It doesn't say how long card refunds take.")
        ]
    faq = page.locator("details#refund-time")
    page.goto(base + "/returns/#refund-time")
    faq.locator("[data-kb-vote=yes]").click()
    faq.locator("[data-kb-feedback-status]").filter(has_text="Thank you").wait_for()


@pytest.mark.browser
def test_a_reason_sent_while_the_vote_is_still_saving_is_not_overwritten_by_it(new_page, api):
    """On a slow network the "No" vote may still be on its way when the shopper sends the
    reason: the reason must be stored after the vote, never overtaken by it."""
    base, database, _ = api
    page = new_page()
    held = []  # the vote's request, answered only once the reason has been sent

    def hold_the_vote(route):
        if not held:
            held.append(route)
        else:
            route.continue_()

    page.route("**/api/feedback", hold_the_vote)
    page.goto(base + "/returns/refunds/")
    widget = page.locator("form[data-kb-feedback]")
    widget.get_by_role("button", name="No").click()
    widget.get_by_label("What was missing or unclear? (optional)").fill("Nothing about gift cards.")
    widget.get_by_role("button", name="Send").click()
    page.wait_for_timeout(300)
    assert len(held) == 1
    held[0].continue_()
    widget.locator("[data-kb-feedback-status]").filter(has_text="we will use this").wait_for()
    with open_store(database) as store:
        now = dt.datetime.now(dt.timezone.utc)
        votes = store.votes(now - dt.timedelta(1), now + dt.timedelta(1))
    assert ("/returns/refunds/", False, "Nothing about gift cards.") in votes


@pytest.mark.browser
def test_a_result_opened_from_the_results_page_is_recorded(new_page, api):
    from conftest import SHOPPER_UA

    base, database, _ = api
    page = new_page(user_agent=SHOPPER_UA)
    page.goto(base + "/search/?q=refund+timing")
    first = page.locator(".kb-result__title").first
    first.wait_for()
    href = first.get_attribute("href")
    with page.expect_request("**/api/opened") as opened:
        first.click()
    assert opened.value.post_data_json["url"] == href
    page.wait_for_url("**" + href.split("#")[0] + "**")
    path = database[len("sqlite:///") :]
    for _ in range(50):  # the write is a keepalive request: wait for its row
        rows = sqlite3.connect(path).execute("SELECT query, opened_url FROM kb_searches").fetchall()
        if rows and rows[-1][1]:
            break
        time.sleep(0.1)
    assert rows[-1] == ("refund timing", href)

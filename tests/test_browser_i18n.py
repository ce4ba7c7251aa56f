"""The widgets speak the page's language in real Chromium: the messages the build put on a
German page (a JSON data block, no inline script) reach the contact status, the typeahead,
the flows and the feedback form."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import wait_until
from test_i18n import german_site  # noqa: F401  (the built German site)

from kbgen.server import HelpCenterApp

pytestmark = pytest.mark.browser
UTC = dt.timezone.utc


@pytest.fixture(scope="module")
def url(german_site, serve):  # noqa: F811
    return serve(HelpCenterApp(german_site))


def at(new_page, when: dt.datetime, timezone_id: str = "Europe/Berlin"):
    page = new_page(timezone_id=timezone_id)
    page.clock.set_fixed_time(when)
    return page


def status(page, channel: str) -> str:
    return page.locator(f"[data-kb-channel={channel}] [data-kb-channel-status]").first.inner_text()


def test_open_now_in_german(new_page, url):
    page = at(new_page, dt.datetime(2026, 11, 23, 12, 30, tzinfo=UTC))  # Monday, 12:30 in Dublin
    page.goto(url + "/contact/")
    assert status(page, "chat") == "Jetzt geöffnet"
    assert status(page, "email") == "Jederzeit"
    assert (
        page.locator("[data-kb-status-text]").inner_text() == "Live chat jetzt geöffnet · antwortet in etwa 2 Minuten"
    )


def test_closed_with_the_next_opening_in_german(new_page, url):
    page = at(new_page, dt.datetime(2026, 11, 21, 18, 30, tzinfo=UTC), "Asia/Tokyo")  # Saturday evening in Dublin
    page.goto(url + "/contact/")
    assert status(page, "chat") == "Geschlossen · öffnet am Montag um 08:00 Uhr"
    assert page.locator("[data-kb-status-text]").inner_text() == ("Email jederzeit · Antwort innerhalb von 12 Stunden")
    page = at(new_page, dt.datetime(2026, 11, 23, 7, 0, tzinfo=UTC))  # Monday before opening
    page.goto(url + "/contact/")
    assert status(page, "chat") == "Geschlossen · öffnet heute um 08:00 Uhr"


def test_typeahead_empty_state_and_suggestions_in_german(new_page, url):
    page = new_page()
    page.goto(url + "/")
    box = page.locator("#kb-hero-q")
    box.click()
    box.press_sequentially("zzqqxxw", delay=20)
    # the answer for the whole word, not for a prefix typed on the way
    wait_until(
        page,
        "!document.querySelector('#kb-hero-listbox').hidden"
        " && document.querySelector('#kb-hero-listbox-all').textContent.indexOf('zzqqxxw') >= 0",
    )
    assert (
        page.locator("#kb-hero-listbox-all").inner_text()
        == "Keine schnellen Antworten. Alle Seiten nach „zzqqxxw“ durchsuchen"
    )
    assert page.locator(".kb-hero [data-kb-status]").inner_text() == "Keine Antwortvorschläge."
    box.fill("")
    box.press_sequentially("Rückgaberecht", delay=20)
    wait_until(
        page,
        "document.querySelectorAll('#kb-hero-listbox [role=option]').length > 1"
        " && document.querySelector('#kb-hero-listbox-all').textContent.indexOf('Rückgaberecht') >= 0",
    )
    assert page.locator("#kb-hero-listbox-all").inner_text() == "Alle Ergebnisse für „Rückgaberecht“ anzeigen"
    assert "Artikel · Returns" in page.locator("#kb-hero-listbox .kb-suggestion__meta").first.inner_text()


def test_flow_buttons_and_feedback_in_german(new_page, url):
    page = new_page()
    page.goto(url + "/flows/late/")
    wait_until(page, "document.querySelector('.kb-flow--js') !== null")  # the widget has started
    page.locator(".kb-flow__answer").first.click()
    assert page.locator(".kb-flow__back").inner_text() == "Zurück"
    assert page.locator(".kb-flow__restart").inner_text() == "Von vorn beginnen"
    page.goto(url + "/returns/return-policy/")
    page.locator("[data-kb-vote=yes]").first.click()
    wait_until(
        page,
        "/^(Vielen Dank|Wir können Feedback)/.test(document.querySelector('[data-kb-feedback-status]').textContent)",
    )
    said = page.locator("[data-kb-feedback-status]").first.inner_text()
    assert said.startswith(("Vielen Dank", "Wir können Feedback")), said


def test_results_page_in_german_on_a_static_host_and_when_the_api_is_busy(new_page, german_site, static_host):  # noqa: F811
    base = static_host(german_site)
    page = new_page()
    page.goto(base + "/search/?q=r%C3%BCckgaberecht")  # no API here: Material's index, in the browser
    wait_until(page, "/Ergebnis/.test(document.querySelector('[data-kb-results-status]').textContent)")
    assert page.locator("[data-kb-results-status]").inner_text().endswith("für „rückgaberecht“")
    assert page.title().startswith("Suche: rückgaberecht - ")
    busy = new_page()
    busy.route(
        "**/api/search?*",
        lambda route: route.fulfill(status=429, content_type="application/json", body='{"error": "too many requests"}'),
    )
    busy.goto(base + "/search/?q=erstattung")
    wait_until(busy, "document.querySelector('[data-kb-results-status]').textContent.indexOf('Minute') > 0")
    assert busy.locator("[data-kb-results-status]").inner_text() == (
        "Gerade wird sehr viel gesucht. Bitte versuchen Sie es in einer Minute noch einmal."
    )


def test_german_pages_have_no_wcag_violations(new_page, url):
    axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe()
    page = new_page()
    failures = []
    for path in ("/", "/returns/return-policy/", "/contact/", "/search/?q=r%C3%BCckgaberecht", "/notices/"):
        page.goto(url + path)
        results = axe.run(
            page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
        )
        failures += [
            f"{path}: {v['id']} {[n['target'] for n in v['nodes'][:3]]}" for v in results.response["violations"]
        ]
    assert failures == []

"""'Was this helpful?' in Chromium: the vote is saved at the click, the reason amends it, the vote
can change, and on a static host without the service the widget ends quietly (no error, no request
on page load)."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.browser

ARTICLE = "/returns/how-to-return-an-item/"


def all_votes(database: str) -> list[tuple]:
    from kbgen.feedback import open_store

    with open_store(database) as store:
        return store.votes(dt.datetime(2000, 1, 1, tzinfo=dt.UTC), dt.datetime(2100, 1, 1, tzinfo=dt.UTC))


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}])
def test_no_is_saved_at_the_click_then_amended_then_changed(new_page, sample_site, serve, tmp_path, viewport):
    from kbgen.server import HelpCenterApp

    database = f"sqlite:///{tmp_path / 'feedback.sqlite3'}"
    base = serve(HelpCenterApp(sample_site, database=database, write_rate=6000))
    page = new_page(viewport=viewport)
    page.goto(base + ARTICLE)
    form = page.locator("form[data-kb-feedback]").first
    form.get_by_role("button", name="No").click()
    form.locator("textarea").wait_for()  # the reason box opens at once...
    form.locator("[data-kb-feedback-status]").filter(has_text="vote is saved").wait_for()  # ...the vote is saved
    assert all_votes(database) == [(ARTICLE, False, "")]  # recorded without pressing Send
    form.locator("textarea").fill("The label printer steps are missing.")
    form.get_by_role("button", name="Send").click()
    form.locator("[data-kb-feedback-status]").filter(has_text="improve the page").wait_for()
    assert all_votes(database) == [(ARTICLE, False, "The label printer steps are missing.")]  # the same row
    page.reload()
    form = page.locator("form[data-kb-feedback]").first
    assert "did not help" in form.locator("[data-kb-feedback-status]").inner_text()
    form.get_by_role("button", name="Change my vote").click()
    form.get_by_role("button", name="Yes").click()
    form.locator("[data-kb-feedback-status]").filter(has_text="Thank you for your feedback").wait_for()
    assert [(url, helpful) for url, helpful, _ in all_votes(database)] == [(ARTICLE, True)]


def test_static_host_degrades_quietly_to_the_contact_email(new_page, sample_site, static_host):
    base = static_host(sample_site)
    page = new_page(viewport={"width": 390, "height": 844})
    api_calls = []
    page.on("request", lambda r: api_calls.append(r.url) if "/api/" in r.url else None)
    page.goto(base + ARTICLE)
    page.wait_for_load_state("networkidle")
    assert api_calls == []  # nothing asked on page load
    form = page.locator("form[data-kb-feedback]").first
    form.get_by_role("button", name="No").click()
    status = form.locator("[data-kb-feedback-status]")
    status.filter(has_text="Thank you").wait_for()
    assert "Sorry" not in status.inner_text() and "try again" not in status.inner_text()
    email = status.get_by_role("link")
    assert email.get_attribute("href").startswith("mailto:support@larkspur.example?subject=")
    assert not form.get_by_role("button", name="Yes").is_visible()

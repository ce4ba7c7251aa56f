"""Search in a real headless Chromium: as-you-type, keyboard, results page, static fallback."""

from __future__ import annotations

import pytest
from conftest import wait_until

from kbgen.server import HelpCenterApp

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_url(search_site, serve):
    return serve(HelpCenterApp(search_site))


def test_header_search_shows_answers_as_you_type_and_opens_one(new_page, site_url):
    page = new_page()
    page.goto(site_url + "/shipping/tracking/")
    box = page.get_by_role("combobox", name="Search the help center")
    box.fill("money back")
    listbox = page.get_by_role("listbox")
    listbox.wait_for()
    options = page.get_by_role("option")
    assert "Refund" in options.first.inner_text()
    assert box.get_attribute("aria-expanded") == "true"
    options.first.click()
    page.wait_for_url("**/returns/**")
    assert "refund" in page.url


def test_suggestions_are_keyboard_navigable(new_page, site_url):
    page = new_page()
    page.goto(site_url + "/")
    box = page.locator(".kb-hero input[role=combobox]")
    box.focus()
    page.keyboard.type("refnud", delay=20)
    page.get_by_role("option").first.wait_for()
    page.keyboard.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert active and page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    page.keyboard.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/returns/**")


def test_enter_without_a_choice_opens_the_results_page(new_page, site_url):
    page = new_page()
    page.goto(site_url + "/")
    page.locator(".kb-hero input[role=combobox]").fill("trakcing numbr")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=trakcing+numbr")
    status = page.locator("[data-kb-results-status]")
    wait_until(page, "document.querySelector('[data-kb-results-status]').textContent.includes('for')")
    assert "result" in status.inner_text()
    assert page.locator("[data-kb-did-you-mean] a").inner_text() == "tracking number"
    first = page.locator(".kb-result__title").first
    assert first.inner_text() == "Tracking a parcel"
    assert page.locator(".kb-result__snippet mark").count() >= 1


def test_results_page_filters_and_empty_state(new_page, site_url):
    page = new_page()
    page.goto(site_url + "/search/?q=business+days&category=selling")
    wait_until(page, "document.querySelector('[data-kb-results-status]').textContent.includes('for')")
    assert page.locator("select[name=category]").input_value() == "selling"
    assert page.locator(".kb-result__title").all_inner_texts() == ["Selling fees"]
    page.goto(site_url + "/search/?q=xylophone+quartz")
    wait_until(page, "document.querySelector('[data-kb-results-status]').textContent.includes('No results')")
    assert page.locator("[data-kb-no-results]").is_visible()
    assert "Browse the topics" in page.locator("[data-kb-no-results]").inner_text()


def test_titles_from_content_are_never_run_as_html(new_page, site_url):
    page = new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(site_url + "/search/?q=unsafe+listings")
    page.locator(".kb-result__title").first.wait_for()
    assert "<script>" in page.locator(".kb-result__title").first.inner_text()
    assert dialogs == []


def test_static_host_falls_back_to_the_client_side_index(new_page, search_site, static_host):
    base = static_host(search_site)  # no /api here: plain files only
    page = new_page()
    api_calls = []
    page.on("request", lambda r: api_calls.append(r.url) if "/api/" in r.url else None)
    page.goto(base + "/returns/refunds/")
    page.get_by_role("combobox", name="Search the help center").fill("tracking")
    page.get_by_role("option").first.wait_for()
    assert "Tracking a parcel" in page.get_by_role("option").first.inner_text()
    assert api_calls, "kbgen's API is tried first"
    page.get_by_role("option").first.click()
    page.wait_for_url("**/shipping/tracking/**")
    page.goto(base + "/search/?q=parcel")
    page.locator(".kb-result__title").first.wait_for()
    assert "Tracking a parcel" in page.locator(".kb-result__title").all_inner_texts()


def test_results_page_pages_through_many_results(new_page, sample_url):
    page = new_page()
    page.goto(sample_url + "/search/?q=item")
    wait_until(page, "document.querySelector('[data-kb-results-status]').textContent.includes('for')")
    total = int(page.locator("[data-kb-results-status]").inner_text().split()[0])
    assert total > 10 and page.locator(".kb-result").count() == 10
    pager = page.locator("[data-kb-pager]")
    assert pager.is_visible() and "Page 1 of" in pager.inner_text()
    first_page = page.locator(".kb-result__title").all_inner_texts()
    pager.get_by_role("link", name="Next").click()
    page.wait_for_url("**/search/?q=item&page=2")
    wait_until(page, "document.querySelector('[data-kb-pager]').textContent.includes('Page 2 of')")
    assert pager.get_by_role("link", name="Previous").is_visible()
    assert set(page.locator(".kb-result__title").all_inner_texts()).isdisjoint(first_page)
    assert page.title().startswith("Search: item - ")

"""The language and market switcher keeps the shopper on the same page (or its category
when the page is not translated), with and without JavaScript; UK pages show pounds."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def switch(page, name: str) -> None:
    page.locator(".kb-switcher .md-header__button").hover()
    link = page.locator(".kb-switcher .md-select__link", has_text=name)
    link.wait_for(state="visible")
    link.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("javascript", [True, False])
def test_switcher_keeps_the_shopper_on_the_same_page(new_page, sample_url, javascript):
    page = new_page(java_script_enabled=javascript)
    page.goto(sample_url + "/en-gb/returns/return-policy/")
    switch(page, "Deutsch (Deutschland)")
    assert page.url == sample_url + "/de-de/returns/return-policy/"
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("h1").first.inner_text() == "Rückgabebedingungen"
    switch(page, "English (United Kingdom)")
    assert page.url == sample_url + "/en-gb/returns/return-policy/"
    # not translated into German: its category, in German
    page.goto(sample_url + "/selling/selling-fees/")
    switch(page, "Deutsch (Deutschland)")
    assert page.url == sample_url + "/de-de/selling/"


def test_uk_pages_show_pounds_and_uk_hours(new_page, sample_url):
    page = new_page()
    page.goto(sample_url + "/en-gb/selling/selling-fees/")
    text = page.locator("article").inner_text()
    assert "£650" in text and "€750" not in text
    page.goto(sample_url + "/en-gb/contact/")
    text = page.locator("article").inner_text()
    assert "+44 20 7946 0142" in text and "+353 1 555 0142" not in text


def test_on_a_phone_the_footer_offers_the_same_links(new_page, sample_url):
    page = new_page(viewport={"width": 390, "height": 844})
    page.goto(sample_url + "/returns/return-policy/")
    assert not page.locator(".kb-switcher").is_visible()  # no room in the phone header
    page.locator(".kb-switcher-links a", has_text="Deutsch (Deutschland)").click()
    page.wait_for_load_state()
    assert page.url == sample_url + "/de-de/returns/return-policy/"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

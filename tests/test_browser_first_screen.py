"""The first screen on a phone (390x844) and a desktop (1280x900): the header's magnifier opens
kbgen's search, notices are one slim bar, one search box on the home page, nothing cut or overflowing."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
BOTH = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def scrolls(page) -> bool:
    """Whether the page really scrolls (Material's scroll lock pins the body)."""
    page.wait_for_timeout(500)  # Material releases its lock 100 ms after the toggle turns off
    page.evaluate("window.scrollTo(0, 0)")
    page.mouse.wheel(0, 600)
    page.wait_for_timeout(300)
    return page.evaluate("window.scrollY") > 0


def test_phone_magnifier_opens_a_full_screen_search_and_escape_closes_it(new_page, sample_url):
    page = new_page(viewport=PHONE)
    page.goto(f"{sample_url}/returns/")
    header_input = page.locator("#kb-header-q")
    assert not header_input.is_visible()  # on phones only the magnifier shows in the header
    page.locator("label.md-header__button[for=__search]").click()
    assert header_input.is_visible()
    assert page.evaluate("document.activeElement.id") == "kb-header-q"
    box = page.locator("[data-kb-header-search]").bounding_box()
    assert box["x"] == 0 and box["width"] == PHONE["width"] and box["height"] == PHONE["height"]  # full screen
    page.keyboard.type("refund")
    listbox = page.locator("#kb-header-listbox")
    listbox.locator("[role=option]").first.wait_for()
    right = page.evaluate("document.getElementById('kb-header-listbox').getBoundingClientRect().right")
    assert right <= PHONE["width"]
    assert no_horizontal_overflow(page)
    page.keyboard.press("Escape")  # closes the suggestions
    page.keyboard.press("Escape")  # clears the text
    page.keyboard.press("Escape")  # closes the search
    assert not header_input.is_visible()
    assert scrolls(page)  # Material's scroll lock is released


def test_phone_close_button_closes_the_full_screen_search(new_page, sample_url):
    page = new_page(viewport=PHONE)
    page.goto(f"{sample_url}/returns/return-policy/")
    page.locator("label.md-header__button[for=__search]").click()
    page.get_by_text("Close", exact=True).click()
    assert not page.locator("#kb-header-q").is_visible()
    assert scrolls(page)


@BOTH
def test_notices_are_one_slim_bar_with_a_count_that_expands(new_page, sample_url, viewport):
    page = new_page(viewport=viewport)
    page.goto(f"{sample_url}/")
    notices = page.locator("[data-kb-notice]")
    assert notices.count() == 2
    visible = [i for i in range(notices.count()) if notices.nth(i).is_visible()]
    assert len(visible) == 1  # only the most severe one
    assert "recall" in notices.nth(visible[0]).inner_text().lower()
    lead = notices.nth(visible[0]).bounding_box()
    assert lead["height"] < 40  # one line
    count = page.locator("[data-kb-banners-count]")
    assert count.inner_text() == "+1 more notice"
    announce = page.locator("[data-md-component=announce]").bounding_box()
    assert announce["height"] <= 100  # was 282 px on a phone
    count.click()
    assert all(notices.nth(i).is_visible() for i in range(notices.count()))
    assert no_horizontal_overflow(page)


def test_dismissing_the_lead_notice_brings_up_the_next(new_page, sample_url):
    page = new_page(viewport=PHONE)
    page.goto(f"{sample_url}/")
    page.locator("[data-kb-banners-lead] [data-kb-dismiss]").click()
    lead = page.locator("[data-kb-banners-lead] [data-kb-notice]")
    assert lead.is_visible() and "christmas" in lead.inner_text().lower()
    assert not page.locator("[data-kb-banners-more]").is_visible()  # no others left


@BOTH
def test_home_page_has_one_search_box(new_page, sample_url, viewport):
    page = new_page(viewport=viewport)
    page.goto(f"{sample_url}/")
    visible = [b for b in page.locator("input[name=q]").all() if b.is_visible()]
    assert [b.get_attribute("id") for b in visible] == ["kb-hero-q"]


@BOTH
def test_site_title_is_not_cut(new_page, sample_url, viewport):
    page = new_page(viewport=viewport)
    page.goto(f"{sample_url}/returns/")
    title = page.locator(".md-header__topic:first-child .md-ellipsis")
    assert title.inner_text() == "Larkspur Market Help Centre"
    assert title.evaluate("e => e.scrollWidth <= e.clientWidth")


def test_focused_header_box_fits_the_desktop_viewport(new_page, sample_url):
    page = new_page(viewport=DESKTOP)
    page.goto(f"{sample_url}/returns/")
    page.locator("#kb-header-q").focus()
    page.keyboard.type("refund")
    page.locator("#kb-header-listbox [role=option]").first.wait_for()
    for selector in ("#kb-header-q", "#kb-header-listbox"):
        right = page.evaluate(f"document.querySelector('{selector}').getBoundingClientRect().right")
        assert right <= DESKTOP["width"], selector
    assert no_horizontal_overflow(page)


@BOTH
def test_notice_bar_targets_are_big_enough_to_tap(new_page, sample_url, viewport):
    page = new_page(viewport=viewport)
    page.goto(f"{sample_url}/")
    box = page.locator("[data-kb-banners-lead] [data-kb-dismiss]").bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24  # WCAG 2.5.8, Lighthouse's target-size


@BOTH
def test_the_lead_notice_link_stays_clear_of_the_dismiss_button(new_page, sample_url, viewport):
    """Overlapping tap targets fail Lighthouse's target-size audit."""
    page = new_page(viewport=viewport)
    page.goto(f"{sample_url}/")
    link = page.locator("[data-kb-banners-lead] .kb-banner__text a").bounding_box()
    button = page.locator("[data-kb-banners-lead] [data-kb-dismiss]").bounding_box()
    assert link["x"] + link["width"] <= button["x"]

"""The generated pages in a real headless Chromium: FAQ permalinks, keyboard, dark mode."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_faq_permalink_opens_its_entry(new_page, sample_url):
    page = new_page()
    page.goto(f"{sample_url}/returns/#how-long-do-refunds-take")
    entry = page.locator("details#how-long-do-refunds-take")
    assert entry.get_attribute("open") is not None
    assert entry.locator(".kb-faq__answer").is_visible()
    others_open = page.locator("details.kb-faq__item[open]").count()
    assert others_open == 1


def test_faq_accordion_works_with_the_keyboard(new_page, sample_url):
    page = new_page()
    page.goto(f"{sample_url}/returns/")
    question = page.locator("details.kb-faq__item summary").first
    question.focus()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    answer = page.locator("details.kb-faq__item .kb-faq__answer").first
    assert not answer.is_visible()
    page.keyboard.press("Enter")
    assert answer.is_visible()
    page.keyboard.press("Space")
    assert not answer.is_visible()


def test_dark_mode_toggle_still_works(new_page, sample_url):
    page = new_page(color_scheme="light")
    page.goto(f"{sample_url}/returns/return-policy/")
    body = page.locator("body")
    assert body.get_attribute("data-md-color-scheme") == "default"
    page.locator("label[title='Switch to dark mode']").first.click()
    assert body.get_attribute("data-md-color-scheme") == "slate"
    # our widgets follow the scheme: the lead text is light on dark
    color = page.locator(".kb-lead").evaluate("e => getComputedStyle(e).color")
    channels = [int(c) for c in color[color.index("(") + 1 :].split(",")[:3]]
    assert sum(channels) / 3 > 128, color


def test_widget_colours_are_materials_palette_through_the_theme_stylesheet(new_page, sample_url):
    """kb.css uses only --kb- colours; material.css (kbgen.themes.material) maps Material's onto them."""
    page = new_page(color_scheme="light")
    page.goto(f"{sample_url}/")
    hero, primary = page.evaluate(
        """() => {
            const probe = document.createElement("div");
            probe.style.color = "var(--md-primary-fg-color)";
            document.body.append(probe);
            const hero = document.querySelector(".kb-hero");
            return [getComputedStyle(hero).backgroundColor, getComputedStyle(probe).color];
        }"""
    )
    assert hero == primary and hero != "rgb(57, 73, 171)", (hero, primary)  # the sample's palette, not the default


def test_home_search_box_is_labelled_and_first(new_page, sample_url):
    page = new_page()
    page.goto(sample_url + "/")
    box = page.get_by_role("combobox", name="Search the help center")
    assert box.count() >= 1
    assert page.locator(".kb-card").count() >= 10

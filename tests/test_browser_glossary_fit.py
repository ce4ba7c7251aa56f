"""The glossary's A-Z index and the term tooltips fit the page on a phone and a desktop."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

BOTH = pytest.mark.parametrize(
    "viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}], ids=["phone", "desktop"]
)


@BOTH
def test_a_to_z_index_is_a_short_row_whose_links_all_land(new_page, sample_url, viewport):
    page = new_page(viewport=viewport)
    page.goto(f"{sample_url}/glossary/")
    index = page.locator("nav.kb-az")
    assert index.bounding_box()["height"] < 160  # a full-height column (about 480 px) before
    hrefs = index.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert len(hrefs) > 10
    for href in hrefs:
        assert page.locator(f"[id='{href[1:]}']").count() == 1, href
    assert "#letter-#" not in hrefs


@BOTH
def test_term_tooltips_stay_inside_the_text_column(new_page, sample_url, viewport):
    page = new_page(viewport=viewport)
    page.goto(f"{sample_url}/returns/refunds/")
    terms = page.locator(".md-content .kb-term")
    rightmost = max(range(terms.count()), key=lambda i: terms.nth(i).bounding_box()["x"])
    term = terms.nth(rightmost)
    term.scroll_into_view_if_needed()
    term.locator("a").first.hover()
    tip = term.locator(".kb-term__tip")
    tip.wait_for(state="visible")
    page.wait_for_timeout(200)  # the fade-in
    box = tip.bounding_box()
    column = page.locator(".md-content").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= min(viewport["width"], column["x"] + column["width"]) + 1
    toc = page.locator(".md-sidebar--secondary")
    if toc.is_visible():
        assert box["x"] + box["width"] <= toc.bounding_box()["x"] + 1  # not over the table of contents
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

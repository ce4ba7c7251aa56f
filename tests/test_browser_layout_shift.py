"""Cumulative layout shift under 0.1 on the five pages shoppers meet first, at both widths: the
status line, the notice bar and the results take their space in the built page."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

OBSERVE = """
window.__cls = 0;
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__cls += entry.value;
}).observe({type: "layout-shift", buffered: true});
"""
PAGES = ["/", "/returns/", "/returns/how-to-return-an-item/", "/search/?q=refund", "/contact/"]


def cls(new_page, url: str, viewport: dict) -> float:
    page = new_page(viewport=viewport)
    page.add_init_script(OBSERVE)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)  # widgets that draw after a request or a timer
    return page.evaluate("window.__cls")


@pytest.mark.parametrize(
    "viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}], ids=["phone", "desktop"]
)
@pytest.mark.parametrize("path", PAGES)
def test_pages_do_not_shift(new_page, sample_url, viewport, path):
    assert cls(new_page, sample_url + path, viewport) < 0.1


@pytest.mark.parametrize(
    "viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}], ids=["phone", "desktop"]
)
def test_results_drawn_by_the_browser_on_a_static_host_do_not_shift(new_page, sample_site, static_host, viewport):
    assert cls(new_page, static_host(sample_site) + "/search/?q=refund", viewport) < 0.1

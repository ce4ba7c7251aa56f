"""``kbgen serve --watch``: a save that breaks the build shows its errors over the last good page.

Real ``kbgen serve --watch`` on a copy of a small help center, real Chromium, axe-core on the
page with the overlay open; the fix clears the overlay by reloading the page.
"""

from __future__ import annotations

import json
import time
import urllib.request

import pytest
from conftest import CATEGORY_FILES, LIVE_RELOAD_POLLED, wait_until

pytestmark = pytest.mark.browser

AXE_TAGS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
OVERLAY = "document.getElementById('kb-build-errors')"
POLICY = "content/returns/return-policy.md"
ENTRY = "content/returns/faq/refund-time.md"


def status(base: str) -> dict:
    with urllib.request.urlopen(base + "/_kbgen/livereload", timeout=5) as response:
        return json.loads(response.read())


def overlay_lines(page) -> list[str]:
    return page.evaluate(f"Array.from({OVERLAY}.querySelectorAll('li'), li => li.textContent)")


def test_a_broken_save_shows_every_error_over_the_last_good_page_until_fixed(make_site, kbgen_serve, new_page):
    axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe()
    project = make_site(CATEGORY_FILES)
    base = kbgen_serve("--watch", cwd=project)
    light, dark = new_page(color_scheme="light"), new_page(color_scheme="dark")
    for page in (light, dark):
        page.goto(base + "/returns/return-policy/")
        wait_until(page, LIVE_RELOAD_POLLED)
    good = (project / POLICY).read_text()
    entry = (project / ENTRY).read_text()

    # Two mistakes in two files: a colon inside a value, and an unknown key whose name looks
    # like HTML (writer text, which must stay text).
    (project / POLICY).write_text(good.replace("title: Return policy", "title: Return policy: the basics"))
    (project / ENTRY).write_text(entry.replace("question:", "<b>audence</b>: buyers\nquestion:"))
    deadline = time.monotonic() + 60
    while not status(base)["errors"]:
        assert time.monotonic() < deadline, "the broken save was not reported"
        time.sleep(0.2)
    errors = status(base)["errors"]
    assert len(errors) == 2, errors
    assert errors[0].startswith(f"{POLICY}:2: invalid YAML") and "put the value in quotes" in errors[0]
    assert errors[1].startswith(f"{ENTRY}:2: unknown key '<b>audence</b>'"), errors

    for page in (light, dark):
        wait_until(page, f"{OVERLAY} !== null", timeout=10)
        assert overlay_lines(page) == errors  # every error, as path:line: message
        assert page.evaluate(f"{OVERLAY}.getAttribute('role')") == "alertdialog"
        assert "did not build: 2 problems" in page.evaluate(f"{OVERLAY}.querySelector('h2').textContent")
        assert page.evaluate(f"{OVERLAY}.querySelector('b')") is None  # the writer's text stayed text
        assert "'<b>audence</b>'" in overlay_lines(page)[1]
        assert page.evaluate("document.activeElement.textContent") == "Close"  # focus moved to the dialog
        # the last good page is still underneath
        assert "Thirty days." in page.locator("article").inner_text()
        results = axe.run(page, options=AXE_TAGS)
        failures = [f"{v['id']} {[n['target'] for n in v['nodes'][:3]]}" for v in results.response["violations"]]
        assert failures == [], failures

    # Escape closes it, and the same errors do not come back at the next poll
    light.keyboard.press("Escape")
    wait_until(light, f"{OVERLAY} === null")
    light.wait_for_timeout(1500)
    assert light.evaluate(f"{OVERLAY} === null")

    # Fixing both files (with a visible change) reloads the pages: no overlay, the new text
    with dark.expect_navigation(timeout=60_000), light.expect_navigation(timeout=60_000):
        (project / ENTRY).write_text(entry)
        (project / POLICY).write_text(good.replace("Thirty days.", "Sixty days."))
    assert status(base)["errors"] == []
    for page in (light, dark):
        wait_until(page, "document.querySelector('article') !== null")
        assert "Sixty days." in page.locator("article").inner_text()
        page.wait_for_timeout(1500)  # a poll or more after the reload
        assert page.evaluate(f"{OVERLAY} === null")


def test_a_preview_started_on_a_broken_tree_serves_the_last_good_site_with_the_errors(
    make_site, kbgen_serve, new_page, invoke
):
    project = make_site(CATEGORY_FILES)
    assert invoke("build", cwd=project).exit_code == 0  # the last good site
    good = (project / POLICY).read_text()
    (project / POLICY).write_text(good.replace("title: Return policy", "title: Return policy: the basics"))
    base = kbgen_serve("--watch", cwd=project)
    errors = status(base)["errors"]
    assert len(errors) == 1 and errors[0].startswith(f"{POLICY}:2: invalid YAML"), errors
    page = new_page()
    page.goto(base + "/returns/return-policy/")
    wait_until(page, f"{OVERLAY} !== null", timeout=10)
    assert overlay_lines(page) == errors
    assert "Thirty days" in page.locator("article").inner_text()  # the last good page underneath
    with page.expect_navigation(timeout=60_000):  # the fix reloads the page
        (project / POLICY).write_text(good.replace("Thirty days.", "Forty days."))
    wait_until(page, f"{OVERLAY} === null && document.body.textContent.indexOf('Forty days') >= 0")


def test_a_preview_with_no_site_yet_still_stops_on_a_broken_tree(make_site, invoke):
    project = make_site(CATEGORY_FILES)
    policy = project / POLICY
    policy.write_text(policy.read_text().replace("title: Return policy", "title: Return policy: the basics"))
    result = invoke("serve", "--watch", cwd=project)
    assert result.exit_code == 1
    assert f"{POLICY}:2: invalid YAML" in result.output

"""axe-core finds no WCAG 2.1 A/AA violation on the sample help center, light or dark."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PAGES = [
    "/",  # home
    "/returns/",  # a category with its FAQ accordion
    "/returns/return-policy/",  # an article
    "/contact/",  # the contact page
    "/flows/item-not-received/",  # a guided flow
    "/search/?q=refund",  # search results
    "/glossary/",  # the glossary
    "/policy-updates/",  # policy changes
    "/auctions/reserve-prices/",  # an article with glossary tooltips
    "/notices/",  # service notices
    "/notices/recall-kettle/",  # a product recall
    "/de-de/",  # the German home page (its own language and market)
    "/de-de/returns/return-policy/",  # a German article
    "/en-gb/contact/",  # the UK contact page (UK channels and hours)
]


@pytest.fixture(scope="module")
def axe():
    module = pytest.importorskip("axe_playwright_python.sync_playwright")
    return module.Axe()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_wcag_violations(new_page, sample_url, axe, scheme):
    page = new_page(color_scheme=scheme)
    failures = []
    for path in PAGES:
        page.goto(sample_url + path)
        if path.startswith("/search/"):
            page.locator(".kb-result").first.wait_for()
        results = axe.run(
            page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
        )
        for violation in results.response["violations"]:
            targets = [node["target"] for node in violation["nodes"][:3]]
            failures.append(f"{scheme} {path}: {violation['id']} {targets}")
    assert failures == []

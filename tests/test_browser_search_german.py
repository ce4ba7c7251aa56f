"""German search in a real headless Chromium, on a site with an English and a German pair:
the German pages' widgets call the German pair's API (/de-de/api/...), and find German pages only."""

from __future__ import annotations

import pytest
from conftest import GERMAN_PAGES, german_source

from kbgen.server import HelpCenterApp

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pairs_url(two_pair_site, serve):
    return serve(HelpCenterApp(two_pair_site))


def test_typing_on_a_german_page_asks_the_german_index(new_page, pairs_url):
    page = new_page()
    asked = []
    page.on("request", lambda request: asked.append(request.url) if "/api/" in request.url else None)
    page.goto(pairs_url + "/de-de/shipping/tracking-a-parcel/")
    page.locator("input[role=combobox]").first.fill("ruecksendung")
    option = page.get_by_role("option").first
    option.wait_for()
    assert asked and all("/de-de/api/" in url for url in asked), asked
    option.click()
    page.wait_for_url("**/de-de/**")
    assert german_source(page.url.split(pairs_url, 1)[1]) in GERMAN_PAGES


@pytest.mark.parametrize("q", ["rücksendung", "ruecksendung", "Geld zurück"])
def test_the_german_results_page_lists_german_pages_only(new_page, pairs_url, q):
    page = new_page()
    page.goto(pairs_url + "/de-de/search/?q=" + q)
    titles = page.locator(".kb-result__title")
    titles.first.wait_for()
    links = [titles.nth(i).get_attribute("href") for i in range(titles.count())]
    assert links and all(link.startswith("/de-de/") for link in links), links
    assert {german_source(link) for link in links} <= GERMAN_PAGES


def test_a_german_typo_offers_the_german_word(new_page, pairs_url):
    page = new_page()
    page.goto(pairs_url + "/de-de/search/?q=Erstatung")
    page.locator(".kb-result__title").first.wait_for()
    assert page.locator("[data-kb-did-you-mean] a").inner_text() == "Erstattung"

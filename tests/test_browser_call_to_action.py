"""One compact call to action under answers (the channels that fit the page, live status, promise,
the contact page), and a contact page that asks what the problem is about before the channels."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

BOTH = pytest.mark.parametrize(
    "viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}], ids=["phone", "desktop"]
)


@BOTH
def test_buyer_article_offers_at_most_three_fitting_channels(new_page, sample_url, viewport):
    page = new_page(viewport=viewport)
    page.goto(f"{sample_url}/returns/how-to-return-an-item/")
    cta = page.locator(".kb-still-need-help")
    channels = cta.locator("[data-kb-channel]")
    assert 1 <= channels.count() <= 3
    labels = channels.locator(".kb-channel__label").all_inner_texts()
    assert labels[0] == "Live chat" and not any("Seller" in label for label in labels)
    assert cta.locator("table.kb-hours").count() == 0  # hours are on the contact page
    for i in range(channels.count()):
        assert channels.nth(i).locator("[data-kb-channel-status]").inner_text().strip()  # live status
        assert channels.nth(i).locator(".kb-channel__promise").inner_text().strip()  # response promise
    assert cta.get_by_role("link", name="All the ways to contact us").is_visible()
    assert cta.bounding_box()["height"] < 600  # all channels with their hours tables: a third of the page


def test_seller_article_offers_the_seller_line(new_page, sample_url):
    page = new_page()
    page.goto(f"{sample_url}/selling/selling-fees/")
    labels = page.locator(".kb-still-need-help .kb-channel__label").all_inner_texts()
    assert len(labels) <= 3 and any("Seller" in label for label in labels)


@BOTH
def test_contact_page_asks_the_topic_then_answers_then_channels(new_page, sample_url, viewport):
    page = new_page(viewport=viewport)
    page.goto(f"{sample_url}/contact/")
    picker = page.get_by_role("heading", name="What is your question about?")
    channels = page.get_by_role("heading", name="Ways to reach us")
    assert picker.bounding_box()["y"] < channels.bounding_box()["y"]
    topic = page.locator("[data-kb-contact-topic=returns]")
    answers = topic.locator(".kb-list__link")
    assert not answers.first.is_visible()
    topic.locator("summary").click()
    assert 2 <= answers.count() <= 3 and answers.first.is_visible()
    flows = page.locator("[data-kb-contact-topic=flows]")
    flows.locator("summary").click()
    assert flows.locator("a[href*='flows/']").count() >= 2
    topic.get_by_role("link", name="Not solved? Contact us").click()
    assert page.url.endswith("#kb-channels")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

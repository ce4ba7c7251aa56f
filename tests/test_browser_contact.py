"""Contact widgets and flows in real Chromium, with a fixed clock and time zone."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import wait_until
from test_contact import contact_site  # noqa: F401  (the built site fixture)

from kbgen.server import HelpCenterApp

pytestmark = pytest.mark.browser
UTC = dt.timezone.utc


@pytest.fixture(scope="module")
def url(contact_site, serve):  # noqa: F811
    return serve(HelpCenterApp(contact_site))


def page_at(new_page, when: dt.datetime, timezone_id: str, **options):
    page = new_page(timezone_id=timezone_id, **options)
    page.clock.set_fixed_time(when)
    return page


def status(page, channel):
    return page.locator(f"[data-kb-channel={channel}] [data-kb-channel-status]").first.inner_text()


def test_open_now_in_the_channels_zone_whatever_the_shoppers(new_page, url):
    # Monday 12:30 in Dublin, seen from New York (07:30 there)
    page = page_at(new_page, dt.datetime(2026, 11, 23, 12, 30, tzinfo=UTC), "America/New_York")
    page.goto(url + "/contact/")
    assert status(page, "chat") == "Open now"
    assert status(page, "sellers") == "Open now"
    assert status(page, "email") == "Any time"
    line = page.locator("[data-kb-status-text]").inner_text()
    assert line == "Live chat open now · replies in about 2 minutes"


def test_closed_with_the_next_opening(new_page, url):
    # Saturday 18:30 in Dublin, seen from Tokyo (Sunday 03:30 there)
    page = page_at(new_page, dt.datetime(2026, 11, 21, 18, 30, tzinfo=UTC), "Asia/Tokyo")
    page.goto(url + "/contact/")
    assert status(page, "chat") == "Closed · opens Monday 08:00"
    assert status(page, "sellers") == "Closed · opens Monday 09:00"
    assert page.locator("[data-kb-status-text]").inner_text() == "Email any time · answered within 12 hours"


def test_holiday_moves_the_next_opening(new_page, url):
    page = page_at(new_page, dt.datetime(2026, 12, 24, 21, 0, tzinfo=UTC), "Europe/Dublin")
    page.goto(url + "/contact/")
    assert status(page, "chat") == "Closed · opens Saturday 09:00"  # Friday 25th is Christmas


def test_flow_walked_with_the_keyboard(new_page, url):
    page = new_page()
    page.goto(url + "/flows/late/")
    flow = page.locator("[data-kb-flow=late]")
    visible = flow.locator(".kb-flow__node:visible")
    assert visible.count() == 1 and "Has the delivery date passed?" in visible.inner_text()
    page.keyboard.press("Tab")
    for _ in range(60):  # tab until the first answer has focus
        if page.evaluate("document.activeElement.dataset.kbNext || ''"):
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Yes"
    page.keyboard.press("Enter")
    assert "Have you asked the seller?" in flow.locator(".kb-flow__node:visible").inner_text()
    assert page.evaluate("document.activeElement.textContent") == "Have you asked the seller?"
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # "Yes": answers are buttons, Space works too
    result = flow.locator(".kb-flow__node:visible")
    assert "Ask us to step in" in result.inner_text()
    assert result.locator("[data-kb-channel=chat]").count() == 1
    page.get_by_role("button", name="Back").click()
    assert "Have you asked the seller?" in flow.locator(".kb-flow__node:visible").inner_text()
    page.get_by_role("button", name="Start over").click()
    assert "Has the delivery date passed?" in flow.locator(".kb-flow__node:visible").inner_text()


def test_without_javascript_every_step_schedule_and_channel_shows(new_page, url):
    page = new_page(java_script_enabled=False)
    page.goto(url + "/flows/late/")
    assert page.locator(".kb-flow__node:visible").count() == 5
    page.get_by_role("link", name="Yes").first.click()
    assert page.url.endswith("#kb-flow-late-seller")
    page.goto(url + "/contact/")
    assert page.locator("table.kb-hours").count() == 2  # chat and the seller line
    assert page.get_by_role("link", name="help@shop.example").count() >= 1
    text = page.locator("[data-kb-status-text]").inner_text()
    assert text.startswith("Need a hand? Live chat: Mon–Fri 08:00–20:00")


def test_chat_provider_script_loads_only_when_asked(new_page, tmp_path, serve):
    from conftest import CATEGORY_FILES, MINIMAL_CONFIG, write_tree

    from kbgen.build import build

    write_tree(
        tmp_path,
        {
            "mkdocs.yml": MINIMAL_CONFIG,
            **CATEGORY_FILES,
            "content/contact.yml": (
                "channels:\n  - id: chat\n    type: chat\n    label: Live chat\n"
                "    script: https://chat-provider.example/widget.js\n"
            ),
        },
    )
    base = serve(HelpCenterApp(build(tmp_path / "mkdocs.yml")))
    page = new_page()
    requested = []
    page.route(
        "https://chat-provider.example/**",
        lambda route: (
            requested.append(route.request.url),
            route.fulfill(body="window.kbChatLoaded = true;", content_type="text/javascript"),
        ),
    )
    page.goto(base + "/returns/return-policy/")
    page.wait_for_timeout(300)
    assert requested == []  # nothing from the provider until the shopper asks
    page.get_by_role("button", name="Start a chat").first.click()
    wait_until(page, "window.kbChatLoaded === true")
    assert requested == ["https://chat-provider.example/widget.js"]

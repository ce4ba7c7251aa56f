"""Security headers from `kbgen serve` and the build, and every page kind of the sample
satisfying the Content-Security-Policy in Chromium (no 'unsafe-inline' for scripts)."""

from __future__ import annotations

import json
import urllib.request

import pytest
from conftest import CATEGORY_FILES, wait_until

CSP_LISTENER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || ""));
});
"""


def get(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers, response.read()


@pytest.fixture
def sample_served(sample_site, kbgen_serve):
    return kbgen_serve("--no-build", "-d", sample_site)


def test_serve_sends_the_policy_the_build_wrote(sample_site, sample_served):
    headers, _ = get(sample_served + "/returns/")
    policy = headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'sha256-" in directives["script-src"]  # Material's inline bootstrapping scripts
    assert "'unsafe-inline'" in directives["style-src"]
    assert directives["frame-ancestors"] == "'self'" and directives["object-src"] == "'none'"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["X-Content-Type-Options"] == "nosniff"
    written = json.loads((sample_site / "_kbgen/headers.json").read_text())
    assert written["Content-Security-Policy"] == policy
    # the same headers for static hosts: Netlify/Cloudflare Pages and nginx
    static = (sample_site / "_headers").read_text()
    assert static.startswith("/*\n") and f"  Content-Security-Policy: {policy}\n" in static
    nginx = (sample_site / "_kbgen/nginx-headers.conf").read_text()
    assert f'add_header Content-Security-Policy "{policy}" always;' in nginx


def test_not_found_pages_carry_the_policy_too(sample_served):
    try:
        urllib.request.urlopen(sample_served + "/no-such-page/", timeout=10)
    except urllib.error.HTTPError as exc:
        assert exc.code == 404
        assert "script-src" in exc.headers["Content-Security-Policy"]
    else:
        raise AssertionError("expected a 404")


@pytest.fixture
def csp_page(new_page):
    """A page that records CSP violations (events and console errors)."""

    def make(**options):
        page = new_page(**options)
        page.add_init_script(CSP_LISTENER)
        page.console_errors = []
        page.on(
            "console",
            lambda m: page.console_errors.append(m.text) if "Content Security Policy" in m.text else None,
        )
        return page

    return make


def assert_no_violations(page) -> None:
    """No violation of a real policy: the page came with one, strict for scripts."""
    policy = page.evaluate("fetch(location.href).then(r => r.headers.get('content-security-policy'))")
    assert policy and "script-src 'self' 'sha256-" in policy and "'unsafe-inline'" not in policy.split("style-src")[0]
    page.wait_for_timeout(150)
    assert page.evaluate("window.__csp") == [], page.url
    assert page.console_errors == [], page.url


@pytest.mark.browser
def test_every_page_kind_satisfies_the_policy_and_its_widgets_work(sample_served, csp_page):
    page = csp_page(color_scheme="light")
    base = sample_served

    page.goto(base + "/")  # home: typeahead suggestions
    page.locator(".kb-hero input[role=combobox]").fill("refund")
    page.get_by_role("option").first.wait_for()
    assert_no_violations(page)

    page.goto(base + "/returns/")  # a category with its FAQ accordion and votes
    entry = page.locator("details.kb-faq__item summary").first
    entry.click()
    assert page.locator("details.kb-faq__item[open] form[data-kb-feedback]").first.is_visible()
    assert_no_violations(page)

    page.goto(base + "/returns/refunds/")  # an article: glossary tooltip, contact widget
    term = page.locator(".kb-term__link").first
    term.hover()
    assert page.locator(".kb-term__tip").first.is_visible()
    wait_until(page, "[...document.querySelectorAll('[data-kb-channel-status]')].some(e => e.textContent.trim())")
    # dark mode, toggled with Material's own script
    page.locator("label[title='Switch to dark mode']").first.click()
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    assert_no_violations(page)

    page.goto(base + "/contact/")  # the contact page: status computed in the browser
    wait_until(page, "/open now|closed now|any time/.test(document.querySelector('[data-kb-status-text]').textContent)")
    assert_no_violations(page)

    page.goto(base + "/flows/item-not-received/")  # a flow advances
    flow = page.locator("[data-kb-flow=item-not-received]")
    first = flow.locator(".kb-flow__node:visible").inner_text()
    flow.locator(".kb-flow__node:visible .kb-flow__answer").first.click()
    assert flow.locator(".kb-flow__node:visible").inner_text() != first
    assert_no_violations(page)

    for path in ("/glossary/", "/notices/", "/notices/card-payments-delayed/", "/policy-updates/", "/nope/"):
        page.goto(base + path)
        assert_no_violations(page)

    page.goto(base + "/search/")  # the results page with a query typed into the box
    page.locator("#kb-results-q").fill("refund")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=refund**")
    page.locator(".kb-result__title").first.wait_for()
    assert_no_violations(page)


@pytest.mark.browser
def test_a_writers_inline_script_is_blocked(make_site, kbgen_serve, csp_page):
    files = {
        **CATEGORY_FILES,
        "content/returns/evil.md": (
            "---\ntitle: Evil\n---\nHello.\n\n<script>window.__pwned = 1</script>\n\n"
            '<img src="https://shop.example/x.png" onerror="window.__pwned = 2">\n\n'
            '<a id="go" href="javascript:window.__pwned = 3">go</a>\n'
        ),
    }
    project = make_site(files)
    base = kbgen_serve(cwd=project)  # builds (warnings only), then serves
    page = csp_page()
    page.goto(base + "/returns/evil/")
    page.wait_for_timeout(300)
    page.locator("#go").click()
    page.wait_for_timeout(200)
    assert page.evaluate("window.__pwned") is None
    blocked = page.evaluate("window.__csp")
    assert any(v.startswith("script-src") for v in blocked), blocked


@pytest.mark.browser
def test_live_reload_satisfies_the_policy(make_site, kbgen_serve, csp_page):
    base = kbgen_serve("--watch", cwd=make_site(CATEGORY_FILES))
    page = csp_page()
    with page.expect_request("**/_kbgen/livereload?page=*"):  # the page says where it is
        page.goto(base + "/returns/return-policy/")
    assert_no_violations(page)

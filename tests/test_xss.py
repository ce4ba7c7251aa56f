"""Stored XSS: every content string that reaches HTML is escaped, so hostile titles,
summaries and descriptions never run as script (in Chromium, with no CSP to help)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from conftest import MINIMAL_CONFIG, write_tree

from kbgen.build import build


def payload(n: int) -> str:
    """Breaks out of text, attributes and <title>/<script> if anything is left unescaped."""
    return (
        f'x{n}"\'><img src=x onerror="window.__pwned={n}"></title></script>'
        f"<script>window.__pwned={n}</script><svg onload=window.__pwned={n}>"
    )


def q(text: str) -> str:
    """A YAML single-quoted scalar."""
    return "'" + text.replace("'", "''") + "'"


HOSTILE = {
    "content/returns/_category.yml": f"title: {q(payload(1))}\ndescription: {q(payload(2))}\n",
    "content/returns/labels/_category.yml": f"title: {q(payload(3))}\n",
    "content/returns/labels/print-a-label.md": "---\ntitle: Print a label\n---\nPrint it.\n",
    "content/returns/return-policy.md": (
        f"---\ntitle: {q(payload(4))}\nsummary: {q(payload(5))}\n"
        f"changes:\n  - {{date: 2026-10-01, summary: {q(payload(6))}}}\n---\n## Window\n\nThirty days. "
        "{{ flow:lost }}\n\n{{ contact:email }}\n"
    ),
    "content/returns/faq/refund-time.md": f"---\nquestion: {q(payload(7))}\n---\nFive days.\n",
    "content/notices/card-delay.md": (
        f"---\ntitle: {q(payload(8))}\nsummary: {q(payload(9))}\nseverity: incident\n"
        f"start: 2026-11-20T10:40+00:00\nupdates:\n  - {{time: 2026-11-20T10:40+00:00, text: {q(payload(10))}}}\n"
        "---\nDelayed.\n"
    ),
    "content/flows/lost.yml": (
        f"title: {q(payload(11))}\nsummary: {q(payload(12))}\nstart: ask\nsteps:\n"
        f"  - id: ask\n    question: {q(payload(13))}\n    help: {q(payload(18))}\n    answers:\n"
        "      - {label: 'Yes', next: done}\n      - {label: 'No', next: done}\n"
        f"results:\n  - id: done\n    title: {q(payload(14))}\n    text: {q(payload(19))}\n"
        "    links: [{'Click me': 'javascript:window.__pwned=15'}]\n"
    ),
    "content/glossary.yml": f"- term: Refund\n  definition: {q(payload(16))}\n",
    # a page kbgen does not load but MkDocs publishes: any front matter at all
    "content/notices/archive/old.md": (
        f"---\ntitle: {q(payload(20))}\ndescription: {q(payload(21))}\nstatus: {q(payload(22))}\n---\nOld.\n"
    ),
    "content/contact.yml": (
        f"timezone: UTC\nchannels:\n  - {{id: email, type: email, label: {q(payload(17))}, address: a@example.com}}\n"
    ),
}
PAGES = [
    "/",
    "/returns/",
    "/returns/return-policy/",
    "/notices/",
    "/notices/card-delay/",
    "/flows/lost/",
    "/glossary/",
    "/policy-updates/",
    "/search/?q=refund",
    "/notices/archive/old/",
]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    project = tmp_path_factory.mktemp("hostile")
    write_tree(project, {"mkdocs.yml": MINIMAL_CONFIG, **HOSTILE})
    return build(project / "mkdocs.yml", project / "site")


class Meta(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            self.meta[attrs.get("name") or attrs.get("property") or ""] = attrs.get("content") or ""


def test_meta_description_and_og_tags_carry_the_text_exactly_once_escaped(hostile_site, sample_site):
    article = Meta((hostile_site / "returns/return-policy/index.html").read_text())
    assert article.meta["description"] == payload(5)
    assert article.meta["og:title"] == payload(4)
    assert article.meta["og:description"] == payload(5)
    assert Meta((hostile_site / "returns/index.html").read_text()).meta["description"] == payload(2)
    assert Meta((hostile_site / "notices/card-delay/index.html").read_text()).meta["description"] == payload(9)
    sample = Meta((sample_site / "returns/index.html").read_text())
    assert sample.meta["og:title"] == "Returns & refunds"  # was "Returns &amp; refunds"


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_hostile_content_never_runs_script(hostile_site, static_host, new_page, path):
    base = static_host(hostile_site)
    page = new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(base + path)
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    # the hostile text is shown as text, not swallowed
    assert page.locator("text=window.__pwned").count() >= 1


@pytest.mark.browser
def test_flow_markdown_shows_raw_html_as_text(hostile_site):
    """Flow help and result texts are Markdown from YAML, rendered outside the page's
    content: raw HTML there would even get a CSP hash, so it is shown as text."""
    html = (hostile_site / "flows/lost/index.html").read_text()
    assert "<script>window.__pwned=18" not in html and "<script>window.__pwned=19" not in html
    assert "&lt;script&gt;window.__pwned=18" in html


@pytest.mark.browser
def test_a_flow_link_with_a_javascript_url_is_not_rendered(hostile_site, static_host, new_page):
    page = new_page()
    page.goto(static_host(hostile_site) + "/flows/lost/")
    assert page.locator("a[href^='javascript']").count() == 0


def test_json_ld_never_closes_its_script_element(hostile_site):
    import json
    import re

    html = (hostile_site / "returns/return-policy/index.html").read_text()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert blocks
    for block in blocks:
        assert "</" not in block and "<!--" not in block
    headlines = [d.get("headline") for d in map(json.loads, blocks)]
    assert payload(4) in headlines

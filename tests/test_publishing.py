"""What goes live: the strict gate, what search engines read, light pages, and the whole
path from `kbgen new` to a shopper finding, opening and rating a new answer."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import CATEGORY_FILES, SHOPPER_UA


def test_strict_gate_annotates_with_github_format_and_replaces_nothing(make_site, invoke):
    project = make_site(
        {**CATEGORY_FILES, "content/returns/bad.md": "---\ntitle: Bad\n---\n![label](missing.png) [x](gone.md#a)\n"}
    )
    (project / "site").mkdir()
    (project / "site/index.html").write_text("the last good site")
    result = invoke("build", "--strict", "--format", "github", cwd=project)
    assert result.exit_code == 1
    assert (
        "::error file=content/returns/bad.md,line=4,title=kbgen::missing image: 'missing.png' "
        "is not in the content folder" in result.output
    )
    assert (
        "::error file=content/returns/bad.md,line=4,title=kbgen::broken link: 'gone.md#a' does "
        "not exist" in result.output
    )
    assert (project / "site/index.html").read_text() == "the last good site"


def test_invalid_config_fails_the_build_cleanly(make_site, invoke):
    project = make_site(CATEGORY_FILES, config="site_name: X\ndocs_dir: content\ntheme:\n  name: nosuchtheme\n")
    result = invoke("build", "--strict", cwd=project)
    assert result.exit_code == 1 and "nosuchtheme" in result.output and "Traceback" not in result.output


def test_search_engines_read_structured_data_descriptions_and_sitemap(sample_site):
    extruct = pytest.importorskip("extruct")
    base = "https://help.larkspur.example/"

    def data(url):
        html = (sample_site / url / "index.html").read_text()
        return html, extruct.extract(html, base_url=base + url, syntaxes=["json-ld", "opengraph"])

    html, found = data("returns/return-policy/")
    types = {d["@type"] for d in found["json-ld"]}
    assert {"Article", "BreadcrumbList"} <= types
    article = next(d for d in found["json-ld"] if d["@type"] == "Article")
    assert article["headline"] == "Return policy" and article["dateModified"].startswith("2026-")
    crumbs = next(d for d in found["json-ld"] if d["@type"] == "BreadcrumbList")
    assert [i["name"] for i in crumbs["itemListElement"]] == ["Help centre", "Returns & refunds", "Return policy"]
    assert '<link rel="canonical" href="https://help.larkspur.example/returns/return-policy/">' in html
    assert '<meta name="description" content="What you can return' in html
    og = dict(found["opengraph"][0]["properties"])
    assert og["og:title"] == "Return policy" and og["og:url"] == base + "returns/return-policy/"

    _, found = data("returns/")
    faq = next(d for d in found["json-ld"] if d["@type"] == "FAQPage")
    assert len(faq["mainEntity"]) == 10
    first = faq["mainEntity"][0]
    assert first["@type"] == "Question" and first["acceptedAnswer"]["text"]
    sitemap = (sample_site / "sitemap.xml").read_text()
    pages = [p for p in sample_site.rglob("index.html") if "search" not in p.parts]
    for page in pages:
        url = base + page.parent.relative_to(sample_site).as_posix().replace(".", "") + "/"
        assert f"<loc>{url.replace('//', '/').replace('https:/', 'https://')}</loc>" in sitemap, url


@pytest.mark.browser
def test_pages_load_nothing_from_third_parties_and_stay_small(new_page, sample_url):
    sizes = {}
    for path in ("/", "/returns/return-policy/"):
        page = new_page()
        hosts, total = set(), 0
        responses: list = []
        page.on("response", lambda response, sink=responses: sink.append(response))
        page.goto(sample_url + path, wait_until="networkidle")
        for response in responses:
            hosts.add(response.url.split("/")[2])
            body = response.body() if response.status == 200 else b""
            total += len(body)
        assert hosts == {sample_url.split("/")[2]}, hosts
        sizes[path] = total
    assert sizes["/"] < 600_000 and sizes["/returns/return-policy/"] < 600_000, sizes


@pytest.mark.browser
def test_new_project_end_to_end(tmp_path, new_page, kbgen_serve):
    """kbgen new, a new article and FAQ entry, build, serve; a shopper finds, opens, rates it."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    kbgen = [sys.executable, "-m", "kbgen"]
    subprocess.run([*kbgen, "new", str(tmp_path / "shop")], check=True, env=env, capture_output=True)
    project = tmp_path / "shop"
    (project / "content/orders/gift-wrapping.md").write_text(
        "---\ntitle: Gift wrapping\nsummary: Wrap an order as a present.\naudience: buyers\n---\n"
        "Choose **Gift wrap** at checkout; we add a card with your message.\n"
    )
    (project / "content/orders/faq/can-i-hide-the-price.md").write_text(
        "---\nquestion: Can I hide the price on a gift?\n---\nYes: gift-wrapped orders never include the receipt.\n"
    )
    subprocess.run([*kbgen, "build", "--strict"], cwd=project, check=True, env=env, capture_output=True)
    base = kbgen_serve("--no-build", "--workers", "1", cwd=project)
    page = new_page(user_agent=SHOPPER_UA)
    page.goto(base + "/")
    page.locator(".kb-hero input[role=combobox]").fill("hide the price gift")
    page.get_by_role("option", name="Can I hide the price on a gift?").click()
    page.wait_for_url("**/orders/#can-i-hide-the-price")
    entry = page.locator("details#can-i-hide-the-price")
    assert entry.get_attribute("open") is not None
    entry.get_by_role("button", name="Yes").click()
    entry.locator("[data-kb-feedback-status]").filter(has_text="Thank you").wait_for()
    page.goto(base + "/search/?q=gift+wrapping")
    page.get_by_role("link", name="Gift wrapping").click()
    page.wait_for_url("**/orders/gift-wrapping/")
    help_box = page.locator(".kb-still-need-help")
    assert help_box.get_by_role("heading", name="Live chat").count() == 1
    email = help_box.get_by_role("link", name="help@example.com")
    assert "subject=Question%20about%3A%20Gift%20wrapping" in email.get_attribute("href")
    help_box.get_by_role("link", name="All the ways to contact us").click()
    page.wait_for_url("**/contact/")
    assert page.locator("[data-kb-channel=chat] [data-kb-channel-status]").inner_text()
    report = subprocess.run([*kbgen, "report"], cwd=project, env=env, capture_output=True, text=True)
    assert "1 votes" in report.stdout and "gift wrapping" in report.stdout

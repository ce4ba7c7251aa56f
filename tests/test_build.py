"""Real MkDocs builds: the sample help center, the scaffold, atomic swaps, reproducibility."""

from __future__ import annotations

import filecmp
import hashlib
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import CATEGORY_FILES, ROOT, english

from kbgen.build import BuildFailed, build


class Elements(HTMLParser):
    """Collects (tag, attrs, text) for assertions on built pages."""

    def __init__(self, html: str):
        super().__init__()
        self.items: list[tuple[str, dict, list[str]]] = []
        self._open: list[tuple[str, dict, list[str]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        item = (tag, dict(attrs), [])
        self.items.append(item)
        if tag not in ("br", "img", "input", "meta", "link", "hr", "path", "source"):
            self._open.append(item)

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i:]
                break

    def handle_data(self, data):
        for item in self._open:
            item[2].append(data)

    def find(self, tag, **attrs):
        return [
            (a, " ".join("".join(t).split()))
            for (name, a, t) in self.items
            if name == tag
            and all((v in (a.get("class") or "").split()) if k == "class_" else a.get(k) == v for k, v in attrs.items())
        ]


def page(site: Path, url: str) -> Elements:
    return Elements((site / url / "index.html").read_text(encoding="utf-8"))


def text_of(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def test_home_has_search_category_cards_and_promoted_articles(sample_site):
    home = page(sample_site, "")
    forms = home.find("form", role="search")
    assert forms and forms[0][0]["action"] == "search/"
    cards = home.find("li", class_="kb-card")
    categories = sorted(p.name for p in (ROOT / "content").iterdir() if (p / "_category.yml").exists())
    assert len(cards) == len(categories)
    returns = next(text for _, text in cards if text.startswith("Returns & refunds"))
    n_articles = len(english((ROOT / "content/returns").glob("*.md")))
    n_faqs = len(english((ROOT / "content/returns/faq").glob("*.md")))
    assert f"{n_articles} articles · {n_faqs} questions" in returns
    links = [a["href"] for a, _ in home.find("a", class_="kb-card__link")]
    assert "returns/" in links
    promoted = [t for _, t in home.find("a", class_="kb-list__link")]
    assert "How to return an item" in promoted


def test_category_page_lists_articles_and_faq_accordion(sample_site):
    returns = page(sample_site, "returns")
    titles = [t for _, t in returns.find("a", class_="kb-list__link")]
    assert set(titles) >= {"Return policy", "Refunds", "How to return an item"}
    entries = returns.find("details", class_="kb-faq__item")
    stems = sorted(p.stem for p in english((ROOT / "content/returns/faq").glob("*.md")))
    assert sorted(a["id"] for a, _ in entries) == stems
    summaries = [t for _, t in returns.find("summary", class_="kb-faq__question")]
    assert "How long do refunds take?" in summaries
    permalinks = [a["href"] for a, _ in returns.find("a") if a.get("href", "").startswith("#")]
    assert all(f"#{stem}" in permalinks for stem in stems)


def test_faq_answer_links_are_rebased_onto_the_category_page(sample_site):
    html = text_of(sample_site, "shipping")
    # Answers written in shipping/faq/ link with ../../; on shipping/ they need ../
    assert 'href="../../' not in html
    hrefs = re.findall(r'href="(\.\./[a-z-]+/[a-z-]+/)"', html)
    assert hrefs, "answers should link to other articles"
    for href in hrefs:
        assert (sample_site / "shipping" / href / "index.html").resolve().is_file(), href


def test_article_has_breadcrumbs_summary_dates_and_toc(sample_site):
    article = page(sample_site, "returns/return-policy")
    crumbs = article.find("nav", **{"aria-label": "Breadcrumb"})
    assert crumbs and crumbs[0][1] == "Help centre › Returns & refunds › Return policy".replace(" › ", " ")
    assert [t for _, t in article.find("h1")] == ["Return policy"]
    assert article.find("p", class_="kb-lead")
    times = article.find("time")
    assert times and all(re.fullmatch(r"\d{4}-\d\d-\d\d(T[\d:]+[+-]\d\d:\d\d)?", a["datetime"]) for a, _ in times)
    assert article.find("nav", class_="md-nav--secondary"), "Material's table of contents"
    meta = article.find("meta", name="description")
    assert meta and meta[0][0]["content"].startswith("What you can return")


def test_navigation_is_generated_from_categories(sample_site):
    nav = page(sample_site, "returns/refunds").find("a", class_="md-nav__link")
    labels = {text for _, text in nav}
    assert {"Returns & refunds", "Buying at auction", "Help centre"} <= labels
    assert "Refunds" in labels  # the current category's articles
    hrefs = {a["href"] for a, _ in nav}
    assert "../../auctions/" in hrefs


def test_data_files_are_not_published(sample_site):
    assert not list(sample_site.rglob("_category.yml"))
    assert not (sample_site / "synonyms.yml").exists()
    assert not (sample_site / "returns/faq").exists()


def test_dark_mode_palette_survives(sample_site):
    html = text_of(sample_site, "")
    assert 'data-md-color-scheme="default"' in html and "slate" in html
    assert re.search(r'href="assets/kbgen/kb\.[0-9a-f]{12}\.css"', html)  # fingerprinted
    assert not (sample_site / "assets/kbgen/kb.css").exists()
    # Material's colours reach kb.css's --kb- properties through the theme's stylesheet, loaded after it
    style = re.search(r"assets/kbgen/kb\.[0-9a-f]{12}\.css", html).group(0)
    assert html.index(style) < html.index("assets/kbgen/material.css")
    assert "--md-" not in (sample_site / style).read_text(encoding="utf-8")


def test_widget_scripts_are_one_fingerprinted_file(sample_site):
    """The modules of theme/assets/kbgen/js/ reach the site as kb.<hash>.js only, and
    every page references that one file (a new hash whenever the content changes)."""
    scripts = list((sample_site / "assets/kbgen").glob("*.js"))
    assert len(scripts) == 1 and not (sample_site / "assets/kbgen/js").exists(), scripts
    text = scripts[0].read_text(encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    assert scripts[0].name == f"kb.{digest}.js"
    assert "/*" not in text and "\n  " not in text  # minified
    for rel in ("index.html", "returns/refunds/index.html", "search/index.html", "404.html"):
        html = (sample_site / rel).read_text(encoding="utf-8")
        assert html.count(f"assets/kbgen/kb.{digest}.js") == 1, rel


def test_same_input_gives_same_bytes(make_site, tmp_path):
    """Two builds in two processes (different hash seeds) give identical sites and indexes."""
    project = make_site(CATEGORY_FILES)
    for name, seed in (("one", "1"), ("two", "2")):
        subprocess.run(
            [sys.executable, "-m", "kbgen", "build", "-d", str(tmp_path / name)],
            cwd=project,
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
    first, second = tmp_path / "one", tmp_path / "two"
    assert (first / "_kbgen/search/meta.json").is_file()
    cmp = filecmp.dircmp(first, second)

    def differences(c):
        return c.diff_files + c.left_only + c.right_only + [d for sub in c.subdirs.values() for d in differences(sub)]

    assert differences(cmp) == []
    assert "2026-10-02" in (first / "sitemap.xml").read_text()  # dates from content, not the clock


def test_failed_build_leaves_the_previous_site_untouched(make_site, tmp_path):
    project = make_site(CATEGORY_FILES)
    site = build(project / "mkdocs.yml")
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    (project / "content/returns/broken.md").write_text("---\ntitle: [\n---\nx\n")
    with pytest.raises(BuildFailed):
        build(project / "mkdocs.yml")
    after = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
    leftovers = [p.name for p in site.parent.iterdir() if ".building-" in p.name]
    assert leftovers == []


def test_successful_rebuild_replaces_the_site(make_site):
    project = make_site(CATEGORY_FILES)
    site = build(project / "mkdocs.yml")
    (project / "content/returns/new-page.md").write_text("---\ntitle: New page\n---\nHello.\n")
    assert build(project / "mkdocs.yml") == site
    assert (site / "returns/new-page/index.html").is_file()


def test_build_cli_reports_content_errors_and_exits_1(make_site, invoke):
    project = make_site({**CATEGORY_FILES, "content/returns/bad.md": "---\ntitle: B\nupdated: x\n---\n"})
    result = invoke("build", cwd=project)
    assert result.exit_code == 1
    assert "content/returns/bad.md:3: 'updated': 'x' is not a valid date" in result.output
    assert "previous site was left as it was" in result.output
    assert "Traceback" not in result.output
    assert not (project / "site").exists()


def test_build_fail_on_overdue_fails_on_an_overdue_review(make_site, invoke):
    files = {**CATEGORY_FILES, "content/returns/old.md": "---\ntitle: Old\nreview_by: 2025-01-01\n---\nText.\n"}
    project = make_site(files)
    assert invoke("build", "--strict", cwd=project).exit_code == 0  # time never blocks publishing by default
    strict = invoke("build", "--strict", "--fail-on-overdue", "-d", project / "strict-site", cwd=project)
    assert strict.exit_code == 1
    assert "content/returns/old.md:3: review_by 2025-01-01 has passed" in strict.output
    assert not (project / "strict-site").exists()


def test_large_builds_show_progress(make_site, invoke):
    files = dict(CATEGORY_FILES)
    for i in range(320):
        files[f"content/returns/page-{i:03}.md"] = f"---\ntitle: Page {i}\n---\nText {i}.\n"
    result = invoke("build", cwd=make_site(files))
    assert result.exit_code == 0, result.output
    progress = [line for line in result.output.splitlines() if line.startswith("rendered ")]
    assert len(progress) >= 5 and progress[-1].endswith("pages")


def test_scaffold_builds_strict_and_checks_clean(tmp_path, invoke):
    result = invoke("new", tmp_path / "helpdesk")
    assert result.exit_code == 0
    project = tmp_path / "helpdesk"
    assert invoke("check", "--strict", cwd=project).exit_code == 0
    built = invoke("build", "--strict", cwd=project)
    assert built.exit_code == 0, built.output
    home = page(project / "site", "")
    assert len(home.find("li", class_="kb-card")) == 3  # orders, returns, contact us
    orders = page(project / "site", "orders")
    assert [a["id"] for a, _ in orders.find("details", class_="kb-faq__item")] == [
        "where-is-my-order",
        "can-i-cancel-my-order",
        "is-delivery-free",
    ]  # promoted first


def test_new_refuses_a_non_empty_folder(tmp_path, invoke):
    (tmp_path / "existing.txt").write_text("keep me")
    result = invoke("new", tmp_path)
    assert result.exit_code == 1
    assert "not empty" in result.output
    assert (tmp_path / "existing.txt").read_text() == "keep me"


def test_serve_watch_rebuilds_and_tells_browsers_to_reload(make_site, kbgen_serve):
    """kbgen serve --watch: an edit is rebuilt, served, and the live-reload id moves on."""
    import json
    import time
    import urllib.request

    project = make_site(CATEGORY_FILES)
    base = kbgen_serve("--watch", cwd=project)

    def get(path):
        with urllib.request.urlopen(base + path, timeout=5) as response:
            return response.read().decode()

    first = json.loads(get("/_kbgen/livereload"))["build"]
    assert "/_kbgen/livereload" in get("/returns/return-policy/")  # the reload script
    entries = project / ".kbgen/cache/root/entries"
    cached = {p.name for p in entries.glob("*/*")}
    assert cached  # the first build filled the build cache
    page = project / "content/returns/return-policy.md"
    page.write_text(page.read_text().replace("Thirty days.", "Sixty days."))
    deadline = time.monotonic() + 30
    while json.loads(get("/_kbgen/livereload"))["build"] == first:
        assert time.monotonic() < deadline, "no rebuild after the edit"
        time.sleep(0.2)
    assert "Sixty days." in get("/returns/return-policy/")
    # the rebuild went through the cache (the edit is in a summary, which every page may
    # show, so each page's entry was replaced)
    assert {p.name for p in entries.glob("*/*")} - cached


HOOKS = """
import gc
import os

from mkdocs.exceptions import PluginError


def on_page_markdown(markdown, page, config, files):
    with open(os.path.join(os.path.dirname(config.config_file_path), "frozen.txt"), "a") as f:
        f.write(f"{gc.get_freeze_count()}\\n")
    if os.environ.get("KBGEN_TEST_FAIL_PAGE") == page.file.src_uri:
        raise PluginError("stopped by the test")
"""


def test_the_content_model_is_kept_out_of_full_collections_during_the_build_only(make_site, monkeypatch):
    """Everything alive once the content is loaded lives to the end of the build: frozen for
    the collector (``gc.freeze``) while pages render, and given back when the build ends,
    whether it succeeds or fails (a preview process builds again and again)."""
    import gc

    from conftest import MINIMAL_CONFIG

    project = make_site(CATEGORY_FILES, config=MINIMAL_CONFIG + "hooks:\n  - hooks.py\n")
    (project / "hooks.py").write_text(HOOKS, encoding="utf-8")
    build(project / "mkdocs.yml")
    seen = [int(n) for n in (project / "frozen.txt").read_text().split()]
    assert seen and min(seen) > 1000  # the modules and the model, frozen while pages render
    assert gc.get_freeze_count() == 0
    monkeypatch.setenv("KBGEN_TEST_FAIL_PAGE", "returns/return-policy.md")
    with pytest.raises(BuildFailed):
        build(project / "mkdocs.yml")
    assert gc.get_freeze_count() == 0


def test_kbgen_build_leaves_what_is_alive_frozen_as_the_process_ends(make_site, invoke):
    """``kbgen build`` ends the process: what is alive then is left out of the interpreter's
    last full collection (``gc.freeze``); ``build()`` itself, called in a longer process (a
    preview), gives back what it froze."""
    import gc

    project = make_site(CATEGORY_FILES)
    build(project / "mkdocs.yml")
    assert gc.get_freeze_count() == 0
    try:
        assert invoke("build", cwd=project).exit_code == 0
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()

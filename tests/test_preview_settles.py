"""``kbgen serve --watch`` puts the pages live before the search index; once it settles the
site is what ``kbgen build`` gives for the same tree.

The preview path of ``kbgen.build.build`` (``pages_ready``) on the two-pair project of the
incremental tests, compared byte for byte with a clean build after each edit; then the real
``kbgen serve --watch`` with a page open in Chromium, a few saves, and ``kbgen build``.
"""

from __future__ import annotations

import json
import random
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import CATEGORY_FILES, LIVE_RELOAD_POLLED, wait_until
from test_incremental import PairsProject, Project, differences

from kbgen.build import BuildFailed, build
from kbgen.search import INDEX_DIR
from kbgen.watch import snapshot

PAIR_FOLDERS = ("", "de-de")  # the two-pair project: English at the root, German in /de-de/


def index_files(site: Path) -> dict[str, int]:
    """Each pair's index files and their inodes (the same inode: the same file, linked)."""
    return {
        f"{prefix}/{path.name}": path.stat().st_ino
        for prefix in PAIR_FOLDERS
        for path in sorted((site / prefix / INDEX_DIR).iterdir())
    }


def leftovers(site: Path) -> list[str]:
    return sorted(p.name for p in site.parent.iterdir() if p.name.startswith(f".{site.name}."))


def files_of(site: Path) -> dict[Path, bytes]:
    """Every file of a built site, by its path in the site."""
    return {p.relative_to(site): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def fail_the_second_mkdocs_build(monkeypatch) -> None:
    """The next build's second MkDocs build fails, after the first has gone live."""
    import kbgen.build

    built = []
    real = kbgen.build._mkdocs_build

    def second_fails(config, staging, logged):
        built.append(config.site_dir)
        if len(built) == 2:
            raise BuildFailed("a template failed")
        real(config, staging, logged)

    monkeypatch.setattr(kbgen.build, "_mkdocs_build", second_fails)


def pages(site: Path, prefix: str) -> dict[str, bytes]:
    """A pair's HTML pages (the root pair's: those outside the other pairs' folders)."""
    others = [name for name in PAIR_FOLDERS if name and name != prefix]
    found = {}
    for path in sorted((site / prefix).rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if not any(rel.startswith(f"{name}/") for name in others):
            found[rel] = path.read_bytes()
    return found


# each edit, and the pairs whose pages go live in turn (the saved page's pair first)
EDITS = {
    "change_source": [[""], ["de-de"]],  # an English page: the root pair first
    "change_translation": [["de-de"], [""]],  # a German one: /de-de/ first
    "change_market_fact": [None],  # facts.yml: every pair at once
    "add_page": [[""], ["de-de"]],
    "change_faq": [[""], ["de-de"]],
}


def test_the_preview_puts_pages_live_with_the_old_index_then_settles_as_a_full_build(tmp_path):
    """The saved page's pair goes live first (as a clean build has it), with the previous
    index; after the other pairs and the new indexes the site is a clean build's."""
    project = PairsProject(tmp_path / "project", random.Random(3))
    config = project.path("mkdocs.yml")
    site, cache, clean = tmp_path / "site", tmp_path / "cache", tmp_path / "clean"
    live: list[list[str] | None] = []
    seen: list[dict] = []

    def pages_ready(pairs):  # what browsers reload into: the new pages, the index of the last build
        live.append(pairs)
        seen.append({"index": index_files(site), "pages": {p: pages(site, p) for p in pairs or PAIR_FOLDERS}})

    build(config, site, cache_dir=cache, pages_ready=pages_ready)  # no site yet: the index comes first
    assert live == [None]
    for edit, order in EDITS.items():
        files = snapshot([project.path("content")])
        getattr(project, edit)()
        now = snapshot([project.path("content")])
        changed = [Path(p) for p in files.keys() | now.keys() if files.get(p) != now.get(p)]
        build(config, clean)
        before = index_files(site)
        live.clear()
        seen.clear()
        build(config, site, cache_dir=cache, pages_ready=pages_ready, changed=changed)
        assert live == order, edit
        for step in seen:
            assert step["index"] == before, f"{edit}: the pages went live with another index"
            for prefix, found in step["pages"].items():
                assert found == pages(clean, prefix), f"{edit}: /{prefix}/ went live unfinished"
        assert differences(site, clean) == [], f"after {edit}"
        assert index_files(site) != before, f"{edit}: the new index was not swapped in"
        assert leftovers(site) == [], edit


# A save's pages go live early: with two pairs the saved page's pair first, with one pair the
# quick step's pages; each with its seed, the file saved and a mistake that breaks the build.
EARLY_STEPS = [
    pytest.param(
        PairsProject,
        3,
        "content/returns/policy.md",
        lambda text: text.replace("title: ", "title: Returns: the basics ", 1),
        id="saved-pair-first",
    ),
    pytest.param(
        Project,
        5,
        "content/returns/refunds.md",
        lambda text: text + "\nSee [nowhere](missing.md).\n",
        id="quick-step",
    ),
]


@pytest.mark.parametrize("kind, seed, saved, mistake", EARLY_STEPS)
def test_a_failure_after_the_early_step_puts_the_previous_site_back(tmp_path, monkeypatch, kind, seed, saved, mistake):
    project = kind(tmp_path / "project", random.Random(seed))
    config = project.path("mkdocs.yml")
    site, cache = tmp_path / "site", tmp_path / "cache"
    build(config, site, cache_dir=cache, pages_ready=lambda pairs: None)
    before = files_of(site)
    fail_the_second_mkdocs_build(monkeypatch)  # the second pair's, or the whole build after the quick step
    source = project.path(saved)
    source.write_text(source.read_text(encoding="utf-8") + "\nOne more step.\n", encoding="utf-8")
    live = []
    with pytest.raises(BuildFailed):
        build(config, site, cache_dir=cache, pages_ready=live.append, changed=[source])
    assert live == [[""]]  # the saved page had gone live
    assert files_of(site) == before
    assert leftovers(site) == []


@pytest.mark.parametrize("kind, seed, saved, mistake", EARLY_STEPS)
def test_a_broken_save_in_the_preview_leaves_the_last_good_site(tmp_path, kind, seed, saved, mistake):
    project = kind(tmp_path / "project", random.Random(seed))
    config = project.path("mkdocs.yml")
    site, cache = tmp_path / "site", tmp_path / "cache"
    build(config, site, cache_dir=cache, pages_ready=lambda pairs: None)
    before = files_of(site)
    source = project.path(saved)
    source.write_text(mistake(source.read_text(encoding="utf-8")), encoding="utf-8")
    called = []
    with pytest.raises(BuildFailed):
        build(config, site, cache_dir=cache, pages_ready=called.append, changed=[source])
    assert called == []
    assert files_of(site) == before
    assert leftovers(site) == []


def state(base: str, query: str = "") -> dict:
    with urllib.request.urlopen(base + "/_kbgen/livereload" + query, timeout=60) as response:
        return json.loads(response.read())


def settle(base: str, build_before: int) -> dict:
    """Wait until a rebuild after ``build_before`` has its pages and its index in place."""
    deadline = time.monotonic() + 120
    while True:
        now = state(base)
        assert not now["errors"], now["errors"]
        if now["build"] > build_before and now["search"] == now["build"]:
            return now
        assert time.monotonic() < deadline, f"the preview did not settle: {now}"
        time.sleep(0.1)


@pytest.mark.browser
def test_serve_watch_reloads_at_once_and_settles_as_kbgen_build(make_site, kbgen_serve, new_page, invoke):
    project = make_site(CATEGORY_FILES)
    base = kbgen_serve("--watch", cwd=project)
    first = state(base)
    assert first["search"] == first["build"] == 0

    # a long poll: asked before the save, answered with the rebuild
    answered: list[dict] = []
    waiting = threading.Thread(target=lambda: answered.append(state(base, f"?since={first['change']}")))
    waiting.start()
    page = new_page()
    page.goto(base + "/returns/return-policy/")
    wait_until(page, LIVE_RELOAD_POLLED)
    policy = project / "content/returns/return-policy.md"
    with page.expect_navigation(timeout=60_000):
        policy.write_text(policy.read_text().replace("Thirty days.", "Forty days."))
    waiting.join(timeout=60)
    assert answered and answered[0]["change"] != first["change"] and answered[0]["build"] >= 1
    wait_until(page, "document.body.textContent.indexOf('Forty days') >= 0")
    now = settle(base, 0)

    entry = project / "content/returns/faq/refund-time.md"
    entry.write_text(entry.read_text() + "\nBanks take two more days.\n")
    now = settle(base, now["build"])
    policy.write_text(policy.read_text().replace("Forty days.", "Fifty days."))
    settle(base, now["build"])

    assert invoke("build", "-d", project / "clean", "--no-cache", cwd=project).exit_code == 0
    assert differences(project / "site", project / "clean") == []
    served = urllib.request.urlopen(base + "/api/search?q=banks", timeout=10).read().decode("utf-8")
    assert "refund" in served.lower()  # the settled index has the FAQ entry's new sentence


def test_each_pair_s_material_search_index_has_its_own_language(sample_site):
    """MkDocs keeps one Material search plugin for every config of a process: each pair's
    build loads its config just before it builds, or the first pair's language leaks into
    the others' static search (the English root's index said German)."""

    def lang(folder: Path) -> list[str]:
        return json.loads((folder / "search/search_index.json").read_text(encoding="utf-8"))["config"]["lang"]

    assert lang(sample_site) == ["en"]
    assert lang(sample_site / "en-gb") == ["en"]
    assert lang(sample_site / "de-de") == ["de"]


def test_a_changed_theme_template_is_compiled_again_in_the_same_process(make_site):
    """Compiled templates are kept across a process's builds (each pair's, each preview
    rebuild's), keyed by their source: an edited override shows at the next build."""
    from conftest import MINIMAL_CONFIG

    config = MINIMAL_CONFIG.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n")
    override = '{% extends "base.html" %}\n{% block announce %}Sale: {{ "%d" % 10 }} percent{% endblock %}\n'
    project = make_site({**CATEGORY_FILES, "overrides/main.html": override}, config=config)
    page = project / "site/returns/return-policy/index.html"
    build(project / "mkdocs.yml", project / "site", pages_ready=lambda pairs: None)
    assert "Sale: 10 percent" in page.read_text(encoding="utf-8")
    (project / "overrides/main.html").write_text(override.replace("Sale", "Clearance"), encoding="utf-8")
    build(project / "mkdocs.yml", project / "site", pages_ready=lambda pairs: None)
    assert "Clearance: 10 percent" in page.read_text(encoding="utf-8")


@pytest.mark.browser
def test_serve_watch_reloads_the_saved_page_s_pair_once_and_the_others_after(tmp_path, kbgen_serve, new_page):
    project = PairsProject(tmp_path / "project", random.Random(3))
    base = kbgen_serve("--watch", cwd=project.root)
    first = state(base)
    assert set(first["pairs"]) == {"", "de-de"}
    english, german = new_page(), new_page()
    reloads = {"english": 0, "german": 0}
    for name, page, path in (("english", english, "/returns/policy/"), ("german", german, "/de-de/returns/policy/")):
        page.goto(base + path)
        wait_until(page, LIVE_RELOAD_POLLED)
        page.on("load", lambda _page, name=name: reloads.__setitem__(name, reloads[name] + 1))
    source = project.path("content/returns/policy.md")
    with english.expect_navigation(timeout=60_000), german.expect_navigation(timeout=60_000):
        source.write_text(source.read_text(encoding="utf-8") + "\nStep forty-two.\n", encoding="utf-8")
    now = settle(base, 0)
    assert now["pairs"][""] < now["pairs"]["de-de"] == now["build"]  # the root pair went live first
    wait_until(english, "document.body.textContent.indexOf('Step forty-two') >= 0")
    english.wait_for_timeout(1000)
    assert reloads == {"english": 1, "german": 1}  # once each: the English page not again with /de-de/


def test_live_reload_long_polls_wait_for_a_change_and_at_most_eight_wait(tmp_path):
    """``?since=<change>`` waits for the next change; beyond LIVE_RELOAD_WAITERS waiting
    requests (each holds a server thread) one is answered at once, unchanged."""
    from kbgen import server
    from kbgen.server import HelpCenterApp

    app = HelpCenterApp(tmp_path, live_reload=True)

    def get(query: str = "") -> dict:
        body = app({"REQUEST_METHOD": "GET", "PATH_INFO": "/_kbgen/livereload", "QUERY_STRING": query}, lambda *a: None)
        return json.loads(b"".join(body))

    first = get()
    assert first == {"build": 0, "errors": [], "search": 0, "change": 0, "pairs": {"": 0}}
    answers: list[dict] = []
    waiting = [
        threading.Thread(target=lambda: answers.append(get(f"since={first['change']}")))
        for _ in range(server.LIVE_RELOAD_WAITERS)
    ]
    for thread in waiting:
        thread.start()
    deadline = time.monotonic() + 30
    while app._live_waiters < server.LIVE_RELOAD_WAITERS:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert get(f"since={first['change']}")["change"] == first["change"]  # one too many: at once
    assert answers == [] and app._live_waiters == server.LIVE_RELOAD_WAITERS
    app.rebuilt(pairs=[""])
    for thread in waiting:
        thread.join(timeout=30)
    assert [a["pairs"] for a in answers] == [{"": 1}] * server.LIVE_RELOAD_WAITERS
    assert get(f"since={first['change']}")["build"] == 1  # an older change: answered at once
    app.indexed()
    assert get()["search"] == 1


def test_a_page_that_already_shows_a_rebuild_s_pages_is_not_reloaded_by_its_second_wave(tmp_path):
    """A quick step's second wave reloads the pair's pages but those its first wave put live
    (their scripts read ``page``, not their pair's build); the next rebuild reloads them all."""
    from kbgen.server import HelpCenterApp

    app = HelpCenterApp(tmp_path, live_reload=True)

    def status(page: str) -> dict:
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/_kbgen/livereload", "QUERY_STRING": f"page={page}"}
        return json.loads(b"".join(app(environ, lambda *a: None)))

    def build_seen(page: str) -> int:  # as livereload.js reads it
        answer = status(page)
        return answer.get("page", answer["pairs"][""])

    app.rebuilt(pairs=[""])  # first wave: the open page
    assert build_seen("/shipping/") == build_seen("/returns/") == 1
    app.rebuilt(pairs=[""], current=["/shipping/"])  # second wave: the other changed pages
    assert build_seen("/shipping/") == 1 and build_seen("/returns/") == 2
    assert "page" not in status("/returns/")
    app.rebuilt(errors=["content/facts.yml:3: broken"])  # errors show over the page, no reload
    assert build_seen("/shipping/") == 1
    app.rebuilt(pairs=[""])  # the next save's rebuild reloads it again
    assert build_seen("/shipping/") == build_seen("/returns/") == 3


@pytest.mark.browser
def test_serve_watch_reloads_the_open_page_once_for_a_fact_used_on_many_pages(tmp_path, kbgen_serve, new_page):
    """A fact used on several pages: the open page reloads once, into its new version, although
    the other changed pages go live after it."""
    project = Project(tmp_path / "project", random.Random(5))
    base = kbgen_serve("--watch", cwd=project.root)
    page = new_page()
    page.goto(base + "/shipping/delivery-times/")
    wait_until(page, LIVE_RELOAD_POLLED)
    loads = []
    page.on("load", lambda _page: loads.append(time.monotonic()))
    first = state(base)
    with page.expect_navigation(timeout=60_000):
        project._fact("refund")  # {{ fact:refund_days }}: two articles, a FAQ answer, the home page
    settle(base, first["build"])
    wait_until(page, f"document.body.textContent.indexOf('Two to {project.facts['refund']} business days') >= 0")
    page.wait_for_timeout(1500)  # a poll or more after the last wave
    assert len(loads) == 1


def test_live_reload_knows_the_pages_open_in_browsers(tmp_path, monkeypatch):
    """Each page's script says where it is (``?page=``): the preview puts those pages live
    first. The most recent first, a bounded number, forgotten once they stop polling."""
    from kbgen import server
    from kbgen.server import HelpCenterApp

    app = HelpCenterApp(tmp_path, live_reload=True)

    def poll(page: str) -> None:
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/_kbgen/livereload", "QUERY_STRING": f"page={page}"}
        b"".join(app(environ, lambda *a: None))

    assert app.open_pages() == []
    for page in ("/returns/refunds/", "/shipping/", "javascript%3Aalert(1)", "/returns/refunds/"):
        poll(page)
    assert app.open_pages() == ["/returns/refunds/", "/shipping/"]  # not a path: left out
    for n in range(server.LIVE_RELOAD_PAGES + 5):
        poll(f"/page-{n}/")
    assert len(app.open_pages()) == server.LIVE_RELOAD_PAGES
    assert app.open_pages()[0] == f"/page-{server.LIVE_RELOAD_PAGES + 4}/"
    monkeypatch.setattr(server, "LIVE_RELOAD_OPEN", -1.0)  # none polled lately: none open
    assert app.open_pages() == []


# a single-pair help center: each edit, and whether the quick step puts its pages live
# (only the saved pages, or the pages that read the facts) before the whole build
QUICK_EDITS = {
    "change_article": True,
    "change_fact": True,
    "change_scheduled_fact": True,
    "retitle_article": False,  # every page's navigation shows the title
    "add_article": False,
    "change_faq": False,
    "change_category": False,
    "change_config": False,
}


def html_pages(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*.html"))}


# edits the quick step tells it cannot judge before loading the content (loaded once, not twice)
TOLD_BEFORE_LOADING = ("change_faq", "change_category", "change_config")


def test_the_quick_step_puts_only_the_changed_pages_live_and_no_page_is_stale(tmp_path, monkeypatch):
    """One pair: a saved article (or the facts) goes live on its own, over the live site;
    when it does, every page of the site is already what a clean build gives (the others
    did not change); edits the quick step cannot judge (a title, a new page) wait for the
    whole build. After each save the site settles as a clean build."""
    from kbgen import content

    project = Project(tmp_path / "project", random.Random(5))
    config = project.path("mkdocs.yml")
    site, cache, clean = tmp_path / "site", tmp_path / "cache", tmp_path / "clean"
    live: list[list[str] | None] = []
    seen: list[dict[str, bytes]] = []
    loads = []
    real_load = content.load

    def counted_load(*args, **kwargs):
        loads.append(args[0])
        return real_load(*args, **kwargs)

    monkeypatch.setattr(content, "load", counted_load)

    def pages_ready(pairs):
        live.append(pairs)
        seen.append(html_pages(site))

    project.write("content/returns/.refunds.md.swp", "swap")  # an editor's, open since before the build
    build(config, site, cache_dir=cache, pages_ready=pages_ready)
    for edit, quick in [*QUICK_EDITS.items(), ("change_article", True)]:
        files = snapshot([project.root])
        getattr(project, edit)()
        now = snapshot([project.root])
        changed = [Path(p) for p in files.keys() | now.keys() if files.get(p) != now.get(p)]
        # the editor's swap file written too, and a temporary file it wrote and removed
        swap = project.path("content/returns/.refunds.md.swp")
        swap.write_text(f"swap {edit}", encoding="utf-8")
        changed += [swap, swap.parent / "4913"]
        build(config, clean)
        live.clear()
        seen.clear()
        loads.clear()
        build(config, site, cache_dir=cache, pages_ready=pages_ready, changed=changed)
        assert live == ([[""]] if quick else [None]), edit
        if edit in TOLD_BEFORE_LOADING:
            assert len(loads) == 1, edit
        expected = html_pages(clean)
        for step in seen:
            stale = sorted(p for p in expected if step.get(p) != expected[p])
            assert stale == [], f"{edit}: went live with stale pages {stale}"
        assert differences(site, clean) == [], f"after {edit}"
        assert leftovers(site) == [], edit
    # the swap file alone: no page changed, nothing reloads
    swap = project.path("content/returns/.refunds.md.swp")
    swap.write_text("swap again", encoding="utf-8")
    live.clear()
    build(config, site, cache_dir=cache, pages_ready=pages_ready, changed=[swap])
    assert live == []
    build(config, clean)
    assert differences(site, clean) == []


def test_the_quick_step_trusts_only_the_build_that_made_the_live_site_on_the_same_day(tmp_path, monkeypatch):
    """Its state describes the live site's build: another build put in place since (without
    the cache, say, after a title changed) or another day (notices end, dated pages) and the
    whole build puts the pages live."""
    project = Project(tmp_path / "project", random.Random(5))
    config = project.path("mkdocs.yml")
    site, cache, clean = tmp_path / "site", tmp_path / "cache", tmp_path / "clean"
    live: list = []
    monkeypatch.setenv("KBGEN_TODAY", "2026-11-30")
    build(config, site, cache_dir=cache, pages_ready=live.append)
    source = project.path("content/returns/refunds.md")

    tracking = project.path("content/shipping/tracking.md")
    before = tracking.read_text(encoding="utf-8")
    tracking.write_text(before.replace("title: Tracking", "title: Parcel tracking"), encoding="utf-8")
    build(config, site)  # another build of the same site, without the cache: the new title live
    tracking.write_text(before, encoding="utf-8")  # and back: the site part is the state's again
    source.write_text(source.read_text(encoding="utf-8") + "\nStep one.\n", encoding="utf-8")
    live.clear()
    build(config, site, cache_dir=cache, pages_ready=live.append, changed=[source])
    assert live == [None]  # not the saved page alone over pages whose navigation says "Parcel tracking"

    monkeypatch.setenv("KBGEN_TODAY", "2026-12-01")
    source.write_text(source.read_text(encoding="utf-8") + "\nStep two.\n", encoding="utf-8")
    live.clear()
    build(config, site, cache_dir=cache, pages_ready=live.append, changed=[source])
    assert live == [None]
    build(config, clean)
    assert differences(site, clean) == []

    source.write_text(source.read_text(encoding="utf-8") + "\nStep three.\n", encoding="utf-8")
    live.clear()
    build(config, site, cache_dir=cache, pages_ready=live.append, changed=[source])
    assert live == [[""]]  # the same day as the live site's build again


def test_a_quick_step_s_warnings_are_said_once(tmp_path, caplog):
    """The whole build after the quick step gives the content's warnings again: said once."""
    import logging

    project = Project(tmp_path / "project", random.Random(5))
    config = project.path("mkdocs.yml")
    site, cache = tmp_path / "site", tmp_path / "cache"
    source = project.path("content/returns/refunds.md")
    source.write_bytes(b"\xef\xbb\xbf" + source.read_bytes())  # a BOM: a warning
    build(config, site, cache_dir=cache, pages_ready=lambda pairs: None)
    source.write_bytes(source.read_bytes() + b"\nOne more step.\n")
    live = []
    caplog.clear()
    with caplog.at_level(logging.INFO):
        build(config, site, cache_dir=cache, pages_ready=live.append, changed=[source])
    assert live == [[""]]
    said = [r for r in caplog.records if "byte order mark" in r.getMessage()]
    assert len(said) == 1, said


def test_the_whole_build_after_a_quick_step_renders_none_of_its_pages_again(tmp_path, caplog):
    """The quick step keeps what it rendered (pages, Material's search entries) in the build
    cache: the whole build that settles the site takes those pages from there."""
    import logging

    from test_incremental import _reused

    project = Project(tmp_path / "project", random.Random(5))
    config = project.path("mkdocs.yml")
    site, cache = tmp_path / "site", tmp_path / "cache"
    build(config, site, cache_dir=cache, pages_ready=lambda pairs: None)
    project.change_fact()
    live = []
    with caplog.at_level(logging.DEBUG, logger="mkdocs.plugins.kbgen"):
        build(config, site, cache_dir=cache, pages_ready=live.append, changed=[project.path("content/facts.yml")])
    assert live == [[""]]
    reused, built = _reused(caplog.text)
    assert reused > 0 and built == 0


def test_the_quick_step_puts_the_changed_pages_open_in_browsers_live_first(tmp_path, monkeypatch):
    """A fact used on several pages: the changed pages open in browsers go live first (browsers
    reload), each as a clean build has it, and every other page still the live one; then the
    other changed pages (browsers reload again, none stale; the content read once for both);
    the site settles as a clean build."""
    from kbgen import content

    project = Project(tmp_path / "project", random.Random(5))
    config = project.path("mkdocs.yml")
    site, cache, clean = tmp_path / "site", tmp_path / "cache", tmp_path / "clean"
    build(config, site, cache_dir=cache, pages_ready=lambda pairs: None)
    before = html_pages(site)
    project._fact("refund")  # {{ fact:refund_days }}: two articles, a FAQ answer, the home page
    build(config, clean)
    expected = html_pages(clean)
    changed = sorted(p for p in expected if before.get(p) != expected[p])
    opened = "shipping/delivery-times/index.html"
    assert opened in changed and len(changed) > 2
    seen: list[dict[str, bytes]] = []

    current = []

    def pages_ready(pairs, **kwargs):
        assert pairs == [""] and set(kwargs) <= {"current"}
        current.append(kwargs.get("current"))
        seen.append(html_pages(site))

    asked = []

    def open_pages():  # as the server tells them: paths, the most recent first
        asked.append(True)
        return ["/shipping/delivery-times/", "/nowhere/", "/shipping/tracking/"]  # one changed, two not

    loads = []
    real_load = content.load
    monkeypatch.setattr(content, "load", lambda *args, **kwargs: loads.append(args[0]) or real_load(*args, **kwargs))
    build(
        config,
        site,
        cache_dir=cache,
        pages_ready=pages_ready,
        changed=[project.path("content/facts.yml")],
        open_pages=open_pages,
    )
    assert len(loads) == 2  # the quick step's two builds, then the whole build
    assert asked and len(seen) == 2
    assert current == [None, ["/shipping/delivery-times/"]]  # the open page is not reloaded again
    first, second = seen
    assert [p for p in changed if first[p] == expected[p]] == [opened]  # the open page alone
    assert all(first[p] == before[p] for p in expected if p != opened)  # the others still the live site's
    stale = sorted(p for p in expected if second.get(p) != expected[p])
    assert stale == []
    assert differences(site, clean) == []
    assert leftovers(site) == []


def test_a_failed_rebuild_reloads_browsers_only_if_pages_had_gone_live(tmp_path, monkeypatch):
    """The errors show over the last good page: a save that breaks the build leaves the page
    as it is, but when the open page had gone live before the build failed (and was put back)
    browsers reload into the previous site first."""
    from kbgen.cli import _rebuild
    from kbgen.server import HelpCenterApp

    project = Project(tmp_path / "project", random.Random(5))
    config = project.path("mkdocs.yml")
    site, cache = tmp_path / "site", tmp_path / "cache"
    build(config, site, cache_dir=cache, pages_ready=lambda pairs: None)
    before = files_of(site)
    app = HelpCenterApp(site, live_reload=True)
    opened = "/shipping/delivery-times/"

    def build_seen() -> int:  # as the open page's script reads it
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/_kbgen/livereload", "QUERY_STRING": f"page={opened}"}
        answer = json.loads(b"".join(app(environ, lambda *a: None)))
        return answer.get("page", answer["pairs"][""])

    facts = project.path("content/facts.yml")
    good = facts.read_text(encoding="utf-8")
    facts.write_text(good.replace("facts:", "facts: [", 1), encoding="utf-8")  # broken: nothing goes live
    _rebuild(app, config, site, cache, [facts])
    assert app.build_errors and build_seen() == 0
    facts.write_text(good, encoding="utf-8")
    fail_the_second_mkdocs_build(monkeypatch)  # the quick step's second wave
    project._fact("refund")
    _rebuild(app, config, site, cache, [facts])
    assert app.build_errors and build_seen() == 2  # the open page went live (1), then back (2)
    assert files_of(site) == before


def test_a_failure_after_the_open_pages_went_live_puts_the_previous_site_back(tmp_path, monkeypatch):
    project = Project(tmp_path / "project", random.Random(5))
    config = project.path("mkdocs.yml")
    site, cache = tmp_path / "site", tmp_path / "cache"
    build(config, site, cache_dir=cache, pages_ready=lambda pairs: None)
    before = files_of(site)
    fail_the_second_mkdocs_build(monkeypatch)  # the second wave of the quick step
    project._fact("refund")
    live = []
    with pytest.raises(BuildFailed):
        build(
            config,
            site,
            cache_dir=cache,
            pages_ready=live.append,
            changed=[project.path("content/facts.yml")],
            open_pages=lambda: ["/shipping/delivery-times/"],
        )
    assert live == [[""]]  # the open page had gone live
    assert files_of(site) == before
    assert leftovers(site) == []

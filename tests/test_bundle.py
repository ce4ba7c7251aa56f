"""The widget modules bundled at build time (kbgen/bundle.py): declared order, one private
scope, a content-hashed name, a user's module winning, clear errors, and in Chromium every
module staying quiet on a page without its widget."""

from __future__ import annotations

import re

import pytest
from conftest import CATEGORY_FILES, MINIMAL_CONFIG, ROOT

from kbgen import bundle

THEME = ROOT / "theme"


def test_every_module_is_shipped_and_every_shipped_module_is_bundled():
    shipped = {p.stem for p in (THEME / bundle.SOURCE_DIR).glob("*.js")}
    assert shipped == set(bundle.MODULES)


def test_modules_run_in_the_declared_order_inside_one_function():
    text = bundle.build([THEME], compress=False).text
    assert text.startswith('(function () {\n"use strict";\n') and text.endswith("kb.start();\n})();\n")
    firsts = [(THEME / bundle.SOURCE_DIR / f"{name}.js").read_text().splitlines()[0] for name in bundle.MODULES]
    positions = [text.index(line) for line in firsts]
    assert positions == sorted(positions)
    # the widgets register in that order too
    assert re.findall(r'kb\.widget\("([\w-]+)"', text) == [
        "search-box",
        "results",
        "faq",
        "contact",
        "notices",
        "feedback",
        "flows",
        "glossary",
    ]


def test_the_name_follows_the_content(tmp_path):
    plain = bundle.build([THEME])
    assert plain.uri == f"assets/kbgen/kb.{plain.digest}.js" and len(plain.digest) == 12
    assert bundle.build([THEME]) == plain  # reproducible
    override = tmp_path / bundle.SOURCE_DIR / "glossary.js"
    override.parent.mkdir(parents=True)
    override.write_text("/* my own tooltips */\nkb.widget('my-glossary', function () { window.mine = 1; });\n")
    custom = bundle.build([tmp_path, THEME])  # a user's custom_dir comes first and wins
    assert "kb.widget('my-glossary'" in custom.text and 'kb.widget("glossary"' not in custom.text
    assert custom.digest != plain.digest
    assert len(plain.text) < 0.8 * len(bundle.build([THEME], compress=False).text)


class _Memo(dict):
    """The build cache's get/put, in memory."""

    def put(self, key, value):
        self[key] = value


def test_an_earlier_builds_minified_modules_and_messages_are_reused_until_a_module_changes(tmp_path, monkeypatch):
    from kbgen import i18n

    memo = _Memo()
    first = bundle.build([THEME], memo=memo)
    texts = [p.read_text("utf-8") for p in bundle.sources([THEME])]
    asked = i18n.script_msgids(texts, memo=memo)
    assert first == bundle.build([THEME]) and asked == i18n.script_msgids(texts)  # the same as without
    assert len(memo) == 2 * len(bundle.MODULES)

    def never(text):
        raise AssertionError("minified or read again")

    monkeypatch.setattr(bundle, "_minified", never)
    monkeypatch.setattr(i18n.script, "_asked", never)
    assert bundle.build([THEME], memo=memo) == first  # another build: nothing minified or read again
    assert i18n.script_msgids(texts, memo=memo) == asked

    override = tmp_path / bundle.SOURCE_DIR / "glossary.js"  # a changed module is minified anew
    override.parent.mkdir(parents=True)
    override.write_text("kb.widget('mine', function () { window.mine = kb.t('Mine now'); });\n")
    with pytest.raises(AssertionError, match="minified or read again"):
        bundle.build([tmp_path, THEME], memo=memo)
    monkeypatch.undo()
    assert "Mine now" in i18n.script_msgids([override.read_text("utf-8")], memo=memo)


def test_a_broken_or_missing_module_is_a_path_line_error(tmp_path):
    broken = tmp_path / bundle.SOURCE_DIR / "flows.js"
    broken.parent.mkdir(parents=True)
    broken.write_text("(function () {\n  var s = 'never closed;\n})();\n")
    with pytest.raises(bundle.BundleError, match=re.escape(f"{broken}:2: unterminated string")):
        bundle.build([tmp_path, THEME])
    with pytest.raises(bundle.BundleError, match=r"assets/kbgen/js/nope\.js:1: no such file"):
        bundle.build([THEME], [*bundle.MODULES, "nope"])


def test_build_stops_on_a_broken_module_in_custom_dir(make_site, invoke):
    config = MINIMAL_CONFIG.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n")
    project = make_site({**CATEGORY_FILES, "overrides/assets/kbgen/js/notices.js": "var r = /open\n"}, config)
    result = invoke("build", cwd=project)
    assert result.exit_code == 1
    assert "overrides/assets/kbgen/js/notices.js:1: unterminated regular expression" in result.output
    assert "Traceback" not in result.output and not (project / "site").exists()


@pytest.mark.browser
def test_no_module_acts_or_fails_on_a_page_without_widgets(new_page):
    """Each module guards itself: on a bare page nothing throws, listens for the clock,
    or asks the network for anything."""
    page = new_page()
    errors, requests = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content("<!doctype html><title>bare</title><main><p>Nothing to enhance.</p></main>")
    page.on("request", lambda r: requests.append(r.url))
    page.evaluate(
        """code => {
            window.__intervals = 0;
            const real = window.setInterval;
            window.setInterval = (...args) => { window.__intervals++; return real(...args); };
            (0, eval)(code);
        }""",
        bundle.build([THEME]).text,
    )
    page.keyboard.press("/")
    page.keyboard.press("Escape")
    page.wait_for_timeout(100)
    assert errors == [] and requests == []
    assert page.evaluate("window.__intervals") == 0  # no widget on a clock here
    assert page.evaluate("typeof window.kb") == "undefined"  # nothing leaks into the page
    assert page.locator("main").inner_html() == "<p>Nothing to enhance.</p>"


@pytest.mark.browser
def test_slash_focuses_the_search_box_but_not_while_typing(new_page, sample_url):
    page = new_page()
    page.goto(sample_url + "/returns/refunds/")
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.getAttribute('role')") == "combobox"
    assert page.evaluate("document.activeElement.value") == ""  # the "/" was not typed
    page.keyboard.type("a/b")
    assert page.evaluate("document.activeElement.value") == "a/b"  # inside a field it is a character

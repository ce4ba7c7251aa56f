"""kbgen.jsmin on tricky JavaScript: the minified program must mean what the source meant,
checked by running both in a real Chromium, and strings, regexes and templates survive."""

from __future__ import annotations

import json

import pytest

from kbgen import bundle
from kbgen.jsmin import MinifyError, minify

# Each line's value is computed by the source and by its minified form; they must agree.
TRICKY = r"""
// a line comment with "quotes" and /slashes/ and `ticks`
/* a block comment
   over lines, with // inside */
var out = {};
var s1 = "a // not a comment", s2 = 'b /* not a comment */', s3 = "esc \" quote // still";
out.strings = [s1, s2, s3, 'it\'s', "tab\tand\\backslash", "line \
continued"];
var re1 = /\/\/ not a comment/, re2 = /[/*]+/g, re3 = /a\/b[\]/]c/i, re4 = /"'`/;
out.regexes = [re1.source, re2.source, re3.source, re4.source, "x/*y".replace(/[/*]/g, "-")];
var a = 10, b = 2, g = 5, i = 1;
out.division = [a / b / g, a /b/ g, (a) / 2, [8][0] / 4, i++ / 2, i-- / 2, a/2/1];
function r() { return /ab+c/.test("abbc"); }
function typed() { return typeof /x/; }
out.afterKeyword = [r(), typed()];
var x = 3, y = 4;
out.unary = [x + +y, x - -y, x + -y, x - +y, x++ + y, x-- - y, - -x, + +y, !!x, ~-x];
var t = `plain ${a + b} and ${`nested ${x + y} ${{ k: "}" }.k}`} // not a comment /* nor this */ ${"`"}`;
out.template = [t, `multi
line   spaces   kept`];
out.asi = (function () {
  var list = [];
  var n = 1
  n
  ++list.length
  list.push(n)
  return list
})();
function noValue() {
  return
  42;
}
out.returnRestricted = noValue() === undefined;
out.member = [1 .toString(), 1.5.toFixed(1), .5 + .25, 2e3 + 1, 0x1f];
out.lessThan = [a < !--b, a > - -b, b];
out.optional = [null?.x, a ? .5 : 1, { "a b": 1 }["a b"]];
out.unicode = ["café “quoted” …", "\u2028".length];
var label = 0;
outer: for (var k = 0; k < 3; k++) { for (;;) { label += k; continue outer } }
out.label = label;
out.objects = (function () {
  var o = { a: 1, get b() { return 2 }, "c": [3, { d: 4 }] }; return o.a + o.b + o.c[1].d
})();
out.keywordsInstanceof = [[] instanceof Array, "x" in { x: 1 }, void 0 === undefined];
out.arrow = [1, 2, 3].map((v) => v * 2).filter(v => v > 2);
out.classes = (function () { class A { #p = 1; get p() { return this.#p } static s = 2 } return new A().p + A.s })();
JSON.stringify(out);
"""


def test_strings_regexes_and_templates_survive_byte_for_byte():
    small = minify(TRICKY)
    for literal in (
        '"a // not a comment"',
        "'b /* not a comment */'",
        r'"esc \" quote // still"',
        r"/\/\/ not a comment/",
        "/[/*]+/g",
        r"/a\/b[\]/]c/i",
        "`multi\nline   spaces   kept`",
        '${"`"}`',
        "// not a comment /* nor this */",
        '"café “quoted” …"',
    ):
        assert literal in small, literal
    assert "a line comment" not in small and "over lines" not in small
    assert "\n " not in small and len(small) < len(TRICKY) * 0.8


def test_spaces_that_make_a_difference_stay():
    small = minify(TRICKY)
    for kept in ("x+ +y", "x- -y", "x++ +y", "x-- -y", "- -x", "+ +y", "a< !--b", "a>- -b", "1 .toString()"):
        assert kept in small, kept
    assert "return\n42" in small  # a line break after return ends the statement
    assert "n\n++list.length" in small  # and before a prefix ++ it is not a postfix


def test_minifying_twice_changes_nothing():
    once = minify(TRICKY)
    assert minify(once) == once


@pytest.mark.parametrize("broken", ['var s = "open', "var r = /open", "/* open", "var t = `open ${x}"])
def test_unterminated_literals_are_errors_not_garbage(broken):
    with pytest.raises(MinifyError):
        minify(broken)


@pytest.mark.browser
def test_minified_code_computes_the_same_in_chromium(new_page):
    page = new_page()
    page.set_content("<!doctype html><title>x</title>")
    source = page.evaluate("code => (0, eval)(code)", TRICKY)
    small = page.evaluate("code => (0, eval)(code)", minify(TRICKY))
    assert json.loads(small) == json.loads(source)
    values = json.loads(source)
    assert values["division"] == [1, 1, 5, 2, 0.5, 1, 5]  # the sample really exercised division
    assert values["asi"] == [None, 1] and values["returnRestricted"] is True


@pytest.mark.browser
def test_the_widget_bundle_compiles_minified_and_not(new_page):
    page = new_page()
    page.set_content("<!doctype html><title>x</title>")
    for compress in (False, True):
        text = bundle.build(["theme"], compress=compress).text
        assert page.evaluate("code => { new Function(code); return true }", text)

"""A page's text for search: the quick reading gives exactly what HTMLParser gives, or leaves the page to it."""

from __future__ import annotations

import random
from pathlib import Path

import markdown
import pytest

from kbgen.search import text
from kbgen.search.text import extract

ROOT = Path(__file__).resolve().parent.parent

# Markup the quick reading takes (Markdown's and kbgen's)...
PLAIN = [
    "<p>Plain text.</p>",
    "",
    "text before any tag <p>and after</p> trailing text &amp; entity &amp",
    '<h2 id="a">Heading &amp; more<a class="headerlink" href="#a" title="Permanent link">&para;</a></h2>\n<p>x</p>',
    "<p>Line<br>break<br/>and<br />again <img src='x.png' alt=\"An &quot;image&quot;\"> done</p>",
    '<details class="kb-faq__item" data-kb-faq="data-kb-faq" id="q-1">\n'
    '<summary class="kb-faq__question">Q?</summary>\n'
    '<div class="kb-faq__answer">\n<p>The answer &lt;here&gt; &#169; &copy &amp</p>\n'
    '<p class="kb-faq__permalink" data-search-exclude="data-search-exclude"><a href="#q-1">Link</a></p>\n'
    "</div>\n</details>\n<p>after</p>",
    # an id and a class spelt with references; the marks in another attribute's value
    '<details data-kb-faq id="q&#45;2"><summary>Q</summary><p>A</p></details>'
    '<h3>T<a class="header&#108;ink" href="#t">&para;</a></h3><p title="data-search-exclude headerlink">kept</p>',
    '<div data-search-exclude><p>gone</p></div><p>kept <span data-search-exclude="">gone</span></p>',
    '<p class="headerlinks">kept</p><p class="a headerlink">gone</p><p class=\'headerlink\'>gone too</p>',
    "<table>\n<tr><th>A</th><td a = \"spaced\" b='single'>1</td></tr>\n</table>",
    '<p>an empty value <abbr title="">x</abbr> and one without <input disabled></p>',
    '<svg><path d="M0 0"/></svg><button>hidden</button><p>text</p>',
    "<ul>\n<li>one</li>\n<li>two <code>&lt;b&gt;</code></li>\n</ul><p >spaced</p >",
    "<p>one<br>two<br />three <b>bold <i>both</b> after</i> end</p></span><kb-x>custom</kb-x>",
    "<h2>A<h3>nested</h3>B</h2><p>&#3</p><b>4</b><p>&#x</p><p>&notit; &#0; &#xd800;</p>",
    "<p title=\"a\nb\" data-x='1'>a value with a line break</p>",
]
# ...and markup it leaves to HTMLParser
UNUSUAL = [
    "<p>a comment <!-- hidden --> and text</p>",
    "<p>a stray < sign and 1<2</p>",
    "<p>unquoted <a href=x>attribute</a></p>",
    '<p>no space<a href="x"class="y">between</a></p>',
    "<p>end tag with space</ p> text</p>",
    "<script>if (a<b && c>d) { document.write('</div>'); }</script><p>after the script</p>",
    "<style>p > a { color: red }</style><p>after the style</p>",
    "<script>never closed",
    "<p>a <o:p>prefixed</o:p> tag</p>",
    "<!DOCTYPE html><p>doctype</p>",
    "<p>end</p",
    '<P CLASS="Upper">Upper-case <EM>tags</EM></P>',
    "<p>an end tag of a void element</br> here</p>",
    '<p class="x" / >slash apart</p>',
    "<textarea><p>raw</p></textarea><title>t</title>",
    "<p>a value with a '<': <a title=\"1 < 2\">x</a></p>",
    "<p>a ?<?php echo 1 ?> processing instruction</p>",
    "<p data-x='1 > 0'>a '>' in a value</p>",
]


def htmlparser_text(html: str) -> text.PageText:
    """What extract gives through the standard parser alone."""
    parser = text._Extractor()
    parser.feed(html)
    parser.close()
    return text.PageText(
        body=text._clean(parser.body),
        headings=[h for h in parser.headings if h],
        faq_answers={slug: text._clean(parts) for slug, parts in parser.answers.items()},
    )


def read_quickly(html: str) -> bool:
    return text._read_plain_markup(html, text._Extractor())


@pytest.mark.parametrize("html", PLAIN)
def test_plain_markup_is_read_quickly_into_the_same_text(html):
    assert read_quickly(html)
    assert extract(html) == htmlparser_text(html)


@pytest.mark.parametrize("html", UNUSUAL)
def test_other_markup_is_left_to_htmlparser(html):
    assert not read_quickly(html)
    assert extract(html) == htmlparser_text(html)


def test_the_faq_entries_ids_and_the_permalinks_are_read_from_their_attributes():
    found = extract(PLAIN[6])
    assert found.faq_answers == {"q-2": "A"}
    assert found.body == "T\nkept"  # the heading's permalink (its class spelt with a reference) left out
    assert found.headings == ["T"]


def test_the_sample_contents_markdown_is_read_quickly_into_the_same_text():
    """Every Markdown file of the sample help center, rendered with the sample's extensions."""
    extensions = ["admonition", "attr_list", "md_in_html", "tables", "toc", "pymdownx.details", "pymdownx.superfences"]
    configs = {"toc": {"permalink": True}}
    files = sorted((ROOT / "content").rglob("*.md"))
    assert len(files) > 50
    quick = 0
    for path in files:
        html = markdown.markdown(path.read_text(encoding="utf-8"), extensions=extensions, extension_configs=configs)
        assert extract(html) == htmlparser_text(html), path
        quick += read_quickly(html)
    assert quick >= len(files) * 0.9


# Pieces of markup, plain and not, put together at random: whichever way a page is read, its
# text is HTMLParser's.
PIECES = [
    "<p>",
    "</p>",
    "<div>",
    "</div>",
    "<br>",
    "<br/>",
    "</br>",
    "<span>",
    "</span>",
    "<h2>",
    "</h2>",
    "<h3 id='x'>",
    "</h3>",
    "<li>",
    "</li>",
    '<div data-search-exclude="">',
    '<a class="headerlink" href="#x">',
    "</a>",
    "<button>",
    "</button>",
    '<details data-kb-faq id="a">',
    '<details data-kb-faq id="b&amp;c">',
    "<details>",
    "</details>",
    "<summary>",
    "</summary>",
    "<img src=x>",
    '<img alt="&lt;" />',
    "<!-- c -->",
    "<script>x<y</script>",
    "< ",
    "<",
    ">",
    "&amp;",
    "&",
    "&#",
    "&#60;",
    "&lt",
    "word",
    " ",
    "\n",
    "\t",
    "\xa0",
    "\u2028",
    "<B>",
    "</B>",
    "<td>",
    "<table>",
    "</table>",
]


def test_random_markup_reads_as_htmlparser_reads_it():
    rng = random.Random(20261130)
    quick = 0
    for _ in range(3000):
        html = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 30)))
        assert extract(html) == htmlparser_text(html), html
        quick += read_quickly(html)
    assert quick > 100  # both readings were exercised

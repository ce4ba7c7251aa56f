"""A page's text for search: the quick reading gives what HTMLParser gives, or leaves the page to it."""

from __future__ import annotations

import markdown
import pytest

from kbgen.search import text
from kbgen.search.text import extract

SNIPPETS = [
    "<p>Plain text.</p>",
    '<h2 id="a">Heading &amp; more<a class="headerlink" href="#a" title="Permanent link">&para;</a></h2>\n<p>x</p>',
    "<p>Line<br>break<br/>and<br />again <IMG SRC='x.png' ALT=\"An &quot;image&quot;\"> done</p>",
    '<P CLASS="Upper">Upper-case <EM>tags</EM></P>',
    '<details class="kb-faq__item" data-kb-faq="data-kb-faq" id="q-1">\n'
    '<summary class="kb-faq__question">Q?</summary>\n'
    '<div class="kb-faq__answer">\n<p>The answer &lt;here&gt; &#169; &copy &amp</p>\n'
    '<p class="kb-faq__permalink" data-search-exclude="data-search-exclude"><a href="#q-1">Link</a></p>\n'
    "</div>\n</details>\n<p>after</p>",
    '<div data-search-exclude><p>gone</p></div><p>kept <span data-search-exclude="">gone</span></p>',
    "<script>if (a<b && c>d) { document.write('</div>'); }</script><p>after the script</p>",
    "<style>p > a { color: red }</style><p>after the style</p>",
    "<table>\n<tr><th>A</th><td a = \"spaced\" b='single'>1</td></tr>\n</table>",
    '<p>an empty value <abbr title="">x</abbr> and one without <input disabled></p>',
    '<svg><path d="M0 0"/></svg><button>hidden</button><p>text</p>',
    "text before any tag <p>and after</p> trailing text &amp; entity",
    "<ul>\n<li>one</li>\n<li>two <code>&lt;b&gt;</code></li>\n</ul>",
    # markup the quick reading leaves to HTMLParser
    "<p>a comment <!-- hidden --> and text</p>",
    "<p>a stray < sign and 1<2</p>",
    "<p>unquoted <a href=x>attribute</a></p>",
    '<p>no space<a href="x"class="y">between</a></p>',
    "<p>end tag with space</ p> text</p>",
    "<script>never closed",
    "<p>a <o:p>prefixed</o:p> tag</p>",
    "<!DOCTYPE html><p>doctype</p>",
    "<p>end</p",
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


@pytest.mark.parametrize("html", SNIPPETS)
def test_the_text_is_the_same_as_htmlparser_reads(html):
    assert extract(html) == htmlparser_text(html)


def test_markdown_output_is_read_quickly():
    source = (
        '# Title\n\nSome *text* with `code <b>` & a [link](https://x.example/?a=1&b=2 "t").\n\n'
        "- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n    indented <code>\n\n> quote\n\n![img](a.png)\n"
    )
    html = markdown.markdown(source, extensions=["tables", "toc", "attr_list"])
    text._tokenize(html, text._Extractor())  # raises for what it leaves to HTMLParser
    assert extract(html) == htmlparser_text(html)
    for unusual in SNIPPETS[-9:]:
        with pytest.raises(text._Unusual):
            text._tokenize(unusual, text._Extractor())

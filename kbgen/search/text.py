"""Plain text from rendered pages, for the index and its snippets.

The index is built from what shoppers read (the rendered HTML), not the
Markdown source, so admonitions, tables and link texts are searchable and
Markdown syntax never shows up in a snippet. Elements marked
``data-search-exclude`` (kbgen's widgets, see :mod:`kbgen.unindexed`) are left
out with everything inside them, as Material's static search leaves them out.

Most pages are read without HTMLParser's own tokenizer: the markup Python-Markdown and
kbgen write (lowercase tags, quoted attributes, no comment, no script, no stray ``<``) is
split into tags with one regular expression and handed to the same handlers, with the
calls HTMLParser would make; a page with anything else goes through HTMLParser whole.
On a FAQ-heavy help center this reads the pages in less than half the time.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from ..searchable import PageText
from ..unindexed import ATTRIBUTE as UNINDEXED

_SKIP = {"script", "style", "template", "svg", "button"}
_BLOCK = {
    "p",
    "li",
    "td",
    "th",
    "div",
    "section",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "summary",
    "details",
    "blockquote",
    "pre",
    "dt",
    "dd",
    "tr",
    "br",
    "table",
}
_HEADINGS = {"h2", "h3", "h4", "h5", "h6"}
_VOID = {"br", "img", "input", "hr", "meta", "link", "source", "wbr"}  # never open: nothing to close


class _Extractor(HTMLParser):
    # Called for every tag and text of every page (a FAQ-heavy help center's pages hold
    # 120,000 tags): the common cases return early, and the texts go straight to the list
    # they belong to (``_out``: the page's body, or the answer of the FAQ entry being read).
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = []  # (tag, role) of open elements
        self._skipping = 0  # open elements whose text is left out (role "skip")
        self.body: list[str] = []
        self.headings: list[str] = []
        self.answers: dict[str, list[str]] = {}
        self._heading: list[str] | None = None
        self._faq: str | None = None
        self._faq_depth = 0
        self._out = self.body  # where text goes: the body, or the current FAQ entry's answer

    def handle_starttag(self, tag, attrs):
        role = ""
        attrs = dict(attrs) if attrs else None  # (most tags have none)
        if tag in _SKIP or (attrs and (UNINDEXED in attrs or "headerlink" in (attrs.get("class") or "").split())):
            role = "skip"
        elif tag == "summary" and self._faq:
            role = "skip"  # the question is indexed as the entry's title
        elif tag == "details" and attrs and "data-kb-faq" in attrs and attrs.get("id"):
            self._faq, self._faq_depth = attrs["id"], len(self.stack)
            self._out = self.answers[self._faq] = []
        if tag in _HEADINGS and not self._faq:
            self._heading = []
        if tag in _VOID:
            self._out.append(" ")
            return
        self.stack.append((tag, role))
        if role:
            self._skipping += 1
        if tag in _BLOCK:
            self._out.append("\n")

    def handle_endtag(self, tag):
        stack = self.stack
        if stack and stack[-1][0] == tag:  # the element open last (nearly always)
            if stack.pop()[1]:
                self._skipping -= 1
        elif tag not in _VOID:
            for i in range(len(stack) - 1, -1, -1):
                if stack[i][0] == tag:
                    if self._skipping:
                        self._skipping -= sum(role == "skip" for _, role in stack[i:])
                    del stack[i:]
                    break
        if tag in _HEADINGS and self._heading is not None:
            self.headings.append(" ".join("".join(self._heading).split()))
            self._heading = None
        if tag == "details" and self._faq and len(stack) <= self._faq_depth:
            self._faq = None
            self._out = self.body
        if tag in _BLOCK:
            self._out.append("\n")

    def handle_data(self, data):
        if self._skipping:  # inside an element left out
            return
        self._out.append(data)
        if self._heading is not None:
            self._heading.append(data)


def _clean(parts: list[str]) -> str:
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def extract(html: str) -> PageText:
    parser = _Extractor()
    if not _read_plain_markup(html, parser):  # markup the quick reading does not cover
        parser = _Extractor()
        parser.feed(html)
        parser.close()
    return PageText(
        body=_clean(parser.body),
        headings=[h for h in parser.headings if h],
        faq_answers={slug: _clean(parts) for slug, parts in parser.answers.items()},
    )


# The quick reading. A tag it takes: ``<name attr="value" attr='value' attr>``, ``<name/>``
# or ``</name>``, names in lowercase ASCII (HTMLParser lowercases them: anything else is left
# to it), attribute values quoted and without ``<`` or ``>``. Every ``<`` of the page must start
# such a tag: then HTMLParser reads the page as these tags and the text between them, each
# text unescaped as it is (``convert_charrefs``), each attribute value unescaped, ``<x/>`` a
# start and an end tag. Elements whose content HTMLParser reads as raw text (scripts, styles;
# newer Pythons add a few) and an end tag of a void element leave the page to HTMLParser.
_SPACE = "[ \t\n\r\f]"
_TAG = re.compile(
    rf"<(/?)([a-z][a-z0-9-]*)((?:{_SPACE}+[a-z_:][-a-z0-9_:.]*(?:{_SPACE}*={_SPACE}*(?:\"[^\"<>]*\"|'[^'<>]*'))?)*)"
    rf"{_SPACE}*(/?)>"
)
_ATTRIBUTE = re.compile(rf"([a-z_:][-a-z0-9_:.]*)(?:{_SPACE}*={_SPACE}*(?:\"([^\"]*)\"|'([^']*)'))?")
_RAW_TEXT = {"script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext", "textarea", "title"}
_RAW_TEXT.update(getattr(HTMLParser, "CDATA_CONTENT_ELEMENTS", ()), getattr(HTMLParser, "RCDATA_CONTENT_ELEMENTS", ()))
# What the handlers read of attributes (an "&" may spell any of it): a tag without them gets none
_READ_ATTRIBUTES = re.compile("|".join(map(re.escape, (UNINDEXED, "headerlink", "data-kb-faq", "&"))))


def _read_plain_markup(html: str, parser: _Extractor) -> bool:
    """Hand ``parser`` what HTMLParser would, if the page is all plain markup (else False, and
    ``parser`` is half-fed: use a new one)."""
    parts = _TAG.split(html)  # text, then (slash, name, attributes, slash, text) per tag
    if len(parts) // 5 != html.count("<"):  # a "<" that starts no plain tag (a comment...)
        return False
    start, end, data = parser.handle_starttag, parser.handle_endtag, parser.handle_data
    text = parts[0]
    if text:
        data(unescape(text) if "&" in text else text)
    tags = iter(parts)
    next(tags)
    read_attributes = _READ_ATTRIBUTES.search
    for closing, tag, attributes, empty, text in zip(tags, tags, tags, tags, tags, strict=True):
        if closing:
            if attributes or empty or tag in _VOID:
                return False
            end(tag)
        else:
            if tag in _RAW_TEXT:
                return False
            start(tag, _attributes(attributes) if attributes and read_attributes(attributes) else [])
            if empty:
                end(tag)
        if text:
            data(unescape(text) if "&" in text else text)
    return True


def _attributes(text: str) -> list[tuple[str, str | None]]:
    """A plain tag's attributes as HTMLParser gives them (None: an attribute without a value)."""
    found = []
    for match in _ATTRIBUTE.finditer(text):
        name, double, single = match.groups()
        value = double if double is not None else single
        found.append((name, unescape(value) if value else value))
    return found

"""Plain text from rendered pages, for the index and its snippets.

The index is built from what shoppers read (the rendered HTML), not the
Markdown source, so admonitions, tables and link texts are searchable and
Markdown syntax never shows up in a snippet. Elements marked
``data-search-exclude`` (kbgen's widgets, see :mod:`kbgen.unindexed`) are left
out with everything inside them, as Material's static search leaves them out.
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


class _Extractor(HTMLParser):
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

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        role = ""
        if tag in _SKIP or UNINDEXED in attrs or "headerlink" in classes:
            role = "skip"
        elif tag == "summary" and self._faq:
            role = "skip"  # the question is indexed as the entry's title
        elif tag == "details" and "data-kb-faq" in attrs and attrs.get("id"):
            self._faq, self._faq_depth = attrs["id"], len(self.stack)
            self.answers[self._faq] = []
        if tag in _HEADINGS and not self._faq:
            self._heading = []
        if tag in ("br", "img", "input", "hr", "meta", "link", "source", "wbr"):
            self._text(" ")
            return
        self.stack.append((tag, role))
        if role == "skip":
            self._skipping += 1
        if tag in _BLOCK:
            self._text("\n")

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                if self._skipping:
                    self._skipping -= sum(role == "skip" for _, role in self.stack[i:])
                del self.stack[i:]
                break
        if tag in _HEADINGS and self._heading is not None:
            self.headings.append(" ".join("".join(self._heading).split()))
            self._heading = None
        if tag == "details" and self._faq and len(self.stack) <= self._faq_depth:
            self._faq = None
        if tag in _BLOCK:
            self._text("\n")

    def handle_data(self, data):
        if self._skipping:  # inside an element left out
            return
        self._text(data)
        if self._heading is not None:
            self._heading.append(data)

    def _text(self, data: str) -> None:
        (self.answers[self._faq] if self._faq else self.body).append(data)


def _clean(parts: list[str]) -> str:
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def extract(html: str) -> PageText:
    parser = _Extractor()
    try:
        _tokenize(html, parser)
    except _Unusual:  # markup the quick reading does not cover: the standard parser reads it all
        parser = _Extractor()
        parser.feed(html)
        parser.close()
    return PageText(
        body=_clean(parser.body),
        headings=[h for h in parser.headings if h],
        faq_answers={slug: _clean(parts) for slug, parts in parser.answers.items()},
    )


# The quick reading of a page, for the markup Markdown and kbgen's templates write: tags
# with quoted attributes, text without a "<". It hands the parser the calls that
# HTMLParser.feed makes for such markup (names lowercased, attribute values unescaped,
# "<br/>" as a start and an end tag, a script's or style's content as it is); anything
# else (a comment, a stray "<", an unquoted attribute...) is _Unusual. Reading a page
# takes about a third of the time.
_TAG = re.compile(
    r"<(?:(?P<name>[a-zA-Z][a-zA-Z0-9-]*)"
    r"(?P<attrs>(?:\s+[^\s\"'>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'))?)*)\s*(?P<empty>/?)>"
    r"|/(?P<end>[a-zA-Z][a-zA-Z0-9-]*)\s*>)"
)
_ATTR = re.compile(r"([^\s\"'>/=]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'))?")
# HTMLParser.CDATA_CONTENT_ELEMENTS, and what ends their text
_RAW_TEXT = {tag: re.compile(rf"</\s*{tag}\s*>", re.IGNORECASE) for tag in ("script", "style")}


class _Unusual(Exception):
    """Markup the quick reading leaves to HTMLParser."""


def _tokenize(html: str, parser: HTMLParser) -> None:
    start, end, data = parser.handle_starttag, parser.handle_endtag, parser.handle_data
    find, match = html.find, _TAG.match
    i = 0
    while True:
        j = find("<", i)
        if j < 0:
            if i < len(html):
                data(unescape(html[i:]))
            return
        if j > i:
            data(unescape(html[i:j]))
        found = match(html, j)
        if found is None:
            raise _Unusual
        i = found.end()
        name = found.group("name")
        if name is None:
            end(found.group("end").lower())
            continue
        tag = name.lower()
        attrs = found.group("attrs")
        start(tag, _attributes(attrs) if attrs else [])
        if found.group("empty"):
            end(tag)
        elif tag in _RAW_TEXT:  # its text runs to its end tag, whatever it holds
            close = _RAW_TEXT[tag].search(html, i)
            if close is None or html[close.start() + 2].isspace():
                raise _Unusual
            if close.start() > i:
                data(html[i : close.start()])
            end(tag)
            i = close.end()


def _attributes(text: str) -> list[tuple[str, str | None]]:
    """A start tag's attributes as HTMLParser gives them (None: an attribute without a value)."""
    found = []
    for match in _ATTR.finditer(text):
        key, double, single = match.groups()
        value = double if double is not None else single
        found.append((key.lower(), unescape(value) if value else value))
    return found

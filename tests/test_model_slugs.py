"""kbgen.content.model: an article's and a FAQ entry's slug is its file name without the extension,
whatever its path, as the path is now (slugs are kept per path, not per object)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from kbgen.content.model import Article, FaqEntry


def entry(src: str) -> FaqEntry:
    return FaqEntry(src=src, path=Path(src), category="returns", question="Q?", body="A.", body_line=4)


def test_slugs_are_file_names_without_the_extension():
    assert entry("returns/faq/how-long.md").slug == "how-long"
    assert entry("returns/faq/v1.2-notes.md").slug == "v1.2-notes"
    assert entry("returns/faq/.hidden").slug == ".hidden"
    article = Article(
        src="index.md", path=Path("index.md"), category=None, section=None, title="T", body="", body_line=1
    )
    assert article.slug == "index"


def test_a_slug_follows_its_path():
    first = entry("returns/faq/old-name.md")
    assert first.slug == "old-name"
    assert dataclasses.replace(first, src="returns/faq/new-name.md").slug == "new-name"
    first.src = "shipping/faq/moved.md"
    assert first.slug == "moved"

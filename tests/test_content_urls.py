"""One rule from a content source to its address, and one list of what writers wrote."""

from __future__ import annotations

import pytest
from conftest import ROOT

from kbgen import content
from kbgen.content import urls
from kbgen.project import Project


@pytest.mark.parametrize(
    ("src", "url"),
    [
        ("returns/refunds.md", "returns/refunds/"),
        ("returns/index.md", "returns/"),
        ("index.md", ""),
        ("returns/sizes", "returns/sizes/"),
        ("returns/sizes/", "returns/sizes/"),
        ("a/b/c.md", "a/b/c/"),
        ("returns/reindex.md", "returns/reindex/"),
    ],
)
def test_page_url_is_mkdocs_directory_url(src, url):
    assert urls.page_url(src) == url


def test_faq_entries_live_on_their_category_page():
    center, _ = content.load(ROOT / "content")
    entry = center.faqs[0]
    category = center.category(entry.category)
    assert entry.page_src == category.index_src == urls.category_page(entry.category)


def test_written_lists_every_body_once():
    center, _ = content.load(ROOT / "content")
    written = center.written()
    assert len({id(d) for d in written}) == len(written)
    assert set(map(id, center.articles)) | set(map(id, center.faqs)) | set(map(id, center.notices)) <= set(
        map(id, written)
    )
    assert not set(map(id, center.notices)) & set(map(id, center.written(notices=False)))


def test_report_titles_use_published_addresses():
    center, report = content.load(ROOT / "content")
    project = Project(ROOT / "mkdocs.yml", ROOT / "content", ROOT / "site", center, report)
    titles = project.titles()
    refunds = next(a for a in center.articles if a.src == "returns/refunds.md")
    returns = center.category("returns")
    assert titles["/returns/refunds/"] == refunds.title
    assert titles["/returns/"] == returns.title
    assert titles[f"/returns/#{returns.faqs[0].slug}"] == returns.faqs[0].question

"""Where a content source is published: the one rule from source path to address.

MkDocs publishes ``returns/refunds.md`` at ``returns/refunds/`` and ``returns/index.md``
(kbgen's generated category page) at ``returns/``; a FAQ entry lives on its category's
page. Every module that needs an address from a source path asks here.
"""

from __future__ import annotations


def category_page(category: str) -> str:
    """The source of a category's page (generated, or the writer's own ``index.md``)."""
    return f"{category}/index.md"


def page_url(src: str) -> str:
    """MkDocs' directory URL of a page source, relative to the site root.

    ``returns/refunds.md`` -> ``returns/refunds/``; ``returns/index.md`` -> ``returns/``;
    ``index.md`` -> ``""``. A folder (``returns/sizes``) is its own address: ``returns/sizes/``.
    """
    stem = src[:-3] if src.endswith(".md") else src.rstrip("/")
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        stem = stem[: -len("/index")]
    return stem + "/"

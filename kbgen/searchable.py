"""What pages hand to search: the text of a rendered page, and the entries a page adds to search.

Neither theme nor engine. ``kbgen.search.text`` reads a rendered page into a
``PageText``; every page kind declares what its pages add to search
(``kbgen.pages.kinds.PageKind.documents``) as ``SearchEntry`` records built from
the model and that text; ``kbgen.search`` turns the records into its index
documents. Both packages import this module, and neither imports the other: a new
kind of page is indexed without touching the search package, and the search
package (so the server) never loads the content model or the pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .constants import DOCUMENT_TYPES


@dataclass
class PageText:
    """A rendered page as text: what shoppers read, without kbgen's widgets."""

    body: str = ""
    headings: list[str] = field(default_factory=list)
    faq_answers: dict[str, str] = field(default_factory=dict)  # entry slug -> answer text


@dataclass(frozen=True)
class SearchEntry:
    """One thing search finds: a page, or a place on a page (a FAQ entry on its category's page)."""

    type: str  # one of kbgen.constants.DOCUMENT_TYPES: a hit's type and the search filter
    id: str  # stable across builds: the source file it comes from (a FAQ entry's, a flow's YAML)
    src: str  # the page it is on (its docs-relative source), which gives its address
    title: str
    anchor: str = ""  # where on that page ("" for the top): a FAQ entry's slug
    summary: str = ""
    headings: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    body: str = ""  # the words shoppers read there
    category: str = ""  # the category's slug; "" for none
    category_title: str = ""  # what a hit shows as its category
    audience: str = "everyone"
    promoted: bool = False
    starts: dt.datetime | None = None  # shown from (notices)
    ends: dt.datetime | None = None  # shown until (notices); None: no end
    severity: str = ""  # notices

    def __post_init__(self):
        if self.type not in DOCUMENT_TYPES:  # the API and the CLI could never filter for it
            raise ValueError(f"search entry {self.id!r}: type {self.type!r} is not one of {DOCUMENT_TYPES}")

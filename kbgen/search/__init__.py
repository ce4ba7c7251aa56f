"""Search: the prebuilt Whoosh index and the queries over it.

The only package that imports Whoosh. Others use :class:`Indexing` (or
:func:`write_index`), :func:`collect` (index documents from the pages'
``kbgen.searchable.SearchEntry`` records), :func:`open_engine` and :class:`SearchRequest`.
It never imports the content model or the pages: what a page adds to search comes in as
those records.
"""

from __future__ import annotations

from . import languages, reuse
from .background import Early, Indexing, start_early
from .documents import DIGEST, Documents, SearchDocument, collect, digest
from .engine import IndexMissing, IndexUnreadable, SearchEngine, open_engine
from .index import INDEX_DIR
from .index import write as write_index
from .request import RequestError, SearchRequest, SuggestRequest
from .text import PageText, extract
from .vectors import available as semantic_available
from .vectors import installed as semantic_installed
from .vocabulary import synonym_groups

__all__ = [
    "INDEX_DIR",
    "DIGEST",
    "Documents",
    "Early",
    "Indexing",
    "IndexMissing",
    "IndexUnreadable",
    "PageText",
    "RequestError",
    "SearchDocument",
    "SearchEngine",
    "SearchRequest",
    "SuggestRequest",
    "collect",
    "digest",
    "extract",
    "languages",
    "open_engine",
    "reuse",
    "semantic_available",
    "semantic_installed",
    "start_early",
    "synonym_groups",
    "write_index",
]

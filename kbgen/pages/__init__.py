"""Pages kbgen generates and what templates are told about every page.

Everything here works on the content model and plain strings; the plugin
hands the results to MkDocs.
"""

from . import brand, feeds, images, kinds, notices, policies, seo
from .contact import channel_view, contact_view, flow_view
from .faq import faq_accordion
from .layout import (
    GLOSSARY_SRC,
    HOME_SRC,
    NOTICES_SRC,
    SEARCH_SRC,
    UPDATES_SRC,
    Layout,
    PageKind,
)
from .terms import mark_terms, search_definitions
from .views import dead_end_view, page_view

__all__ = [
    "GLOSSARY_SRC",
    "HOME_SRC",
    "NOTICES_SRC",
    "SEARCH_SRC",
    "UPDATES_SRC",
    "Layout",
    "PageKind",
    "brand",
    "channel_view",
    "contact_view",
    "dead_end_view",
    "faq_accordion",
    "feeds",
    "flow_view",
    "images",
    "kinds",
    "mark_terms",
    "notices",
    "page_view",
    "policies",
    "search_definitions",
    "seo",
]

"""Pages kbgen generates and what templates are told about every page.

Everything here works on the content model and plain strings; the plugin
hands the results to MkDocs.
"""

from . import notices, policies, seo
from .contact import channel_view, contact_view, flow_view
from .faq import faq_accordion
from .terms import mark_terms
from .layout import (
    GLOSSARY_SRC,
    HOME_SRC,
    NOTICES_SRC,
    SEARCH_SRC,
    UPDATES_SRC,
    Layout,
    PageKind,
)
from .views import page_view

__all__ = ["GLOSSARY_SRC", "HOME_SRC", "NOTICES_SRC", "SEARCH_SRC", "UPDATES_SRC", "Layout", "channel_view", "contact_view", "flow_view", "PageKind", "faq_accordion", "mark_terms", "page_view"]

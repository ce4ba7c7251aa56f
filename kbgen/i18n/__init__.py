"""Every string a shopper reads, in the page's language: one gettext catalog per language.

Catalogs are ``.po`` files (``locales/<lang>/LC_MESSAGES/kbgen.po``), read with Babel when
first used and cached, so there is no ``.mo`` build step; ``locales/kbgen.pot`` is the
template extracted from the sources (``python -m kbgen.i18n.extract``). Dates, times and
numbers are formatted for the language's locale by Babel. Standard library and Babel only:
the pages, the contact views, the plugin and the server import this package, never the
other way round.
"""

from .catalog import (
    DEFAULT_LANGUAGE,
    LOCALES_DIR,
    N_,
    PROJECT_LOCALES,
    CatalogError,
    Messages,
    catalog_path,
    messages,
)
from .formats import format_currency, format_date, format_datetime, format_decimal, format_time
from .script import script_msgids

__all__ = [
    "DEFAULT_LANGUAGE",
    "LOCALES_DIR",
    "PROJECT_LOCALES",
    "CatalogError",
    "N_",
    "Messages",
    "catalog_path",
    "format_currency",
    "format_date",
    "format_datetime",
    "format_decimal",
    "format_time",
    "messages",
    "script_msgids",
]

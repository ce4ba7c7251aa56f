"""The catalog template: every message in kbgen's sources, written to ``locales/kbgen.pot``.

Run from a source checkout after changing an interface string::

    python -m kbgen.i18n.extract                    # writes kbgen/i18n/locales/kbgen.pot
    pybabel update -i kbgen/i18n/locales/kbgen.pot -d kbgen/i18n/locales -D kbgen

then translate what ``pybabel update`` added to each ``kbgen.po`` (tests/test_i18n.py fails
while a language lacks one). Python (``gettext``, ``ngettext``, ``N_``), the Jinja templates
(``_``, ``ngettext``) and the widget scripts (``kb.t``, ``kb.nt``) are read, the same three
extractors ``pybabel extract -F`` would run with this module's ``METHODS``.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import write_po

from .catalog import TEMPLATE
from .script import SCRIPT_KEYWORDS

ROOT = Path(__file__).resolve().parents[2]  # the source checkout (kbgen/ and theme/ side by side)
METHODS = [
    ("kbgen/**.py", "python"),
    ("theme/**.html", "jinja2.ext:babel_extract"),
    ("theme/**.js", "javascript"),
]
OPTIONS = {"theme/**.html": {"extensions": "jinja2.ext.i18n"}}
KEYWORDS = {**DEFAULT_KEYWORDS, **SCRIPT_KEYWORDS}
SKIP = ("kbgen/scaffold/", "kbgen/i18n/extract.py")  # a new project's files; this module's own examples


def extract(root: Path = ROOT) -> Catalog:
    """Every message of the sources under ``root``, with where each is used."""
    catalog = Catalog(project="kbgen", charset="utf-8", creation_date=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))

    def keep(filename: str, method: str, options: dict) -> bool:
        return not filename.startswith(SKIP)

    found = extract_from_dir(
        root, METHODS, OPTIONS, KEYWORDS, comment_tags=("Translators:",), callback=None, strip_comment_tags=True
    )
    for filename, lineno, message, comments, context in found:
        if not keep(filename, "", {}):
            continue
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def main(argv: list[str] | None = None) -> int:
    out = Path(argv[0]) if argv else TEMPLATE
    catalog = extract()
    with out.open("wb") as f:
        write_po(f, catalog, width=120, sort_output=True, omit_header=False, include_lineno=True)
    print(f"{len(catalog)} messages written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

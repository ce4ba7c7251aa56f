"""The messages kbgen's widget scripts ask for, so a page can hand them over in its language.

Scripts say ``kb.t("Open now")`` and ``kb.nt("{num} result", "{num} results", n)``
(``theme/assets/kbgen/js/core.js``); Babel's JavaScript extractor finds them.
"""

from __future__ import annotations

import functools
import hashlib
import io
from collections.abc import Iterable

import babel

from ..cache import remembered

SCRIPT_KEYWORDS = {"kb.t": None, "kb.nt": (1, 2)}


def script_msgids(texts: Iterable[str], memo=None) -> list:
    """The messages the widget scripts ask for (``kb.t("...")``, ``kb.nt("...", "...", n)``):
    plain strings, and (singular, plural) pairs. Read from the scripts the build bundles, so
    a widget in a project's ``custom_dir`` gets its messages too. ``memo`` (``get``/``put`` by
    key, as the build cache's): each script's messages as an earlier build found them."""
    found: dict = {}
    for text in texts:
        found.update(dict.fromkeys(_remembered(text, memo)))
    return list(found)


def _remembered(text: str, memo) -> tuple:
    if memo is None:
        return _asked(text)
    key = f"asked {babel.__version__} " + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return remembered(memo, key, lambda: _asked(text), tuple)


@functools.lru_cache(maxsize=256)
def _asked(text: str) -> tuple:
    """One script's messages, in order; extracted once per process (each pair's build, and each
    preview rebuild, reads the same scripts)."""
    from babel.messages.extract import extract_javascript  # (a build whose scripts are remembered never asks)

    found: dict = {}
    calls = extract_javascript(io.BytesIO(text.encode("utf-8")), SCRIPT_KEYWORDS, [], {})
    for _line, func, message, _comments in calls:
        # Babel counts the commas of an object literal as arguments: keep the strings asked for
        parts = message if isinstance(message, tuple) else (message,)
        wanted = tuple(parts[:2]) if func == "kb.nt" else parts[0]
        if wanted and all(wanted if isinstance(wanted, tuple) else (wanted,)):
            found[wanted] = None
    return tuple(found)

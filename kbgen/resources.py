"""Where kbgen's shipped files live, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def theme_dir() -> Path:
    """The theme overrides: ``kbgen/theme`` in the wheel, ``theme/`` in a checkout."""
    packaged = _PACKAGE / "theme"
    return packaged if packaged.is_dir() else _PACKAGE.parent / "theme"

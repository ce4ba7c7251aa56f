"""Slugs: the lowercase names that become URLs, anchors and ids.

One home for the rules, so every file name, folder, id and anchor kbgen
checks or makes follows the same ones.
"""

from __future__ import annotations

import re

# Ids writers choose (contact channels, flows and their steps, notices): words joined by hyphens.
ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Page files and category folders, which MkDocs turns into URLs: hyphens or underscores.
FILE_NAME = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


def is_id(value: object) -> bool:
    return isinstance(value, str) and ID.match(value) is not None


def is_file_name(stem: str) -> bool:
    return FILE_NAME.match(stem) is not None


def slugify(text: str) -> str:
    """Lowercase words joined by hyphens: "Reserve price" -> "reserve-price"."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")

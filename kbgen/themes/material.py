"""Material for MkDocs (9.x): how kbgen's theme-neutral wishes become Material's settings.

Material reaches end of life on 5 May 2027; keeping what is Material's here means
another theme is one new module beside this one plus templates.
"""

from __future__ import annotations

from collections.abc import Iterable


def page_meta(meta: dict, *, hide: Iterable[str], searchable: bool) -> None:
    """Material's page meta: ``hide`` (its navigation, table of contents) and the
    search plugin's ``search: {exclude: true}``. A writer's own values win."""
    hide = list(hide)
    if hide:
        meta.setdefault("hide", hide)
    if not searchable:
        meta.setdefault("search", {"exclude": True})

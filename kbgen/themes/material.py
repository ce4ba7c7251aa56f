"""Material for MkDocs (9.x): everything kbgen knows about its theme, on the Python side.

Material reaches end of life on 5 May 2027. What is Material's stays here (where
kbgen's templates go in its template search path, its ``.icons/`` folders and icon
names, its page meta), so another theme is one new module beside this one plus
templates. The rest of kbgen speaks in theme-neutral terms.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable

ICONS_DIR = ".icons"  # Material's icon sets (material/, fontawesome/, octicons/, simple/) in a theme folder
ICON_HINT = "a Material icon name such as 'material/truck-delivery-outline'"
# The icon of each contact channel type (the channel views carry only the type).
CHANNEL_ICONS = {
    "phone": "material/phone-outline",
    "email": "material/email-outline",
    "chat": "material/chat-processing-outline",
    "messaging": "material/message-text-outline",
    "social": "material/at",
    "form": "material/form-select",
    "post": "material/mailbox-outline",
}


# Loaded after kb.css: Material's colours (--md-*) as kbgen's (--kb-*).
STYLESHEETS = ("assets/kbgen/material.css",)
# Material's templates that kbgen's theme/ folder replaces: the header search box
# (kbgen's search-as-you-type form in the slot of Material's own).
# partials/alternate.html: the language and market switcher (kbgen.pairs.Switcher)
OVERRIDES = ("partials/search.html", "partials/alternate.html")
SWITCHER_ICON = "material/translate"  # Material's own default for its language selector
# Where Material's search plugin writes its static index; kb.js searches it in the
# browser on a host without kbgen's /api/. Templates hand it over as data-kb-static-index.
STATIC_SEARCH_INDEX = "search/search_index.json"


def language(theme) -> str | None:
    """The language the theme is set to (Material's ``theme.language``), if any: the language
    kbgen writes its own interface in until the help center declares its languages."""
    value = theme["language"] if "language" in theme else None
    return str(value) if value else None


def add_templates(theme, folder: str) -> None:
    """Put kbgen's template folder in ``theme.dirs`` (MkDocs' theme object): before
    Material's own folder, since our partials/search.html replaces its header search,
    but after the user's ``custom_dir``, which always wins."""
    position = 1 if theme.custom_dir else 0
    theme.dirs.insert(position, folder)


def known_icon(theme_dirs: Iterable[str]) -> Callable[[str], bool]:
    """Whether an icon name (``material/phone-outline``) is an SVG in one of ``theme_dirs``."""
    dirs = list(theme_dirs)
    return lambda name: any(os.path.isfile(os.path.join(d, ICONS_DIR, f"{name}.svg")) for d in dirs)


def icon_template(name: str) -> str:
    """The template that is the SVG of icon ``name``, for ``{% include kb_icon(name) %}``."""
    return f"{ICONS_DIR}/{name}.svg"


def channel_icon_template(channel_type: str) -> str:
    """``{% include kb_channel_icon(channel.type) %}``: a contact channel's icon."""
    return icon_template(CHANNEL_ICONS[channel_type])


def template_globals() -> dict:
    """What kbgen's templates use to reach the theme's icons and static search index
    (added to MkDocs' Jinja environment)."""
    return {
        "kb_icon": icon_template,
        "kb_channel_icon": channel_icon_template,
        "kb_static_search_index": STATIC_SEARCH_INDEX,
        "kb_switcher_icon": SWITCHER_ICON,
    }


def page_meta(meta: dict, *, hide: Iterable[str], searchable: bool) -> None:
    """Material's page meta: ``hide`` (its navigation, table of contents) and the
    search plugin's ``search: {exclude: true}``. A writer's own values win."""
    hide = list(hide)
    if hide:
        meta.setdefault("hide", hide)
    if not searchable:
        meta.setdefault("search", {"exclude": True})


# Material's static search index, reused by an incremental build. Its search plugin reads
# every page's HTML again to make the page's entries (a fifth of a warm build). A page taken
# from the build cache is marked with Material's documented ``search: {exclude: true}`` for
# that build only (its HTML comes from the cache, so the mark shows nowhere), and once
# Material has written the index of the other pages, the cached pages' entries are put back
# in their place: the file is Material's own JSON, written as Material writes it.
def is_static_search(plugin) -> bool:
    """Whether a configured plugin is Material's search, enabled (its static index is reused)."""
    enabled = getattr(plugin, "config", {}).get("enabled", True)
    return type(plugin).__module__.startswith("material.plugins.search") and bool(enabled)


def skip_static_search(meta: dict) -> None:
    """Material's search leaves the page out of this build's index (its entries are cached)."""
    meta["search"] = {**(meta.get("search") or {}), "exclude": True}


def read_static_search(site_dir: str) -> dict | None:
    """Material's index as written in ``site_dir`` (None when there is none)."""
    path = os.path.join(site_dir, STATIC_SEARCH_INDEX)
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def split_static_search(docs: list[dict], urls: Iterable[str]) -> list[list[dict]] | None:
    """Each page's entries in ``docs`` (Material adds a page's entries together, in build
    order, each located at the page's URL or an anchor on it), for the pages of ``urls``
    in build order; None if ``docs`` holds anything else."""
    found: list[list[dict]] = []
    position = 0
    for url in urls:
        start = position
        while position < len(docs) and str(docs[position].get("location", "")).split("#", 1)[0] == url:
            position += 1
        found.append(docs[start:position])
    return found if position == len(docs) else None


def entries_text(entries: list[dict]) -> str:
    """Entries of the index as Material writes them, one after the other ("" for none)."""
    return ",".join(json.dumps(entry, separators=(",", ":"), default=str) for entry in entries)


def write_static_search(site_dir: str, index: dict, docs: list[str]) -> None:
    """``index`` written back as Material writes it (``SearchIndex.generate_search_index``),
    its ``docs`` being the entries of ``docs`` (each page's, as :func:`entries_text` gives
    them): the cached pages' entries are written from their text, not encoded again."""
    entries = ",".join(text for text in docs if text)
    if list(index) == ["config", "docs"]:  # Material's index: {"config": {...}, "docs": [...]}
        head = json.dumps({"config": index["config"]}, separators=(",", ":"), default=str)
        data = f'{head[:-1]},"docs":[{entries}]}}'
    else:  # never expected: written as a whole
        data = json.dumps({**index, "docs": json.loads(f"[{entries}]")}, separators=(",", ":"), default=str)
    with open(os.path.join(site_dir, STATIC_SEARCH_INDEX), "wb") as f:
        f.write(data.encode("utf-8"))

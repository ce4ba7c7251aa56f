"""The Atom feeds a build writes beside the pages: notices and policy updates."""

from __future__ import annotations

import os
from collections.abc import Callable

from ..content.model import HelpCenter
from . import notices, policies
from .layout import Layout


def write(
    layout: Layout, center: HelpCenter, url_for: Callable[[str], str], site_url: str, site_name: str, site_dir: str
) -> None:
    """Write the feeds the help center has into ``site_dir``."""
    for wanted, module in ((layout.notices, notices), (layout.has_updates, policies)):
        if wanted:
            feed = module.atom_feed(center, url_for, site_url, site_name, layout.messages)
            with open(os.path.join(site_dir, module.FEED_FILE), "wb") as out:
                out.write(feed)

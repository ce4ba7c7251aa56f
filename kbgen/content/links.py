"""Internal links: resolve them against the help center, check them, rebase them.

A link is written relative to its Markdown file, as MkDocs expects. FAQ entries
are not pages of their own: a link to ``faq/<slug>.md`` goes to the entry's
anchor on its category page, and an answer shown on that page needs its links
rebased. Both use the same resolution, so what ``kbgen check`` accepts is
exactly what the build renders.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote

from .diagnostics import Report, did_you_mean
from .mdscan import links, replace_targets
from .model import Article, Category, FaqEntry, HelpCenter

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
HOME_SRC = "index.md"
# ids our templates put on category pages, which writers may link to.
CATEGORY_PAGE_IDS = {"articles", "faq"}


@dataclass(frozen=True)
class Target:
    src: str  # the page (or static file) the link lands on
    anchor: str = ""
    static: bool = False
    url: str = ""  # a page not in this language: its address in another (center.fallbacks)


class LinkError(Exception):
    pass


class Resolver:
    def __init__(self, center: HelpCenter):
        self.center = center
        self.pages = center.by_src()
        self._anchors: dict[str, frozenset[str] | None] = {}  # (see page_anchors)

    def page_anchors(self, src: str) -> frozenset[str] | None:
        """Ids on the rendered page ``src``; None where any id is accepted. Made once per page
        (a category page's are its FAQ entries' slugs: thousands of links point at them)."""
        if src not in self._anchors:
            self._anchors[src] = self._page_anchors(src)
        return self._anchors[src]

    def _page_anchors(self, src: str) -> frozenset[str] | None:
        page = self.pages.get(src)
        if isinstance(page, Category):
            ids = {f.slug for f in page.faqs} | CATEGORY_PAGE_IDS
            if page.intro is not None:
                ids |= page.intro.anchors
            return frozenset(ids)
        if isinstance(page, Article):
            return frozenset(page.anchors)
        return None

    def resolve(self, from_src: str, target: str) -> Target | None:
        """The page a link lands on, None for external links; LinkError if broken."""
        if _SCHEME.match(target) or target.startswith("//"):
            return None
        if target.startswith("/"):
            raise LinkError(f"absolute link '{target}': link to the .md file with a relative path instead")
        path, _, anchor = target.partition("#")
        path = unquote(path.partition("?")[0])
        if not path:
            return self._check_anchor(from_src, anchor, target)
        dest = posixpath.normpath(posixpath.join(posixpath.dirname(from_src), path))
        if dest.startswith(".."):
            raise LinkError(f"link '{target}' points outside the content folder")
        if path.endswith("/") or dest == ".":
            dest = posixpath.normpath(posixpath.join(dest, HOME_SRC))
        if not dest.endswith(".md"):
            if (self.center.docs_dir / dest).is_file():
                return Target(dest, anchor, static=True)
            if dest + "/index.md" in self.pages or dest == "index":
                dest = posixpath.normpath(dest + "/index.md")
            else:
                raise LinkError(f"broken link: '{target}' is not in the content folder")
        page = self.pages.get(dest)
        if page is None and dest != HOME_SRC:
            return self._elsewhere(from_src, dest, path, anchor, target)
        if isinstance(page, FaqEntry):
            if anchor:
                raise LinkError(f"link '{target}': a FAQ entry has no sections; drop '#{anchor}'")
            return Target(page.page_src, page.slug)
        return self._check_anchor(dest, anchor, target)

    def _elsewhere(self, from_src: str, dest: str, path: str, anchor: str, target: str) -> Target:
        """A page not in this language: its address in the default language (center.fallbacks)."""
        if dest in self.center.fallbacks:
            return Target(dest, anchor, url=self.center.fallbacks[dest])
        names = {posixpath.relpath(s, posixpath.dirname(from_src) or ".") for s in self.pages}
        raise LinkError(f"broken link: '{target}' does not exist{did_you_mean(path, names)}")

    def _check_anchor(self, dest: str, anchor: str, target: str) -> Target:
        if anchor:
            ids = self.page_anchors(dest)
            if ids is not None and anchor not in ids:
                hint = did_you_mean(anchor, ids)
                raise LinkError(f"broken anchor: '{target}' has no section '#{anchor}'{hint}")
        return Target(dest, anchor)

    def rebase(self, body: str, from_src: str, to_src: str) -> str:
        """Rewrite ``body``'s internal links (written in ``from_src``) for page ``to_src``."""
        base = posixpath.dirname(to_src) or "."
        replacements = {}
        for link in links(body):
            try:
                target = self.resolve(from_src, link.target)
            except LinkError:
                continue  # reported by check(); MkDocs warns as well
            if target is None:
                continue
            if target.url:
                new = target.url + (f"#{target.anchor}" if target.anchor and "#" not in target.url else "")
            elif target.src == posixpath.normpath(to_src) and target.anchor and not target.static:
                new = f"#{target.anchor}"
            else:
                new = posixpath.relpath(target.src, base)
                if target.anchor:
                    new += f"#{target.anchor}"
            if new != link.target:
                replacements[link.start] = (link.end, new)
        return replace_targets(body, replacements) if replacements else body


def check(center: HelpCenter, report: Report) -> None:
    resolver = Resolver(center)
    for doc in center.written():
        for link in links(doc.body, doc.body_line):
            try:
                target = resolver.resolve(doc.src, link.target)
            except LinkError as exc:
                message = str(exc)
                if link.image:
                    message = message.replace("broken link", "missing image")
                report.error(doc.path, link.line, message)
                continue
            if link.image and target is not None and not target.static:
                report.error(doc.path, link.line, f"image '{link.target}' is not an image file")

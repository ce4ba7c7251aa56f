"""Symlinks in the content folder: followed only while they stay inside it.

Many writers commit to one repository and CI publishes every commit, so a link
such as ``returns/passwd.txt -> /etc/passwd`` (or a folder linked to a CI
runner's secrets) must never be read, copied or indexed. Every symlink under the
content folder is resolved here; one that leaves the folder, is broken, or leads
back into a folder that contains it (MkDocs follows links and would walk it
forever) is reported, and nothing reads or publishes through it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .diagnostics import Report


def leaves(path: Path | str, root: Path | str) -> bool:
    """True when ``path`` (following every link) is not inside ``root`` or does not exist."""
    inside = _plainly_inside(os.fspath(path), os.fspath(root))
    if inside is not None:
        return not inside
    real = os.path.realpath(path)
    base = os.path.realpath(root)
    return not os.path.exists(real) or not (real == base or real.startswith(base.rstrip(os.sep) + os.sep))


class Inside:
    """:func:`leaves` for the many files one load reads under ``root``: each folder on the way
    is looked at once (thousands of files live in a few dozen folders), then the file itself.
    The same answers as :func:`leaves`, for the time of one load (a folder made a link after
    it was looked at is not seen: :func:`scan`, at the start of the next load, is)."""

    def __init__(self, root: Path | str):
        self.root = os.fspath(root)
        self._base = self.root.rstrip(os.sep)
        self._folders: dict[str, bool | None] = {}  # folder -> _plainly_inside's answer

    def plain_folder(self, path: Path | str) -> bool:
        """Whether ``path`` is a name in a folder inside ``root`` with no link on the way: then
        the file itself, opened without following a link, is inside."""
        folder, name = os.path.split(os.fspath(path))
        return self._folder(folder) is True and name not in ("", ".", "..")

    def _folder(self, folder: str) -> bool | None:
        if folder == self._base:
            return True  # the root itself is never looked at (see _plainly_inside)
        plain = self._folders.get(folder, _UNSEEN)
        if plain is _UNSEEN:
            plain = self._folders[folder] = _plainly_inside(folder, self.root)
        return plain

    def leaves(self, path: Path | str) -> bool:
        path = os.fspath(path)
        folder, name = os.path.split(path)
        plain = self._folder(folder)
        if plain and name not in ("", ".", ".."):
            try:
                mode = os.lstat(path).st_mode
            except OSError:
                return True  # does not exist (or cannot be looked at): not read
            if not stat.S_ISLNK(mode):
                return False
        elif plain is False:
            return True  # a folder on the way does not exist
        return leaves(path, self.root)


_UNSEEN = object()


def _plainly_inside(path: str, root: str) -> bool | None:
    """For ``path`` written as ``root`` and names below it, none of them a link (what a
    walk of the content folder gives): whether it exists, so is inside. None for any other
    path (a link on the way, ``..``): the caller resolves it. Every file of every build is
    checked, and resolving both paths in full took an ``lstat`` per folder of each."""
    base = root.rstrip(os.sep)
    if not path.startswith(base + os.sep):
        return None
    names = path[len(base) + 1 :].split(os.sep)
    if any(name in ("", ".", "..") for name in names):
        return None
    current = base
    for name in names:
        current += os.sep + name
        try:
            mode = os.lstat(current).st_mode
        except OSError:
            return False  # does not exist (or cannot be looked at): not read
        if stat.S_ISLNK(mode):
            return None
    return True


def scan(docs_dir: Path, report: Report) -> frozenset[Path]:
    """Report every refused symlink under ``docs_dir``; returns their paths.

    The tree is walked without following links: links that stay inside lead to
    files and folders this walk visits anyway.
    """
    root = os.path.realpath(docs_dir)
    refused: set[Path] = set()
    folder_links: dict[str, str] = {}  # real location of a link to a folder inside -> its target
    found: dict[str, Path] = {}
    for folder, name in _links(os.fspath(docs_dir)):
        path = Path(folder) / name
        target = os.readlink(path)
        if leaves(path, root):
            refused.add(path)
            if not os.path.exists(path):
                report.error(path, 1, f"broken symlink: it points to '{target}', which does not exist")
            else:
                report.error(
                    path,
                    1,
                    f"symlink points outside the content folder (to '{os.path.realpath(path)}'): "
                    "only files inside the content folder are published; copy the file in instead",
                )
        elif os.path.isdir(path):
            location = os.path.join(os.path.realpath(folder), name)
            folder_links[location] = os.path.realpath(path)
            found[location] = path
    for location in _loops(folder_links):
        path = found[location]
        refused.add(path)
        report.error(
            path,
            1,
            f"symlink loop: it points to '{os.readlink(path)}', a folder that leads back to the link itself",
        )
    return frozenset(refused)


def _links(top: str):
    """(folder, name) of every symlink under ``top``, folders in sorted order, links not
    followed. The directory entries say which are links (no ``lstat`` per file: a help center
    has thousands of files and usually no link)."""
    folders = [top]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:  # as os.walk: a folder that cannot be listed is skipped
            continue
        below = []
        for entry in entries:
            if entry.is_symlink():
                yield folder, entry.name
            elif entry.is_dir(follow_symlinks=False):
                below.append(entry.path)
        folders.extend(reversed(below))


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _loops(links: dict[str, str]) -> list[str]:
    """Links to folders from which following links comes back to the same link."""
    # following link a reaches link b when b lies inside a's target
    reaches = {a: [b for b in links if _inside(b, target)] for a, target in links.items()}
    looping = []
    for start in sorted(links):
        seen, stack = set(), list(reaches[start])
        while stack:
            link = stack.pop()
            if link == start:
                looping.append(start)
                break
            if link not in seen:
                seen.add(link)
                stack.extend(reaches[link])
    return looping

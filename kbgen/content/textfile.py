"""Reading a content file as text: UTF-8, no NUL bytes, inside the content folder.

Every loader reads through :func:`read`, so each kind of file (articles, FAQ
entries, category files, notices, flows, contact.yml, facts.yml, glossary.yml,
synonyms.yml) reports the same encoding problems at the same place: invalid
UTF-8 and NUL bytes are errors at the line of the first bad byte; a byte order
mark and Windows line endings are tolerated with a warning, since the file still
reads the same, but editors and diffs treat them differently.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import symlinks
from .diagnostics import Report

BOM = b"\xef\xbb\xbf"


def read(path: Path, report: Report, root: Path, inside: symlinks.Inside | None = None) -> str | None:
    """The text of ``path`` with LF line endings, or None when it cannot be used.

    ``root`` is the content folder: a path whose links lead out of it is never
    read (:func:`symlinks.scan` reports it). ``inside``: the same check for a load
    that reads many files of ``root`` (each folder looked at once).
    """
    data = _plain_bytes(path, inside) if inside is not None else None
    if data is None:
        if symlinks.leaves(path, root) if inside is None else inside.leaves(path):
            return None
        try:
            data = path.read_bytes()
        except OSError as exc:
            report.error(path, 1, f"cannot read: {exc.strerror}")
            return None
    if data.startswith(BOM):
        report.warning(path, 1, "the file starts with a byte order mark (BOM): save it as UTF-8 without BOM")
        data = data[len(BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        report.error(
            path,
            line,
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} ({exc.reason}); save the file as UTF-8",
        )
        return None
    nul = text.find("\x00")
    if nul != -1:
        report.error(path, text.count("\n", 0, nul) + 1, "NUL byte in a text file: is it a binary file?")
        return None
    crlf = text.find("\r\n")
    if crlf != -1:
        report.warning(
            path,
            text.count("\n", 0, crlf) + 1,
            "Windows line endings (CRLF): save the file with LF line endings",
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _plain_bytes(path: Path, inside: symlinks.Inside) -> bytes | None:
    """The bytes of a file whose folders are no links, opened without following a link: so
    it is inside the content folder (one system call fewer than looking at it first, for
    each of thousands of files). None for a link or any failure: :func:`read` looks again."""
    if not inside.plain_folder(path):
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        with open(fd, "rb") as f:
            return f.read()
    except OSError:
        return None

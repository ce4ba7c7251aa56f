"""Atomic builds: the new site (and its index) replaces the old one only on success.

MkDocs builds into a fresh folder beside the target; on success the two are
swapped with one ``renameat2(RENAME_EXCHANGE)`` where Linux offers it (readers
never see a missing or half-written site), else with two quick renames. On
failure the temporary folder is removed and the old site is untouched.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, MkDocsException

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


class BuildFailed(Exception):
    """The build stopped; the message says why and the old site is intact."""


def build(config_file: str | os.PathLike, site_dir: str | os.PathLike | None = None, strict: bool = False) -> Path:
    """Build the help center and swap it into ``site_dir``; returns the site path."""
    try:
        config = load_config(str(config_file), strict=strict)
    except MkDocsException as exc:
        raise BuildFailed(f"{config_file}: {exc}") from None
    target = Path(site_dir or config.site_dir).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    config["site_dir"] = str(staging)
    try:
        mkdocs_build(config)
    except (Abort, MkDocsException) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed(str(exc)) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    os.chmod(staging, 0o755)  # mkdtemp makes it private; a site is meant to be read
    swap_in(staging, target)
    return target


def swap_in(new: Path, target: Path) -> None:
    """Put ``new`` at ``target``, removing what was there, as atomically as we can."""
    if target.exists() and _exchange(new, target):
        shutil.rmtree(new)  # `new` now holds the old site
        return
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.rename(target, old)
    try:
        os.rename(new, target)
    except OSError:
        if old is not None:
            os.rename(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with Linux's renameat2; False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0

"""``kbgen serve --watch``: rebuild when the content or the config changes.

Polling instead of OS file events: no extra dependency, works on every filesystem,
and a help center's few thousand files take a few milliseconds to stat. The wait
between two looks is ten times what the last look took, between 0.05 and 0.2 s: a
small help center sees a save within 50 ms, a large one spends at most a tenth of a
core on looking. A change is built once the files have stopped changing for
``settle`` seconds (an editor writing several files, or a file in several writes).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path


def snapshot(paths: list[Path]) -> dict[str, tuple[int, int]]:
    """Every file under ``paths`` (hidden folders left out): its mtime (ns) and size."""
    state: dict[str, tuple[int, int]] = {}
    for root in paths:
        if root.is_file():
            st = root.stat()
            state[str(root)] = (st.st_mtime_ns, st.st_size)
            continue
        _scan(str(root), state)
    return state


def _scan(folder: str, state: dict[str, tuple[int, int]]) -> None:
    try:
        entries = os.scandir(folder)
    except OSError:
        return
    with entries:
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):  # as os.walk: symlinked folders are not entered
                    if not entry.name.startswith("."):
                        _scan(entry.path, state)
                    continue
                st = entry.stat()
            except OSError:
                continue
            state[entry.path] = (st.st_mtime_ns, st.st_size)


class Watcher(threading.Thread):
    def __init__(
        self,
        config_file: Path,
        rebuild: Callable[[list[Path]], None],
        interval: float = 0.2,
        paths: list[Path] | None = None,
        settle: float = 0.05,
        shortest: float = 0.05,
    ):
        """``interval``: the longest wait between two looks at the files; ``shortest``: the
        shortest (each wait is ten times the last look's time, between the two)."""
        super().__init__(daemon=True, name="kbgen-watch")
        base = config_file.resolve().parent
        self.paths = paths or [config_file.resolve(), *self._watched_dirs(config_file, base)]
        self.rebuild = rebuild
        self.interval = interval
        self.shortest = min(shortest, interval)
        self.settle = settle

    @staticmethod
    def _watched_dirs(config_file: Path, base: Path) -> list[Path]:
        from mkdocs.config import load_config

        try:  # the config only: validating all the content just to find it is the build's job
            docs = Path(load_config(str(config_file)).docs_dir)
        except Exception:  # an unusable config is reported by the build itself
            docs = base / "content"
        dirs = [docs]
        if (base / "theme").is_dir() and (base / "theme").resolve() != docs:
            dirs.append(base / "theme")
        return dirs

    def run(self) -> None:
        """Calls ``rebuild`` with the files changed, added or removed since the last build."""
        built = snapshot(self.paths)
        wait = self.interval
        while True:
            time.sleep(wait)
            started = time.monotonic()
            current = snapshot(self.paths)
            wait = min(max(LOOK_SHARE * (time.monotonic() - started), self.shortest), self.interval)
            if current == built:
                continue
            deadline = time.monotonic() + SETTLE_AT_MOST
            while time.monotonic() < deadline:  # until the editor has finished writing
                time.sleep(self.settle)
                last, current = current, snapshot(self.paths)
                if current == last:
                    break
            changed = sorted(path for path in built.keys() | current.keys() if built.get(path) != current.get(path))
            built = current
            self.rebuild([Path(path) for path in changed])


SETTLE_AT_MOST = 1.0  # seconds: files that keep changing are built anyway after this
LOOK_SHARE = 10  # the wait between two looks, in times the last look took

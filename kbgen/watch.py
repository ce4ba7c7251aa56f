"""``kbgen serve --watch``: rebuild when the content or the config changes.

Polling (twice a second) instead of OS file events: no extra dependency, works
on every filesystem, and a help center's few thousand files take
milliseconds to stat.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path


def snapshot(paths: list[Path]) -> dict[str, tuple[float, int]]:
    state = {}
    for root in paths:
        if root.is_file():
            st = root.stat()
            state[str(root)] = (st.st_mtime, st.st_size)
            continue
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in files:
                path = os.path.join(folder, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                state[path] = (st.st_mtime, st.st_size)
    return state


class Watcher(threading.Thread):
    def __init__(
        self, config_file: Path, rebuild: Callable[[], None], interval: float = 0.5, paths: list[Path] | None = None
    ):
        super().__init__(daemon=True, name="kbgen-watch")
        base = config_file.resolve().parent
        self.paths = paths or [config_file.resolve(), *self._watched_dirs(config_file, base)]
        self.rebuild = rebuild
        self.interval = interval

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
        last = snapshot(self.paths)
        while True:
            time.sleep(self.interval)
            current = snapshot(self.paths)
            if current != last:
                time.sleep(0.2)  # let an editor finish writing several files
                last = snapshot(self.paths)
                self.rebuild()

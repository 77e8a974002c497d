"""Keeping the workspace index current while the server runs: `IndexUpkeep`.

A save gives the index the file's new text at once, so the hints of the files
that use it follow; files changed outside the editor (a checkout, a
formatter; reported by the workspace watcher) are re-read once they settle,
and deleted ones forgotten.  Either way the call-site table (what the
workspace's calls pass) is rebuilt in the background once changes settle
(`SAVE_SETTLE`), and `on_change` lets the engine start its analyses afresh.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from pulsedev.models.types.debounce import Debounce
from pulsedev.models.types.index import WorkspaceIndex, module_name

SAVE_SETTLE = float(os.environ.get("PULSEDEV_TYPES_SAVE_SETTLE", "5"))  # seconds after changes: call sites
FILES_SETTLE = 0.5  # seconds after the last change outside the editor: re-read the files


class IndexUpkeep:
    """Applies saves and outside changes to `index`; `on_change()` after each applied change."""

    def __init__(self, index: WorkspaceIndex, root: Path | None, on_change, stopped, pause):
        self.index, self.on_change, self.stopped, self.pause = index, on_change, stopped, pause
        self.root = root.resolve() if root else None
        self._pending: set[Path] = set()
        self._lock = threading.Lock()
        self._recount = Debounce(SAVE_SETTLE, self._rebuild_callsites)
        self._reread = Debounce(FILES_SETTLE, self._reread_files)

    def stop(self) -> None:
        """Drops pending work."""
        self._recount.cancel()
        self._reread.cancel()

    def saved(self, path: Path, text: str) -> None:
        """A file saved in the editor, with its text."""
        path = path.resolve()
        if self._indexed(path) and self.index.replace(module_name(self.root, path), text):
            self._applied()

    def files_changed(self, paths: list[Path]) -> None:
        """Files changed (or deleted) outside the editor: re-read when no other change comes for a moment."""
        mine = [p for p in (p.resolve() for p in paths) if self._indexed(p)]
        if mine:
            with self._lock:
                self._pending.update(mine)
            self._reread.schedule()

    def _reread_files(self) -> None:
        with self._lock:
            paths, self._pending = self._pending, set()
        changed = False
        for path in sorted(paths):
            module = module_name(self.root, path)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                changed |= self.index.remove(module)  # deleted, or no longer readable
                continue
            changed |= self.index.replace(module, text)
        if changed:
            self._applied()

    def _applied(self) -> None:
        self.on_change()
        self._recount.schedule()

    def _rebuild_callsites(self) -> None:
        if self.index.callsites is not None and not self.stopped():
            self.index.build_callsites(self.stopped, self.pause)
            self.on_change()

    def _indexed(self, path: Path) -> bool:
        return (self.root is not None and path.suffix == ".py" and self.index.ready
                and self.root in path.parents)

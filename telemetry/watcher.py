"""Workspace watching (watchdog): commits, files changed outside the editor, the spool.

The tree is walked once, pruning ignored folders (`.git`, virtualenvs,
`node_modules`, caches, build output); folders whose subtree holds nothing
ignored get one recursive watch, the rest a flat one, so an inotify watch is
never set under `.git/objects` or `node_modules`.  Commits are read from the
new lines of `.git/logs/HEAD`; the spool folder gets its own flat watch.
Each change to a file the editor does not have open also goes to `on_file`
(the type engine re-reads changed Python files).
"""

from __future__ import annotations

import logging
import os
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .events import Event

log = logging.getLogger(__name__)

IGNORED_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".nox",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".cache", "build", "dist", "site-packages",
    ".idea", ".eggs", ".direnv", ".artifacts",
})
IGNORED_SUFFIXES = (".pyc", ".swp", ".swx", "~", ".tmp", ".lock", "-journal", "-wal", "-shm")
MAX_DIRS = 20000
EXTERNAL_DEBOUNCE = 2.0


def ignored_dir(path: Path) -> bool:
    """Whether a folder is never watched: by name, or a virtualenv (it has pyvenv.cfg)."""
    return path.name in IGNORED_DIRS or path.name.endswith(".egg-info") or (path / "pyvenv.cfg").exists()


def watch_plan(root: Path, limit: int = MAX_DIRS) -> tuple[list[Path], list[Path]]:
    """(recursive, flat) watch roots that cover `root` minus its ignored folders.

    A folder is watched recursively when nothing below it is ignored.
    """
    children: dict[Path, list[Path]] = {}
    dirty: set[Path] = set()
    stack, seen = [root], 0
    while stack and seen < limit:
        folder = stack.pop()
        seen += 1
        kids = []
        try:
            with os.scandir(folder) as it:
                for entry in it:
                    if entry.is_dir(follow_symlinks=False):
                        path = Path(entry.path)
                        if ignored_dir(path):
                            dirty.add(folder)
                        else:
                            kids.append(path)
        except OSError:
            continue
        children[folder] = kids
        stack.extend(kids)
    if stack:  # too large to walk: watch the top level flat, never the whole tree
        return [], [root]
    for folder in sorted(children, key=lambda p: len(p.parts), reverse=True):
        if folder in dirty and folder != root:
            dirty.add(folder.parent)
    recursive, flat = [], []
    todo = [root]
    while todo:
        folder = todo.pop()
        if folder not in dirty:
            recursive.append(folder)
        else:
            flat.append(folder)
            todo.extend(children.get(folder, []))
    return recursive, flat


class GitLog:
    """Reads commits from the lines appended to `.git/logs/HEAD` since the last look."""

    def __init__(self, git_dir: Path):
        self.git_dir = git_dir
        self.path = git_dir / "logs" / "HEAD"
        self.offset = self.path.stat().st_size if self.path.exists() else 0

    def new_commits(self) -> list[Event]:
        """`commit_created` events for the commits made since the last call."""
        try:
            size = self.path.stat().st_size
        except OSError:
            return []
        if size < self.offset:
            self.offset = 0
        if size == self.offset:
            return []
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            chunk = f.read(size - self.offset)
        self.offset = size
        events = []
        for line in chunk.decode("utf-8", "replace").splitlines():
            head, _, message = line.partition("\t")
            if not message.startswith("commit"):
                continue
            parts = head.split()
            sha = parts[1] if len(parts) > 1 else ""
            data = {}
            changed = self._files_changed(sha)
            if changed is not None:
                data["files_changed"] = changed
            events.append(Event("commit_created", time.time(), None, MappingProxyType(data)))
        return events

    def _files_changed(self, sha: str) -> int | None:
        try:
            out = subprocess.run(
                ["git", f"--git-dir={self.git_dir}", "diff-tree", "--no-commit-id", "--name-only", "-r", "--root", sha],
                capture_output=True, text=True, timeout=5,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return len(out.stdout.splitlines()) if out.returncode == 0 else None


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: WorkspaceWatcher):
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        try:
            self.watcher.dispatch(event)
        except Exception:  # a watcher must keep watching
            log.exception("watch event failed")


class WorkspaceWatcher:
    """Watches a workspace and a spool folder; reports through callbacks (from watchdog's thread)."""

    def __init__(self, root: Path | None, spool: Path | None, on_events: Callable[[list[Event]], None],
                 on_spool: Callable[[], None], is_open: Callable[[str], bool] = lambda uri: False,
                 on_file: Callable[[Path], None] = lambda path: None):
        self.root = root.resolve() if root else None
        self.spool = spool.resolve() if spool else None
        self.on_events = on_events
        self.on_spool = on_spool
        self.is_open = is_open
        self.on_file = on_file  # every change to a file the editor does not have open (not debounced)
        self.observer = Observer()
        self.git: GitLog | None = None
        self._recent: dict[str, float] = {}
        self.watched: list[tuple[Path, bool]] = []
        self._flat: set[Path] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        """Plan and schedule the watches (walks the tree: call off the LSP loop)."""
        handler = _Handler(self)
        if self.spool:
            self._schedule(handler, self.spool, False)
        if self.root and self.root.is_dir():
            recursive, flat = watch_plan(self.root)
            for folder in recursive:
                self._schedule(handler, folder, True)
            self._flat = set(flat)
            for folder in flat:
                self._schedule(handler, folder, False)
            git_dir = self.root / ".git"
            if git_dir.is_dir():
                self.git = GitLog(git_dir)
                self._schedule(handler, git_dir, False)
                if (git_dir / "logs").is_dir():
                    self._schedule(handler, git_dir / "logs", False)
        self.observer.start()

    def _schedule(self, handler: FileSystemEventHandler, folder: Path, recursive: bool) -> None:
        try:
            self.observer.schedule(handler, str(folder), recursive=recursive)
            self.watched.append((folder, recursive))
        except OSError as exc:
            log.warning("cannot watch %s: %s", folder, exc)

    def stop(self) -> None:
        """Stop watching."""
        try:
            self.observer.stop()
            self.observer.join(5)
        except RuntimeError:
            pass

    def dispatch(self, event: FileSystemEvent) -> None:
        """Route one watchdog event."""
        path = Path(os.fsdecode(event.dest_path or event.src_path))
        if self.spool and path.parent == self.spool:
            if path.name.endswith(".jsonl"):
                self.on_spool()
            return
        if (self.git and self.git.git_dir in path.parents) or (self.git and path == self.git.git_dir / "logs"):
            if path.name in ("HEAD", "logs") or path.parent.name == "logs":
                commits = self.git.new_commits()
                if commits:
                    self.on_events(commits)
            return
        if event.is_directory:
            if event.event_type == "created" and path.parent in self._flat and not ignored_dir(path):
                self._schedule(_Handler(self), path, True)
            return
        if event.event_type not in ("modified", "created", "deleted", "moved"):
            return
        if path.name.endswith(IGNORED_SUFFIXES) or any(p in IGNORED_DIRS for p in path.parts):
            return
        uri = path.as_uri()
        if self.is_open(uri):
            return  # the editor reports its own edits through text sync
        if event.event_type == "moved":
            self.on_file(Path(os.fsdecode(event.src_path)))
        self.on_file(path)
        now = time.time()
        with self._lock:
            if now - self._recent.get(uri, 0.0) < EXTERNAL_DEBOUNCE:
                return
            self._recent[uri] = now
            if len(self._recent) > 5000:
                self._recent.clear()
        self.on_events([Event("file_modified", now, uri, MappingProxyType({"external": True}))])

"""`pulsedev doctor`: checks the install, the data dir, permissions and the database, in words."""

from __future__ import annotations

import importlib
import os
import stat
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

REQUIRED = ("pygls", "lsprotocol", "river", "sklearn", "sqlite_utils", "watchdog", "platformdirs", "click", "skops",
            "numpy", "msgspec", "jedi", "filelock")  # every dependency in pyproject.toml


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return ""


def run_checks(data_dir: Path, echo: Callable[[str], None] = print) -> bool:
    """Print one line per check; True when nothing is wrong."""
    ok = True

    def report(good: bool, text: str, fix: str = "") -> None:
        nonlocal ok
        ok &= good
        echo(f"[{'ok' if good else 'FAIL'}] {text}" + (f"\n       fix: {fix}" if fix and not good else ""))

    report(sys.version_info >= (3, 11), f"Python {sys.version.split()[0]} ({sys.executable})",
           "use Python 3.11 or newer")
    dists = metadata.packages_distributions()
    for name in REQUIRED:
        try:
            importlib.import_module(name)
            report(True, f"{name} {_version((dists.get(name) or [name])[0])}".strip())
        except Exception as exc:
            report(False, f"{name} cannot be imported: {exc}", f"{sys.executable} -m pip install pulsedev")
    try:
        from . import handlers  # noqa: F401
        report(True, "the language server loads")
    except Exception as exc:
        report(False, f"the language server does not load: {exc}", "reinstall pulsedev")
    report(True, f"data dir: {data_dir}")
    if data_dir.exists():
        mode = stat.S_IMODE(data_dir.stat().st_mode)
        report(mode & 0o077 == 0, f"data dir is private to you (mode {oct(mode)})", f"chmod 700 {data_dir}")
        report(os.access(data_dir, os.W_OK), "data dir is writable", f"check the owner of {data_dir}")
        db = data_dir / "pulsedev.db"
        if db.exists():
            mode = stat.S_IMODE(db.stat().st_mode)
            report(mode & 0o077 == 0, f"database is private to you (mode {oct(mode)})", f"chmod 600 {db}")
            try:
                from .telemetry.store import SQLiteStore

                store = SQLiteStore(data_dir)
                result = store.integrity()
                count = store.count()
                store.close()
                report(result == "ok", f"database integrity: {result}; {count} events",
                       f"move {db} aside (the server makes a new one), or restore a backup")
            except Exception as exc:
                report(False, f"database cannot be opened: {exc}", f"move {db} aside; the server makes a new one")
        else:
            report(True, "no database yet (made when the server first runs)")
    else:
        parent = next((p for p in data_dir.parents if p.exists()), Path("/"))
        report(os.access(parent, os.W_OK), f"data dir does not exist yet; {parent} is writable",
               f"create {data_dir} or set the dataDir setting")
    echo("All good." if ok else "Some checks failed; see the fixes above.")
    return ok

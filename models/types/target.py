"""Which Python the workspace's code must run on, so an inserted annotation is valid there.

`def f(x: str | None)` raises at import on Python 3.9 unless the file has
`from __future__ import annotations` (annotations are then never evaluated);
`list[str]` needs 3.9 likewise, and `typing.Self` exists from 3.11.  The
oldest version the project declares is the target: `requires-python` in
pyproject.toml (PEP 621, or Poetry's `python` dependency), `python_requires`
in setup.cfg or setup.py.  Without one, the version of the workspace's
interpreter (its venv's `pyvenv.cfg`, or the name `python3.9`), else ours.
Only files are read: nothing is run.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

Version = tuple[int, int]

#: The files that declare it: a change to one of them re-reads the target.
PROJECT_FILES = ("pyproject.toml", "setup.cfg", "setup.py")

#: A lower bound in a version specifier: `>=3.8`, `~=3.9`, `^3.8` (Poetry), `==3.10.*`, `>3.7`.
_BOUND = re.compile(r"(>=|~=|\^|==|>)\s*3\.(\d+)")
#: Where setup.cfg and setup.py say it.
_REQUIRES = {"setup.cfg": re.compile(r"^\s*python_requires\s*=\s*(.+)$", re.MULTILINE),
             "setup.py": re.compile(r"python_requires\s*=\s*['\"]([^'\"]+)['\"]")}


def floor(spec: str) -> Version | None:
    """The oldest Python 3 version a specifier admits, or None when it names no lower bound.

    >>> floor(">=3.8"), floor(">=3.9,<4"), floor("^3.10"), floor(">3.7"), floor("*")
    ((3, 8), (3, 9), (3, 10), (3, 8), None)
    """
    bounds = [(3, int(minor) + (op == ">")) for op, minor in _BOUND.findall(spec)]
    return max(bounds) if bounds else None


def _declared(root: Path) -> Version | None:
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
        spec = (data.get("project", {}).get("requires-python")
                or data.get("tool", {}).get("poetry", {}).get("dependencies", {}).get("python"))
        if isinstance(spec, str) and (version := floor(spec)):
            return version
    except (OSError, ValueError, AttributeError):
        pass
    for name, pattern in _REQUIRES.items():
        try:
            found = pattern.search((root / name).read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
        if found and (version := floor(found.group(1))):
            return version
    return None


def _interpreter(python: str) -> Version | None:
    path = Path(python)
    if path == Path(sys.executable):
        return sys.version_info[:2]
    try:
        cfg = (path.parent.parent / "pyvenv.cfg").read_text(encoding="utf-8", errors="replace")
        found = re.search(r"^\s*version(?:_info)?\s*=\s*3\.(\d+)", cfg, re.MULTILINE)
        if found:
            return 3, int(found.group(1))
    except OSError:
        pass
    found = re.search(r"python3\.(\d+)", path.name)
    return (3, int(found.group(1))) if found else None


def target_version(root: Path | None, python: str | None = None) -> Version:
    """The oldest Python the workspace's code must run on (see module doc)."""
    return ((_declared(root) if root is not None else None) or (_interpreter(python) if python else None)
            or sys.version_info[:2])

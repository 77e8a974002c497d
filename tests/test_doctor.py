"""`pulsedev doctor` checks every dependency the package declares."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from pulsedev.doctor import REQUIRED, run_checks

IMPORT_NAMES = {"scikit-learn": "sklearn", "sqlite-utils": "sqlite_utils"}


def test_every_declared_dependency_is_checked(tmp_path):
    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())["project"]
    declared = {re.split(r"[<>=!~\[ ;]", d, maxsplit=1)[0] for d in project["dependencies"]}
    assert {IMPORT_NAMES.get(d, d.replace("-", "_")) for d in declared} == set(REQUIRED)
    lines = []
    run_checks(tmp_path / "data", lines.append)
    assert all(any(line.startswith(f"[ok] {name}") for line in lines) for name in REQUIRED)

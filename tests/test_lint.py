"""The lint gate: ruff, configured in pyproject.toml and pinned in the test extras, finds nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ["models", "server", "telemetry", "scripts", "tests"]


def test_ruff_finds_nothing():
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", *FOLDERS], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"ruff check {' '.join(FOLDERS)}:\n{proc.stdout}{proc.stderr}"

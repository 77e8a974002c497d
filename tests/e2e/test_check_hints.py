"""scripts/check_hints.py: a source tree through the type engine, every hint's edits applied and parsed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check_hints.py"


def test_check_hints_applies_every_hint_and_reports_none_broken(tmp_path):
    (tmp_path / "pkg" / "ds").mkdir(parents=True)
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "ds" / "__init__.py").write_text("from .etag import ETags\n")
    (tmp_path / "pkg" / "ds" / "etag.py").write_text("class ETags:\n    def __init__(self, star=False):\n"
                                                     "        self.star = star\n")
    (tmp_path / "pkg" / "http.py").write_text(  # a form feed between sections, text beyond ASCII
        'from . import ds\n\x0c\ndef parse(value, strict=True, mark="é🐍"):\n    if not value:\n'
        "        return ds.ETags()\n    return ds.ETags(star=True)\n")
    (tmp_path / "broken.py").write_text("def f(:\n")  # skipped: not Python
    proc = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    counts = re.search(r"files (\d+), hints (\d+), edits that break the file 0, exceptions 0", proc.stdout)
    assert counts and counts.group(1) == "4" and int(counts.group(2)) >= 4, proc.stdout

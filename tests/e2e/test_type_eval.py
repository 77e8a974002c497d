"""`pulsedev eval types`: strips an annotated package, asks the real server over LSP (which trains its
model on this interpreter's packages and typeshed's stubs first), and prints coverage and precision."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "data" / "annotated_pkg" / "shop"


def test_eval_types_prints_figures_from_the_real_server(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}  # a fresh model, trained for this run
    proc = subprocess.run([sys.executable, "-m", "pulsedev", "eval", "types", str(PACKAGE), "--threshold", "0.5"],
                          capture_output=True, text=True, timeout=900, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout
    # a first run trains: it says so while the user waits, and when the model is ready
    assert re.search(r"training the type model for this evaluation .*\nmodel ready after \d+ s\n", out), out
    m = re.search(r"shop: (\d+) files, (\d+) slots, (\d+) hints; coverage ([\d.]+), precision ([\d.]+)", out)
    assert m, out
    files, slots, hints, coverage, precision = int(m[1]), int(m[2]), int(m[3]), float(m[4]), float(m[5])
    assert files == 3 and slots >= 40  # every annotated parameter, return and variable of the package
    assert hints >= slots // 3 and coverage >= 0.33, out
    assert precision >= 0.8, out
    # the operating point, over every hint from 0.3 up, and the setting that shows it
    at = re.search(r"coverage at precision >= 0.90: ([\d.]+) \(hints from confidence ([\d.]+) up", out)
    assert at and 0.0 < float(at[1]) <= 1.0 and 0.3 <= float(at[2]) <= 1.0, out
    if precision >= 0.9:  # the hints shown at the run's threshold are themselves such a set
        assert float(at[1]) >= coverage, out
    assert "source model" in out, out  # the trained model answered, not the static rules alone
    assert list((tmp_path / "cache" / "pulsedev" / "eval-types" / "types").glob("model-*.skops"))

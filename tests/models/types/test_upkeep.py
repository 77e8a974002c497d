"""IndexUpkeep: saves and changes outside the editor reach the workspace index."""

from __future__ import annotations

import time

from pulsedev.models.types.index import WorkspaceIndex
from pulsedev.models.types.upkeep import FILES_SETTLE, IndexUpkeep


def _wait(check, timeout=5.0):
    end = time.time() + timeout
    while time.time() < end and not check():
        time.sleep(0.05)
    return check()


def test_saves_and_outside_changes_reach_the_index(tmp_path):
    (tmp_path / "a.py").write_text("def f():\n    return 1\n")
    (tmp_path / "b.py").write_text("def g():\n    return 2\n")
    index = WorkspaceIndex(tmp_path)
    index.build()
    changes = []
    upkeep = IndexUpkeep(index, tmp_path, lambda: changes.append(1), lambda: False, lambda: None)
    upkeep.saved(tmp_path / "a.py", "def f():\n    return 'one'\n")
    assert index.function_return("a.f") == "str" and len(changes) == 1
    upkeep.saved(tmp_path / "a.py", "def f(:\n")  # does not parse: the index keeps the last good text
    assert index.function_return("a.f") == "str" and len(changes) == 1
    (tmp_path / "b.py").unlink()
    (tmp_path / "c.py").write_text("def h():\n    return 3.0\n")
    t0 = time.time()
    upkeep.files_changed([tmp_path / "b.py", tmp_path / "c.py", tmp_path / "notes.txt"])
    upkeep.files_changed([tmp_path / "c.py"])  # a burst is re-read once
    assert _wait(lambda: len(changes) == 2)
    assert time.time() - t0 >= FILES_SETTLE
    assert "b" not in index.trees and index.function_return("c.h") == "float"
    upkeep.stop()

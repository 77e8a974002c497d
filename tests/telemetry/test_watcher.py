"""The watch plan: ignored folders are never watched; clean subtrees get one recursive watch."""

from __future__ import annotations

from pulsedev.telemetry.watcher import watch_plan


def test_ignored_folders_are_never_under_a_watch(tmp_path):
    for d in ["src/pkg/sub", "tests", ".git/objects/ab", "node_modules/x/y", "env/lib", "docs",
              "ext/vscode/node_modules/z", "ext/vscode/src"]:
        (tmp_path / d).mkdir(parents=True)
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr\n")  # a virtualenv by any name
    recursive, flat = watch_plan(tmp_path)
    covered = {p.relative_to(tmp_path).as_posix() for p in recursive}
    assert covered == {"src", "tests", "docs", "ext/vscode/src"}
    assert {p.relative_to(tmp_path).as_posix() for p in flat} == {".", "ext", "ext/vscode"}

"""The store end to end: kill -9 after an acknowledgement, two servers on one data dir,
the spool ingested exactly once, and commits seen by the workspace watcher."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from pulsedev.client import LspClient


def stored(data_dir: Path) -> int:
    conn = sqlite3.connect(data_dir / "pulsedev.db")
    try:
        return conn.execute("SELECT count(*) FROM events").fetchone()[0]
    finally:
        conn.close()


def events(n: int, t0: float, kind: str = "file_saved") -> dict:
    return {"events": [{"kind": kind, "ts": t0 + i * 0.001} for i in range(n)]}


def test_acknowledged_events_survive_kill_9(tmp_path):
    data_dir = tmp_path / "data"
    client = LspClient.spawn()
    client.initialize(None, {"dataDir": str(data_dir)})
    t0 = time.time()
    acked = sum(client.request("pulsedev/telemetry", events(200, t0 + i))["accepted"] for i in range(10))
    os.kill(client.proc.pid, signal.SIGKILL)
    client.proc.wait(10)
    assert acked == 2000
    assert stored(data_dir) == 2000


def test_two_servers_share_one_data_dir(tmp_path):
    data_dir = tmp_path / "data"
    with LspClient.spawn() as a, LspClient.spawn() as b:
        a.initialize(None, {"dataDir": str(data_dir)})
        b.initialize(None, {"dataDir": str(data_dir)})
        t0 = time.time()
        futures = []
        for i in range(20):
            futures.append(a.request_async("pulsedev/telemetry", events(100, t0 + i)))
            futures.append(b.request_async("pulsedev/telemetry", events(100, t0 + i)))
        assert sum(f.result(60)["accepted"] for f in futures) == 4000
        # `stored` counts every server's events
        assert a.request("pulsedev/status", {"now": t0 + 30})["events"]["stored"] == 4000
        assert b.request("pulsedev/status", {"now": t0 + 30})["events"]["stored"] == 4000
    assert stored(data_dir) == 4000


def _wait(predicate, timeout=20.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_spool_file_is_ingested_exactly_once_by_two_servers(tmp_path):
    data_dir = tmp_path / "data"
    spool = data_dir / "spool"
    with LspClient.spawn() as a, LspClient.spawn() as b:
        a.initialize(None, {"dataDir": str(data_dir)})
        b.initialize(None, {"dataDir": str(data_dir)})
        a.request("pulsedev/status")
        b.request("pulsedev/status")
        t0 = time.time()
        lines = [json.dumps({"type": "event", "event": {"kind": "test_run", "ts": t0 + i,
                                                        "data": {"passed": 3, "failed": i % 2}}}) for i in range(5)]
        lines.insert(2, "this line is not JSON")
        tmp = spool / "run-1.jsonl.tmp"
        tmp.write_text("\n".join(lines) + "\n")
        tmp.rename(spool / "run-1.jsonl")
        assert _wait(lambda: not any(spool.iterdir()))
        time.sleep(1.0)
        assert a.request("pulsedev/status")["events"]["stored"] == 5
    assert stored(data_dir) == 5


def test_a_commit_in_the_workspace_is_seen(tmp_path):
    data_dir, ws = tmp_path / "data", tmp_path / "ws"
    ws.mkdir()
    git = ["git", "-C", str(ws), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    (ws / "a.py").write_text("x = 1\n")
    subprocess.run([*git, "add", "a.py"], check=True)
    subprocess.run([*git, "commit", "-qm", "first"], check=True)
    with LspClient.spawn() as c:
        c.initialize(ws, {"dataDir": str(data_dir)})
        c.request("pulsedev/status")
        time.sleep(1.5)  # the watcher plans its watches in the background
        (ws / "b.py").write_text("y = 2\n")
        (ws / "c.py").write_text("z = 3\n")
        subprocess.run([*git, "add", "b.py", "c.py"], check=True)
        subprocess.run([*git, "commit", "-qm", "second"], check=True)

        def kinds():
            conn = sqlite3.connect(data_dir / "pulsedev.db")
            try:
                return conn.execute("SELECT kind, data FROM events").fetchall()
            finally:
                conn.close()

        assert _wait(lambda: any(k == "commit_created" for k, _ in kinds()))
        commit = [json.loads(d) for k, d in kinds() if k == "commit_created"]
        assert commit == [{"files_changed": 2}]
        # the new files were changed outside the editor
        assert any(k == "file_modified" and json.loads(d) == {"external": True} for k, d in kinds())


def test_a_hint_hidden_in_one_editor_window_goes_from_the_others_at_once(tmp_path):
    """Two servers on one data dir: a hint hidden through one is gone from the other's next inlayHint."""
    data_dir, ws = tmp_path / "data", tmp_path / "ws"
    ws.mkdir()
    text = "def build(count=3):\n    return count\n"
    (ws / "user.py").write_text(text)
    uri = (ws / "user.py").as_uri()
    env = {**os.environ, "PULSEDEV_TYPES_TRAIN_DELAY": "3600"}
    rng = {"start": {"line": 0, "character": 0}, "end": {"line": 2, "character": 0}}

    def labels(client):
        return sorted(h["label"] for h in client.request("textDocument/inlayHint",
                                                         {"textDocument": {"uri": uri}, "range": rng}))

    with LspClient.spawn(env=env) as a, LspClient.spawn(env=env) as b:
        for c in (a, b):
            c.initialize(ws, {"dataDir": str(data_dir)})
            c.open(uri, text)
        assert _wait(lambda: ": int" in labels(a) and ": int" in labels(b))
        actions = a.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": rng,
                                                        "context": {"diagnostics": []}})
        hide = next(x for x in actions if x["title"] == "Hide type hint `: int` (wrong type)")
        a.command(hide["command"], *hide["arguments"])
        assert ": int" not in labels(a) and ": int" not in labels(b)  # b did nothing to learn it
        assert b.command("pulsedev.showHiddenHints") == {"restored": 1}
        assert ": int" in labels(a) and ": int" in labels(b)

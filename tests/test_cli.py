"""The command line, run as a user runs it: status, replay, forget, doctor, report, demo, eval types."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

PULSEDEV = [sys.executable, "-m", "pulsedev"]


def run(*args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*PULSEDEV, *args], capture_output=True, text=True, timeout=timeout, check=check)


@pytest.fixture
def session(tmp_path: Path) -> Path:
    t0 = time.time() - 1800
    lines = [json.dumps({"kind": "file_modified", "ts": t0 + i * 3, "uri": "file:///w/a.py",
                         "data": {"chars_added": 4, "chars_deleted": 0, "lines_changed": 1}}) for i in range(300)]
    lines += [json.dumps({"kind": "test_run", "ts": t0 + 950, "data": {"passed": 2, "failed": 1}}),
              json.dumps({"kind": "test_run", "ts": t0 + 960}), "not json", ""]
    path = tmp_path / "session.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_replay_then_status_forget_and_doctor(tmp_path, session):
    data = str(tmp_path / "data")
    out = run("replay", str(session), "--data-dir", data).stdout
    assert "301 events accepted, 1 rejected, 1 lines not JSON" in out
    assert "test_run needs data.passed" in out and "final state:" in out
    status = json.loads(run("status", "--data-dir", data, "--json").stdout)
    assert status["stored"] == 301 and {r["kind"] for r in status["summary"]} == {"file_modified", "test_run"}
    doctor = run("doctor", "--data-dir", data)
    assert "[ok] database integrity: ok; 301 events" in doctor.stdout
    (tmp_path / "data" / "types").mkdir()
    for name in ("feedback.json", "model-0123.skops"):
        (tmp_path / "data" / "types" / name).write_text("{}")
    assert "Deleted 301 events" in run("forget", "--data-dir", data, "--yes").stdout
    assert not list((tmp_path / "data" / "types").iterdir())
    assert "0 events" in run("status", "--data-dir", data).stdout


def test_replay_dry_run_keeps_nothing(tmp_path, session):
    out = run("replay", str(session), "--dry-run").stdout
    assert "301 events accepted" in out
    assert not (tmp_path / "data").exists()


def test_doctor_reports_a_damaged_database(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    (data / "pulsedev.db").write_bytes(b"this is not a database" * 100)
    (data / "pulsedev.db").chmod(0o600)
    result = run("doctor", "--data-dir", str(data), check=False)
    assert result.returncode == 1 and "FAIL" in result.stdout and "fix:" in result.stdout


def test_report_writes_html(tmp_path, session):
    data = tmp_path / "data"
    run("replay", str(session), "--data-dir", str(data))
    uri = run("report", "--data-dir", str(data)).stdout.strip()
    assert uri.startswith("file://") and "file_modified" in (data / "report.html").read_text()


def test_demo_runs_the_real_server_and_concludes(tmp_path):
    out = run("demo", timeout=300).stdout
    assert "Stored 1215 events (0 rejected)" in out
    timeline = "".join(line.split()[-1] for line in out.splitlines() if line.startswith("  ") and ":" in line[:9]
                       and set(line.split()[-1]) <= set("FS._"))
    assert "F" in timeline and "S" in timeline and "_" in timeline
    assert "Type hints for demo_project/inventory.py" in out


def test_eval_types_refuses_a_package_without_annotations_at_once(tmp_path):
    (tmp_path / "plain.py").write_text("def f(a, b=1):\n    return a\n")
    proc = run("eval", "types", str(tmp_path), check=False, timeout=30)  # no model is trained for nothing
    assert proc.returncode == 1 and "has no annotated parameter, return or variable to score" in proc.stderr
    assert "Traceback" not in proc.stderr
    wrong = run("eval", "types", str(tmp_path), "--threshold", "1.5", check=False, timeout=30)
    assert wrong.returncode == 2 and "1.5 is not in the range 0.0<=x<=1.0" in wrong.stderr

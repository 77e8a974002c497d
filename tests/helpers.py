"""Helpers for tests that drive the real server: params, custom requests, commands."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from pulsedev.convert import plain


def listen(client: LanguageClient) -> LanguageClient:
    """Record PulseDev's notifications and hint refreshes on the test client.

    `client.pulsedev[method]` lists the params received; `client.refreshes` counts
    `workspace/inlayHint/refresh` requests.
    """
    client.pulsedev = {"pulsedev/state": [], "pulsedev/suggestion": []}
    client.refreshes = 0

    @client.feature("pulsedev/state")
    def _state(ls, params):
        client.pulsedev["pulsedev/state"].append(plain(params))

    @client.feature("pulsedev/suggestion")
    def _suggestion(ls, params):
        client.pulsedev["pulsedev/suggestion"].append(plain(params))

    @client.feature(types.WORKSPACE_INLAY_HINT_REFRESH)
    def _refresh(ls, params):
        client.refreshes += 1

    return client


def init_params(workspace: Path, data_dir: Path, experimental: dict | None = None, **options) -> types.InitializeParams:
    """InitializeParams for a workspace folder, a data dir and any other settings."""
    return types.InitializeParams(
        capabilities=types.ClientCapabilities(
            window=types.WindowClientCapabilities(work_done_progress=True),
            workspace=types.WorkspaceClientCapabilities(
                inlay_hint=types.InlayHintWorkspaceClientCapabilities(refresh_support=True)),
            experimental=experimental,
        ),
        root_uri=workspace.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name=workspace.name)],
        initialization_options={"dataDir": str(data_dir), **options},
    )


async def request(client: LanguageClient, method: str, params=None):
    """A custom request, its result as plain JSON."""
    return plain(await client.protocol.send_request_async(method, params))


async def command(client: LanguageClient, name: str, *args):
    """workspace/executeCommand, its result as plain JSON."""
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=name, arguments=list(args)))
    return plain(result)

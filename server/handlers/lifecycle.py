"""Lifecycle: settings from initialize and didChangeConfiguration, start-up and shutdown."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

from lsprotocol import types

from ..app import PulseDevServer, server
from ..options import parse_options
from ..runtime import Runtime
from ..uris import to_path


def _apply_settings(ls: PulseDevServer, raw) -> None:
    options, warnings = parse_options(raw)  # the whole settings object each time: absent keys are defaults
    ls.options = options
    for warning in warnings:
        ls.tell_user_once(f"setting:{warning}", warning)


@server.feature(types.INITIALIZE)
def initialize(ls: PulseDevServer, params: types.InitializeParams) -> None:
    """Read settings, the workspace root and what the client can show."""
    ls.loop = asyncio.get_running_loop()
    _apply_settings(ls, params.initialization_options)
    folders = params.workspace_folders or []
    root = folders[0].uri if folders else params.root_uri
    ls.root = to_path(root) if root else (Path(params.root_path) if params.root_path else None)
    experimental = params.capabilities.experimental or {}
    ls.suggestions_supported = bool(isinstance(experimental, dict)
                                    and experimental.get("pulsedev", {}).get("suggestions"))


@server.feature(types.INITIALIZED)
def initialized(ls: PulseDevServer, params: types.InitializedParams) -> None:
    """Open the store, start the pipeline and watcher, then the features."""
    try:
        ls.runtime = Runtime(ls, ls.options, ls.root)
    except Exception as exc:  # degrade, tell once
        ls.tell_user_once("runtime", f"cannot open the data dir {ls.data_dir}: {exc}. Run `pulsedev doctor`.",
                          types.MessageType.Error)
        return
    ls.run_hooks("ready")
    gc.freeze()  # the learners and indexes just loaded stay for the session: out of full collections


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
def did_change_configuration(ls: PulseDevServer, params: types.DidChangeConfigurationParams) -> None:
    """New settings: applied in place, or by reopening the runtime when the data dir or path policy changed."""
    _apply_settings(ls, params.settings)
    if ls.runtime and not ls.runtime.reconfigure(ls.options):
        ls.runtime.close()
        ls.runtime = Runtime(ls, ls.options, ls.root)
    ls.run_hooks("settings")


@server.feature(types.SHUTDOWN)
def shutdown(ls: PulseDevServer, params) -> None:
    """Save learned state and close the store."""
    if ls.runtime:
        ls.runtime.close()
        ls.runtime = None

"""Type hints: `textDocument/inlayHint`, the annotate code action, hint feedback, type status.

Thin handlers over `pulsedev.models.types.engine.TypeEngine`, which is created
lazily once the client is ready and only while `features.types` is on.
"""

from __future__ import annotations

import logging

from lsprotocol import converters, types

from ..app import PulseDevServer, server
from ..convert import plain
from ..models.types.engine import TypeEngine

log = logging.getLogger(__name__)
_converter = converters.get_converter()


def _refresh(ls: PulseDevServer) -> None:
    caps = ls.client_capabilities
    ws = getattr(caps, "workspace", None) if caps else None
    if ws and ws.inlay_hint and ws.inlay_hint.refresh_support:
        ls.call_threadsafe(lambda: ls.workspace_inlay_hint_refresh(None))


@server.on_ready
@server.on_settings
def _sync_engine(ls: PulseDevServer) -> None:
    """Start the engine when types are on (stop it when off); refresh hints after a settings change."""
    engine = ls.services.get("types")
    if not ls.options.features.types:
        if engine is not None:
            engine.stop()
            ls.services.pop("types", None)
        return
    if engine is None:
        engine = TypeEngine(ls.root, ls.data_dir, on_change=lambda: _refresh(ls),
                            train=ls.options.features.autoTrain)
        ls.services["types"] = engine
        if not getattr(ls, "_types_wired", False):  # once per server, whatever engine is current
            ls.add_spool_listener("trace",
                                  lambda recs: ls.services.get("types") and ls.services["types"].add_traces(recs))
            ls.add_file_listener(lambda path: ls.services.get("types") and ls.services["types"].files_changed([path]))
            if ls.engine is not None:
                ls.engine.models_info_providers.append(
                    lambda: ls.services["types"].models_info() if "types" in ls.services else [])
            ls._types_wired = True
        engine.start()
    else:
        _refresh(ls)


@server.on_forget
def _forget(ls: PulseDevServer) -> None:
    """`pulsedev.forget`: the type engine drops traces, feedback and its models."""
    engine = ls.services.get("types")
    if engine is not None:
        engine.forget()


def _engine_and_text(ls: PulseDevServer, uri: str):
    engine = ls.services.get("types")
    if engine is None or not ls.options.features.types:
        return None, None
    return engine, ls.workspace.get_text_document(uri).source


@server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=False))
def inlay_hint(ls: PulseDevServer, params: types.InlayHintParams) -> list[types.InlayHint]:
    """Type hints of unannotated slots in the requested range (PROTOCOL.md, Type hints)."""
    engine, text = _engine_and_text(ls, params.text_document.uri)
    if engine is None:
        return []
    hints = engine.hints(params.text_document.uri, text, None, ls.options, _converter.unstructure(params.range))
    return [_converter.structure(h, types.InlayHint) for h in hints]


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
def code_action(ls: PulseDevServer, params: types.CodeActionParams) -> list[types.CodeAction | types.Command]:
    """`Add type annotation` and `Hide type hint` for each hint in the range, unless the client asks only
    for kinds other than quickfix (acceptance is seen when the annotation appears)."""
    engine, text = _engine_and_text(ls, params.text_document.uri)
    only = params.context.only
    if engine is None or (only and not any(types.CodeActionKind.QuickFix.value.startswith(k) for k in only)):
        return []
    actions = engine.code_actions(params.text_document.uri, text, _converter.unstructure(params.range), ls.options)
    return [_converter.structure(a, types.CodeAction if "kind" in a else types.Command) for a in actions]


@server.command("pulsedev.typeHintFeedback")
def type_hint_feedback(ls: PulseDevServer, *args) -> dict:
    """`[{"label": ": T", "accepted": bool}]`: the type model learns from an accepted or rejected hint."""
    engine = ls.services.get("types")
    arg = plain(args[0]) if args else {}
    if engine is not None and isinstance(arg, dict):
        engine.feedback(arg)
    return {"ok": engine is not None}


@server.command("pulsedev.showHiddenHints")
def show_hidden_hints(ls: PulseDevServer, *args) -> dict:
    """`[]`: every type hint hidden with "Hide type hint" is shown again; `{"restored": n}`."""
    engine = ls.services.get("types")
    return {"restored": engine.unhide() if engine is not None else 0}


@server.feature("pulsedev/typesStatus")
def types_status(ls: PulseDevServer, params) -> dict:
    """Whether the type engine is indexed and has a model (scripts wait on this)."""
    engine = ls.services.get("types")
    return engine.status() if engine is not None else {"ready": False, "enabled": False}

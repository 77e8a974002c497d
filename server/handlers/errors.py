"""Failure explanations: diagnostics at the failing line of an open document, and an
`error_fix` suggestion once per new failure, ranked by the developer's feedback (`features.errors`)."""

from __future__ import annotations

import uuid

from lsprotocol import types

from ..app import PulseDevServer, server
from ..models.fixes import FixAdvisor
from ..telemetry.failures import FAILURE_KINDS, FailureBoard

SERVICE = "errors"
SUGGEST_EVERY = 900.0  # event-time seconds between error_fix pop-ups; diagnostics are the quiet channel


class ErrorService:
    """Turns failure events into diagnostics and suggestions (called on the pipeline's worker).

    Events carry paths as stored (hashed by default); they are matched to open
    documents by applying the same policy to the documents' URIs."""

    def __init__(self, ls: PulseDevServer):
        self.ls = ls
        self.board = FailureBoard()
        self.advisor = FixAdvisor(ls.data_dir / "models" / "fixes.json")
        self.suggested: dict[str, tuple[str, str]] = {}  # suggestion id -> (error type, strategy)
        self.seen: set[str] = set()
        self.last_suggested = float("-inf")

    def on_events(self, events) -> None:
        """Pipeline listener."""
        if not self.ls.options.features.errors:
            return
        for event in events:
            if event.kind not in FAILURE_KINDS:
                continue
            for uri in self.board.update(event):
                self._publish(uri)
            if event.kind in ("test_run", "error_occurred") and event.ts - self.last_suggested >= SUGGEST_EVERY:
                new = [f for failures in self.board.by_uri.values() for f in failures if f.signature not in self.seen]
                self.seen.update(f.signature for f in new)
                if new and self._suggest(new[0]):
                    self.last_suggested = event.ts

    def _document(self, path: str) -> str | None:
        """The open document whose stored path (after the privacy policy) is `path`."""
        runtime = self.ls.runtime
        if runtime is None:
            return None
        return next((uri for uri in runtime.tracker.open_uris() if runtime.policy.apply(uri) == path), None)

    def _publish(self, path: str) -> None:
        uri = self._document(path)
        if uri is None:
            return
        diagnostics = []
        for f in self.board.by_uri.get(path, []):
            advice = self.advisor.advise(f.error_type, f.message)
            diagnostics.append(types.Diagnostic(
                range=types.Range(start=types.Position(line=f.line, character=0),
                                  end=types.Position(line=f.line + 1, character=0)),
                message=advice.message + (f" (in {f.test_id})" if f.test_id else ""),
                severity=types.DiagnosticSeverity.Information, source="pulsedev", code=f.error_type))
        self.ls.call_threadsafe(self.ls.text_document_publish_diagnostics,
                                types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))

    def _suggest(self, f) -> bool:
        advice = self.advisor.advise(f.error_type, f.message)
        if advice.confidence < self.ls.options.thresholds.suggestion:
            return False
        sid = f"fix-{uuid.uuid4().hex[:10]}"
        self.suggested[sid] = (advice.error_type, advice.strategy)
        feedback = [{"title": title, "command": "pulsedev.feedback", "arguments": [{"id": sid, "helpful": helpful}]}
                    for title, helpful in (("Helpful", True), ("Not helpful", False))]
        self.ls.send("pulsedev/suggestion", {
            "id": sid, "kind": "error_fix", "title": advice.title, "message": advice.message,
            "uri": self._document(f.uri) or f.uri,
            "range": {"start": {"line": f.line, "character": 0}, "end": {"line": f.line + 1, "character": 0}},
            "confidence": advice.confidence, "evidence": [f"{f.error_type} in {f.test_id or 'a run'}"],
            "actions": feedback})
        return True

    def feedback(self, suggestion_id: str, helpful: bool) -> bool:
        """Learn from feedback on one of our suggestions; False if it was not ours."""
        if suggestion_id not in self.suggested:
            return False
        self.advisor.learn_one(*self.suggested[suggestion_id], helpful=helpful)
        return True


@server.on_ready
def _start(ls: PulseDevServer) -> None:
    """Listen to the pipeline when failure explanations are on."""
    if ls.options.features.errors and ls.runtime is not None and SERVICE not in ls.services:
        service = ErrorService(ls)
        ls.services[SERVICE] = service
        ls.runtime.pipeline.listeners.append(service.on_events)


@server.on_forget
def _forget(ls: PulseDevServer) -> None:
    """Drop what the advisor learned."""
    service = ls.services.get(SERVICE)
    if service is not None:
        service.advisor.helpfulness.clear()

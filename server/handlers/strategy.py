"""Strategy hints: code lenses on functions that take a large share of traced test time
(`features.strategy`), with what to try and the expected gain; feedback ranks the remedies."""

from __future__ import annotations

import ast
import uuid

from lsprotocol import types

from ..app import PulseDevServer, server
from ..models.strategy import HotFunctions, StrategyAdvisor, functions
from ..uris import to_path

SERVICE = "strategy"


class StrategyService:
    """Hot functions from the tracer's spool records, and the advice shown for them."""

    def __init__(self, ls: PulseDevServer):
        self.hot = HotFunctions()
        self.advisor = StrategyAdvisor(ls.data_dir / "models" / "strategy.json")
        self.shown: dict[str, tuple[str, list[str]]] = {}  # lens id -> (strategy, options)

    def lenses(self, uri: str, text: str) -> list[types.CodeLens]:
        """Two lenses per hot function: the hint (click: helpful) and 'not helpful'."""
        path = to_path(uri)
        hot = self.hot.for_file(str(path)) if path else {}
        if not hot:
            return []
        try:
            funcs = functions(ast.parse(text))
        except (SyntaxError, ValueError):
            return []
        out = []
        for qualname, stats in hot.items():
            func = funcs.get(qualname)
            if func is None:
                continue
            advice = self.advisor.advise(func, stats)
            sid = f"strategy-{uuid.uuid4().hex[:10]}"
            self.shown[sid] = (advice["strategy"], advice["options"])
            line = func.lineno - 1 + len(func.decorator_list)
            rng = types.Range(start=types.Position(line=line, character=0), end=types.Position(line=line, character=0))
            out.append(types.CodeLens(range=rng, command=types.Command(
                title=advice["title"], command="pulsedev.feedback", arguments=[{"id": sid, "helpful": True}])))
            out.append(types.CodeLens(range=rng, command=types.Command(
                title="not helpful", command="pulsedev.feedback", arguments=[{"id": sid, "helpful": False}])))
        return out

    def feedback(self, suggestion_id: str, helpful: bool) -> bool:
        """Learn from a lens click; False if the id is not one of ours."""
        if suggestion_id not in self.shown:
            return False
        strategy, options = self.shown[suggestion_id]
        self.advisor.learn_one(strategy, options, helpful)
        return True


@server.on_ready
def _start(ls: PulseDevServer) -> None:
    """Collect hot functions from traces when strategy hints are on."""
    if ls.options.features.strategy and SERVICE not in ls.services:
        service = StrategyService(ls)
        ls.services[SERVICE] = service
        ls.add_spool_listener("trace", service.hot.add)


@server.on_forget
def _forget(ls: PulseDevServer) -> None:
    """Drop traces and feedback."""
    service = ls.services.get(SERVICE)
    if service is not None:
        service.hot.clear()
        service.advisor.helpfulness.clear()


@server.feature(types.TEXT_DOCUMENT_CODE_LENS)
def code_lens(ls: PulseDevServer, params: types.CodeLensParams) -> list[types.CodeLens]:
    """Strategy hints on the hot functions of a document."""
    service = ls.services.get(SERVICE)
    if service is None or not ls.options.features.strategy:
        return []
    return service.lenses(params.text_document.uri, ls.workspace.get_text_document(params.text_document.uri).source)

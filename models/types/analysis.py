"""Analysis of one document: every unannotated slot with its prediction.

Parses the text, finds the slots, computes static evidence and features, asks
the model in one batch, looks up traces, and combines.  Pure given its inputs
(text, module name, workspace index, model, traces), so the engine can cache
the result per document version and the evaluation can call it directly.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from pulsedev.models.types.combine import Prediction, combine
from pulsedev.models.types.features import add_peer_features, parents, slot_features
from pulsedev.models.types.slots import Slot, find_slots
from pulsedev.models.types.static import NO_EVIDENCE, FileContext, evidence_for, is_obvious


@dataclass
class SlotResult:
    """A slot, its prediction (None = abstain) and the features used (kept for feedback)."""

    slot: Slot
    prediction: Prediction | None
    features: dict[str, float]


@dataclass
class Analysis:
    """The analysed document: its context (for rendering) and slot results in source order."""

    ctx: FileContext | None
    results: list[SlotResult]
    source: str


def analyze(text: str, module: str = "", index=None, model=None, traces=None, path: str | None = None,
            lines: tuple[int, int] | None = None) -> Analysis:
    """Predictions for the unannotated slots of a document (all, or those on `lines`, inclusive).

    No slot on a syntax error.  Parameters outside `lines` still give their static evidence to
    the peer-name feature, so a slot's prediction does not depend on the range asked for.
    """
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return Analysis(None, [], text)
    ctx = FileContext(tree, module, index)
    slots = [s for s in find_slots(tree, text) if not _skip(s, ctx)]
    if lines is not None:
        lo, hi = lines
        outside = [s for s in slots if not lo <= s.line <= hi and s.kind == "parameter"]
        slots = [s for s in slots if lo <= s.line <= hi]
    else:
        outside = []
    evs, feats, cache = [], [], {}
    peer_evs = [evidence_for(s, ctx) for s in outside]
    for slot in slots:
        try:
            ev = evidence_for(slot, ctx)
        except RecursionError:
            ev = NO_EVIDENCE
        parent = cache.setdefault(id(slot.func), parents(slot.func)) if slot.kind == "parameter" else None
        evs.append(ev)
        feats.append(slot_features(slot, ev, parent))
    add_peer_features(slots + outside, evs + peer_evs, feats + [{} for _ in outside])
    preds = model.predict(feats, [e.type for e in evs], [s.kind for s in slots]) if model and slots else None
    results = []
    for i, slot in enumerate(slots):
        trace = traces.lookup(path, slot) if traces is not None and path else None
        if trace is not None and _is_subclass(trace[0], ctx, index):
            trace = (*trace, 0.15)
        p = combine(evs[i], preds[i] if preds else None, trace, slot.kind)
        results.append(SlotResult(slot, p, feats[i]))
    return Analysis(ctx, results, text)


_ROOTS = {"object", "Exception", "BaseException", "ABC", "Generic", "Protocol", "NamedTuple", "TypedDict", "Enum"}


def _is_subclass(type_text: str, ctx: FileContext, index) -> bool:
    """True when a traced bare class is defined here or in the workspace with a real base class."""
    cls = ctx.classes.get(type_text)
    if cls is None and index is not None and type_text in index.classes:
        tree = index.trees.get(index.classes[type_text])
        cls = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == type_text), None) if tree else None
    if cls is None:
        return False
    names = [b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in cls.bases]
    return any(n and n not in _ROOTS for n in names)


def _skip(slot: Slot, ctx: FileContext) -> bool:
    if slot.kind != "variable":
        return False
    value = slot.node.value
    return is_obvious(value, ctx) or slot.name.isupper() or slot.name in ("__all__", "__slots__", "__version__")

"""Analysis of one document: every unannotated slot with its prediction.

Parses the text, finds the slots, computes static evidence and features, asks
the model in one batch, looks up traces, and combines.  Pure given its inputs
(text, module name, workspace index, model, traces), so the engine can cache
the result per document version and the evaluation can call it directly.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace

from pulsedev.models.types.assigned import reads_class
from pulsedev.models.types.checked import checked_against
from pulsedev.models.types.combine import Prediction, combine
from pulsedev.models.types.evidence import NO_EVIDENCE
from pulsedev.models.types.features import (
    add_caller_features,
    add_peer_features,
    slot_features,
)
from pulsedev.models.types.incremental import DocumentMemo
from pulsedev.models.types.slots import Slot, find_slots
from pulsedev.models.types.static import FileContext, evidence_for, is_obvious
from pulsedev.models.types.tracefit import contradicted, doubts
from pulsedev.models.types.units import unit_of
from pulsedev.models.types.usage import parents_once


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
    annotated: list[Slot] = field(default_factory=list)  # the annotated slots (implicit feedback)
    partial: bool = False  # only the slots of some lines were analysed


def analyze(text: str, module: str = "", index=None, model=None, traces=None, path: str | None = None,
            lines: tuple[int, int] | None = None, memo: DocumentMemo | None = None) -> Analysis:
    """Predictions for the unannotated slots of a document (all, or those on `lines`, inclusive).

    No slot on a syntax error.  Parameters outside `lines` still give their static evidence to
    the peer-name feature, so a slot's prediction does not depend on the range asked for.
    With a `memo` (the document's previous versions), only the code that changed is parsed and
    re-inferred and only changed feature vectors are scored; the result is the same.
    """
    try:
        tree = memo.parse(text) if memo is not None else ast.parse(text)
    except (SyntaxError, ValueError):
        return Analysis(None, [], text)
    ctx = memo.context(tree, module, index) if memo is not None else FileContext(tree, module, index)
    every = find_slots(tree, text, include_annotated=True, reuse=memo.slots if memo is not None else None)
    annotated = [s for s in every if s.annotation is not None]
    slots = [s for s in every if s.annotation is None and not _skip(s)]
    if lines is not None:
        lo, hi = lines
        outside = [s for s in slots if not lo <= s.line <= hi and s.kind == "parameter"]
        slots = [s for s in slots if lo <= s.line <= hi]
    else:
        outside = []
    unit_keys = _units(tree, memo, ctx) if memo is not None else None
    evs, feats, peer_evs, cache, methods = [], [], [], {}, {}
    for i, slot in enumerate(slots + outside):
        inside = i < len(slots)
        key = (unit_keys[id(unit_of(slot, tree, methods))], slot.key) if unit_keys else None
        hit = memo.evidence.get(key) if key is not None else None
        if hit is not None and hit[2] is not None and hit[2] != memo.class_keys.get(id(slot.cls)):
            hit = None  # `self.x = []` and a method of the class changed
        if hit is None or (inside and hit[1] is None):
            if hit is None:
                try:
                    ev = evidence_for(slot, ctx)
                except RecursionError:
                    ev = NO_EVIDENCE
            else:
                ev = hit[0]
            f = None
            if inside:  # outside the range only the evidence is needed (for peers)
                parent = parents_once(slot.func, cache) if slot.kind != "variable" else None
                f = slot_features(slot, ev, parent)
            hit = (ev, f, memo.class_keys.get(id(slot.cls)) if memo is not None and reads_class(slot, ev) else None)
            if key is not None:
                memo.evidence.put(key, hit)
        if inside:
            evs.append(hit[0])
            feats.append(dict(hit[1]))
        else:
            peer_evs.append(hit[0])
    evs = add_peer_features(slots + outside, evs + peer_evs, feats + [{} for _ in outside],
                            getattr(index, "peers", None))[:len(slots)]
    add_caller_features(slots, feats, ctx)
    preds = _predict(model, feats, evs, slots, memo) if model and slots else None
    results = []
    redefined = {s.qualname.split("@", 1)[0] for s in every if "@" in s.qualname} if traces else set()
    for i, slot in enumerate(slots):
        trace = traces.lookup(path, slot, slot.qualname in redefined) if traces is not None and path else None
        if trace is not None:  # what the code says beyond the tests: (type, calls, penalty, reasons)
            shown, penalty, why = doubts(trace[0], slot, ctx, index)
            trace = (shown, trace[1], penalty, why)
        p = combine(evs[i], preds[i] if preds else None, trace, slot.kind)
        if p is not None and trace is None and traces is not None and path:  # a class the tests never passed
            passed = contradicted(p.type, traces.seen(path, slot, slot.qualname in redefined), ctx, index)
            p = _trusted_less(p, f"tests passed {passed}") if passed else p
        if p is not None and trace is None and (checked := checked_against(p.type, slot, ctx)):
            p = _trusted_less(p, f"it is checked against {checked}")
        results.append(SlotResult(slot, p, feats[i]))
    if memo is not None:
        memo.commit(partial=lines is not None)
    return Analysis(ctx, results, text, annotated)


def _trusted_less(p: Prediction, why: str) -> Prediction:
    """The prediction at half its confidence, the reason added to its words."""
    return replace(p, confidence=round(p.confidence * 0.5, 3), words=f"{p.words}; but {why}")


def _units(tree: ast.Module, memo: DocumentMemo, ctx: FileContext) -> dict[int, str]:
    return memo.unit_keys(tree, memo.interface(ctx), ctx)


def _predict(model, feats: list[dict], evs: list, slots: list[Slot], memo: DocumentMemo | None) -> list:
    """Model outputs for the slots, scoring only feature vectors not seen in earlier versions."""
    statics, kinds = [e.type for e in evs], [s.kind for s in slots]
    if memo is None:
        return model.predict(feats, statics, kinds)
    salt = (id(model), tuple(sorted(model.penalties.items())))
    keys = [(salt, k, st, tuple(f.items())) for f, st, k in zip(feats, statics, kinds)]  # order is deterministic
    out = [memo.predictions.get(k) for k in keys]
    todo = [i for i, o in enumerate(out) if o is None]
    if todo:
        fresh = model.predict([feats[i] for i in todo], [statics[i] for i in todo], [kinds[i] for i in todo])
        for i, pred in zip(todo, fresh):
            out[i] = pred
            memo.predictions.put(keys[i], pred)
    return out


def _skip(slot: Slot) -> bool:
    if slot.kind != "variable":
        return False
    value = slot.node.value
    return is_obvious(value) or slot.name.isupper() or slot.name in ("__all__", "__slots__", "__version__")

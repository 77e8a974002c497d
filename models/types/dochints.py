"""A document version's hints, as the type engine serves them (`TypeEngine.hints`, `code_actions` and
the prefetch): the fast path's analysis, cache and rendering.

`document_hints` answers from the engine's documents (documents.py) while the
text and the engine's generation are the same: the analysis of the whole file
when one was made, rendered per line range asked for.  Otherwise
`fresh_analysis` analyses the text, re-inferring only what changed since the
document's last analysis (incremental.py), and `rendered` writes its
predictions as hints with the user's feedback applied (feedback.py).  Functions
of the engine, called under its lock.
"""

from __future__ import annotations

from dataclasses import replace

from pulsedev.models.types.analysis import analyze
from pulsedev.models.types.documents import uri_path
from pulsedev.models.types.index import module_name
from pulsedev.models.types.render import hint


def document_hints(engine, uri: str, text: str, lines: tuple[int, int] | None) -> tuple[object, list[dict]]:
    """(analysis, hint dicts) of a document version, for `lines` only when given: cached per content and
    range in the engine's documents, else made afresh (the caller holds the engine's lock)."""
    if engine._feedback.refresh(engine.model):  # another editor window's server saved feedback
        engine._generation += 1
    entry = engine._docs.entry(uri, text, engine._generation)
    ranges = entry["ranges"]
    if None in ranges:
        return ranges[None]
    if lines in ranges:
        return ranges[lines]
    if lines is not None and lines[0] <= 0 and lines[1] >= text.count("\n"):
        lines = None  # the whole file
    a = entry.get("whole")  # this version's whole-file analysis, rendered per range asked for
    if a is None:
        a = fresh_analysis(engine, uri, text, lines)
        if not a.partial:
            entry["whole"] = a
    hints = rendered(engine, uri, a, None if a.partial else lines)
    if len(ranges) >= 8:
        ranges.pop(next(iter(ranges)))
    ranges[lines] = (a, hints)
    return a, hints


def fresh_analysis(engine, uri: str, text: str, lines: tuple[int, int] | None):
    """A fresh analysis (of `lines` only when given), re-inferring only what changed since the last one."""
    path = uri_path(uri)
    module = module_name(engine.root, path) if engine.root and path else (path.stem if path else "")
    memo = engine._docs.memo(uri)
    memo.salt = f"{engine._generation}|{engine.index.ready}"
    a = analyze(text, module, engine.index if engine.index.ready else None, engine.model, engine.traces,
                str(path.resolve()) if path else None, lines, memo)
    a.partial = lines is not None
    if a.ctx is not None and engine.model is not None:
        engine._feedback.implicit(engine.model, uri, a.annotated)
    return a


def rendered(engine, uri: str, a, lines: tuple[int, int] | None) -> list[dict]:
    """Hint dicts of an analysis' predictions (on `lines` only when given)."""
    hints, shown = [], engine._feedback.showing(uri)
    for r in a.results:
        if r.prediction is None or (lines is not None and not lines[0] <= r.slot.line <= lines[1]):
            continue
        pred = engine._feedback.adjust(uri, r.slot.key, r.prediction)
        h = hint(replace(r, prediction=pred), a.ctx, a.ctx.tree, engine.index, target=engine.target) if pred else None
        if h is not None:
            h["_kind"], h["_slot"] = r.slot.kind, r.slot.key
            hints.append(h)
            shown[r.slot.key] = (r.prediction.type, r.features)
    return hints

"""What counts as a right type hint, and the figures of an evaluation run.

`same_type` compares a shown type with the truth after normalisation (typing
aliases to builtins, Optional/Union to `|`, union order ignored, qualifiers
dropped, the package's own aliases expanded: `type_aliases`); `score_file`
adds one file's hints (LSP InlayHint dicts) to a `Score`, whose `figures` are
coverage (share of the stripped slots that got a hint), precision (share of
shown hints that are right), per kind, per source and per threshold
(`CURVE`), the largest coverage at which precision stays at `TARGET_PRECISION`
(`coverage_at`, over every hint from `ASKED_FROM` up, whatever the run's own
threshold), and the p95
latency of the hint requests; `format_figures` prints them.  Slots whose truth
cannot be normalised (e.g. `Literal`) are left out, and so are obvious
assignments (`x: int = 0`), which the issue asks never to hint (counted in
`obvious`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from pulsedev.models.types.slots import find_slots
from pulsedev.models.types.static import is_obvious
from pulsedev.models.types.typetext import canonical, normalize, split_union

KINDS = ("parameter", "return", "variable")
#: Thresholds at which one run also reports coverage and precision (all from the hints asked for from `ASKED_FROM` up).
CURVE = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)
#: An evaluation asks for every hint from this confidence up, so that `coverage_at` finds the
#: operating point wherever it lies (on unseen packages precision is still about 0.9 at 0.5).
ASKED_FROM = 0.3
#: The precision the issue's coverage floor is stated at: the figures say how much is covered at it.
TARGET_PRECISION = 0.9


@dataclass
class Score:
    """Counts per kind and request latencies."""

    slots: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    shown: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    correct: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    by_source: dict[str, list[int]] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    files: int = 0
    mistakes: list[str] = field(default_factory=list)
    traced: list[int] = field(default_factory=lambda: [0, 0, 0])  # slots, shown, correct in traced functions
    confidences: list[tuple[float, bool]] = field(default_factory=list)  # (confidence, right) of every hint
    threshold: float = 0.0  # hints below it are in `confidences` (the curve) but not shown or counted
    obvious: int = 0  # annotated variables assigned an obvious value (`x: int = 0`): never hinted, not counted

    def figures(self) -> dict:
        """Coverage, precision, per-kind figures and latency as a dict."""
        def ratio(a, b):
            return round(a / b, 3) if b else 0.0
        n, s, c = sum(self.slots.values()), sum(self.shown.values()), sum(self.correct.values())
        lat = sorted(self.latencies)
        out = {"files": self.files, "slots": n, "obvious": self.obvious, "shown": s, "coverage": ratio(s, n),
               "precision": ratio(c, s), "p95_ms": round(lat[int(0.95 * (len(lat) - 1))] * 1000, 1) if lat else None}
        for k in KINDS:
            out[k] = {"slots": self.slots[k], "coverage": ratio(self.shown[k], self.slots[k]),
                      "precision": ratio(self.correct[k], self.shown[k])}
        if self.traced[0]:
            t = self.traced
            out["traced"] = {"slots": t[0], "coverage": ratio(t[1], t[0]), "precision": ratio(t[2], t[1])}
        out["by_source"] = {src: {"shown": v[0], "precision": ratio(v[1], v[0])} for src, v in self.by_source.items()}
        out["curve"] = {t: {"shown": sum(c >= t for c, _ in self.confidences),
                            "correct": sum(c >= t and ok for c, ok in self.confidences)} for t in CURVE}
        out["confidences"] = list(self.confidences)  # pooled over packages by eval_types.py
        cov, threshold = coverage_at(self.confidences, n, TARGET_PRECISION)
        out["at_target"] = {"precision": TARGET_PRECISION, "coverage": round(cov, 3), "threshold": threshold}
        return out


def coverage_at(confidences: list[tuple[float, bool]], slots: int, precision: float) -> tuple[float, float | None]:
    """The largest share of `slots` that hints shown from one confidence up cover while at least
    `precision` of them are right, and that confidence (None when no such confidence).

    >>> coverage_at([(0.9, True), (0.8, True), (0.7, False), (0.6, True), (0.5, False)], 10, 0.75)
    (0.4, 0.6)
    """
    best, threshold, right, shown = 0.0, None, 0, 0
    ranked = sorted(confidences, key=lambda c: -c[0])
    for i, (c, ok) in enumerate(ranked):
        shown, right = shown + 1, right + ok
        tie = i + 1 < len(ranked) and ranked[i + 1][0] == c  # a confidence's hints are shown together
        if not tie and right >= precision * shown and slots:
            best, threshold = shown / slots, c
    return best, threshold


def at_target_line(coverage: float, threshold: float | None) -> str:
    """How `format_figures` and the pooled figures say what `coverage_at` found."""
    return (f"coverage at precision >= {TARGET_PRECISION:.2f}: {coverage:.3f}"
            + (f" (hints from confidence {threshold:.3f} up: typeHintConfidence {threshold:.3f} shows them)"
               if threshold is not None else ""))


def type_aliases(files: list[Path]) -> dict[str, str | None]:
    """Module-level type aliases of a package (`StyleType = Union[str, Style]`, `X: TypeAlias = ...`).

    A truth that is only an alias name is compared as what it stands for; an alias of a
    `Literal` normalises to None, like a `Literal` written out (never hinted, not scored).
    """
    aliases: dict[str, str | None] = {}
    for f in files:
        try:
            tree = ast.parse(f.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            continue
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                name, value = node.targets[0].id, node.value
            elif (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None
                  and "TypeAlias" in ast.unparse(node.annotation)):
                name, value = node.target.id, node.value
            elif isinstance(node, getattr(ast, "TypeAlias", ())):
                name, value = node.name.id, node.value
            else:
                continue
            if isinstance(value, ast.Subscript) and isinstance(value.value, (ast.Name, ast.Attribute)):
                head = value.value.id if isinstance(value.value, ast.Name) else value.value.attr
                if head in ("Union", "Optional", "Literal", "Callable", "Type", "Dict", "List", "Tuple",
                            "Mapping", "Sequence", "Iterable", "dict", "list", "tuple", "type", "Annotated"):
                    aliases[name] = normalize(value)
            elif isinstance(value, ast.BinOp) and isinstance(value.op, ast.BitOr):
                aliases[name] = normalize(value)
    return aliases


def expand_aliases(truth: str | None, aliases: dict[str, str | None]) -> str | None:
    if truth is None:
        return None
    parts = split_union(truth)
    out = []
    for p in parts:
        if p in aliases:
            if aliases[p] is None:
                return None
            out.append(aliases[p])
        else:
            out.append(p)
    return " | ".join(out) if len(out) > 1 else out[0]


class Truths(dict):
    """Stripped file path -> {slot key: truth}, with the package's type aliases (`.aliases`)."""

    aliases: dict[str, str | None]


def same_type(predicted: str, truth: str | None, aliases: dict[str, str | None] | None = None) -> bool:
    """Whether a shown type equals the truth, both normalised alike (the package's aliases expanded).

    A hint naming an alias (`Send`) is the type it stands for, as the truth `Send` is.
    """
    pred = expand_aliases(normalize(predicted) or predicted, aliases or {})
    return canonical(pred) is not None and canonical(pred) == canonical(truth)


def score_file(score: Score, text: str, truth: dict, hints: list[dict], traced: set[str] = frozenset(),
               aliases: dict[str, str | None] | None = None) -> None:
    """Adds one file's hints (LSP InlayHint dicts) to the score; `traced`: qualnames with traces."""
    score.files += 1
    slots = {(s.line, s.character, s.kind): s for s in find_slots(ast.parse(text), text)}
    for key, s in list(slots.items()):
        if truth.get(s.key) is None:
            continue
        if s.kind == "variable" and is_obvious(s.node.value):
            score.obvious += 1
            del slots[key]
        else:
            score.slots[s.kind] += 1
            score.traced[0] += s.kind != "variable" and s.qualname in traced
    for h in hints:
        label = h["label"] if isinstance(h["label"], str) else "".join(p["value"] for p in h["label"])
        kind_guess = "return" if label.startswith("->") else None
        pos = h["position"]
        slot = None
        for kind in ((kind_guess,) if kind_guess else ("parameter", "variable")):
            slot = slots.get((pos["line"], pos["character"], kind)) or slot
        if slot is None or truth.get(slot.key) is None:
            continue
        typ = label.removeprefix("->").removeprefix(":").strip()
        ok = same_type(typ, truth[slot.key], aliases)
        confidence = float((h.get("data") or {}).get("confidence", 1.0))
        score.confidences.append((confidence, ok))
        if confidence < score.threshold:
            continue
        score.shown[slot.kind] += 1
        score.correct[slot.kind] += ok
        if slot.kind != "variable" and slot.qualname in traced:
            score.traced[1] += 1
            score.traced[2] += ok
        src = (h.get("data") or {}).get("source", "?")
        stat = score.by_source.setdefault(src, [0, 0])
        stat[0] += 1
        stat[1] += ok
        if not ok and len(score.mistakes) < 2000:
            score.mistakes.append(f"{slot.kind} {slot.qualname}.{slot.name}: {typ} != {truth[slot.key]} ({src})")


def obvious_line(n: int) -> str:
    """What the figures leave out: `n` obvious assignments.

    >>> obvious_line(1)
    '(1 obvious assignment such as `x: int = 0` left out: never hinted, by design)'
    """
    return f"({n} obvious assignment{'s' if n != 1 else ''} such as `x: int = 0` left out: never hinted, by design)"


def format_figures(f: dict) -> str:
    """A short human-readable block of the figures."""
    lines = [(f"{f.get('package', '?')}: {f['files']} files, {f['slots']} slots, {f['shown']} hints; "
              f"coverage {f['coverage']:.3f}, precision {f['precision']:.3f}, p95 {f['p95_ms']} ms")]
    if f.get("obvious"):
        lines.append("  " + obvious_line(f["obvious"]))
    for k in KINDS:
        lines.append(f"  {k:9} slots {f[k]['slots']:5}  coverage {f[k]['coverage']:.3f}  "
                     f"precision {f[k]['precision']:.3f}")
    if "traced" in f:
        t = f["traced"]
        lines.append(f"  traced functions: slots {t['slots']}  coverage {t['coverage']:.3f}  "
                     f"precision {t['precision']:.3f}")
    if "at_target" in f:
        lines.append("  " + at_target_line(f["at_target"]["coverage"], f["at_target"]["threshold"]))
    for src, v in f["by_source"].items():
        lines.append(f"  source {src:6} shown {v['shown']:5}  precision {v['precision']:.3f}")
    return "\n".join(lines)

"""Which rendered hints a request gets, and in what form.

A hint passes when its confidence reaches `thresholds.typeHintConfidence`, its
kind (parameter, return, variable; `-> None` returns apart) is switched on in
`options.hints`, and its line is within the requested range; the engine's own
fields (`_kind`) are dropped before it is sent.
"""

from __future__ import annotations


def public(h: dict) -> dict:
    """The hint as sent to the editor: without the engine's own `_` fields."""
    return {k: v for k, v in h.items() if not k.startswith("_")}


def wanted(h: dict, options, range_) -> bool:
    """Whether the options in force (threshold, per-kind toggles) and the range (if any) let a hint through."""
    kind = h["_kind"]
    if options is not None:
        if h["data"]["confidence"] < options.thresholds.typeHintConfidence:
            return False
        toggles = options.hints
        if (kind == "parameter" and not toggles.parameters) or (kind == "return" and not toggles.returns) \
                or (kind == "variable" and not toggles.variables):
            return False
        if kind == "return" and h["label"] == "-> None" and not toggles.noneReturns:
            return False
    if range_ is not None:
        line = h["position"]["line"]
        if line < range_["start"]["line"] or line > range_["end"]["line"]:
            return False
    return True

"""Combining the three sources of evidence into one type and one calibrated confidence per slot.

Order of trust: runtime traces of the slot's function (confidence from the
number of calls that agree), then the model (whose `<static>` class already
weighs the static candidate in context), then, while no model is trained yet,
the static rule alone with a conservative prior.  The result says which source
decided and gives the evidence in words for the tooltip.
"""

from __future__ import annotations

from dataclasses import dataclass

from pulsedev.models.types.evidence import Evidence
from pulsedev.models.types.typetext import canonical, split_union

#: What pytest passes a test or fixture (fixtures.py) is as rare in a corpus of installed packages, which
#: ship few tests.  In the tests of trio, anyio, structlog, httpx, pydantic-settings and pytest
#: (`scripts/eval_static.py`), a parametrized parameter had its values' type 310 times in 345, pytest's
#: and pytest-mock's fixtures their documented types 529 in 546 (184 in 201 outside pytest's tests; anyio
#: writes `SubRequest` for `request`), and a workspace fixture's inferred result 1,964 in 1,987 (269 in 290).
#: A fixture's declared type (stripped in those measures) is trusted a little more.
PYTEST = {"parametrize": 0.88, "fixture": 0.92, "fixture_builtin": 0.9, "fixture_inferred": 0.88}

# Used only until a model exists: how often each static rule matched the annotation on held-out
# packages (measured with scripts/eval_types.py --static-only; `callsite`: 0.86 on 97 parameters of
# seven packages); rules not listed are not shown.
STATIC_PRIORS = {"dunder": 0.97, "noreturn": 0.93, "noreturn_async": 0.9, "ret_logic": 0.9, "ret_literal": 0.9,
                 "ret_joinedstr": 0.9, "ret_call": 0.88, "ret_new": 0.75, "ret_name": 0.88,
                 "default_literal": 0.85,
                 # `x = None`, later assigned one type: 24 of 26 in 15 packages
                 "value_none_later": 0.9,
                 # an empty list joined with a str or bytes: 26 of 26 in 15 packages
                 "value_joined": 0.9,
                 "dunder_param": 0.9, "callsite": 0.85, "kwargs_any": 0.85, "args_any": 0.85,
                 # a parameter stored in a field the class declares: 31 of 34 in 15 packages
                 "field": 0.9, **PYTEST,
                 # an override of a stdlib method, what its stub says: 125 of 140; a parameter used as
                 # text: 260 at 90%; as an int: 51 of 52 (seven sets of packages, `scripts/eval_static.py`)
                 "override_std": 0.88, "override_std_none": 0.88, "text_use": 0.88, "text_use_none": 0.88,
                 "int_use": 0.9, "int_use_none": 0.9,
                 # what docstrings state: 359 of 399 right in 15 packages (mostly rich's Google style)
                 **dict.fromkeys(("doc", "doc_none", "doc_default", "unknown_doc", "stub_doc"), 0.85)}
#: Static rules trusted at their prior even with a model (see `combine`).  `**kwargs: Any`: 171 of
#: 186 annotated `**kwargs` in 15 packages of applications and libraries (numpy-style libraries of
#: the training corpus say `object` more often, so the model alone is less sure); `*args: Any` beside
#: `**kwargs`: 207 of 236 in 71 packages (`scripts/eval_static.py`), where the model gave 0.3-0.7.
#: A parameter named by all the words of a class of a standard-library module its file imports
#: (`ssl_context`, after `import ssl`, is an `ssl.SSLContext`; names.py): 29 of 31 in three sets of
#: packages, where the model, whose corpus here (this interpreter's site-packages) has none, gave
#: them 0.3-0.64.
CONVENTIONS = {"dunder_param": 0.9, "kwargs_any": 0.85, "args_any": 0.85, "name_class_module": 0.85,
               "name_class_module_none": 0.85, **PYTEST}
#: Likewise a parameter whose use fits the workspace class its evidence names (members.fit: every
#: attribute the def reads of it is a member): 84 of 86 such parameters were that class in eight
#: held-out packages.  The corpus seldom shows a fit (about 330 of its 127,000 samples, even with
#: each package indexed whole), so the model's own weight for it is too low.  The same holds for a
#: parameter typed as the one workspace class with all it reads (duck.py `duck_class`): 53 of 57.
FITTED = 0.9


@dataclass(frozen=True)
class Prediction:
    """The chosen type of a slot with its confidence, source and evidence in words."""

    type: str
    confidence: float
    source: str  # "trace" | "static" | "model"
    words: str


def complexity(type_text: str) -> float:
    """How much a traced type's shape lowers trust: nesting, union members, `type[...]`, `Callable`."""
    depth, deepest = 0, 0
    for ch in type_text:
        depth += ch == "["
        depth -= ch == "]"
        deepest = max(deepest, depth)
    members = split_union(type_text)
    others = len([m for m in members if m != "None"]) - 1
    # Runtime unions of classes usually stand for a common base in the annotation (Data | EndOfMessage
    # for Event), and nested containers for an abstract one (list[bytearray] for Iterable[bytes]).
    penalty = 0.07 * max(0, deepest - 1) + 0.25 * max(0, others) + 0.05 * ("None" in members)
    # A union inside a container (elements or fields of mixed types) is where annotations most often
    # say something else (the wider element type, `Any`, or a field that may also be None).
    penalty += 0.2 * max(0, type_text.count("|") - len(members) + 1)
    if "type[" in type_text or "Callable" in type_text:
        penalty += 0.2
    return penalty


def from_trace(observed: str, calls: int, agree: bool | None, kind: str = "return") -> Prediction:
    """A trace-based prediction: a type seen in `calls` calls; `agree` = the model/static agreement."""
    base = 1.0 - 1.0 / (calls + 2.0) - complexity(observed)
    if kind == "parameter" and "[" in observed:
        base -= 0.2  # parameters are often annotated with an abstract container (Iterable, Mapping)
    if agree is True:
        base = min(0.999, base + 0.04)
    elif agree is False:
        base -= 0.15
    words = f"seen as {observed} in {calls} call{'s' if calls != 1 else ''} during tests"
    return Prediction(observed, round(max(0.0, min(base, 0.995)), 3), "trace", words)


def combine(ev: Evidence, model_pred: tuple[str | None, float] | None,
            trace: tuple | None = None, kind: str = "return") -> Prediction | None:
    """The prediction for one slot from its static evidence, model output and trace (any may be None)."""
    m_type, m_p = model_pred if model_pred else (None, 0.0)
    m_p = float(m_p)
    if trace is not None:
        t, calls = trace[0], trace[1]
        agree = None
        if (ev.type is not None and canonical(ev.type) == canonical(t)) or (
                m_type is not None and m_p >= 0.5 and canonical(m_type) == canonical(t)):
            agree = True
        elif (m_type is not None and m_p >= 0.8) or ev.type is not None:
            agree = False
        p = from_trace(t, calls, agree, kind)
        if len(trace) > 2 and trace[2]:  # the code says the annotation is likely wider (tracefit.doubts)
            words = p.words + "".join(f"; {w}" for w in (trace[3] if len(trace) > 3 else ()))
            p = Prediction(p.type, round(max(0.0, p.confidence - trace[2]), 3), p.source, words)
        return p
    if m_type is not None and ev.sentinel is not None and ev.sentinel not in split_union(m_type):
        # The default is an object of that class: what the model says of the rest, and that.
        m_type = f"{m_type} | {ev.sentinel}"
    floor = CONVENTIONS.get(ev.rule, FITTED if ev.fit == "found" else None)
    surer = floor if ev.rule in CONVENTIONS else 0.5  # how sure the model must be of another type
    if floor is not None and ev.type is not None and (
            m_type is None or m_p <= surer or canonical(m_type) == canonical(ev.type)):
        # A data-model convention (`__exit__`'s parameters) is rare in any corpus, so the model
        # cannot learn how reliable it is; its measured precision is the floor unless the model
        # is surer of something else (`**kwargs: object`, the numpy style, at 62-83%: 30 of 31
        # such hints were wrong in three evaluation sets, where `Any` is the convention); a
        # fitting class, unless the model is fairly sure of something else.
        return Prediction(ev.type, round(max(floor, m_p if m_type is not None and
                                             canonical(m_type) == canonical(ev.type) else 0.0), 3), "static", ev.words)
    if m_type is not None:
        if ev.type is not None and canonical(ev.type) == canonical(m_type):
            return Prediction(m_type, round(m_p, 3), "static", ev.words)
        words = f"name and usage pattern, {m_p:.0%}" + (f"; {ev.words}" if ev.sentinel is not None else "")
        return Prediction(m_type, round(m_p, 3), "model", words)
    if model_pred is None and ev.type is not None and ev.rule in STATIC_PRIORS:
        return Prediction(ev.type, STATIC_PRIORS[ev.rule], "static", ev.words)
    return None

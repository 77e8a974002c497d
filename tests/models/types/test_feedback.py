"""HintFeedback: explicit and implicit feedback reach the model and its feedback file."""

from __future__ import annotations

import ast
import json

from pulsedev.models.types.feedback import HintFeedback
from pulsedev.models.types.slots import find_slots


class Model:
    """The part of TypeModel that feedback touches."""

    def __init__(self):
        self.penalties, self.seen = {}, []

    def learn_feedback(self, feats, type_text, accepted):
        self.seen.append((feats, type_text, accepted))
        self.penalties[type_text] = 1.05 if accepted else 0.9


def _annotated(src):
    return [s for s in find_slots(ast.parse(src), src, include_annotated=True) if s.annotation is not None]


def test_a_hinted_slot_annotated_with_the_same_type_is_an_acceptance_and_another_a_rejection(tmp_path):
    fb, model = HintFeedback(), Model()
    fb.path = tmp_path / "model-x.feedback.json"
    slots = find_slots(ast.parse("def f(a, b):\n    pass\n"), "def f(a, b):\n    pass\n")
    shown = fb.showing("file:///a.py")
    shown[slots[0].key] = ("int", {"tok=a": 1.0})
    shown[slots[1].key] = ("str | None", {"tok=b": 1.0})
    fb.implicit(model, "file:///a.py", _annotated("def f(a: int, b: Optional[bytes]):\n    pass\n"))
    assert model.seen == [({"tok=a": 1.0}, "int", True), ({"tok=b": 1.0}, "str | None", False)]
    assert json.loads(fb.path.read_text()) == {"int": 1.05, "str | None": 0.9}
    fb.implicit(model, "file:///a.py", _annotated("def f(a: int, b: bytes):\n    pass\n"))
    assert len(model.seen) == 2  # each shown hint teaches once


def test_optional_and_union_spellings_of_the_shown_type_count_as_accepted(tmp_path):
    fb, model = HintFeedback(), Model()
    slot = find_slots(ast.parse("def f(b=None):\n    pass\n"), "def f(b=None):\n    pass\n")[0]
    fb.showing("u")[slot.key] = ("str | None", {})
    fb.implicit(model, "u", _annotated("def f(b: Optional[str] = None):\n    pass\n"))
    assert model.seen == [({}, "str | None", True)]


def test_explicit_feedback_strips_the_label_and_is_reloaded_into_a_new_model(tmp_path):
    fb, model = HintFeedback(), Model()
    fb.path = tmp_path / "types" / "model-x.feedback.json"
    fb.explicit(model, {"label": "-> list[str]", "accepted": False})
    fresh = Model()
    HintFeedback.load(fb, fresh)
    assert fresh.penalties == {"list[str]": 0.9}


def test_an_unwritable_feedback_file_is_logged_and_learning_goes_on(tmp_path, caplog):
    fb, model = HintFeedback(), Model()
    (tmp_path / "ro").write_text("a file, not a folder")
    fb.path = tmp_path / "ro" / "model-x.feedback.json"
    fb.explicit(model, {"label": ": int", "accepted": True})
    assert model.penalties == {"int": 1.05} and "could not save type feedback" in caplog.text


def test_clear_forgets_shown_hints():
    fb, model = HintFeedback(), Model()
    slot = find_slots(ast.parse("def f(a):\n    pass\n"), "def f(a):\n    pass\n")[0]
    fb.showing("u")[slot.key] = ("int", {})
    fb.clear()
    fb.implicit(model, "u", _annotated("def f(a: int):\n    pass\n"))
    assert model.seen == []

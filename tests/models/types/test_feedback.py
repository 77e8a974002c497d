"""HintFeedback: a rejected hint is hidden on its slot, its name and type are trusted less, all kept on disk."""

from __future__ import annotations

import ast
import json

from pulsedev.models.types.combine import Prediction
from pulsedev.models.types.feedback import HintFeedback
from pulsedev.models.types.slots import find_slots

SLOT = ("parameter", "f", "value")


class Model:
    """The part of TypeModel that feedback touches."""

    def __init__(self):
        self.penalties, self.seen = {}, []

    def learn_feedback(self, feats, type_text, accepted):
        self.seen.append((feats, type_text, accepted))
        self.penalties[type_text] = 1.05 if accepted else 0.9


def _annotated(src):
    return [s for s in find_slots(ast.parse(src), src, include_annotated=True) if s.annotation is not None]


def _slots(src):
    return find_slots(ast.parse(src), src)


def test_a_rejected_hint_is_hidden_on_its_slot_only_and_its_name_is_trusted_less(tmp_path):
    fb = HintFeedback(tmp_path / "feedback.json")
    pred = Prediction("str", 0.9, "model", "name and usage pattern, 90%")
    fb.learn(Model(), "file:///a.py", SLOT, "str", {}, accepted=False)
    assert fb.adjust("file:///a.py", SLOT, pred) is None
    elsewhere = fb.adjust("file:///b.py", ("parameter", "g", "value"), pred)
    assert elsewhere.type == "str" and abs(elsewhere.confidence - 0.765) < 1e-9
    assert "lowered by your feedback on `value`" in elsewhere.words
    assert fb.adjust("file:///a.py", SLOT, Prediction("bytes", 0.9, "model", "")).confidence == 0.9  # another type
    assert fb.adjust("file:///a.py", ("parameter", "f", "other"), pred) is pred  # another name


def test_rejections_compound_to_a_floor_and_acceptances_take_them_back(tmp_path):
    fb = HintFeedback(tmp_path / "feedback.json")
    for _ in range(8):
        fb.learn(None, "u", SLOT, "str", {}, accepted=False)
    assert fb.factor("parameter", "value", "str") == 0.3
    for _ in range(20):
        fb.learn(None, "u", SLOT, "str", {}, accepted=True)
    assert fb.factor("parameter", "value", "str") == 1.0 and not fb.names


def test_a_return_is_known_by_its_def_name(tmp_path):
    fb = HintFeedback(tmp_path / "feedback.json")
    fb.learn(None, "u", ("return", "Box.size", "return"), "str", {}, accepted=False)
    assert fb.factor("return", "size", "str") == 0.85 and fb.factor("parameter", "size", "str") == 1.0


def test_a_hinted_slot_annotated_with_the_same_type_is_an_acceptance_and_another_a_rejection(tmp_path):
    fb, model = HintFeedback(tmp_path / "feedback.json"), Model()
    a, b, _ = _slots("def f(a, b):\n    pass\n")  # and the return
    shown = fb.showing("file:///a.py")
    shown[a.key] = ("int", {"tok=a": 1.0})
    shown[b.key] = ("str | None", {"tok=b": 1.0})
    fb.implicit(model, "file:///a.py", _annotated("def f(a: int, b: Optional[bytes]):\n    pass\n"))
    assert model.seen == [({"tok=a": 1.0}, "int", True), ({"tok=b": 1.0}, "str | None", False)]
    assert fb.hidden("file:///a.py", b.key, "Optional[str]") and not fb.hidden("file:///a.py", a.key, "int")
    fb.implicit(model, "file:///a.py", _annotated("def f(a: int, b: bytes):\n    pass\n"))
    assert len(model.seen) == 2  # each shown hint teaches once


def test_optional_and_union_spellings_of_the_shown_type_count_as_accepted(tmp_path):
    fb, model = HintFeedback(tmp_path / "feedback.json"), Model()
    fb.showing("u")[_slots("def f(b=None):\n    pass\n")[0].key] = ("str | None", {})
    fb.implicit(model, "u", _annotated("def f(b: Optional[str] = None):\n    pass\n"))
    assert model.seen == [({}, "str | None", True)]


def test_the_file_holds_digests_and_type_factors_only_and_is_read_back(tmp_path):
    fb = HintFeedback(tmp_path / "types" / "feedback.json")
    fb.learn(Model(), "file:///home/me/secret_project/a.py", ("parameter", "charge_card", "card_number"), "str",
             {}, accepted=False)
    text = fb.path.read_text()
    assert "secret" not in text and "card" not in text and json.loads(text)["types"] == {"str": 0.9}
    again, model = HintFeedback(fb.path), Model()
    again.load(model)
    assert model.penalties == {"str": 0.9}
    assert again.hidden("file:///home/me/secret_project/a.py", ("parameter", "charge_card", "card_number"), "str")


def test_an_unreadable_file_is_reported_and_replaced(tmp_path, caplog):
    path = tmp_path / "feedback.json"
    path.write_text("{not json")
    fb = HintFeedback(path)
    assert "unreadable" in caplog.text and not fb.names
    fb.learn(None, "u", SLOT, "str", {}, accepted=False)
    assert json.loads(path.read_text())["version"] == 2


def test_an_unwritable_file_is_logged_and_learning_goes_on(tmp_path, caplog):
    (tmp_path / "ro").write_text("a file, not a folder")
    fb, model = HintFeedback(tmp_path / "ro" / "feedback.json"), Model()
    fb.learn_type(model, "int", {}, accepted=True)
    assert model.penalties == {"int": 1.05} and "could not save type hint feedback" in caplog.text


def test_clear_forgets_everything_and_deletes_the_file(tmp_path):
    fb, model = HintFeedback(tmp_path / "feedback.json"), Model()
    slot = _slots("def f(a):\n    pass\n")[0]
    fb.showing("u")[slot.key] = ("int", {})
    fb.learn(model, "u", SLOT, "str", {}, accepted=False)
    fb.clear()
    fb.implicit(model, "u", _annotated("def f(a: int):\n    pass\n"))
    assert len(model.seen) == 1 and not fb.path.exists() and not fb.hidden("u", SLOT, "str")


def test_unhide_shows_hidden_hints_again_and_keeps_the_type_factors(tmp_path):
    fb, model = HintFeedback(tmp_path / "feedback.json"), Model()
    fb.learn(model, "u", SLOT, "str", {}, accepted=False)
    assert fb.unhide() == 1 and not fb.hidden("u", SLOT, "str") and fb.factor("parameter", "value", "str") == 1.0
    assert HintFeedback(fb.path).types == {"str": 0.9} and fb.unhide() == 0


def test_take_reads_the_commands_argument_and_refuses_what_it_cannot_use(tmp_path):
    fb, model = HintFeedback(tmp_path / "feedback.json"), Model()
    assert not fb.take(model, {}) and not fb.take(model, {"label": "   "})
    assert not any(fb.take(model, {"uri": "u", "slot": list(SLOT), "label": bad}) for bad in ("][", "list[", "x" * 300))
    assert not model.seen and not fb.hidden_hints
    assert fb.take(model, {"label": ": int", "slot": "x", "uri": 3, "accepted": False})  # the type alone
    assert model.penalties == {"int": 0.9} and not fb.hidden_hints
    assert fb.take(model, {"uri": "u", "slot": list(SLOT), "label": "-> bytes", "accepted": False})
    assert fb.hidden("u", SLOT, "bytes")


def test_two_servers_on_one_data_folder_keep_each_others_feedback(tmp_path):
    """Two editor windows: each server merges its changes into the file as the other left it."""
    path = tmp_path / "feedback.json"
    a, b = HintFeedback(path), HintFeedback(path)
    model_a, model_b = Model(), Model()
    a.learn(model_a, "file:///one.py", SLOT, "str", {}, accepted=False)
    b.learn(model_b, "file:///two.py", ("parameter", "g", "count"), "int", {}, accepted=False)
    fresh = HintFeedback(path)
    assert fresh.hidden("file:///one.py", SLOT, "str")
    assert fresh.hidden("file:///two.py", ("parameter", "g", "count"), "int")
    assert fresh.types == {"str": 0.9, "int": 0.9} and model_b.penalties == {"str": 0.9, "int": 0.9}
    assert b.hidden("file:///one.py", SLOT, "str")  # b took a's feedback in when it saved
    a.unhide()
    b.learn(model_b, "file:///two.py", ("parameter", "g", "size"), "int", {}, accepted=False)
    again = HintFeedback(path)
    assert not again.hidden("file:///one.py", SLOT, "str")
    assert not again.hidden("file:///two.py", ("parameter", "g", "count"), "int")
    assert again.hidden("file:///two.py", ("parameter", "g", "size"), "int")  # hidden after the unhide: kept


def test_refresh_takes_in_what_another_server_saved_and_costs_nothing_otherwise(tmp_path):
    path = tmp_path / "feedback.json"
    a, b, model_b = HintFeedback(path), HintFeedback(path), Model()
    assert not b.refresh(model_b)  # no file yet
    a.learn(Model(), "file:///one.py", SLOT, "str", {}, accepted=False)
    assert not b.hidden("file:///one.py", SLOT, "str")
    assert b.refresh(model_b) and b.hidden("file:///one.py", SLOT, "str") and model_b.penalties == {"str": 0.9}
    assert not b.refresh(model_b)  # unchanged since
    b.learn(model_b, "file:///two.py", SLOT, "int", {}, accepted=False)
    assert not b.refresh()  # its own save is not news
    assert a.refresh() and a.hidden("file:///two.py", SLOT, "int")
    a.clear()  # `forget` in the other window
    assert b.refresh() and not b.hidden("file:///one.py", SLOT, "str") and b.names == {}
    assert not (tmp_path / "feedback.json.lock").exists()


def _hide_many(path, worker, n, start):
    fb = HintFeedback(path)
    start.wait()
    for i in range(n):
        fb.learn(None, f"file:///w{worker}.py", ("parameter", "f", f"p{i}"), "str", {}, accepted=False)


def test_servers_saving_at_the_same_time_lose_nothing(tmp_path):
    """Four processes hide 25 hints each at once: the file lock keeps every one of the 100."""
    import multiprocessing

    path = tmp_path / "feedback.json"
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(4)
    procs = [ctx.Process(target=_hide_many, args=(path, w, 25, start)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    fb = HintFeedback(path)
    assert len(fb.hidden_hints) == 100
    assert all(fb.hidden(f"file:///w{w}.py", ("parameter", "f", f"p{i}"), "str") for w in range(4) for i in range(25))


def test_a_lock_held_too_long_is_logged_and_the_feedback_still_saved(tmp_path, monkeypatch, caplog):
    """A server that hung mid-save must not cost this one its feedback."""
    import threading

    from filelock import FileLock

    from pulsedev.models.types import feedback

    monkeypatch.setattr(feedback, "LOCK_TIMEOUT", 0.2)
    path = tmp_path / "feedback.json"
    held, release = threading.Event(), threading.Event()

    def hang():
        with FileLock(f"{path}.lock"):
            held.set()
            release.wait(10)

    other = threading.Thread(target=hang)
    other.start()
    held.wait(10)
    try:
        HintFeedback(path).learn(None, "file:///a.py", SLOT, "str", {}, accepted=False)
    finally:
        release.set()
        other.join(10)
    assert "held for over" in caplog.text
    assert HintFeedback(path).hidden("file:///a.py", SLOT, "str")

"""The type model, traces, combining, the engine's fast path and the evaluation scorer."""

from __future__ import annotations

import ast
import importlib.util
from dataclasses import replace
from pathlib import Path

import pytest

from pulsedev.models.types.combine import combine, from_trace
from pulsedev.models.types.corpus import file_samples, sample_files
from pulsedev.models.types.engine import TypeEngine
from pulsedev.models.types.evidence import Evidence
from pulsedev.models.types.model import train
from pulsedev.models.types.modelfile import load, save
from pulsedev.models.types.scoring import Score, format_figures, score_file
from pulsedev.models.types.slots import find_slots
from pulsedev.models.types.traces import TraceStore
from pulsedev.options import parse_options


def _package_files(name):
    spec = importlib.util.find_spec(name)
    return list(Path(spec.origin).parent.rglob("*.py"))


@pytest.fixture(scope="module")
def model():
    """A small model trained on three installed, annotated packages (real code, not a fixture)."""
    samples = []
    for pkg in ("click", "platformdirs", "pygls"):
        for _, text in sample_files(_package_files(pkg), 8):
            samples += file_samples(text, pkg)
    assert len(samples) > 500
    return train(samples, folds=3)


def test_model_predicts_calibrated_types_and_round_trips_through_skops(model, tmp_path):
    src = "def f(verbose=False, name='x'):\n    print(name)\n"
    annotated = src.replace("=False", ": bool=False").replace("='x'", ": str='x'").replace("):", ") -> None:")
    feats = file_samples(annotated, "t")
    preds = model.predict([s.features for s in feats], [s.static for s in feats], [s.kind for s in feats])
    assert preds[0][0] == "bool" and preds[2][0] == "None"
    assert preds[1][0] in ("str", "str | None")
    assert all(0.0 <= p <= 1.0 for _, p in preds)
    path = tmp_path / "m.skops"
    save(model, path)
    assert path.stat().st_size < 20_000_000
    again = load(path)
    assert again.predict([s.features for s in feats], [s.static for s in feats], [s.kind for s in feats]) == preds
    assert model.difficulty is not None and again.difficulty is not None  # the calibrator reads it (difficulty.py)
    assert set(model.metrics) >= {"parameter_heldout_precision@0.8", "train_seconds"}


def test_samples_that_do_not_calibrate_teach_the_regression_alone():
    samples = []
    for pkg in ("click", "platformdirs", "pygls"):
        for _, text in sample_files(_package_files(pkg), 8):
            samples += [replace(s, calibrates=False) for s in file_samples(text, pkg)]
    uncalibrated = train(samples, folds=3)
    assert uncalibrated.calibrator is None and uncalibrated.samples > 2000  # no guess to calibrate on
    feats = file_samples("def f(verbose: bool = False) -> None:\n    print(verbose)\n", "t")
    (t, p), _ = uncalibrated.predict([s.features for s in feats], [s.static for s in feats], [s.kind for s in feats])
    assert t == "bool" and 0.0 < p <= 1.0  # the regression's own probability


def test_load_refuses_foreign_or_damaged_files(tmp_path):
    import skops.io as sio
    from sklearn.tree import DecisionTreeClassifier

    foreign = tmp_path / "foreign.skops"
    sio.dump({"version": 1, "clf": DecisionTreeClassifier()}, foreign)
    assert load(foreign) is None
    broken = tmp_path / "broken.skops"
    broken.write_bytes(b"not a zip")
    assert load(broken) is None


def test_feedback_lowers_a_rejected_type(model):
    before = model.penalties.get("str", 1.0)
    model.learn_feedback({}, "str", accepted=False)
    assert model.penalties["str"] < before
    model.penalties.clear()


def _slot(src, key):
    return next(s for s in find_slots(ast.parse(src), src) if s.key == key)


def test_traces_lookup_and_vague_types(tmp_path):
    f = tmp_path / "m.py"
    src = "def outer():\n    def inner(a, b):\n        return a\n"
    store = TraceStore()
    store.add([{"type": "trace", "file": str(f), "qualname": "outer.<locals>.inner", "calls": 9,
                "params": [{"name": "a", "type": "dict[str, int]", "observed": {"dict[str, int]": 9}},
                           {"name": "b", "type": "list", "observed": {"list": 9}}],
                "returns": {"type": "pathlib.Path", "observed": {"pathlib.Path": 9}}}])
    assert store.lookup(str(f), _slot(src, ("parameter", "outer.inner", "a"))) == ("dict[str, int]", 9)
    assert store.lookup(str(f), _slot(src, ("parameter", "outer.inner", "b"))) is None  # bare list: too vague
    assert store.lookup(str(f), _slot(src, ("return", "outer.inner", "return"))) == ("Path", 9)


def test_combine_prefers_traces_and_words_say_why():
    p = combine(Evidence("int", "default_literal", "default is 0"), ("float", 0.7), ("int", 214))
    assert p.source == "trace" and p.words == "seen as int in 214 calls during tests" and p.confidence > 0.97
    assert from_trace("int", 1, None).confidence < from_trace("int", 50, None).confidence
    m = combine(Evidence(None, "nodefault", ""), ("str", 0.93))
    assert m.source == "model" and m.words == "name and usage pattern, 93%"
    s = combine(Evidence("int", "default_literal", "default is 0"), ("int", 0.9))
    assert s.source == "static" and s.words == "default is 0"


def test_engine_filters_by_options_and_caches(tmp_path):
    engine = TypeEngine(tmp_path, tmp_path / "data", train=False)
    engine.start(wait=True)
    src = "def f(n=0):\n    print(n)\n"
    uri = (tmp_path / "a.py").as_uri()
    on, _ = parse_options({})
    assert sorted(h["label"] for h in engine.hints(uri, src, options=on)) == ["-> None", ": int"]
    no_none, _ = parse_options({"hints": {"noneReturns": False}})
    assert [h["label"] for h in engine.hints(uri, src, options=no_none)] == [": int"]
    strict, _ = parse_options({"thresholds": {"typeHintConfidence": 0.99}})
    assert engine.hints(uri, src, options=strict) == []
    assert engine.hints(uri, src, options=on) == engine.hints(uri, src, options=on)
    assert engine.hints(uri, "def broken(:\n", options=on) == []


def test_score_file_counts_coverage_and_precision():
    text = "def f(a, b):\n    return a\n"
    truth = {("parameter", "f", "a"): "int", ("parameter", "f", "b"): "str | None",
             ("return", "f", "return"): "int"}
    hints = [{"position": {"line": 0, "character": 7}, "label": ": int", "data": {"source": "model"}},
             {"position": {"line": 0, "character": 10}, "label": ": Optional[str]", "data": {"source": "model"}},
             {"position": {"line": 0, "character": 11}, "label": "-> str", "data": {"source": "static"}}]
    score = Score()
    score_file(score, text, truth, hints)
    f = score.figures()
    assert (f["slots"], f["shown"], f["precision"]) == (3, 3, 0.667)
    assert f["parameter"]["precision"] == 1.0 and f["return"]["precision"] == 0.0


def test_figures_count_hints_from_the_threshold_up_and_the_curve_counts_them_all():
    text = "def f(a, b):\n    return a\n"
    truth = {("parameter", "f", "a"): "int", ("parameter", "f", "b"): "str", ("return", "f", "return"): "int"}
    hints = [{"position": {"line": 0, "character": 7}, "label": ": int", "data": {"confidence": 0.95}},
             {"position": {"line": 0, "character": 10}, "label": ": str", "data": {"confidence": 0.6}},
             {"position": {"line": 0, "character": 11}, "label": "-> str", "data": {"confidence": 0.55}}]
    score = Score(threshold=0.8)
    score_file(score, text, truth, hints)
    f = score.figures()
    assert (f["shown"], f["coverage"], f["precision"]) == (1, 0.333, 1.0)
    assert f["curve"][0.6] == {"shown": 2, "correct": 2} and f["curve"][0.5] == {"shown": 3, "correct": 2}
    # what a lower typeHintConfidence would show: two of three slots, both right
    assert f["at_target"] == {"precision": 0.9, "coverage": 0.667, "threshold": 0.6}


def test_a_range_gets_the_same_hints_as_the_whole_file(tmp_path):
    engine = TypeEngine(tmp_path, tmp_path / "data", train=False)
    engine.start(wait=True)
    src = "".join(f"def f{i}(n=0, flag=False):\n    return n > {i}\n\n\n" for i in range(30))
    uri = (tmp_path / "a.py").as_uri()
    on, _ = parse_options({})
    whole = engine.hints(uri, src, options=on)
    rng = {"start": {"line": 40, "character": 0}, "end": {"line": 60, "character": 0}}
    part = engine.hints(uri, src + "\n", options=on, range_=rng)
    assert part and part == [h for h in whole if 40 <= h["position"]["line"] <= 60]


def test_forget_drops_traces_and_models(tmp_path):
    engine = TypeEngine(tmp_path, tmp_path / "data", train=False)
    engine.start(wait=True)
    (tmp_path / "data" / "types").mkdir(parents=True)
    (tmp_path / "data" / "types" / "model-x.skops").write_bytes(b"x")
    engine.add_traces([{"type": "trace", "file": str(tmp_path / "a.py"), "qualname": "f", "params": []}])
    assert len(engine.traces) == 1
    engine.forget()
    assert len(engine.traces) == 0 and not list((tmp_path / "data" / "types").iterdir())


def test_prefetch_makes_the_request_a_cache_hit(tmp_path):
    import time

    engine = TypeEngine(tmp_path, tmp_path / "data", train=False)
    engine.start(wait=True)
    src = "".join(f"def f{i}(n=0):\n    return n > {i}\n\n\n" for i in range(200))
    uri = (tmp_path / "a.py").as_uri()
    engine.prefetch(uri, src)
    for _ in range(200):
        entry = engine._docs.get(uri)
        if entry and None in entry["ranges"]:
            break
        time.sleep(0.02)
    assert None in engine._docs.get(uri)["ranges"]  # the whole document was analysed ahead
    rng = {"start": {"line": 0, "character": 0}, "end": {"line": 10, "character": 0}}
    assert len(engine.hints(uri, src, range_=rng)) == 6
    engine.stop()


def test_prefetch_gives_way_to_an_editor_that_already_asked_for_the_version(tmp_path):
    engine = TypeEngine(tmp_path, tmp_path / "data", train=False)
    engine.start(wait=True)
    src = "".join(f"def f{i}(n=0):\n    return n > {i}\n\n\n" for i in range(50))
    uri = (tmp_path / "a.py").as_uri()
    rng = {"start": {"line": 0, "character": 0}, "end": {"line": 10, "character": 0}}
    assert len(engine.hints(uri, src, range_=rng)) == 6
    engine._ahead(uri, src)  # what the prefetch thread runs
    assert None not in engine._docs.get(uri)["ranges"]  # no whole-file analysis next to the editor's requests
    edited = src + "def g(s=''):\n    return s\n"
    engine._ahead(uri, edited)  # a version nobody asked for yet
    assert None in engine._docs.get(uri)["ranges"]
    engine.stop()


def test_a_hint_naming_a_type_alias_is_scored_as_what_the_alias_stands_for():
    from pulsedev.models.types.scoring import same_type

    aliases = {"Send": "Callable[[Message], Awaitable[None]]", "Mode": None}
    truth = "Callable[[Message], Awaitable[None]]"  # prepare() expands the truth `Send`
    assert same_type("Send", truth, aliases)
    assert same_type("Send | None", truth + " | None", aliases)
    assert not same_type("Send", "int", aliases)
    assert not same_type("Mode", None, aliases)
    assert same_type("Optional[int]", "int | None")


def test_a_bare_generic_is_scored_as_the_generic_of_any():
    from pulsedev.models.types.scoring import same_type

    assert same_type("LocalProxy", "LocalProxy[Any]")
    assert same_type("CliSettingsSource | None", "CliSettingsSource[Any] | None")
    assert same_type("Callable", "Callable[..., Any]") and same_type("tuple", "tuple[Any, ...]")
    assert not same_type("tuple", "tuple[Any]")  # a 1-tuple
    assert not same_type("dict", "dict[str, Any]")


def test_feedback_from_annotating_a_hinted_slot_is_learned_and_kept_across_restarts(model, tmp_path):
    first = TypeEngine(tmp_path, tmp_path / "data", train=False)
    first.start(wait=True)
    save(model, first.model_path)
    engine = TypeEngine(tmp_path, tmp_path / "data", train=False)
    engine.start(wait=True)
    assert engine.model is not None and "int" not in engine.model.penalties
    uri, on = (tmp_path / "a.py").as_uri(), parse_options({})[0]
    assert ": int" in [h["label"] for h in engine.hints(uri, "def f(n=0):\n    print(n)\n", options=on)]
    engine.hints(uri, "def f(n: str = 0):\n    print(n)\n", options=on)  # annotated otherwise: a rejection
    assert engine.model.penalties["int"] < 1.0
    again = TypeEngine(tmp_path, tmp_path / "data", train=False)
    again.start(wait=True)
    assert again.model.penalties["int"] == engine.model.penalties["int"]


def test_a_hidden_hint_stays_hidden_after_a_restart_and_forget_brings_it_back(tmp_path):
    src, uri, on = "def f(n=0):\n    print(n)\n", (tmp_path / "a.py").as_uri(), parse_options({})[0]
    engine = TypeEngine(tmp_path, tmp_path / "data", train=False)
    engine.start(wait=True)
    assert ": int" in [h["label"] for h in engine.hints(uri, src, options=on)]
    hide = next(a for a in engine.code_actions(uri, src, {"start": {"line": 0}, "end": {"line": 0}}, on)
                if a["title"].startswith("Hide type hint `: int`"))
    engine.feedback(hide["arguments"][0])
    assert ": int" not in [h["label"] for h in engine.hints(uri, src, options=on)]
    again = TypeEngine(tmp_path, tmp_path / "data", train=False)
    again.start(wait=True)
    assert ": int" not in [h["label"] for h in again.hints(uri, src, options=on)]
    again.forget()
    assert ": int" in [h["label"] for h in again.hints(uri, src, options=on)]


def test_obvious_assignments_are_left_out_of_the_slots_as_they_are_never_hinted():
    text = "def f(a):\n    n = 0\n    path = a.strip()\n    return n\n"
    truth = {("parameter", "f", "a"): "str", ("variable", "f", "n"): "int", ("variable", "f", "path"): "str",
             ("return", "f", "return"): "int"}
    score = Score()
    score_file(score, text, truth, [])
    f = score.figures()
    assert (f["slots"], f["obvious"], f["variable"]["slots"]) == (3, 1, 1)
    assert "(1 obvious assignment such as" in format_figures({**f, "package": "p"})


def test_a_model_over_its_file_budget_is_pruned_until_it_fits(model, tmp_path):
    import copy

    full, small = tmp_path / "full.skops", tmp_path / "small.skops"
    save(copy.deepcopy(model), full)
    budget = full.stat().st_size * 2 // 3
    pruned = copy.deepcopy(model)
    save(pruned, small, max_bytes=budget)
    assert small.stat().st_size <= budget and pruned.metrics["pruned_below"] > 0.05
    again = load(small)
    feats = file_samples("def f(verbose: bool = False, name: str = 'x') -> None:\n    print(name)\n", "t")
    (t, p), *_ = again.predict([s.features for s in feats], [s.static for s in feats], [s.kind for s in feats])
    assert t == "bool" and 0.0 < p <= 1.0  # still a model: its strongest weights are kept

"""One check suite over every PulseDev learner: river's checks plus PulseDev's own.

Every learner is found in `pulsedev.models` (river estimators defined there),
instantiated with each of its `_unit_test_params`, and run through
`river.checks.yield_checks`.  Dataset checks that would download data
(the anomaly family's CreditCard) get an offline synthetic stream instead.
PulseDev checks: x is not mutated, missing and new features are survived,
outputs are probabilities / scores in [0, 1], pickling and the registry's
JSON round trip keep predictions, memory stays bounded.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import json
import pickle
import pkgutil
import random

import pytest
from river import base, checks

import pulsedev.models as models_pkg
from pulsedev.models import registry


def _learners():
    found = {}
    for info in pkgutil.iter_modules(models_pkg.__path__):
        if info.ispkg or info.name in ("evaluation",):
            continue
        mod = importlib.import_module(f"pulsedev.models.{info.name}")
        for _, cls in inspect.getmembers(mod, inspect.isclass):
            if issubclass(cls, base.Estimator) and cls.__module__ == mod.__name__:
                found[cls.__name__] = cls
    return [found[k] for k in sorted(found)]


LEARNERS = _learners()


def _instances():
    for cls in LEARNERS:
        for i, params in enumerate(cls._unit_test_params()):
            yield pytest.param(cls, params, id=f"{cls.__name__}-{i}")


def _anomaly_stream(n=600, seed=0):
    rng = random.Random(seed)
    for _ in range(n):
        odd = rng.random() < 0.05
        a = rng.gauss(0, 1)
        b = a + rng.gauss(0, 0.2) if not odd else -a + rng.gauss(0, 0.2)
        yield {"a": a, "b": b, "c": rng.gauss(0, 1)}, odd


def _stream(model, n=300):
    if isinstance(model, base.AnomalyDetector):
        return list(_anomaly_stream(n))
    rng = random.Random(1)
    out = []
    for _ in range(n):
        y = rng.random() < 0.4
        out.append(({"f1": rng.gauss(1.0 if y else 0.0, 1), "f2": rng.gauss(0, 1), "f3": rng.random()}, y))
    return out


def test_learners_found():
    names = {c.__name__ for c in LEARNERS}
    assert {"StuckClassifier", "FlowClassifier", "SessionAnomaly", "PriorLogistic"} <= names


def _river_checks():
    for cls in LEARNERS:
        for i, params in enumerate(cls._unit_test_params()):
            model = cls(**params)
            for check in checks.yield_checks(model):
                name = getattr(check, "__name__", str(check))
                yield pytest.param(cls, params, check, id=f"{cls.__name__}-{i}-{name}")


@pytest.mark.parametrize("cls,params,check", list(_river_checks()))
def test_river_checks(cls, params, check):
    model = cls(**params)
    keywords = getattr(check, "keywords", {}) or {}
    if "dataset" in keywords and isinstance(model, base.AnomalyDetector):
        # river's anomaly datasets are downloaded; use an offline stream with the same role
        check.func(model, dataset=list(_anomaly_stream(1200 if "memory" in check.func.__name__ else 600)))
    else:
        check(model)


def _use(model, x, y):
    if isinstance(model, base.AnomalyDetector):
        return model.score_one(x), model.learn_one(x)
    return model.predict_proba_one(x), model.learn_one(x, y)


@pytest.mark.parametrize("cls,params", list(_instances()))
def test_input_not_mutated(cls, params):
    model = cls(**params)
    for x, y in _stream(model, 100):
        before = copy.deepcopy(x)
        _use(model, x, y)
        assert x == before


@pytest.mark.parametrize("cls,params", list(_instances()))
def test_outputs_in_unit_interval_and_missing_features(cls, params):
    model = cls(**params)
    data = _stream(model, 200)
    for i, (x, y) in enumerate(data):
        if i % 7 == 0:
            x = {k: v for k, v in x.items() if k != next(iter(x))}  # a feature goes missing
        if i % 11 == 0:
            x = {**x, f"new_{i}": 1.0}  # a feature appears
        out, _ = _use(model, x, y)
        if isinstance(model, base.AnomalyDetector):
            assert 0.0 <= out <= 1.0
        else:
            assert set(out) == {False, True}
            assert 0.0 <= out[True] <= 1.0
            assert abs(out[True] + out[False] - 1.0) < 1e-9


@pytest.mark.parametrize("cls,params", list(_instances()))
def test_pickle_and_registry_roundtrip_keep_predictions(cls, params):
    model = cls(**params)
    data = _stream(model, 150)
    for x, y in data[:120]:
        _use(model, x, y)
    clone_p = pickle.loads(pickle.dumps(model))
    clone_j = cls(**params)
    assert registry.restore_learner(clone_j, json.loads(json.dumps(registry.dump_learner(model))))
    for x, _ in data[120:]:
        if isinstance(model, base.AnomalyDetector):
            want = model.score_one(x)
            assert clone_p.score_one(x) == pytest.approx(want)
            assert clone_j.score_one(x) == pytest.approx(want)
        else:
            want = model.predict_proba_one(x)[True]
            assert clone_p.predict_proba_one(x)[True] == pytest.approx(want)
            assert clone_j.predict_proba_one(x)[True] == pytest.approx(want)


@pytest.mark.parametrize("cls,params", list(_instances()))
def test_registry_rejects_foreign_state(cls, params):
    model = cls(**params)
    assert not registry.restore_learner(model, {"class": "Other", "state": {}})
    assert not registry.restore_learner(model, {"class": cls.__name__, "state": {"weights": 1}})
    assert not registry.restore_learner(model, "garbage")


def test_prior_models_are_calibrated_and_better_than_failure_count():
    """The shipped priors on fresh simulated days: calibrated and above the consecutive-failures baseline."""
    from sklearn.metrics import roc_auc_score

    from pulsedev.models.linear import PriorLogistic
    from pulsedev.models.prior.train_prior import dataset

    rows, _ = dataset(6, seed=424242)
    model = PriorLogistic(prior=registry.load_prior("stuck"))
    p = [model.predict_proba_one(x)[True] for x, _ in rows]
    y = [lab == "stuck" for _, lab in rows]
    assert roc_auc_score(y, p) > roc_auc_score(y, [x["fail_streak"] for x, _ in rows]) + 0.05
    # calibration: in each probability band the observed rate is near the mean prediction
    for lo, hi in ((0.0, 0.2), (0.2, 0.5), (0.5, 0.8), (0.8, 1.01)):
        band = [(pi, yi) for pi, yi in zip(p, y) if lo <= pi < hi]
        if len(band) >= 40:
            mean_p = sum(pi for pi, _ in band) / len(band)
            rate = sum(yi for _, yi in band) / len(band)
            assert abs(mean_p - rate) < 0.15, (lo, hi, mean_p, rate)

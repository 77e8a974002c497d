"""Views: regressions on part of a slot's features, and the calibrator that reads what they say."""

from __future__ import annotations

import random

from pulsedev.models.types.calibration import Calibrator, Guess
from pulsedev.models.types.corpus import Sample
from pulsedev.models.types.model import OTHER, STATIC, _fit, train
from pulsedev.models.types.modelfile import load, save
from pulsedev.models.types.views import VIEWS, view_of


def _sample(name: str, use: str, label: str, group: str) -> Sample:
    feats = {"kind=p": 1.0, f"p:name={name}": 1.0, f"tok={name}": 1.0, f"u:{use}": 1.0, "p:rule=nodefault": 1.0}
    return Sample(feats, label, None, "parameter", group)


def _corpus(n: int = 600, seed: int = 0) -> list[Sample]:
    """Names and uses that each say a type: `port`/`count` ints, `host`/`text` strs; usage agrees 80 %."""
    rng = random.Random(seed)
    names = {"int": ["port", "count"], "str": ["host", "text"]}
    uses = {"int": "binop=Add", "str": "meth=lower"}
    out = []
    for i in range(n):
        label = rng.choice(["int", "str"])
        use_label = label if rng.random() < 0.8 else ("str" if label == "int" else "int")
        out.append(_sample(rng.choice(names[label]), uses[use_label], label, f"g{i % 6}"))
    return out


def test_features_split_into_what_a_slot_is_called_and_what_the_code_says():
    feats = ["kind=p", "p:name=port", "tok=port", "p:ftok=connect", "ctok=pool", "u:binop=Add", "p:rule=nodefault",
             "p:default=Constant"]
    assert [view_of(k) for k in feats] == [None, "name", "name", "name", "name", "code", "code", "code"]


def test_views_say_how_far_each_part_supports_a_type():
    vec, _, views = _fit(_corpus(), {"int", "str", STATIC}, min_feature_count=1)
    names = vec.feature_names_
    name_view, code_view = views.fitted
    assert all((name_view.coef_[:, i] == 0).all() for i, k in enumerate(names) if view_of(k) == "code")
    assert all((code_view.coef_[:, i] == 0).all() for i, k in enumerate(names) if view_of(k) == "name")
    agreeing = _sample("port", "binop=Add", "int", "t").features
    torn = _sample("port", "meth=lower", "int", "t").features
    X = vec.transform([agreeing, torn])
    (name_a, code_a), (name_t, code_t) = views.support(X, [None, None], ["int", "int"], STATIC, OTHER)
    assert name_a > 0.8 and name_t > 0.8  # the name view sees only `port`
    assert code_a > 0.6 > 0.4 > code_t  # the code view sees the use
    assert views.support(X[:1], [None], [None], STATIC, OTHER) == [(0.0, 0.0)]


def test_the_calibrator_trusts_a_guess_its_views_agree_on():
    rng = random.Random(1)
    rows, right = [], []
    for _ in range(2000):
        name_p, code_p = rng.random(), rng.random()
        rows.append(Guess("parameter", "int", 0.6, 0.2, 0.6, "nodefault", False, 1, views=(name_p, code_p)))
        right.append(rng.random() < min(name_p, code_p))
    cal = Calibrator.fit(rows, right)
    base = rows[0]
    torn, agreed = cal.predict([base._replace(views=(0.9, 0.1)), base._replace(views=(0.9, 0.9))])
    assert agreed > torn + 0.3


def test_a_trained_model_keeps_its_views_through_skops(tmp_path):
    model = train(_corpus(900, seed=2), folds=3, min_count=2)
    assert model.views is not None and len(model.views.fitted) == len(VIEWS)
    feats = [_sample("count", "binop=Add", "int", "t").features, _sample("text", "binop=Add", "str", "t").features]
    guesses = model.guesses(feats, [None, None], ["parameter", "parameter"])
    assert all(len(g.views) == len(VIEWS) for g in guesses)
    assert [g.type for g in guesses] == ["int", "str"]
    assert guesses[0].views[1] > 0.5 > guesses[1].views[1]  # `text` is added to: its use says int
    save(model, tmp_path / "m.skops")
    again = load(tmp_path / "m.skops")
    assert again.views is not None
    assert (again.predict(feats, [None, None], ["parameter"] * 2)
            == model.predict(feats, [None, None], ["parameter"] * 2))

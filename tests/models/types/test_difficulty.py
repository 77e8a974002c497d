"""Difficulty: how often a guessed type is right on a slot like this one, and what the calibrator makes of it."""

from __future__ import annotations

import random

from pulsedev.models.types.calibration import Calibrator, Guess
from pulsedev.models.types.difficulty import Difficulty


def _guesses(n: int = 900, seed: int = 0):
    """`port` guessed int is nearly always right; `data` guessed bytes is right a third of the time; `bytes`
    on `port` and `int` on `data` are a coin toss.  A name seen in one part only (`only_here`) is always right."""
    rng = random.Random(seed)
    feats, types, right, part = [], [], [], []
    for i in range(n):
        name, t = rng.choice([("port", "int"), ("data", "bytes"), ("port", "bytes"), ("data", "int")])
        odds = {("port", "int"): 0.95, ("data", "bytes"): 0.33}.get((name, t), 0.5)
        k = i % 3
        if k == 0 and rng.random() < 0.2:
            name, odds = "only_here", 1.0
        feats.append({"kind=p": 1.0, f"p:name={name}": 1.0})
        types.append(t)
        right.append(rng.random() < odds)
        part.append(k)
    return feats, types, right, part


def test_a_type_is_judged_on_the_slot_it_is_guessed_for():
    feats, types, right, _ = _guesses()
    d = Difficulty.fit(feats, types, right)
    port_int, data_bytes, port_bytes = d.predict([{"p:name=port": 1.0}, {"p:name=data": 1.0}, {"p:name=port": 1.0}],
                                                 ["int", "bytes", "bytes"])
    assert port_int > 0.85 and data_bytes < 0.45  # the same name says another thing of each type (crossed)
    assert data_bytes < port_bytes < port_int
    assert d.predict([], []) == []


def test_cross_fitted_probabilities_come_from_regressions_that_did_not_see_the_guess_s_part():
    feats, types, right, part = _guesses()
    crossed = Difficulty.cross_fitted(feats, types, right, part)
    full = Difficulty.fit(feats, types, right).predict(feats, types)
    only = [i for i, f in enumerate(feats) if "p:name=only_here" in f]
    assert only and all(full[i] > 0.8 for i in only)  # fitted on them, it knows the name is always right
    assert all(crossed[i] < 0.8 for i in only)  # fitted on the other parts, it has never seen the name


def test_the_calibrator_trusts_a_guess_more_where_such_guesses_are_right_more_often():
    rng = random.Random(1)
    rows = [Guess("parameter", "int", 0.6, 0.2, 0.6, "nodefault", False, 1, difficulty=rng.random())
            for _ in range(800)]
    cal = Calibrator.fit(rows, [rng.random() < g.difficulty for g in rows])
    hard, easy = cal.predict([rows[0]._replace(difficulty=0.1), rows[0]._replace(difficulty=0.9)])
    assert hard < 0.35 < 0.65 < easy


def test_a_saved_difficulty_that_is_not_a_regression_is_refused():
    feats, types, right, _ = _guesses(300)
    d = Difficulty.fit(feats, types, right)
    again = Difficulty.from_state(d.state())
    assert again is not None and again.predict(feats[:5], types[:5]) == d.predict(feats[:5], types[:5])
    assert Difficulty.from_state({"vectorizer": "x", "clf": None, "types": []}) is None
    assert Difficulty.from_state(None) is None

"""Calibrated confidence: how likely the model's chosen type is right, from more than its probability.

The logistic regression's probability ranks its guesses poorly across
types: 0.4 for `int` on a parameter named `port` is a safer bet than 0.6 for
`str` on one named `value`.  So the confidence shown is a second model's: a
gradient-boosted classifier (scikit-learn) fitted on the regression's
predictions for packages held out of its fit, from the chosen type's
probability, the runner-up's, the type itself, the slot kind, the static rule's
family (`rule_kind`) and whether it agrees, how much usage the slot shows, what regressions
that see only part of the slot's features think of the chosen type
(views.py), and how often that type is right on slots like this one
(difficulty.py).  What it learns is whether a guess of this kind is right on code
the regression has not seen.

>>> import random
>>> rng = random.Random(0)
>>> rows = [Guess("parameter", "int", p, 0.1, p, "nodefault", False, 2) for p in
...         [rng.random() for _ in range(400)]]
>>> cal = Calibrator.fit(rows, [rng.random() < r.p for r in rows])
>>> low, high = cal.predict([rows[0]._replace(p=0.05), rows[0]._replace(p=0.95)])
>>> low < 0.3 < 0.7 < high
True
"""

from __future__ import annotations

import collections
from typing import NamedTuple

from pulsedev.models.types.features import rule_family
from pulsedev.models.types.views import VIEWS

KIND_CODES = {"parameter": 0, "return": 1, "variable": 2}
MAX_TYPES = 40  # the most often guessed types get their own category; the rest share one


class Guess(NamedTuple):
    """What the calibrator sees of one prediction."""

    kind: str
    type: str
    p: float  # the chosen type's probability (after feedback penalties)
    runner_up: float  # the next consistent type's probability
    top: float  # the largest class probability before the usage filter
    rule: str  # the static rule of the slot
    agrees: bool  # the static candidate is the chosen type
    usage: int  # how many usage features the slot has
    stub: bool = False  # the slot is from a type stub (signature only): guesses there are harder
    fit: float = 0.0  # the chosen type is the static candidate's class and the use fits it (1) or not (-1)
    views: tuple[float, ...] = (0.0,) * len(VIEWS)  # each view's probability of the chosen type (views.py)
    difficulty: float = 0.5  # how often such a type is right on such a slot (difficulty.py)


def rule_kind(rule: str) -> str:
    """What the calibrator sees of a guess's static rule: its family (features.py), or the rule itself
    where it has none.  Learned per rule, the calibrator learned how right each rule was in the few
    packages of the corpus (a third of its `field_named` guesses right, against 58% on seven sets of
    unseen packages; `name_class_exact` 64% against 81%); per family, coverage at precision 0.9 rose
    on 8 of 11 sets of unseen packages (offline, one regression: mean +0.010, +0.005 without the set
    of generic containers; without any rule, on 5).  A rule's own rate still reaches it through the
    difficulty regression, which is regularised (difficulty.py).

    >>> rule_kind("name_class_exact_base"), rule_kind("forwarded_weak"), rule_kind("noreturn")
    ('name_class', 'forwarded', 'noreturn')
    """
    return rule_family(rule) or rule


class Calibrator:
    """P(right) of a guess (see module doc); `fit` on held-out guesses, then `predict`."""

    def __init__(self, clf, types: dict[str, int], rules: dict[str, int]):
        self.clf, self.types, self.rules = clf, types, rules

    @classmethod
    def fit(cls, guesses: list[Guess], correct: list[bool]) -> Calibrator:
        from sklearn.ensemble import HistGradientBoostingClassifier

        counts = collections.Counter(g.type for g in guesses)
        types = {t: i for i, (t, _) in enumerate(counts.most_common(MAX_TYPES))}
        kinds = collections.Counter(rule_kind(g.rule) for g in guesses)
        rules = {r: i for i, (r, _) in enumerate(kinds.most_common(200))}
        self = cls(None, types, rules)
        X = self._matrix(guesses)
        # Confidence may only rise with the chosen type's probability and its margin, and fall with the
        # runner-up's: on code unlike the corpus, a shape learned from noise would rank guesses worse
        # (on 15 packages' own slots: more hints at 0.8, at the same precision).  No early stopping: it
        # never stopped before the 150th round, so the random tenth it held out was only data lost; now
        # the same guesses always give the same calibrator.
        clf = HistGradientBoostingClassifier(max_iter=150, learning_rate=0.08, max_leaf_nodes=15,
                                             min_samples_leaf=30, l2_regularization=1.0,
                                             categorical_features=[0, 1, 2],
                                             monotonic_cst=[0, 0, 0, 1, -1, 1, 0, 0, 0, 0, 1, *[1] * (len(VIEWS) + 2)],
                                             early_stopping=False, random_state=0)
        if len(set(correct)) < 2:
            return self
        clf.fit(X, [bool(c) for c in correct])
        self.clf = clf
        return self

    def predict(self, guesses: list[Guess]) -> list[float]:
        """The calibrated confidence of each guess (its own probability while unfitted)."""
        if not guesses:
            return []
        if self.clf is None:
            return [g.p for g in guesses]
        proba = self.clf.predict_proba(self._matrix(guesses))
        right = list(self.clf.classes_).index(True)
        return [float(row[right]) for row in proba]

    def _matrix(self, guesses: list[Guess]):
        import numpy as np

        other_type, other_rule = len(self.types), len(self.rules)
        rows = []
        for g in guesses:
            rows.append([KIND_CODES.get(g.kind, 0), self.types.get(g.type, other_type),
                         self.rules.get(rule_kind(g.rule), other_rule), g.p, g.runner_up, g.p - g.runner_up, g.top,
                         float(g.agrees), float(min(g.usage, 20)), float(g.stub), g.fit, *g.views, min(g.views),
                         g.difficulty])
        return np.array(rows, dtype=np.float64)

    def state(self) -> dict:
        """What `modelfile.save` persists."""
        return {"clf": self.clf, "types": self.types, "rules": self.rules}

    @classmethod
    def from_state(cls, state: dict) -> Calibrator:
        return cls(state["clf"], dict(state["types"]), dict(state["rules"]))

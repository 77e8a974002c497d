"""Difficulty: how often a guess of this type is right on a slot with these features.

The calibrator (calibration.py) sees a guess through a dozen numbers: the
regression's probabilities, the views', the static rule, how much the slot
is used.  It does not see which slots are hard: a parameter named `data`
guessed `bytes`, one that is only passed on guessed `str`, a return guessed
`None` on a def whose body ends in a call.  `Difficulty` is a logistic
regression (scikit-learn) over the slot's own features, the guessed type,
and each feature crossed with the guessed type, fitted on whether the held-out
guesses the calibrator learns from were right.  Its probability is one more
input of the calibrator, which learns how far to trust it: the calibrator is
fitted on probabilities from difficulties that did not see the guess's package
(`cross_fitted`), as its own inputs come from regressions that did not.

Only the most often guessed types are crossed (`TYPES`); a feature must be
seen in at least `MIN_COUNT` guesses, and the saved regression keeps the
weights that move a guess's score (`PRUNE_BELOW`).  Over LSP on six sets of
unseen packages, coverage at precision 0.9 rose on five (0.002 to 0.017) and
held on the sixth; where only typeshed's stubs teach the calibrator, hints at
0.8 became fewer and more often right (precision 0.89-0.94 -> 0.92-0.95).

>>> import random
>>> rng = random.Random(0)
>>> feats = [{"p:name=data": 1.0} if i % 2 else {"p:name=port": 1.0} for i in range(400)]
>>> types = ["bytes" if i % 4 < 2 else "int" for i in range(400)]
>>> right = [(f.get("p:name=port") is not None) == (t == "int") or rng.random() < 0.1 for f, t in zip(feats, types)]
>>> d = Difficulty.fit(feats, types, right)
>>> easy, hard = d.predict([{"p:name=port": 1.0}, {"p:name=data": 1.0}], ["int", "int"])
>>> easy > 0.7 > 0.3 > hard
True
"""

from __future__ import annotations

import collections
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # scikit-learn is imported only when a model is trained or loaded
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

#: Inverse regularisation.  Offline on six sets of unseen packages, mean precision at coverage 0.3-0.6:
#: 0.9349 without a difficulty; crossed 0.9367 at C = 0.1, 0.9365 at 0.3; not crossed 0.9362 at 0.1, 0.9354 at 0.03.
C = 0.1
TYPES = 40  # the most often guessed types are crossed with the slot's features
MIN_COUNT = 3
PRUNE_BELOW = 0.01


@dataclass
class Difficulty:
    """A fitted regression (see module doc): `fit`, then `predict` P(right) per guess."""

    vectorizer: DictVectorizer
    clf: LogisticRegression
    types: frozenset[str]

    @classmethod
    def fit(cls, feats: list[dict[str, float]], types: list[str], right: list[bool]) -> Difficulty:
        import numpy as np
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression

        crossed = frozenset(t for t, _ in collections.Counter(types).most_common(TYPES))
        rows = [_row(f, t, crossed) for f, t in zip(feats, types)]
        counts = collections.Counter(k for r in rows for k in r)
        vec = DictVectorizer(dtype=np.float32)
        X = vec.fit_transform([{k: v for k, v in r.items() if counts[k] >= MIN_COUNT} for r in rows])
        clf = LogisticRegression(C=C, max_iter=200)
        if len(set(right)) < 2:  # nothing to tell apart: a constant regression
            clf.fit(np.zeros((2, X.shape[1]), dtype=np.float32), [False, True])
            return cls(vec, clf, crossed)
        clf.fit(X, [bool(r) for r in right])
        from pulsedev.models.types.model import prune  # (model.py holds a Difficulty: imported when fitting)

        prune(vec, [clf], PRUNE_BELOW)
        return cls(vec, clf, crossed)

    def predict(self, feats: list[dict[str, float]], types: list[str]) -> list[float]:
        """P(right) of guessing each type for each slot."""
        if not feats:
            return []
        X = self.vectorizer.transform([_row(f, t, self.types) for f, t in zip(feats, types)])
        return [float(p) for p in self.clf.predict_proba(X)[:, list(self.clf.classes_).index(True)]]

    def state(self) -> dict:
        """What `modelfile.save` persists."""
        return {"vectorizer": self.vectorizer, "clf": self.clf, "types": sorted(self.types)}

    @classmethod
    def from_state(cls, state) -> Difficulty | None:
        """The saved regression, or None if `state` is not one."""
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression

        if not (isinstance(state, dict) and isinstance(state.get("vectorizer"), DictVectorizer)
                and isinstance(state.get("clf"), LogisticRegression) and isinstance(state.get("types"), list)):
            return None
        return cls(state["vectorizer"], state["clf"], frozenset(map(str, state["types"])))

    @staticmethod
    def cross_fitted(feats: list[dict[str, float]], types: list[str], right: list[bool],
                     part: list[int]) -> list[float]:
        """Each guess's P(right) from a difficulty fitted on the guesses of the other parts (`part`: each
        guess's package's fold), so never on its own package's."""
        out = [0.5] * len(feats)
        for k in sorted(set(part)):
            train = [i for i, p in enumerate(part) if p != k]
            test = [i for i, p in enumerate(part) if p == k]
            if not train or not test:
                continue
            d = Difficulty.fit([feats[i] for i in train], [types[i] for i in train], [right[i] for i in train])
            for i, p in zip(test, d.predict([feats[i] for i in test], [types[i] for i in test])):
                out[i] = p
        return out


def _row(feats: dict[str, float], type_text: str, crossed: frozenset[str]) -> dict[str, float]:
    row = dict(feats)
    row[f"type={type_text}"] = 1.0
    if type_text in crossed:
        for k, v in feats.items():
            row[f"{type_text}|{k}"] = v
    return row

"""Views of a slot: what regressions that each see only part of its features say of a guess.

The type model's regression sees every feature of a slot at once.  A view is
another regression that sees one part of them only: what the slot is called
(its name's tokens, its def's and its class's names: `name`), or what the
code says of it (how it is used, its default, its static rule and candidate,
the shape of its returns: `code`).  When the two views agree on the chosen
type, the guess is right more often than its probability says; when one of
them thinks little of it, less.  So each view's probability of the chosen
type is an input of the calibrator (calibration.py), which learns how far
to trust the agreement.  (A third view, usage apart from the rest, added
nothing on 15 packages.)

>>> view_of("tok=port"), view_of("u:meth=encode"), view_of("p:rule=nodefault"), view_of("kind=p")
('name', 'code', 'code', None)
"""

from __future__ import annotations

import collections
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pulsedev.models.types.typetext import canonical

if TYPE_CHECKING:  # scikit-learn is imported only when a model is trained or loaded
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

VIEWS = ("name", "code")
_NAME_PREFIXES = ("tok=", "first=", "plural", "private", "ctok=", "method")
_NAME_PARTS = (":name=", ":last=", ":ftok=", ":ffirst=", ":dunder=")


def view_of(key: str) -> str | None:
    """The view a feature belongs to; None for those every view sees (the slot's kind)."""
    if key.startswith("kind="):
        return None
    if key.startswith(_NAME_PREFIXES) or any(part in key for part in _NAME_PARTS):
        return "name"
    return "code"


def seen_by(feats: dict[str, float], view: str) -> dict[str, float]:
    """The features of a slot that one view sees."""
    return {k: v for k, v in feats.items() if view_of(k) in (view, None)}


@dataclass
class Views:
    """One fitted regression per view, with the classes' type texts as the type model names them."""

    fitted: list[tuple[DictVectorizer, LogisticRegression]]

    @classmethod
    def fit(cls, samples: list, fit) -> Views:
        """`fit(samples)` -> (vectorizer, regression), applied to each view's part of the samples."""
        from dataclasses import replace

        return cls([fit([replace(s, features=seen_by(s.features, v)) for s in samples]) for v in VIEWS])

    def support(self, feats: list[dict[str, float]], statics: list[str | None], chosen: list[str | None],
                static: str, other: str) -> list[tuple[float, ...]]:
        """For each slot, each view's probability of the chosen type (0 for slots without one); the
        class named `static` stands for the slot's static candidate, the one named `other` for none."""
        columns = []
        for view, (vectorizer, clf) in zip(VIEWS, self.fitted):
            proba = clf.predict_proba(vectorizer.transform([seen_by(f, view) for f in feats]))
            classes = [str(c) for c in clf.classes_]
            column = []
            for row, candidate, t in zip(proba, statics, chosen):
                mass: dict[str, float] = collections.defaultdict(float)
                for c, p in zip(classes, row):
                    text = candidate if c == static else None if c == other else c
                    if text is not None:
                        mass[canonical(text) or text] += float(p)
                column.append(mass.get(canonical(t) or t, 0.0) if t is not None else 0.0)
            columns.append(column)
        return list(zip(*columns)) if columns else [() for _ in feats]

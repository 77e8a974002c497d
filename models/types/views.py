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
nothing on 15 packages.)  A view is fitted on the type model's own feature
matrix with the other view's columns cleared, so its weights there are zero
and it reads the same vectors the type model reads.

>>> view_of("tok=port"), view_of("u:meth=encode"), view_of("p:rule=nodefault"), view_of("kind=p")
('name', 'code', 'code', None)
"""

from __future__ import annotations

import collections
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pulsedev.models.types.typetext import type_key

if TYPE_CHECKING:  # scikit-learn is imported only when a model is trained or loaded
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


@dataclass
class Views:
    """One fitted regression per view (in `VIEWS` order), over the type model's feature columns."""

    fitted: list[LogisticRegression]

    @classmethod
    def fit(cls, X, y: list[str], feature_names: list[str], make) -> Views:
        """Fits `make()` (a fresh regression) per view on the columns of `X` that the view sees."""
        import numpy as np
        from scipy.sparse import diags

        fitted = []
        for view in VIEWS:
            seen = np.array([view_of(k) in (view, None) for k in feature_names], dtype=X.dtype)
            fitted.append(make().fit(X @ diags(seen), y))
        return cls(fitted)

    def support(self, X, statics: list[str | None], chosen: list[str | None],
                static: str, other: str) -> list[tuple[float, ...]]:
        """For each row of `X`, each view's probability of the chosen type (0 for slots without one);
        the class named `static` stands for the slot's static candidate, the one named `other` for none."""
        columns = []
        for clf in self.fitted:
            classes = [str(c) for c in clf.classes_]
            of_type: dict[str, list[int]] = collections.defaultdict(list)  # several texts may be one type
            for i, c in enumerate(classes):
                if c not in (static, other):
                    of_type[type_key(c)].append(i)
            mine = classes.index(static) if static in classes else None
            column = []
            for row, candidate, t in zip(clf.predict_proba(X), statics, chosen):
                if t is None:
                    column.append(0.0)
                    continue
                want = type_key(t)
                p = sum(float(row[i]) for i in of_type.get(want, ()))
                if mine is not None and candidate is not None and type_key(candidate) == want:
                    p += float(row[mine])
                column.append(p)
            columns.append(column)
        return list(zip(*columns))

"""The learned type model: slot features -> a type, with a calibrated probability.

A multinomial logistic regression (scikit-learn) over the sparse features of
features.py.  Its classes are the frequent annotation texts of the corpus, plus
`<static>` ("the static candidate is right", so a rule's reliability is learned
in context, and workspace classes outside the vocabulary are reachable) and
`<other>` (never shown).  Candidates that the slot's usage rules out are
skipped (consistency.py).  The confidence shown comes from a calibrator
(calibration.py) fitted on the regression's guesses for packages held out of
its fit (grouped folds), since the model is used on code it has not seen (but
not on samples whose labels were written for other code than the code they
label, `Sample.calibrates`: typeshed's for the standard library); it
also reads what two regressions on parts of the features say of each guess
(views.py), and how often guesses of that type are right on slots like it
(difficulty.py, fitted on the same held-out guesses).  Persisted with skops
(no pickle) by modelfile.py, with float32 weights and a pruned vocabulary.
Accepted and rejected hints adjust it online (`learn_feedback`).
"""

from __future__ import annotations

import collections
import hashlib
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from pulsedev.models.types.calibration import Calibrator, Guess
from pulsedev.models.types.consistency import consistent
from pulsedev.models.types.corpus import Sample, feature_value
from pulsedev.models.types.difficulty import Difficulty
from pulsedev.models.types.typetext import canonical, split_union, type_key
from pulsedev.models.types.views import Views

STATIC, OTHER = "<static>", "<other>"
KINDS = ("parameter", "return", "variable")
MODEL_VERSION = 4
#: Inverse regularisation strength of the logistic regression.  Offline, on the samples of three
#: sets of unseen packages, coverage at precision 0.9 at C = 1, 0.5, 0.25, 0.125: 0.598, 0.605,
#: 0.625, 0.619 (held-out set); 0.528, 0.522, 0.527, 0.524; 0.481, 0.485, 0.495, 0.489; and 0.25
#: kept its lead over 0.5 with a twentieth of the corpus's packages left out.
C = 0.25
#: A feature whose largest weight over all classes is below this is pruned from the saved model.
PRUNE_BELOW = 0.05

if TYPE_CHECKING:  # scikit-learn and numpy are imported only when a model is trained or loaded
    import numpy as np
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression


@dataclass
class TypeModel:
    """A fitted model with its calibrator and metadata."""

    vectorizer: DictVectorizer
    clf: LogisticRegression
    calibrator: Calibrator | None
    views: Views
    trained_at: float = 0.0
    samples: int = 0
    metrics: dict[str, float] = field(default_factory=dict)
    penalties: dict[str, float] = field(default_factory=dict)  # label -> multiplier from rejections
    difficulty: Difficulty | None = None

    def predict(self, feats: list[dict[str, float]], statics: list[str | None],
                kinds: list[str]) -> list[tuple[str | None, float]]:
        """For each slot, the best type text (None = abstain) and its calibrated probability."""
        guesses = self.guesses(feats, statics, kinds)
        shown = [g for g in guesses if g is not None]
        confidence = iter(self.calibrator.predict(shown) if self.calibrator is not None else [g.p for g in shown])
        return [(g.type, next(confidence)) if g is not None else (None, 0.0) for g in guesses]

    def guesses(self, feats: list[dict[str, float]], statics: list[str | None],
                kinds: list[str]) -> list[Guess | None]:
        """The regression's best consistent type for each slot, as the calibrator sees it."""
        if not feats:
            return []
        X = self.vectorizer.transform(feats)
        proba = self.clf.predict_proba(X)
        classes = [str(c) for c in self.clf.classes_]
        out: list[Guess | None] = []
        for row, static, kind, f in zip(proba, statics, kinds, feats):
            t, p, runner_up = _best(row, classes, static, f)
            if t is None or (kind != "return" and t == "None"):  # only None: no hint for a parameter or variable
                out.append(None)
                continue
            agrees = static is not None and canonical(static) == canonical(t)
            rule = feature_value(f, f"{kind[0]}:rule", "none")
            usage = sum(k.startswith("u:") for k in f)
            fit = (f"{kind[0]}:fit=found" in f) - (f"{kind[0]}:fit=missing" in f) if agrees else 0
            out.append(Guess(kind, t, float(p) * self.penalties.get(t, 1.0), float(runner_up), float(row.max()),
                             rule, agrees, usage, "stubbed" in f, float(fit)))
        support = self.views.support(X, statics, [g.type if g else None for g in out], STATIC, OTHER)
        out = [g._replace(views=s) if g is not None else None for g, s in zip(out, support)]
        if self.difficulty is not None:
            shown = [i for i, g in enumerate(out) if g is not None]
            for i, d in zip(shown, self.difficulty.predict([feats[i] for i in shown], [out[i].type for i in shown])):
                out[i] = out[i]._replace(difficulty=d)
        return out

    def learn_feedback(self, feats: dict[str, float], type_text: str, accepted: bool) -> None:
        """Online update from a hint the user accepted (a sample) or rejected (a penalty)."""
        if accepted:
            self.penalties[type_text] = min(1.0, self.penalties.get(type_text, 1.0) * 1.05)
        else:
            self.penalties[type_text] = max(0.5, self.penalties.get(type_text, 1.0) * 0.9)


def _best(row: np.ndarray, classes: list[str], static: str | None,
          feats: dict[str, float]) -> tuple[str | None, float, float]:
    """The likeliest type consistent with the slot's usage, its probability and the runner-up's."""
    scores: dict[str, float] = collections.defaultdict(float)
    texts: dict[str, str] = {}
    for i in row.argsort()[::-1][:8]:  # the top classes hold nearly all the mass
        c, p = classes[i], row[i]
        if c == OTHER or (c == STATIC and static is None):
            continue
        text = static if c == STATIC else str(c)
        if not consistent(text, feats):
            continue
        key = type_key(text)
        scores[key] += p
        if c == STATIC or key not in texts:
            texts[key] = text
    if not scores:
        return None, 0.0, 0.0
    ranked = sorted(scores, key=scores.__getitem__, reverse=True)
    return texts[ranked[0]], scores[ranked[0]], scores[ranked[1]] if len(ranked) > 1 else 0.0


def _without_sentinel(sample: Sample) -> Sample:
    """A parameter defaulting to a sentinel is learned as the rest of its type: `combine` joins the
    sentinel's class to what the model chooses (`bool | UseClientDefault` is learned as `bool`)."""
    cls = feature_value(sample.features, "p:sentinel")
    members = split_union(sample.label) if cls is not None else []
    rest = [m for m in members if m != cls]
    return replace(sample, label=" | ".join(rest)) if rest and len(rest) < len(members) else sample


def _vocab(samples: list[Sample], min_count: int, max_classes: int) -> set[str]:
    counts = collections.Counter(s.label for s in samples)
    groups = collections.defaultdict(set)
    for s in samples:
        groups[s.label].add(s.group)
    ranked = [lab for lab, n in counts.most_common() if n >= min_count and len(groups[lab]) >= 2]
    return set(ranked[:max_classes]) | {STATIC}


def _balance(samples: list[Sample], per_group: int, per_label: int) -> list[Sample]:
    """Caps samples per package and per (package, label) so no package dominates."""
    seen: collections.Counter = collections.Counter()
    by_group: collections.Counter = collections.Counter()
    out = []
    for s in samples:
        if by_group[s.group] >= per_group or seen[(s.group, s.label)] >= per_label:
            continue
        seen[(s.group, s.label)] += 1
        by_group[s.group] += 1
        out.append(s)
    return out


def _fit(samples: list[Sample], vocab: set[str],
         min_feature_count: int = 3) -> tuple[DictVectorizer, LogisticRegression, Views]:
    import numpy as np
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    counts: collections.Counter = collections.Counter()
    for s in samples:
        counts.update(s.features.keys())
    keep = {k for k, n in counts.items() if n >= min_feature_count}
    vec = DictVectorizer(dtype=np.float32)
    X = vec.fit_transform([{k: v for k, v in s.features.items() if k in keep} for s in samples])
    y = [s.label if s.label in vocab else OTHER for s in samples]

    def make():
        return LogisticRegression(C=C, max_iter=100, tol=1e-3)

    clf = make().fit(X, y)
    views = Views.fit(X, y, vec.feature_names_, make)
    # Features that move no class's score in any regression are dropped: the file stays small (stub names are many).
    prune(vec, [clf, *views.fitted], PRUNE_BELOW)
    return vec, clf, views


def prune(vec: DictVectorizer, regressions: list[LogisticRegression], below: float) -> None:
    """Drops the features whose largest weight in every regression over `vec`'s columns is under
    `below`, and stores the weights as float32."""
    import numpy as np

    support = np.abs(np.vstack([c.coef_ for c in regressions])).max(axis=0) >= below
    vec.restrict(support)
    for c in regressions:
        c.coef_ = c.coef_[:, support].astype(np.float32)
        c.n_features_in_ = int(support.sum())
        c.intercept_ = c.intercept_.astype(np.float32)


def fold(group: str, folds: int) -> int:
    """A package's calibration fold, from its name alone: installing or removing a package moves no
    other package's fold, as a shuffle of all packages would.  Offline, with a twentieth of the
    packages left out (two draws), a slot's confidence on the three sets moved by 0.026-0.042 on
    average, 0.050-0.053 shuffled, and 2-5% of the slots crossed 0.8, 5-8% shuffled.

    >>> fold("requests", 3) == fold("requests", 3), {fold(f"pkg{i}", 3) for i in range(20)} == {0, 1, 2}
    (True, True)
    """
    return int.from_bytes(hashlib.blake2b(group.encode(), digest_size=8).digest(), "big") % folds


def _correct(pred: str | None, sample: Sample) -> bool:
    truth = sample.static if sample.label == STATIC else sample.label
    return pred is not None and truth is not None and canonical(pred) == canonical(truth)


def train(samples: list[Sample], folds: int = 3, min_count: int = 8, max_classes: int = 60,
          log=lambda msg: None) -> TypeModel:
    """Fits the model on all samples; its calibrator on its guesses for package-held-out folds."""
    import numpy as np

    start = time.time()
    # Per package, a label is capped at 500 samples: no package dominates, yet the frequent (and
    # easy) labels keep near their natural share, which the calibrator's confidence depends on.
    samples = _balance([_without_sentinel(s) for s in samples], per_group=2500, per_label=500)
    vocab = _vocab(samples, min_count, max_classes)
    fold_of = {g: fold(g, folds) for g in {s.group for s in samples}}
    held: list[Guess] = []
    right: list[bool] = []
    held_feats: list[dict[str, float]] = []
    held_fold: list[int] = []
    for k in range(folds):
        train_s = [s for s in samples if fold_of[s.group] != k]
        test_s = [s for s in samples if fold_of[s.group] == k]
        if not train_s or not test_s:
            continue
        vec, clf, views = _fit(train_s, vocab)
        guesses = TypeModel(vec, clf, None, views).guesses(
            [s.features for s in test_s], [s.static for s in test_s], [s.kind for s in test_s])
        for g, s in zip(guesses, test_s):
            if g is not None and s.calibrates:
                held.append(g)
                right.append(_correct(g.type, s))
                held_feats.append(s.features)
                held_fold.append(k)
        log(f"fold {k}: {len(train_s)} train, {len(test_s)} held out")
    difficulty = calibrator = None
    if len(held) >= 100:
        types = [g.type for g in held]
        crossed = Difficulty.cross_fitted(held_feats, types, right, held_fold)
        held = [g._replace(difficulty=d) for g, d in zip(held, crossed)]
        difficulty = Difficulty.fit(held_feats, types, right)
        calibrator = Calibrator.fit(held, right)
    metrics: dict[str, float] = {}
    if calibrator is not None:  # in-sample for the calibrator, held out for the regression
        conf = np.array(calibrator.predict(held))
        ok = np.array(right, dtype=float)
        for kind in KINDS:
            mask = np.array([g.kind == kind for g in held])
            if mask.sum() < 30:
                continue
            shown = mask & (conf >= 0.8)
            metrics[f"{kind}_heldout_top1"] = round(float(ok[mask].mean()), 3)
            metrics[f"{kind}_heldout_coverage@0.8"] = round(float(shown.sum() / mask.sum()), 3)
            metrics[f"{kind}_heldout_precision@0.8"] = round(float(ok[shown].mean()) if shown.any() else 0.0, 3)
    vec, clf, views = _fit(samples, vocab)
    metrics["train_seconds"] = round(time.time() - start, 1)
    return TypeModel(vec, clf, calibrator, views, time.time(), len(samples), metrics, difficulty=difficulty)

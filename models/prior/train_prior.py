"""Train the shipped prior models (stuck, flow) on many randomised simulated days.

Run: `python -m pulsedev.models.prior.train_prior [--days N] [--seed S]`.
It draws a random persona per day from wide ranges (`random_persona`), plus
the named personas, replays each day through `WindowFeatures` exactly as the
detector does (one snapshot per minute tick), fits a standardised logistic
regression per class (scikit-learn, L2) and writes `stuck.json` and
`flow.json` beside this file: features, mean, scale, weights, bias and the
held-out figures.  Small JSON, loaded in milliseconds, never unpickled.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np

from pulsedev.models.features import WindowFeatures
from pulsedev.models.labelling import add_votes
from pulsedev.models.simulation import NAMED, random_persona, simulate_day

HERE = Path(__file__).parent
#: Not learned from: the idle rule's input, and absolute event counts, which
#: depend on how finely a client reports edits (keystrokes or chunks); their
#: ratios and the values relative to the developer's own baseline are kept.
#: Near-duplicates (act_rel ~ edits_rel, edit_ratio_15 ~ edit_ratio_5) are left
#: out too: collinear pairs get large opposite weights that break on new data.
EXCLUDE = {"idle_s", "act_1", "act_5", "edits_1", "edits_5", "edits_15", "nav_5", "chars_per_edit_5",
           "gap_mean_5", "gap_sd_5", "act_rel", "edit_ratio_15"}


def day_rows(day, idle_after: float = 180.0):
    """(features, label) per minute tick of a simulated day, as the detector sees them."""
    wf = WindowFeatures()
    rows = []
    events = day.events
    k = 0
    for t, label, _ in day.minutes:
        while k < len(events) and events[k].ts < t:
            wf.observe(events[k])
            k += 1
        x = add_votes(wf.snapshot(t))
        if label != "idle" and wf.idle_seconds(t) < idle_after:
            rows.append((x, label))
    return rows


def dataset(days: int, seed: int):
    """Rows from `days` random-persona days (each day its own persona and seed)."""
    rng = random.Random(seed)
    rows, groups = [], []
    for i in range(days):
        p = random_persona(rng, f"r{i}") if i % 5 else NAMED[list(NAMED)[(i // 5) % len(NAMED)]]
        # two consecutive days per persona so the personal baseline is warm for half the rows
        r = day_rows(simulate_day(p, seed=rng.randrange(1 << 30), hours=rng.uniform(4, 9)))
        rows += r
        groups += [i] * len(r)
    return rows, np.array(groups)


def fit(rows, target: str, names: list[str], C: float = 0.02) -> dict:
    """A standardised L2 logistic regression for `label == target`, as a prior dict.

    Strong L2 (small C): it costs nothing on held-out simulated days and keeps
    the weights small enough to carry over to event streams unlike the simulator's.
    """
    from sklearn.linear_model import LogisticRegression

    X = np.array([[x.get(n, np.nan) for n in names] for x, _ in rows])
    y = np.array([lab == target for _, lab in rows])
    mean = np.nanmean(X, 0)
    X = np.where(np.isnan(X), mean, X)  # an absent feature is no evidence: the mean, as at prediction
    scale = X.std(0)
    scale[scale < 1e-6] = 1.0
    clf = LogisticRegression(C=C, max_iter=2000).fit((X - mean) / scale, y)
    return {
        "features": names,
        "mean": dict(zip(names, map(float, mean))),
        "scale": dict(zip(names, map(float, scale))),
        "weights": dict(zip(names, map(float, clf.coef_[0]))),
        "bias": float(clf.intercept_[0]),
    }


def evaluate(prior: dict, rows, target: str) -> dict:
    """AUC, F1 at 0.5 and the Brier score of a prior on held-out rows."""
    from sklearn.metrics import brier_score_loss, f1_score, roc_auc_score

    from pulsedev.models.linear import PriorLogistic

    m = PriorLogistic(prior=prior)
    p = np.array([m.predict_proba_one(x)[True] for x, _ in rows])
    y = np.array([lab == target for _, lab in rows])
    return {"auc": round(float(roc_auc_score(y, p)), 4), "f1": round(float(f1_score(y, p >= 0.5)), 4),
            "brier": round(float(brier_score_loss(y, p)), 4), "n": len(y)}


def main(argv: list[str] | None = None) -> None:
    """Train, report held-out figures, write the prior JSON files."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=160)
    ap.add_argument("--seed", type=int, default=20260101)
    ap.add_argument("--out", type=Path, default=HERE)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    train, _ = dataset(args.days, args.seed)
    test, _ = dataset(max(20, args.days // 4), args.seed + 1)
    names = sorted(k for k in train[0][0] if k not in EXCLUDE)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    for target in ("stuck", "flow"):
        prior = fit(train, target, names)
        rate = sum(lab == target for _, lab in train) / len(train)
        prior.update({"name": target, "version": 1, "trained_at": stamp, "samples": len(train), "rate": rate,
                      "metrics": evaluate(prior, test, target)})
        (args.out / f"{target}.json").write_text(json.dumps(prior, indent=1, sort_keys=True))
        print(target, prior["metrics"])
    print(f"{len(train)} train rows, {len(test)} test rows, {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()

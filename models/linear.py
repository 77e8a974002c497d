"""The shared online logistic model behind the stuck and flow classifiers.

`PriorLogistic` is a binary river classifier whose starting point is a prior
(weights, bias and a fixed standardisation, trained offline on simulated
days and shipped in `pulsedev/models/prior/`).  Each label moves it by SGD on
the log loss with an L2 pull back toward the prior, so a handful of self
reports personalises it without forgetting what the prior knew, and its
output stays a calibrated probability.  Without a prior it standardises
online (running mean and variance) and starts from zero weights.
"""

from __future__ import annotations

import math
from typing import Any

from river import base

CLIP = 4.0  # standardised inputs are clipped: values far outside what was seen add no more evidence


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class PriorLogistic(base.Classifier):
    """Logistic regression anchored to a prior, learning online.

    Parameters
    ----------
    prior
        `{"features": [...], "mean": {...}, "scale": {...}, "weights": {...}, "bias": b}`
        or None to learn from scratch on whatever numeric features arrive.
    lr
        SGD step size per labelled sample.
    pull
        Strength of the L2 pull toward the prior weights.
    lr_cal
        Step size of the recalibration of the prior's logit (`a * z + b`, Platt
        style): with a prior, personal labels mostly move these two numbers,
        which is what a handful of labels can estimate without overfitting.


    """

    _state_attrs = ("weights", "bias", "mean", "var", "m2", "cnt", "n", "seen", "a", "b")

    def __init__(self, prior: dict | None = None, lr: float = 0.05, pull: float = 0.01, lr_cal: float = 0.05):
        self.prior = prior
        self.lr = lr
        self.pull = pull
        self.lr_cal = lr_cal
        self.a = 1.0
        self.b = 0.0
        p = prior or {}
        self.weights: dict[str, float] = dict(p.get("weights", {}))
        self.bias: float = float(p.get("bias", 0.0))
        self.mean: dict[str, float] = dict(p.get("mean", {}))
        self.var: dict[str, float] = {k: float(s) ** 2 for k, s in p.get("scale", {}).items()}
        self.m2: dict[str, float] = {}
        self.cnt: dict[str, int] = {}
        self.n: int = 0
        self.seen: list = []

    @property
    def _multiclass(self) -> bool:
        return False

    def _fixed(self) -> bool:
        return bool(self.prior)

    def _scaled(self, x: dict) -> dict[str, float]:
        out = {}
        names = self.prior["features"] if self.prior else self.mean.keys()
        mean, var = self.mean, self.var
        for k in names:
            v = x.get(k, mean.get(k, 0.0))
            if not isinstance(v, (int, float)):
                continue
            sd = math.sqrt(var.get(k, 1.0)) or 1.0
            z = (float(v) - mean.get(k, 0.0)) / sd
            out[k] = z if -CLIP <= z <= CLIP else math.copysign(CLIP, z)
        return out

    def _raw(self, x: dict) -> float:
        z = self.bias
        w = self.weights
        for k, v in self._scaled(x).items():
            z += w.get(k, 0.0) * v
        return z

    def predict_proba_one(self, x: dict) -> dict[bool, float]:
        """{False: 1 - p, True: p}, p the calibrated probability of the positive class."""
        p = _sigmoid(self.a * self._raw(x) + self.b)
        return {False: 1.0 - p, True: p}

    def learn_one(self, x: dict, y: Any, w: float = 1.0) -> None:
        """One SGD step toward label `y` (truthy = positive), weighted by `w`."""
        y = bool(y)
        if y not in self.seen:
            self.seen.append(y)
        if not self._fixed():
            self._track(x)
        xs = self._scaled(x)
        z = self._raw(x)
        p = _sigmoid(self.a * z + self.b)
        g = (float(y) - p) * w
        if self.prior:  # recalibrate the prior's logit first; weights move slowly
            zc = max(-8.0, min(8.0, z))
            self.a += self.lr_cal * (g * zc / 8.0 - self.pull * (self.a - 1.0))
            self.a = max(0.2, min(self.a, 3.0))
            self.b += self.lr_cal * (g - self.pull * self.b)
            g *= self.a
        lr, pull = self.lr, self.pull
        prior_w = self.prior["weights"] if self.prior else {}
        weights = self.weights
        for k, v in xs.items():
            cur = weights.get(k, 0.0)
            weights[k] = cur + lr * (g * v - pull * (cur - prior_w.get(k, 0.0)))
        prior_b = self.prior.get("bias", 0.0) if self.prior else 0.0
        self.bias += lr * (g - pull * (self.bias - prior_b))
        self.n += 1

    def _track(self, x: dict) -> None:
        for k, v in x.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                continue
            c = self.cnt.get(k, 0) + 1
            self.cnt[k] = c
            m = self.mean.get(k, 0.0)
            d = float(v) - m
            m += d / c
            m2 = self.m2.get(k, 0.0) + d * (float(v) - m)
            self.mean[k] = m
            self.m2[k] = m2
            self.var[k] = m2 / c if c > 1 and m2 > 0 else 1.0

    def _contributions(self, x: dict) -> dict[str, float]:
        """Each feature's share of the logit (the evidence behind a score)."""
        w = self.weights
        return {k: w.get(k, 0.0) * v for k, v in self._scaled(x).items()}

    @classmethod
    def _unit_test_params(cls):
        yield {}
        yield {"lr": 0.1, "pull": 0.0}

"""The anomaly scorer: how unusual the recent window is for this developer.

`SessionAnomaly` keeps one Gaussian (mean, full covariance, exponentially
forgetting) per mode of work (the detector passes its state as `x["mode"]`;
without it the nearest mode is used), so a stuck stretch is scored against
the developer's own stuck minutes and is *not* unusual.  The score is the
smallest Mahalanobis distance over the modes, calibrated by a running
percentile among the distances of the developer's recent minutes: the score
is `u ** (log 0.5 / log q)`, so 0.5 sits at the `q` percentile (0.93; the detector smooths it over minutes).
ADWIN watches the distances: when the developer's normal drifts, the model forgets faster for a while.
"""

from __future__ import annotations

import bisect
import math

import numpy as np
from river import drift
from river.base import AnomalyDetector

#: Pace, rhythm and mix of the last minutes (names from `features.py`).
FEATURES = (
    "act_5", "edits_5", "add_5", "chars_per_edit_5", "active_5", "churn_5",
    "gap_mean_5", "gap_sd_5", "pause_short_15", "pause_mid_15", "pause_long_15",
    "edit_ratio_5", "nav_5", "switch_5", "cmds_5", "debug_15", "saves_5",
)


class SessionAnomaly(AnomalyDetector):
    """Per-mode Gaussian Mahalanobis scorer with quantile calibration and ADWIN.

    Parameters
    ----------
    features
        Feature names to use; None = every numeric feature of the first sample.
    warmup
        Samples a mode needs before it scores (until then: 0.0).
    horizon
        Forgetting horizon in samples (older samples weigh e^-1 after this many).
    q
        The quantile of ordinary distances that maps to score 0.5.
    shrink
        Covariance shrinkage toward the diagonal (robust with few samples).

    Examples
    --------
    >>> import random
    >>> rng = random.Random(3)
    >>> model = SessionAnomaly(features=("a", "b"), warmup=50)
    >>> for _ in range(400):
    ...     a = rng.gauss(0, 1)
    ...     model.learn_one({"a": a, "b": a + rng.gauss(0, 0.3)})
    >>> usual = model.score_one({"a": 1.0, "b": 1.1})
    >>> odd = model.score_one({"a": 1.0, "b": -1.0})
    >>> print(f"{usual:.2f} {odd:.2f}")
    0.03 1.00
    """

    _state_attrs = ("modes", "recent", "n", "drifts", "fast_until", "names")

    def __init__(self, features: tuple | None = FEATURES, warmup: int = 60, horizon: int = 3000,
                 q: float = 0.93, shrink: float = 0.1):
        self.features = features
        self.warmup = warmup
        self.horizon = horizon
        self.q = q
        self.shrink = shrink
        self.names: list[str] | None = list(features) if features else None
        self.modes: dict[str, dict] = {}
        self.recent: list[float] = []  # ring of recent ordinary distances (for the quantile)
        self.adwin = drift.ADWIN(delta=0.002)
        self.n = 0
        self.drifts = 0
        self.fast_until = 0
        self._inv: dict[str, np.ndarray] = {}
        self._ref: list[float] | None = None

    def _vec(self, x: dict) -> np.ndarray:
        if not self.names:
            self.names = sorted(k for k, v in x.items() if isinstance(v, (int, float)) and not isinstance(v, bool))
        return np.array([float(x.get(k, 0.0) or 0.0) if isinstance(x.get(k, 0.0), (int, float)) else 0.0
                         for k in self.names])

    def _dist(self, mode: str, v: np.ndarray) -> float:
        m = self.modes[mode]
        inv = self._inv.get(mode)
        if inv is None:
            cov = np.array(m["cov"])
            d = np.diag(np.diag(cov))
            reg = (1 - self.shrink) * cov + self.shrink * d + 0.01 * np.eye(len(v))
            inv = np.linalg.pinv(reg)
            self._inv[mode] = inv
        diff = v - np.array(m["mean"])
        return float(diff @ inv @ diff) / len(v) if len(v) else 0.0

    def _distances(self, v: np.ndarray) -> dict[str, float]:
        return {k: self._dist(k, v) for k, m in self.modes.items() if m["n"] >= self.warmup}

    def score_one(self, x: dict) -> float:
        """Anomaly in [0, 1]: 0.5 and above is unusual for this developer."""
        if not self.modes:
            return 0.0
        v = self._vec(x)
        ds = self._distances(v)
        if not ds:
            return 0.0
        d = min(ds.values())
        ref = self._reference()
        if len(ref) < 20:
            return 0.0
        u = bisect.bisect_right(ref, d) / len(ref)  # the percentile among ordinary minutes
        return u ** (math.log(0.5) / math.log(self.q))

    def learn_one(self, x: dict) -> None:
        """Update the mode `x["mode"]` (or the nearest) with the sample."""
        v = self._vec(x)
        if not len(v):
            return
        mode = x.get("mode") if isinstance(x.get("mode"), str) else None
        ds = self._distances(v)
        if ds:
            d = min(ds.values())
            ref = self._reference()
            self.recent.append(d)
            bisect.insort(ref, d)
            while len(self.recent) > self.horizon:
                old = self.recent.pop(0)
                del ref[bisect.bisect_left(ref, old)]
            self.adwin.update(min(d, 50.0))
            if self.adwin.drift_detected:
                self.drifts += 1
                self.fast_until = self.n + self.horizon // 10
        if mode is None:
            mode = min(ds, key=ds.get) if ds else "default"
        m = self.modes.get(mode)
        if m is None:
            m = self.modes[mode] = {"n": 0, "mean": v.tolist(), "cov": np.eye(len(v)).tolist()}
        m["n"] += 1
        horizon = self.horizon // 5 if self.n < self.fast_until else self.horizon
        a = max(1.0 / m["n"], 1.0 / horizon)
        mean = np.array(m["mean"])
        diff = v - mean
        mean = mean + a * diff
        cov = (1 - a) * (np.array(m["cov"]) + a * np.outer(diff, diff))
        m["mean"], m["cov"] = mean.tolist(), cov.tolist()
        self._inv.pop(mode, None)
        self.n += 1

    @classmethod
    def _unit_test_params(cls):
        yield {"features": None, "warmup": 20, "horizon": 500}
        yield {"features": ("a", "b"), "warmup": 50, "q": 0.99}

    def _reference(self) -> list[float]:
        """The recent distances, sorted (kept in step with `recent`)."""
        if self._ref is None:
            self._ref = sorted(self.recent)
        return self._ref

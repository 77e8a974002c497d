"""The stuck classifier: P(the developer is stuck) from window features.

Cold, it is the shipped prior (`prior/stuck.json`, trained on many
randomised simulated days); every self report, `pulsedev.selfReport` and
suggestion feedback is a label that moves it at once (see `PriorLogistic`).
"""

from __future__ import annotations

from pulsedev.models.linear import PriorLogistic


class StuckClassifier(PriorLogistic):
    """Online stuck-vs-not classifier with a calibrated probability.

    The evidence it weighs: the same failure repeating (test id or error
    signature), Jadud's Error Quotient, Becker's Repeated Error Density,
    churn and edit-undo cycles, mid-length pauses, navigation without edits,
    focus lost, failing commands, all relative to the developer's own pace.

    Parameters
    ----------
    prior
        The prior model as a dict (`registry.load_prior("stuck")`), or None.
    lr
        SGD step size per label.
    pull
        L2 pull toward the prior weights.

    Examples
    --------
    >>> import random
    >>> rng = random.Random(42)
    >>> model = StuckClassifier(lr=0.2)
    >>> for _ in range(300):
    ...     stuck = rng.random() < 0.3
    ...     x = {"same_fail_15": rng.gauss(2.0 if stuck else 0.2, 0.5),
    ...          "edits_rel": rng.gauss(-0.5 if stuck else 0.3, 0.5)}
    ...     model.learn_one(x, stuck)
    >>> p = model.predict_proba_one({"same_fail_15": 2.2, "edits_rel": -0.6})[True]
    >>> q = model.predict_proba_one({"same_fail_15": 0.1, "edits_rel": 0.4})[True]
    >>> print(f"{p:.3f} {q:.3f}")
    0.961 0.024
    """

    @classmethod
    def _unit_test_params(cls):
        from pulsedev.models.registry import load_prior

        yield {}
        yield {"prior": load_prior("stuck"), "lr": 0.01}

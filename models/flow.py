"""The flow classifier: P(the developer is in flow) from window features.

Same machinery as the stuck classifier (`PriorLogistic`) with its own prior
(`prior/flow.json`): sustained editing at the developer's own pace, few
pauses over 15 s, little navigation or switching, progress (net characters,
passing tests, fixed failures) rather than churn.
"""

from __future__ import annotations

from pulsedev.models.linear import PriorLogistic


class FlowClassifier(PriorLogistic):
    """Online flow-vs-not classifier with a calibrated probability.

    A red test inside flow is not evidence against flow when it is fixed
    soon (`fixes_15`, `new_fail_15` vs `same_fail_15`); the prior learned
    that from simulated days where it happens.

    Parameters
    ----------
    prior
        The prior model as a dict (`registry.load_prior("flow")`), or None.
    lr
        SGD step size per label.
    pull
        L2 pull toward the prior weights.

    Examples
    --------
    >>> import random
    >>> rng = random.Random(7)
    >>> model = FlowClassifier(lr=0.2)
    >>> for _ in range(300):
    ...     flow = rng.random() < 0.4
    ...     x = {"active_5": rng.gauss(0.8 if flow else 0.4, 0.15),
    ...          "pause_mid_15": rng.gauss(0.1 if flow else 0.4, 0.1)}
    ...     model.learn_one(x, flow)
    >>> p = model.predict_proba_one({"active_5": 0.85, "pause_mid_15": 0.08})[True]
    >>> q = model.predict_proba_one({"active_5": 0.35, "pause_mid_15": 0.45})[True]
    >>> print(f"{p:.3f} {q:.3f}")
    0.985 0.012
    """

    @classmethod
    def _unit_test_params(cls):
        from pulsedev.models.registry import load_prior

        yield {}
        yield {"prior": load_prior("flow"), "lr": 0.01}

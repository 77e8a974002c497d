"""Helpfulness: a Beta posterior per piece of advice, learned from "helpful / not helpful".

Shared by the failure advisor (`fixes.py`) and the strategy advisor
(`strategy.py`): each option starts from a prior (the first-ranked option a
little more trusted), feedback moves it at once, and the best posterior mean
wins.  Persisted as a small JSON file, written atomically.
"""

from __future__ import annotations

import json
from pathlib import Path

PRIOR = (3.0, 1.0)  # Beta(helpful, not helpful) for the first option; later ones start lower


class Helpfulness:
    """Beta counts per `group:option`.

    >>> h = Helpfulness()
    >>> h.best("KeyError", ["missing-key", "print-keys"])
    ('missing-key', 0.75)
    >>> for _ in range(4):
    ...     h.learn_one("KeyError", "missing-key", ["missing-key", "print-keys"], helpful=False)
    >>> h.best("KeyError", ["missing-key", "print-keys"])[0]
    'print-keys'
    """

    def __init__(self, path: Path | None = None):
        self.path = path
        self.counts: dict[str, list[float]] = {}
        if path and path.exists():
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
                self.counts = {k: [float(v[0]), float(v[1])] for k, v in raw.items()}
            except (ValueError, TypeError, IndexError, KeyError, AttributeError):
                self.counts = {}

    def _beta(self, group: str, rank: int, option: str) -> list[float]:
        key = f"{group}:{option}"
        if key not in self.counts:
            a, b = PRIOR
            self.counts[key] = [a / (1 + rank), b]
        return self.counts[key]

    def best(self, group: str, options: list[str]) -> tuple[str, float]:
        """The option with the best posterior mean, and that mean."""
        scored = []
        for rank, option in enumerate(options):
            a, b = self._beta(group, rank, option)
            scored.append((a / (a + b), -rank, option))
        mean, _, option = max(scored)
        return option, round(mean, 3)

    def learn_one(self, group: str, option: str, options: list[str], helpful: bool) -> None:
        """Feedback on one option of a group."""
        rank = options.index(option) if option in options else len(options)
        self._beta(group, rank, option)[0 if helpful else 1] += 1.0
        self.save()

    def clear(self) -> None:
        """Forget all feedback."""
        self.counts.clear()
        self.save()

    def save(self) -> None:
        """Persist the counts (atomic write)."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.counts), encoding="utf-8")
        tmp.replace(self.path)

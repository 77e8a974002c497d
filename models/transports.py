"""How the session evaluation talks to a detector: in this process, or the real server over LSP.

Both have the same four methods (`send` a batch of events, `status` as of
`now`, `count` notifications, `close`), so `evaluation.replay` is one loop.
`OverLsp` is what `pulsedev eval sessions` uses; `InProcess` drives a
`Detector` the way the server's pipeline does, for quick iteration and tests.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pulsedev.options import parse_options


class InProcess:
    """The detector in this process, driven the way the server's pipeline drives it."""

    def __init__(self, data_dir: Path):
        from pulsedev.models.detector import Detector

        self.det = Detector(parse_options({"dataDir": str(data_dir)})[0], data_dir / "detector.json")
        self.notes: list[tuple[str, dict]] = []

    def send(self, events: list) -> None:
        """Observe a batch, then advance to its newest event."""
        for e in events:
            self.det.observe(e)
        self.notes += self.det.advance(max(e.ts for e in events))

    def status(self, now: float) -> dict:
        """The state as of `now`."""
        self.notes += self.det.advance(now)
        return self.det.state(now)

    def count(self, method: str) -> int:
        """Notifications of `method` so far."""
        return sum(1 for m, _ in self.notes if m == method)

    def close(self) -> None:
        """Nothing to stop."""


class OverLsp:
    """The real server over stdio (`pulsedev serve`), via `pulsedev.client.LspClient`."""

    def __init__(self, data_dir: Path):
        from pulsedev.client import LspClient

        env = {**os.environ, "PULSEDEV_DATA_DIR": str(data_dir)}
        self.client = LspClient.spawn(env=env)
        self.client.initialize(None, {"dataDir": str(data_dir)})

    def send(self, events: list) -> None:
        """`pulsedev/telemetry` in batches of at most 1000 events."""
        for i in range(0, len(events), 1000):
            res = self.client.request("pulsedev/telemetry", {"events": [e.to_dict() for e in events[i:i + 1000]]})
            if res.get("rejected"):
                raise RuntimeError(f"server rejected events: {res['rejected'][:3]}")

    def status(self, now: float) -> dict:
        """`pulsedev/status` with `{"now": t}` → its state."""
        return self.client.request("pulsedev/status", {"now": now})["state"]

    def count(self, method: str) -> int:
        """Notifications of `method` received so far."""
        return len(self.client.notifications(method))

    def close(self) -> None:
        """shutdown + exit."""
        self.client.shutdown()


TRANSPORTS: dict[str, Callable[[Path], Any]] = {"inprocess": InProcess, "server": OverLsp}

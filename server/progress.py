"""Work-done progress (`$/progress`) for background work, sent from any thread, when the client supports it."""

from __future__ import annotations

import asyncio
import logging
import uuid

from lsprotocol import types

log = logging.getLogger(__name__)


class Progress:
    """One progress token per training run: begin on the first report, end at 100%."""

    def __init__(self, ls):
        self.ls = ls
        self.token: str | None = None
        self._lock: asyncio.Lock | None = None  # made on the loop: reports go out in order

    def _supported(self) -> bool:
        caps = self.ls.client_capabilities
        window = getattr(caps, "window", None) if caps else None
        return bool(window and window.work_done_progress)

    def report(self, name: str, fraction: float, message: str) -> None:
        """Report `fraction` of the run done (thread-safe)."""
        if self.ls.loop is None or not self._supported():
            return
        asyncio.run_coroutine_threadsafe(self._send(name, fraction, message), self.ls.loop)

    async def _send(self, name: str, fraction: float, message: str) -> None:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            await self._send_in_order(name, fraction, message)

    async def _send_in_order(self, name: str, fraction: float, message: str) -> None:
        wdp = self.ls.work_done_progress
        try:
            if self.token is None and fraction >= 1.0:
                return
            if self.token is None:
                self.token = f"pulsedev-train-{uuid.uuid4().hex[:8]}"
                await wdp.create_async(self.token)
                wdp.begin(self.token, types.WorkDoneProgressBegin(title="PulseDev: training", message=message,
                                                                  percentage=int(fraction * 100), cancellable=False))
            elif fraction >= 1.0:
                wdp.end(self.token, types.WorkDoneProgressEnd(message=f"{name}: done"))
                self.token = None
            else:
                wdp.report(self.token, types.WorkDoneProgressReport(message=f"{name}: {message}",
                                                                    percentage=int(fraction * 100)))
        except Exception:  # progress is a courtesy, never a failure
            log.debug("progress not sent", exc_info=True)
            self.token = None

"""Runtime traces: the tracer's records aggregated into observed types per function slot.

Consumes `{"type": "trace", ...}` records of telemetry/tracer/pulsedev_trace.py
(file, qualname, params [{name, type, observed}], returns {type, observed},
calls).  Kept in memory only (paths never persisted).  A newer record of the
same function replaces the older one: the code may have changed in between.
Bare containers (`list` with no element type) and `object` are not precise
enough to show and are left to the other sources.
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path

from pulsedev.models.types.typetext import normalize

VAGUE = {"list", "dict", "set", "tuple", "frozenset", "object", "type", "Generator", "Callable", "Iterator",
         "Iterable", "AsyncIterator", "AsyncGenerator", "Coroutine", "None"}  # "None": only the default was seen


@functools.lru_cache(maxsize=4096)
def _resolved(file: str) -> str:
    try:
        return str(Path(file).resolve())
    except OSError:
        return file


def _key(file: str, qualname: str) -> tuple[str, str]:
    return _resolved(file), qualname.replace(".<locals>", "")


class TraceStore:
    """Observed types per (file, qualname)."""

    def __init__(self):
        self._funcs: dict[tuple[str, str], dict] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._funcs)

    def add(self, records: list[dict]) -> int:
        """Adds tracer records; returns how many functions they covered."""
        n = 0
        with self._lock:
            for r in records:
                if not isinstance(r, dict) or r.get("type") != "trace" or not r.get("file") or not r.get("qualname"):
                    continue
                self._funcs[_key(r["file"], r["qualname"])] = r
                n += 1
        return n

    def lookup(self, path: str | None, slot, redefined: bool = False) -> tuple[str, int] | None:
        """(observed type, calls) for a parameter or return slot, or None.

        `redefined`: the file has more than one def of the slot's qualname (a property's setter,
        `@f.register def _`); the trace is then taken only by the def on its line (the tracer
        records the def that the module or class holds, a setter apart)."""
        rec, entry = self._entry(path, slot, redefined)
        if not entry or not entry.get("type"):
            return None
        t = normalize(entry["type"])
        if t is None or t in VAGUE:
            return None
        calls = sum((entry.get("observed") or {}).values()) or int(rec.get("sampled_calls") or rec.get("calls") or 1)
        return t, int(calls)

    def seen(self, path: str | None, slot, redefined: bool = False) -> set[str]:
        """The runtime types the tests passed to a parameter slot, those too vague to show included
        (`str`, `pkg.items.Comment`, `collections.abc.Callable` for a function)."""
        entry = self._entry(path, slot, redefined)[1] if slot.kind == "parameter" else None
        return set((entry or {}).get("observed") or ())

    def _entry(self, path: str | None, slot, redefined: bool) -> tuple[dict | None, dict | None]:
        """(the function's record, the slot's entry in it)."""
        if path is None or slot.kind == "variable" or not self._funcs:
            return None, None
        rec = self._funcs.get(_key(path, slot.qualname.split("@", 1)[0]))
        if rec is None:
            return None, None
        if (redefined or "@" in slot.qualname) and (slot.func is None or rec.get("lineno") != slot.func.lineno):
            return None, None
        if slot.kind == "return":
            return rec, None if rec.get("yields") else rec.get("returns")
        return rec, next((p for p in rec.get("params") or [] if p.get("name") == slot.name), None)

    def clear(self) -> None:
        """Forgets every trace."""
        with self._lock:
            self._funcs.clear()

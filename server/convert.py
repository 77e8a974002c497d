"""Mapping between lsprotocol/pygls objects and plain JSON values, in one place."""

from __future__ import annotations

from typing import Any


def plain(value: Any) -> Any:
    """A JSON value from what pygls hands a handler (namedtuples for custom params become dicts)."""
    if hasattr(value, "_asdict"):
        return {k: plain(v) for k, v in value._asdict().items()}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value

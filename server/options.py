"""Settings: the protocol's `pulsedev` settings object as defaulted dataclasses.

`initializationOptions` and `workspace/didChangeConfiguration` carry the same
object.  Every key is optional; a key of the wrong type or value is reported
as a warning and its default is kept (`parse_options` never raises).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs


def default_data_dir() -> Path:
    """The per-user data dir (e.g. ~/.local/share/pulsedev on Linux)."""
    return Path(platformdirs.user_data_dir("pulsedev", appauthor=False))


@dataclass(frozen=True)
class Features:
    """Switches for each learned feature; a feature that is off costs nothing."""

    telemetry: bool = True
    stuck: bool = True
    flow: bool = True
    anomaly: bool = True
    types: bool = True
    strategy: bool = True
    errors: bool = True
    autoTrain: bool = True


@dataclass(frozen=True)
class Thresholds:
    """Confidence floors for what is shown to the user."""

    typeHintConfidence: float = 0.8
    suggestion: float = 0.7


@dataclass(frozen=True)
class Privacy:
    """How paths are stored and how long events are kept."""

    paths: str = "hashed"  # hashed | relative | none
    retentionDays: float = 90


@dataclass(frozen=True)
class Hints:
    """Which kinds of type hints to show (users ask for a toggle per kind)."""

    parameters: bool = True
    returns: bool = True
    variables: bool = True
    noneReturns: bool = True


@dataclass(frozen=True)
class Idle:
    """Idle rule: no activity for this long (ActivityWatch uses 3 min)."""

    afterSeconds: float = 180


@dataclass(frozen=True)
class Options:
    """The whole settings object, every key defaulted."""

    dataDir: str | None = None
    features: Features = field(default_factory=Features)
    thresholds: Thresholds = field(default_factory=Thresholds)
    privacy: Privacy = field(default_factory=Privacy)
    hints: Hints = field(default_factory=Hints)
    idle: Idle = field(default_factory=Idle)

    @property
    def data_dir(self) -> Path:
        """The data dir in force."""
        return Path(self.dataDir).expanduser() if self.dataDir else default_data_dir()


_CHOICES = {("privacy", "paths"): ("hashed", "relative", "none")}
_RANGES = {
    ("thresholds", "typeHintConfidence"): (0.0, 1.0),
    ("thresholds", "suggestion"): (0.0, 1.0),
    ("privacy", "retentionDays"): (0.0, 36500.0),
    ("idle", "afterSeconds"): (10.0, 86400.0),
}


def _coerce(value: Any, default: Any, where: tuple[str, ...], warnings: list[str]) -> Any:
    name = ".".join(where)
    if dataclasses.is_dataclass(default):
        if not isinstance(value, dict):
            warnings.append(f"pulsedev.{name} should be an object; using the defaults")
            return default
        changes = {}
        known = {f.name: f for f in dataclasses.fields(default)}
        for key, sub in value.items():
            if key not in known:
                warnings.append(f"pulsedev.{name}.{key} is not a setting; ignored")
                continue
            changes[key] = _coerce(sub, getattr(default, key), (*where, key), warnings)
        return dataclasses.replace(default, **changes)
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        warnings.append(f"pulsedev.{name} should be true or false, not {value!r}; using {default}")
        return default
    if isinstance(default, (int, float)):
        lo, hi = _RANGES.get(where[-2:], (float("-inf"), float("inf")))
        if isinstance(value, (int, float)) and not isinstance(value, bool) and lo <= value <= hi:
            return type(default)(value)
        warnings.append(f"pulsedev.{name} should be a number from {lo} to {hi}, not {value!r}; using {default}")
        return default
    # strings (or None for dataDir)
    choices = _CHOICES.get(where[-2:])
    if isinstance(value, str) and (choices is None or value in choices):
        return value
    if value is None and default is None:
        return None
    hint = f"one of {', '.join(choices)}" if choices else "a string"
    warnings.append(f"pulsedev.{name} should be {hint}, not {value!r}; using {default!r}")
    return default


def parse_options(raw: Any, base: Options | None = None) -> tuple[Options, list[str]]:
    """Options from a client's settings object, and the warnings about it.

    `raw` may be the `pulsedev` object itself or `{"settings": {"pulsedev": ...}}`
    / `{"pulsedev": ...}`.  Unknown keys and bad values give warnings, never errors.

    >>> opts, warnings = parse_options({"thresholds": {"typeHintConfidence": 2}})
    >>> opts.thresholds.typeHintConfidence, warnings[0][:40]
    (0.8, 'pulsedev.thresholds.typeHintConfidence s')
    """
    warnings: list[str] = []
    base = base or Options()
    if raw is None:
        return base, warnings
    if isinstance(raw, dict) and "settings" in raw and isinstance(raw["settings"], dict):
        raw = raw["settings"]
    if isinstance(raw, dict) and set(raw) == {"pulsedev"}:
        raw = raw["pulsedev"]
    options = _coerce(raw, base, (), warnings)
    return options, warnings

"""Settings: defaults, overrides, and warnings (never errors) for bad values."""

from __future__ import annotations

from pulsedev.options import Options, parse_options


def test_defaults_and_overrides():
    opts, warnings = parse_options({"settings": {"pulsedev": {"features": {"types": False},
                                                              "privacy": {"paths": "relative", "retentionDays": 7}}}})
    assert warnings == []
    assert opts.features.types is False and opts.features.stuck is True
    assert opts.privacy.paths == "relative" and opts.privacy.retentionDays == 7


def test_bad_values_warn_and_keep_defaults():
    opts, warnings = parse_options({"privacy": {"paths": "plain"}, "features": "all", "nope": 1,
                                    "thresholds": {"suggestion": "high"}})
    assert opts == Options()
    assert len(warnings) == 4 and any("one of hashed, relative, none" in w for w in warnings)


def test_none_keeps_the_base():
    base, _ = parse_options({"idle": {"afterSeconds": 300}})
    assert parse_options(None, base)[0].idle.afterSeconds == 300

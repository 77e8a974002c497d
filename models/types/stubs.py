"""Type stubs as a training corpus: the names and signatures of the standard library and of libraries.

The typeshed stubs that jedi (a dependency for this) ships (`jedi/third_party/typeshed`: the standard
library and some 190 libraries) are fully annotated, so they say what
parameters named `port`, `timeout` or `encoding`, and functions named
`is_…` or `get_…_name`, usually take and return, far beyond the few
packages of one interpreter.  Stubs have no bodies, so a stub sample keeps
only what a signature shows (names, position, whether there is a default)
and says it is one (`stubbed`); labels made of typeshed-only helper names
(`StrPath`, `ReadableBuffer`, `Incomplete`, `Supports…`) are left out.
"""

from __future__ import annotations

import re
from pathlib import Path

from pulsedev.models.types.corpus import Sample, file_samples
from pulsedev.models.types.model import STATIC
from pulsedev.models.types.typeshed import typeshed_dir

#: Groups of stub samples start so (the calibrator and balancing treat each stub package as one group).
STUB_GROUP = "stub:"
_TYPESHED_ONLY = re.compile(
    r"\b(Incomplete|Unused|StrPath|BytesPath|StrOrBytesPath|GenericPath|FileDescriptorOrPath|FileDescriptorLike"
    r"|ReadableBuffer|WriteableBuffer|ReadOnlyBuffer|SizedBuffer|Supports\w+|OpenTextMode|OpenBinaryMode"
    r"|FileDescriptor|structseq|Self|_\w+)\b")
def learnable(label: str) -> bool:
    """Whether a label typeshed wrote is learned: not one of its own helper names, nor `Any` or `object`."""
    return not _TYPESHED_ONLY.search(label) and label not in ("Any", "object")


_NO_DEFAULT_VALUE = ("p:default=", "p:defval=", "p:def_", "p:defname=", "p:rule=default")  # stubs say `= ...`
_RULE_FEATURES = ("p:rule=", "p:st=", "has_st")
_SIGNATURE_ONLY = ("kind=", "r:ftok=", "r:ffirst=", "r:dunder=", "r:decor=", "r:async", "method", "ctok=")


def stub_samples(exclude: set[str] = frozenset(), root: Path | None = None) -> list[Sample]:
    """Samples from every stub under typeshed's `stdlib` and `stubs/*`, except packages in `exclude`."""
    root = root or typeshed_dir()
    if root is None:
        return []
    folders = [root / "stdlib"] + sorted(d for d in (root / "stubs").glob("*") if d.is_dir())
    out: list[Sample] = []
    for folder in folders:
        for f in sorted(folder.rglob("*.pyi")):
            top = f.relative_to(folder).parts[0].removesuffix(".pyi")
            if top in exclude or top.startswith("@"):
                continue
            try:
                text = f.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            for s in file_samples(text, STUB_GROUP + top):
                if learnable(s.label):
                    out.append(_signature_only(s))
    return out


def _signature_only(s: Sample) -> Sample:
    """What a stub slot may teach: no body, no default value, and no static rule (a stub's imports are
    typeshed's helpers, so its name-to-class matches say little of how the rules fare on code)."""
    if s.kind == "return":
        feats = {k: v for k, v in s.features.items() if k.startswith(_SIGNATURE_ONLY)}
    else:
        feats = {k: v for k, v in s.features.items() if k != "unused" and not k.startswith(_NO_DEFAULT_VALUE)}
        feats = {k: v for k, v in feats.items() if not k.startswith(_RULE_FEATURES)}
    feats["stubbed"] = 1.0
    label = s.static if s.label == STATIC else s.label
    return Sample(feats, label, None, s.kind, s.group)

"""The training corpus: labelled slots from annotated code of the workspace and its interpreter.

`site_dirs(python)` asks the workspace interpreter for its site-packages;
`sample_files` picks a bounded, deterministic set of annotated files per
top-level package (the package is the group used for held-out calibration);
`file_samples` strips a file's annotations and yields, for every slot that was
annotated, its features on the stripped text, the static candidate and the
label.  Nothing here reads the network or executes the code it reads.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pulsedev.models.types.callsites import ROUNDS, CallSites
from pulsedev.models.types.features import (
    add_caller_features,
    add_peer_features,
    slot_features,
)
from pulsedev.models.types.slots import find_slots
from pulsedev.models.types.static import FileContext, evidence_for, is_obvious
from pulsedev.models.types.strip import strip_source
from pulsedev.models.types.typetext import canonical
from pulsedev.models.types.usage import parents_once

TEST_DIRS = {"tests", "test", "testing"}
SKIP_DIRS = {"tests", "test", "testing", "_vendor", "vendor", "__pycache__", "node_modules", ".git",
             ".venv", "venv", "site-packages", "build", "dist", ".tox", ".mypy_cache"}
TYPEVARISH = {"T", "K", "V", "S", "F", "R", "P", "T_co", "T_contra", "KT", "VT", "AnyStr", "_T"}


@dataclass
class Sample:
    """One labelled slot."""

    features: dict[str, float]
    label: str
    static: str | None
    kind: str
    group: str
    calibrates: bool = True  # whether the calibrator learns how often guesses like this one are right


def feature_value(feats: dict[str, float], key: str, default: str | None = None) -> str | None:
    """The value of a slot's `key=value` feature (`p:rule` -> `default_none`), or `default`."""
    return next((k.split("=", 1)[1] for k in feats if k.startswith(key + "=")), default)


def site_dirs(python: str) -> list[Path]:
    """The site-packages folders of an interpreter (empty if it cannot be asked)."""
    code = ("import json, site, sysconfig; "
            "print(json.dumps([sysconfig.get_paths()['purelib'], *site.getsitepackages()]))")
    try:
        out = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=20, check=True)
        return sorted({Path(p) for p in json.loads(out.stdout) if Path(p).is_dir()})
    except (OSError, subprocess.SubprocessError, ValueError):
        return []


def package_groups(site: Path, exclude: set[str] = frozenset()) -> dict[str, list[Path]]:
    """Top-level package name -> its .py files, for one site-packages folder (without the code of
    other distributions copied into it: `vendored`)."""
    groups: dict[str, list[Path]] = {}
    for entry in sorted(site.iterdir()):
        name = entry.name.removesuffix(".py")
        if name.startswith(("_", ".")) or name.endswith((".dist-info", ".egg-info", ".libs", ".data")) \
                or name in exclude:
            continue
        if entry.is_dir() and (entry / "__init__.py").exists():
            files = list(python_files(entry))
            bundled = vendored(entry, files)
            groups[name] = [f for f in files if not any(d in f.parents for d in bundled)]
        elif entry.suffix == ".py":
            groups[name] = [entry]
    return groups


_VERSIONED = re.compile(r"^__version__\s*[:=]", re.MULTILINE)


def vendored(package: Path, files: list[Path]) -> list[Path]:
    """The sub-packages of a package that another distribution's code was copied into: below its top
    level, a package whose `__init__.py` sets its own `__version__` (scikit-learn's and SciPy's copies of
    array-api-compat, setuptools' of distutils).  That code is not the package's, and, copied into
    several packages, it would be learned several times over: 22 of the 30 most annotated files of
    scikit-learn, and 17 of SciPy's, were array-api-compat's and array-api-extra's.  `files`: the
    package's files (`python_files`), whose `__init__.py` files are read."""
    out = []
    for init in files:
        if init.name != "__init__.py" or init.parent == package:
            continue
        text = read_source(init)
        if text is not None and _VERSIONED.search(text):
            out.append(init.parent)
    return out


def python_files(root: Path, limit: int = 5000, conftests: bool = False):
    """The .py files under a folder, skipping tests, vendored code and environments; with
    `conftests`, the `conftest.py` files of test folders too (their fixtures: fixtures.py)."""
    count = 0
    stack = [(root, False)]
    while stack and count < limit:
        d, in_tests = stack.pop()
        try:
            entries = sorted(d.iterdir())
        except OSError:
            continue
        for e in entries:
            if e.is_dir():
                tests = conftests and e.name in TEST_DIRS
                if (e.name not in SKIP_DIRS or tests) and not e.name.startswith("."):
                    stack.append((e, in_tests or tests))
            elif e.suffix == ".py" and (not in_tests or e.name == "conftest.py"):
                count += 1
                yield e


#: A larger file is generated or vendored: never read for training.
MAX_BYTES = 200_000


def read_source(path: Path, max_bytes: int = MAX_BYTES) -> str | None:
    """The text of a source file, or None when it is larger than `max_bytes` or cannot be read."""
    try:
        return None if path.stat().st_size > max_bytes else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def sample_files(files: list[Path], per_group: int, max_bytes: int = MAX_BYTES) -> list[tuple[Path, str]]:
    """Up to `per_group` annotated files (text included), the most annotated first."""
    scored = []
    for f in files:
        text = read_source(f, max_bytes)
        if text is None:
            continue
        n = text.count("->")
        if n >= 2:
            scored.append((-n, str(f), text))
    scored.sort()
    return [(Path(p), t) for _, p, t in scored[:per_group]]


def _stripped(text: str) -> tuple[str, dict[str, str], ast.Module] | None:
    try:
        stripped, labels = strip_source(text)
        return stripped, labels, ast.parse(stripped)
    except (SyntaxError, ValueError, RecursionError):
        return None


def file_samples(text: str, group: str, module: str = "") -> list[Sample]:
    """Labelled samples of one annotated file (features from its stripped text, its own calls only)."""
    found = _stripped(text)
    if found is None:
        return []
    stripped, labels, tree = found
    ctx = FileContext(tree, module)
    for n in range(ROUNDS):  # the file's own calls: what the workspace's are to a server
        table = CallSites(results=n == ROUNDS - 1)
        table.add_module(ctx)
        ctx.calls = table
        ctx.forget_inferred()  # what was inferred while the table filled up did not know what the calls pass
    return _labelled(tree, stripped, labels, ctx, group)


def package_samples(texts: dict[str, str], sampled: list[str], group: str,
                    labels: dict[str, dict] | None = None) -> list[Sample]:
    """Labelled samples of the `sampled` modules of a package whose modules' texts are `texts`.

    Every module is stripped and indexed, with the call sites of the whole package, as a
    server indexes a workspace: the samples see the cross-file evidence (imported classes'
    members, other modules' returns, overrides, callers elsewhere) that hints see.  `labels`
    (module -> slot key -> type) adds labels from elsewhere (stdsource.py); a module's own
    annotations win.
    """
    from pulsedev.models.types.index import WorkspaceIndex

    index = WorkspaceIndex(None)
    files = {}
    for module, text in texts.items():
        found = _stripped(text)
        if found is not None:
            files[module] = found
            index.update(module, found[2])
    index.build_callsites()
    out = []
    for module in sampled:
        if module in files:
            stripped, own, tree = files[module]
            own = {**(labels or {}).get(module, {}), **own}
            out += _labelled(tree, stripped, own, FileContext(tree, module, index), group, index.peers)
    return out


def _labelled(tree: ast.Module, stripped: str, labels: dict[str, str], ctx: FileContext, group: str,
              peers: dict[str, frozenset[tuple[str, str]]] | None = None) -> list[Sample]:
    out = []
    cache: dict[int, dict] = {}
    slots, evs, feats_all = [], [], []
    for slot in find_slots(tree, stripped):
        try:
            ev = evidence_for(slot, ctx)
            parent = None
            if slot.kind != "variable":
                parent = parents_once(slot.func, cache)
            feats = slot_features(slot, ev, parent)
        except RecursionError:
            continue
        slots.append(slot)
        evs.append(ev)
        feats_all.append(feats)
    evs = add_peer_features(slots, evs, feats_all, peers)
    add_caller_features(slots, feats_all, ctx)
    for slot, ev, feats in zip(slots, evs, feats_all):
        label = labels.get(slot.key)
        if label is None or label in TYPEVARISH or label.startswith("_"):
            continue
        if slot.kind == "variable" and is_obvious(slot.node.value):
            continue
        static = ev.type
        lab = "<static>" if static is not None and canonical(static) == canonical(label) else label
        out.append(Sample(feats, lab, static, slot.kind, group))
    return out

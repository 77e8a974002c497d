"""The standard library's own code as a training corpus, labelled by typeshed's stubs.

The standard library is real, mostly unannotated Python with bodies: the
kind of code hints are asked for.  typeshed annotates its functions in
separate stubs (stubs.py learns their signatures alone).  Read together, each
def of the library's source gets its stub's annotations as labels, and a
sample has everything a slot of the workspace has: its body, its default,
its callers, the static rule.  A def the stub overloads, or declares twice
with different types (per Python version), teaches nothing; neither do
typeshed's own helper names (`StrPath`, `Supports…`).  Each top-level module
is its own group, as a package of site-packages is.

The regression learns from these samples; the calibrator does not
(`Sample.calibrates`).  How often a guess is right on typeshed's precise
labels of the standard library is not how often it is right on a library's
own annotations: learned from both, hints' confidence rose and their
precision fell (parameters at 0.8 on one set: 0.912 -> 0.888).  With the
calibrator left to the annotated packages, the model gains where few are
installed and loses nothing where many are.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
from dataclasses import replace
from pathlib import Path

from pulsedev.models.types.callsites import decorated
from pulsedev.models.types.corpus import Sample, package_groups, package_samples, read_source
from pulsedev.models.types.index import module_name
from pulsedev.models.types.slots import find_slots
from pulsedev.models.types.stubs import learnable
from pulsedev.models.types.typeshed import typeshed_dir
from pulsedev.models.types.typetext import normalize

#: Groups of these samples start so.
STDLIB_GROUP = "stdlib:"
#: Top-level modules never read: tests, demos, tools, and the installer's copy of pip.
SKIP = {"test", "idlelib", "lib2to3", "turtledemo", "ensurepip", "pydoc_data", "tkinter", "turtle",
        "this", "antigravity", "__phello__", "venv"}
_REDEFINED = re.compile(r"@\d+")
#: Source read per top-level module, to index it whole as a package is.
MAX_GROUP_BYTES = 3_000_000


def stdlib_dir(python: str) -> Path | None:
    """The standard library folder of an interpreter (None if it cannot be asked)."""
    code = "import json, sysconfig; print(json.dumps(sysconfig.get_paths()['stdlib']))"
    try:
        out = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=20, check=True)
        path = Path(json.loads(out.stdout))
    except (OSError, subprocess.SubprocessError, ValueError, TypeError):
        return None
    return path if (path / "os.py").is_file() else None


def stdlib_samples(python: str, exclude: set[str] = frozenset(), log=lambda m: None) -> list[Sample]:
    """Labelled samples of the standard library of `python` whose stubs typeshed has."""
    lib, shed = stdlib_dir(python), typeshed_dir()
    out = library_samples(lib, shed / "stdlib", exclude) if lib is not None and shed is not None else []
    log(f"standard library with typeshed's labels: {len(out)} samples")
    return out


def library_samples(lib: Path, stubs: Path, exclude: set[str] = frozenset()) -> list[Sample]:
    """Samples of the modules under `lib` labelled by the stubs under `stubs`, a group per top-level module,
    found as site-packages' packages are (corpus.package_groups: code copied in from elsewhere is not read)."""
    out: list[Sample] = []
    for top, files in package_groups(lib, SKIP | set(exclude)).items():
        texts, labels = {}, {}
        budget = MAX_GROUP_BYTES
        for f in files:
            text = read_source(f) if budget > 0 else None
            if text is None:
                continue
            budget -= len(text)
            module = module_name(lib, f)
            texts[module] = text
            found = stub_labels(stubs, module)
            if found:
                labels[module] = found
        if labels:
            try:
                found = package_samples(texts, sorted(labels), STDLIB_GROUP + top, labels)
            except RecursionError:
                continue
            out += [replace(s, calibrates=False) for s in found]
    return out


def stub_labels(stdlib_stubs: Path, module: str) -> dict[tuple[str, str, str], str]:
    """Slot key -> annotation, for the parameters and returns a module's stub types once.

    >>> import tempfile; d = Path(tempfile.mkdtemp())
    >>> _ = (d / "m.pyi").write_text('''from typing import overload
    ... def f(__x: int, y: str = ...) -> bytes: ...
    ... @overload
    ... def g(x: int) -> int: ...
    ... @overload
    ... def g(x: str) -> str: ...
    ... def h(p: StrPath) -> None: ...
    ... ''')
    >>> sorted(stub_labels(d, "m").items())
    [(('parameter', 'f', 'x'), 'int'), (('parameter', 'f', 'y'), 'str'), (('return', 'f', 'return'), 'bytes'), \
(('return', 'h', 'return'), 'None')]
    """
    base = stdlib_stubs / module.replace(".", "/")
    path = next((p for p in (base.with_suffix(".pyi"), base / "__init__.pyi") if p.is_file()), None)
    text = read_source(path) if path is not None else None
    if text is None:
        return {}
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return {}
    seen: dict[tuple[str, str, str], set[str | None]] = {}
    overloaded = set()
    for slot in find_slots(tree, text, include_annotated=True):
        if slot.kind == "variable" or slot.func is None:
            continue
        qualname = _REDEFINED.sub("", slot.qualname)  # `f@2`: `f` again, in another version's branch
        if decorated(slot.func, "overload"):
            overloaded.add(qualname)
        name = slot.name[2:] if slot.name.startswith("__") and not slot.name.endswith("__") else slot.name
        label = normalize(slot.annotation) if slot.annotation is not None else None
        seen.setdefault((slot.kind, qualname, name), set()).add(label)
    return {key: next(iter(found)) for key, found in seen.items()
            if len(found) == 1 and None not in found and key[1] not in overloaded and learnable(next(iter(found)))}

"""Training the type model in a child process: `python -m pulsedev.models.types.train`.

The engine runs this at low priority so the server's own threads stay
responsive; it reads the annotated code of the workspace interpreter's
site-packages (a bounded sample per package, indexed with the rest of its
package as a workspace is), its standard library with typeshed's annotations
(stdsource.py), typeshed's stubs (stubs.py) and the workspace, trains
(model.py) and writes the skops file atomically.  Packages named with
`--exclude` are held out (the evaluation uses this).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pulsedev.models.types.corpus import (
    package_groups,
    package_samples,
    python_files,
    read_source,
    sample_files,
    site_dirs,
)
from pulsedev.models.types.index import module_name
from pulsedev.models.types.model import train
from pulsedev.models.types.modelfile import save
from pulsedev.models.types.stdsource import stdlib_samples
from pulsedev.models.types.stubs import stub_samples

#: Source read per package, beyond its sampled files, to index them with the rest of their package.
INDEX_BYTES = 3_000_000


def collect(python: str, root: Path | None, per_package: int = 30, exclude: set[str] = frozenset(),
            log=lambda m: None, stubs: bool = True) -> list:
    """Labelled samples from the interpreter's site-packages and standard library (labelled by typeshed's
    stubs), typeshed's stubs and the workspace."""
    samples = stub_samples(exclude) if stubs else []
    log(f"typeshed stubs: {len(samples)} samples")
    if stubs:
        samples += stdlib_samples(python, exclude, log)
    for site in site_dirs(python):
        for group, files in package_groups(site, exclude).items():
            samples += _indexed(site, sample_files(files, per_package), group, files)
        log(f"{site}: {len(samples)} samples")
    if root is not None:
        files = list(python_files(root, 3000))
        samples += _indexed(root, sample_files(files, 400), "<workspace>", files)
    return samples


def _indexed(root: Path, picked: list[tuple[Path, str]], group: str, files: list[Path] = ()) -> list:
    """Samples of the picked files of one package, indexed with the rest of the package (`files`, up to
    INDEX_BYTES of source) as the server indexes a workspace: the model learns each rule with the
    evidence from other modules that hints see.  On three sets of unseen packages, coverage at
    precision 0.9: picked files indexed together +0.017, +0.011 and -0.002 over file by file; the
    whole package indexed +0.013, +0.009 and +0.003 over the picked files alone."""
    texts = {module_name(root, f): text for f, text in picked}
    sampled = list(texts)
    budget = INDEX_BYTES
    for f in files:
        if budget <= 0:
            break
        module = module_name(root, f)
        text = read_source(f) if module not in texts else None
        if text is not None:
            texts[module] = text
            budget -= len(text)
    try:
        return package_samples(texts, sampled, group)
    except RecursionError:
        return []


def main(argv: list[str] | None = None) -> int:
    """CLI entry of the training child process."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", required=True)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--root", default=None)
    ap.add_argument("--per-package", type=int, default=30)
    ap.add_argument("--exclude", default="")
    args = ap.parse_args(argv)
    start = time.time()
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    samples = collect(args.python, Path(args.root) if args.root else None, args.per_package,
                      {e for e in args.exclude.split(",") if e}, log)
    if len(samples) < 200:
        log(f"only {len(samples)} samples: no model")
        return 1
    model = train(samples, log=log)
    save(model, Path(args.out))
    log(f"trained on {model.samples} samples in {time.time() - start:.0f} s: {model.metrics}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

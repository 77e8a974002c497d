"""The type model alone, offline: train as the server does, score on annotated packages' own slots.

    .venv/bin/python scripts/eval_type_model.py PKG_DIR [PKG_DIR ...] [--no-stubs] [--cache F]

A quick loop for work on features, the model and the calibrator (about four
minutes here, against 40 for `eval_types.py accuracy` over LSP): the corpus is
collected as `pulsedev.models.types.train` collects it (this interpreter's
site-packages and typeshed's stubs, the evaluated packages held out by name),
the model is trained, and every annotated slot of the given packages is
predicted from its stripped file.  Printed per kind: how often the first
guess is right, coverage and precision at 0.8, and the largest coverage at
which precision stays at 0.90 or more.  As on a server, each package is stripped
and indexed whole (cross-file evidence), and the model's guess is combined
with the static candidate (combine.py).  The server's figures differ a little
(alias expansion, hint filters, slots it never hints): confirm over LSP.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from pathlib import Path

from pulsedev.models.types import model as type_model
from pulsedev.models.types.combine import combine
from pulsedev.models.types.corpus import feature_value, python_files
from pulsedev.models.types.corpus import package_samples as indexed_samples
from pulsedev.models.types.evidence import Evidence
from pulsedev.models.types.index import module_name
from pulsedev.models.types.train import collect


def package_samples(path: Path) -> list:
    """Labelled samples of every file of an annotated package, stripped and indexed as a workspace."""
    texts = {}
    for f in python_files(path, 400):
        try:
            texts[module_name(path.parent, f)] = f.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    return indexed_samples(texts, sorted(texts), path.name)


def predict(model, samples: list) -> list[tuple[str | None, float]]:
    """What the server shows for each sample: the model's guess combined with the static candidate."""
    out = []
    for (t, p), s in zip(model.predict([s.features for s in samples], [s.static for s in samples],
                                       [s.kind for s in samples]), samples):
        rule, fit, sentinel = (feature_value(s.features, f"{s.kind[0]}:{name}") for name in ("rule", "fit", "sentinel"))
        shown = combine(Evidence(s.static, rule or "none", "", fit, sentinel), (t, p), kind=s.kind)
        out.append((shown.type, shown.confidence) if shown is not None else (None, 0.0))
    return out


def report(name: str, rows: list[tuple[float, bool, str]]) -> None:
    """Prints the figures of (confidence, right, kind) rows."""
    for kind in (None, "parameter", "return"):
        sel = [r for r in rows if kind is None or r[2] == kind]
        if not sel:
            continue
        n = len(sel)
        shown = [r for r in sel if r[0] >= 0.8]
        best = 0.0
        for t in [x / 100 for x in range(5, 100)]:
            s = [r for r in sel if r[0] >= t]
            if s and sum(r[1] for r in s) / len(s) >= 0.9:
                best = max(best, len(s) / n)
        print(f"{name:18} {kind or 'all':9} slots {n:5}  first guess right {sum(r[1] for r in sel) / n:.3f}  "
              f"at 0.8: coverage {len(shown) / n:.3f} precision {sum(r[1] for r in shown) / max(1, len(shown)):.3f}  "
              f"coverage at precision>=0.9: {best:.3f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("packages", nargs="+", type=Path)
    ap.add_argument("--no-stubs", action="store_true", help="train without typeshed's stubs")
    ap.add_argument("--cache", type=Path, help="keep the collected training corpus here between runs")
    ap.add_argument("--dump", type=Path, help="write every evaluated slot here as JSON lines (for error analysis)")
    args = ap.parse_args()
    sys.setrecursionlimit(10000)
    exclude = {p.resolve().name for p in args.packages}
    t0 = time.time()
    if args.cache and args.cache.exists():
        corpus = pickle.loads(args.cache.read_bytes())  # a file this script wrote
    else:
        corpus = collect(sys.executable, None, exclude=exclude, stubs=not args.no_stubs)
        if args.cache:
            args.cache.write_bytes(pickle.dumps(corpus))
    print(f"corpus: {len(corpus)} samples ({time.time() - t0:.0f} s)")
    t0 = time.time()
    model = type_model.train(corpus)
    print(f"trained in {time.time() - t0:.0f} s: {model.metrics}")
    pooled = []
    dump = args.dump.open("w") if args.dump else None
    for path in args.packages:
        samples = package_samples(path.resolve())
        preds = predict(model, samples)
        rows = [(p, type_model._correct(t, s), s.kind) for (t, p), s in zip(preds, samples)]
        report(path.name, rows)
        pooled += rows
        for (t, p), s, (_, ok, _) in zip(preds, samples, rows):
            if dump is not None:
                dump.write(json.dumps({"pkg": path.name, "kind": s.kind,
                                       "truth": s.static if s.label == type_model.STATIC else s.label,
                                       "static": s.static, "pred": t, "conf": round(p, 3), "ok": ok,
                                       "features": sorted(s.features)}) + "\n")
    if len(args.packages) > 1:
        report("pooled", pooled)
    return 0


if __name__ == "__main__":
    sys.exit(main())

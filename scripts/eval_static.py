"""Static evidence alone, as the server has it: every slot's rule and type against the annotation.

    .venv/bin/python scripts/eval_static.py PKG_DIR [PKG_DIR ...] [--dump F] [--wrong RULE]

The quickest loop for work on static rules (seconds, no model): each package is
stripped into a temporary workspace as `eval_types.py` does, the workspace is
indexed with its call sites, and `static.evidence_for` is asked for every slot
whose annotation is known.  Printed: per rule, how many slots it types and how
many of those match the annotation (after alias expansion, as the evaluation
scores); the pooled figures; with `--wrong RULE`, that rule's misses.  Two runs
on two commits, with `--dump`, show what a change gained and lost, slot by slot.
"""

from __future__ import annotations

import argparse
import ast
import collections
import json
import shutil
import sys
import tempfile
from pathlib import Path

from pulsedev.models.types.evaluation import prepare
from pulsedev.models.types.index import WorkspaceIndex, module_name
from pulsedev.models.types.scoring import same_type
from pulsedev.models.types.slots import find_slots
from pulsedev.models.types.static import FileContext, evidence_for


def package_rows(package: Path) -> list[dict]:
    """One row per annotated slot of the package: its truth and the static evidence."""
    tmp = Path(tempfile.mkdtemp(prefix="pulsedev-static-"))
    try:
        ws = tmp / "ws"
        truths = prepare(package, ws)
        index = WorkspaceIndex(ws)
        index.build()
        index.build_callsites()
        rows = []
        for path, truth in truths.items():
            p = Path(path)
            text = p.read_text(encoding="utf-8")
            tree = ast.parse(text)
            ctx = FileContext(tree, module_name(ws, p), index)
            for slot in find_slots(tree, text):
                t = truth.get(slot.key)
                if t is None:
                    continue
                try:
                    ev = evidence_for(slot, ctx)
                except RecursionError:
                    continue
                rows.append({"package": package.name, "file": str(p.relative_to(ws)), "key": list(slot.key),
                             "truth": t, "type": ev.type, "rule": ev.rule,
                             "right": bool(ev.type and same_type(ev.type, t, truths.aliases))})
        return rows
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("packages", nargs="+", type=Path)
    ap.add_argument("--dump", type=Path, help="write every slot's row here as JSON lines")
    ap.add_argument("--wrong", metavar="RULE", help="list the slots this rule types wrongly")
    args = ap.parse_args()
    sys.setrecursionlimit(10000)
    rows = [r for p in args.packages for r in package_rows(p)]
    if args.dump:
        args.dump.write_text("".join(json.dumps(r) + "\n" for r in rows))
    by_rule = collections.defaultdict(list)
    for r in rows:
        if r["type"] is not None:
            by_rule[r["rule"]].append(r)
    print(f"{'rule':28} {'typed':>6} {'right':>6} {'precision':>9}")
    for rule, rs in sorted(by_rule.items(), key=lambda kv: -len(kv[1])):
        right = sum(r["right"] for r in rs)
        print(f"{rule:28} {len(rs):6} {right:6} {right / len(rs):9.3f}")
    typed = [r for r in rows if r["type"] is not None]
    right = sum(r["right"] for r in typed)
    print(f"\n{len(rows)} slots; static evidence for {len(typed)} ({len(typed) / max(1, len(rows)):.3f}), "
          f"right {right} (precision {right / max(1, len(typed)):.3f}, "
          f"coverage {right / max(1, len(rows)):.3f} of all)")
    if args.wrong:
        for r in by_rule.get(args.wrong, []):
            if not r["right"]:
                print(f"  {r['package']}/{r['file']} {'.'.join(r['key'][1:])}: {r['type']} (annotated {r['truth']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How often the tracer's types equal a real package's own annotations.

Usage: `.venv/bin/python scripts/eval_tracer.py [--work DIR]`

Runs the test suite of an annotated pure-Python package (Python-Markdown's
sdist, from PyPI) with `pulsedev_trace`, then compares every traced
parameter and return type with the annotation written in the source at the
record's `lineno`, and prints: the share that match exactly; the share that
match once module qualification and the order of union members are
ignored (`markdown.core.Markdown` vs `Markdown` as imported: the type
engine's job to render a reachable name);
and the most common remaining differences.  Slots annotated `Any`, a type
variable or `Literal[...]` count as misses: the runtime cannot know them.
"""

from __future__ import annotations

import argparse
import ast
import collections
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_tracer import MARKDOWN, make_venv, run, sdist

_QUALIFIED = re.compile(r"\b(?:[A-Za-z_]\w*\.)+([A-Za-z_]\w*)")


def short(text: str) -> frozenset[str]:
    """Type text without module qualification, as the set of its top-level union members."""
    text, members, depth, start = _QUALIFIED.sub(r"\1", text), [], 0, 0
    for i, ch in enumerate(text):
        depth += ch == "["
        depth -= ch == "]"
        if ch == "|" and depth == 0:
            members.append(text[start:i].strip())
            start = i + 1
    members.append(text[start:].strip())
    return frozenset(members)


def annotated_pairs(records: list[dict]):
    """(declared, traced) for every traced slot whose def carries an annotation there."""
    defs: dict[str, dict[int, ast.AST]] = {}
    for rec in records:
        file = rec["file"]
        if file not in defs:
            tree = ast.parse(Path(file).read_text(encoding="utf-8"))
            defs[file] = {n.lineno: n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        node = defs[file].get(rec["lineno"])
        if node is None:
            continue
        a = node.args
        args = {x.arg: x for x in a.posonlyargs + a.args + a.kwonlyargs + [a.vararg, a.kwarg] if x is not None}
        for p in rec["params"]:
            arg = args.get(p["name"])
            if arg is not None and arg.annotation is not None and p["type"]:
                yield ast.unparse(arg.annotation).replace("'", ""), p["type"]
        returns = rec.get("returns")
        if node.returns is not None and returns and returns["type"] and "yields" not in rec and rec["kind"] != "setter":
            yield ast.unparse(node.returns).replace("'", ""), returns["type"]


def main() -> None:
    """Run the traced suite and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, help="keep the venv and sdist here (default: a temp dir)")
    opts = parser.parse_args()
    work = opts.work or Path(tempfile.mkdtemp(prefix="eval-tracer-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        python = make_venv(work)
        root = sdist(work, python, MARKDOWN)
        result = run(python, root, ["--continue-on-collection-errors", "tests"], "pulsedev_trace", work)
        spool = work / "data" / "spool"
        records = [json.loads(line) for f in spool.glob("*.jsonl") for line in f.read_text().splitlines()]
        records = [r for r in records if r["type"] == "trace"]
        pairs = list(annotated_pairs(records))
        exact = sum(d == t for d, t in pairs)
        loose = sum(short(d) == short(t) for d, t in pairs)
        print(f"{MARKDOWN}: {result['summary']}; {len(records)} functions traced")
        print(f"annotated slots seen: {len(pairs)}")
        print(f"exact text match:                                 {exact / len(pairs):.3f} ({exact})")
        print(f"match ignoring module qualifiers and union order: {loose / len(pairs):.3f} ({loose})")
        print("\nmost common remaining differences (declared | traced):")
        rest = collections.Counter((d, t) for d, t in pairs if short(d) != short(t))
        for (d, t), n in rest.most_common(15):
            print(f"  {n:3}  {d}  |  {t}")
    finally:
        if opts.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

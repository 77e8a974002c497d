"""Every file of a source tree through the type engine: no exception, and every hint's edits parse.

    .venv/bin/python scripts/check_hints.py DIR [--limit N] [--model FILE.skops]

Indexes DIR as a workspace (as the server does), asks for each file's hints
and code actions, applies each hint's text edits on its own (the annotation
and any import it needs) and parses the result.  Any code will do, annotated
or not: the standard library (`/usr/lib/python3.11`), a site-packages folder.
`--model` loads a trained type model (`pulsedev eval types` leaves them in
`~/.cache/pulsedev/eval-types/types/`), so the model's hints are checked too;
without it the hints are static evidence only.  Prints the counts and every
hint whose edits break the file; exits 1 if there was one, or an exception.
"""

from __future__ import annotations

import argparse
import ast
import sys
import tempfile
import time
import traceback
from pathlib import Path

from pulsedev.models.types.engine import TypeEngine
from pulsedev.models.types.lines import source_lines
from pulsedev.models.types.modelfile import load


def apply(text: str, edits: list[dict]) -> str:
    """`text` with LSP text edits applied (positions in UTF-16 units, lines as LSP counts them)."""
    lines = source_lines(text) or [""]

    def offset(pos: dict) -> int:
        if pos["line"] >= len(lines):
            return len(text)
        line, units, i = lines[pos["line"]], 0, 0
        while i < len(line) and units < pos["character"]:
            units += 2 if ord(line[i]) > 0xFFFF else 1
            i += 1
        return sum(len(x) for x in lines[:pos["line"]]) + i

    for edit in sorted(edits, key=lambda e: offset(e["range"]["start"]), reverse=True):
        a, b = offset(edit["range"]["start"]), offset(edit["range"]["end"])
        text = text[:a] + edit["newText"] + text[b:]
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--limit", type=int, default=3000, help="files to check (the index reads up to 3,000)")
    parser.add_argument("--model", type=Path, help="a trained type model (.skops) to hint with")
    args = parser.parse_args(argv)
    sys.setrecursionlimit(10000)
    root = args.root.resolve()
    engine = TypeEngine(root, Path(tempfile.mkdtemp()), train=False)
    start = time.perf_counter()
    engine.start(wait=True)
    if args.model:
        engine.model = load(args.model)
    print(f"indexed {len(engine.index.trees)} modules in {time.perf_counter() - start:.1f} s", flush=True)
    files = hints = broken = failed = 0
    slowest = (0.0, "")
    for path in sorted(root.rglob("*.py"))[: args.limit]:
        try:
            text = path.read_text(encoding="utf-8")
            ast.parse(text)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            continue  # not Python the server would hint either
        files += 1
        uri, end = path.as_uri(), text.count("\n") + 1
        try:
            t = time.perf_counter()
            found = engine.hints(uri, text)
            slowest = max(slowest, (time.perf_counter() - t, str(path)))
            engine.code_actions(uri, text, {"start": {"line": 0, "character": 0}, "end": {"line": end, "character": 0}})
        except Exception:  # what the server would have logged: count it and go on
            failed += 1
            print(f"EXCEPTION {path}\n{traceback.format_exc()}", flush=True)
            continue
        hints += len(found)
        for h in found:
            try:
                ast.parse(apply(text, h.get("textEdits", [])))
            except SyntaxError:
                broken += 1
                print(f"BROKEN {path}:{h['position']['line'] + 1} {h['label']!r} {h.get('textEdits')}", flush=True)
    engine.stop()
    print(f"files {files}, hints {hints}, edits that break the file {broken}, exceptions {failed}; "
          f"slowest first analysis {slowest[0] * 1000:.0f} ms ({slowest[1]})")
    return 1 if broken or failed else 0


if __name__ == "__main__":
    sys.exit(main())

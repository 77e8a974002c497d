"""Figures for type hints: accuracy on held-out annotated packages, and speed, through the real server.

    .venv/bin/python scripts/eval_types.py accuracy PKG_DIR [PKG_DIR ...]   # coverage/precision per package
        (figures at --threshold, default 0.8; pooled figures at every threshold from 0.5 up, from the same run)
    .venv/bin/python scripts/eval_types.py speed PKG_DIR                    # 2,000-line p95 and first-hint time
    .venv/bin/python scripts/eval_types.py traced PKG_DIR TESTS_DIR         # with traces of the package's tests

For `traced`, use a source distribution that ships its tests, e.g.
`pip download --no-deps --no-binary :all: h11==0.16.0` (tests in h11/tests) or tomlkit==0.15.2 (tests/).
Test-only dependencies go into a throwaway folder, reached through pytest's own options, e.g. for
humanize==4.17.0 (src/humanize, tests/): `pip install --no-deps --target /tmp/deps freezegun
python-dateutil six` and `PYTEST_ADDOPTS="-o pythonpath=/tmp/deps --continue-on-collection-errors"`
(its i18n tests need locale files that the stripped copy does not have).

The evaluated packages must not be installed in the server's interpreter (the
server's model trains on that interpreter's site-packages; each evaluated
package is also excluded by name).  E.g. install some into a throwaway folder:
`pip install --no-deps --target /tmp/typeeval/pkgs rich httpx h11 tomlkit structlog starlette anyio`.
The README's figures are pooled per set over twelve such folders, one `accuracy` run each:
  held-out  urllib3 tomli idna wsproto tenacity humanize markdown-it-py pydantic-settings
  dev       rich httpx h11 tomlkit structlog starlette anyio
  third     werkzeug flask httpcore marshmallow itsdangerous typer pathspec blinker
  new       jinja2 markupsafe asgiref arrow websockets uvicorn python-multipart tomli-w mdurl outcome sniffio
            h2 rich-click pyee
  fresh2    trio charset-normalizer referencing backoff docstring-parser tzlocal exceptiongroup hpack
            hyperframe async-timeout
  fresh3    yarl propcache multidict aiohappyeyeballs svcs stamina dacite python-dotenv annotated-types
            typing-inspection griffe griffelib pyjwt environs cyclopts
  fresh4    fastapi aiosqlite lark typeguard psygnal hishel respx polyfactory tyro sqlmodel
  fresh5    hatchling build pyproject-hooks nox cleo mashumaro pathvalidate dataclasses-json
  fresh6    inflect email-validator httpx-sse sse-starlette asyncer result questionary aiofiles pypdf
  fresh7    aioitertools aiolimiter asyncstdlib injector limits pyrate-limiter returns rich-argparse
            trio-websocket watchfiles
  fresh8    aiostream fastapi-cli isort mdit-py-plugins pre-commit rich-toolkit semver python-slugify
            typeshed-client validators
  fresh9    tinydb opentelemetry-api dishka bidict aiosmtplib pydash cyclonedx-python-lib aiorwlock
            xdg-base-dirs asgi-lifespan
The older sets were looked into, slot by slot, while rules were written; fresh3 to fresh9 were
installed untouched to check finished rules (fresh3 has since chosen a model variant, fresh4's misses
were read once it was measured, fresh5, fresh6 and fresh8 were measured before and after rounds of
rules, never read, and fresh7's and fresh9's figures per rule, not their slots, were read).  A new untouched set is
the honest check of a change.
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pulsedev.client import LspClient
from pulsedev.models.types.corpus import python_files
from pulsedev.models.types.evaluation import (
    NoSlots,
    default_eval_dir,
    prepare,
    run_type_eval,
)
from pulsedev.models.types.scoring import (
    CURVE,
    KINDS,
    TARGET_PRECISION,
    at_target_line,
    coverage_at,
    obvious_line,
)


def accuracy(paths: list[str], threshold: float, mode: str) -> None:
    """Per-package and pooled coverage/precision."""
    total = {"slots": 0, "shown": 0, "correct": 0, "obvious": 0}
    curve = {t: [0, 0] for t in CURVE}
    per_kind = {k: [0, 0, 0] for k in KINDS}
    rows, confidences = [], []
    for p in paths:
        try:
            f = run_type_eval(p, mode=mode, threshold=threshold, log=print)
        except NoSlots as e:  # one package without annotations does not end the run
            print(f"skipped: {e}")
            continue
        rows.append((f["package"], f["coverage"], f["precision"], f["slots"]))
        confidences += f["confidences"]
        total["slots"] += f["slots"]
        total["obvious"] += f.get("obvious", 0)
        total["shown"] += f["shown"]
        total["correct"] += round(f["precision"] * f["shown"])
        for t, counts in curve.items():
            counts[0] += f["curve"][t]["shown"]
            counts[1] += f["curve"][t]["correct"]
        for k in KINDS:
            shown = round(f[k]["coverage"] * f[k]["slots"])
            per_kind[k][0] += f[k]["slots"]
            per_kind[k][1] += shown
            per_kind[k][2] += round(f[k]["precision"] * shown)
    if not rows:
        sys.exit("no package had annotated slots to score")
    print("\npackage        coverage  precision  slots")
    for name, cov, prec, n in rows:
        print(f"{name:14} {cov:8.3f}  {prec:9.3f}  {n:5}")
    cov = total["shown"] / max(1, total["slots"])
    prec = total["correct"] / max(1, total["shown"])
    print(f"{'pooled':14} {cov:8.3f}  {prec:9.3f}  {total['slots']:5}")
    if total["obvious"]:
        print("  " + obvious_line(total["obvious"]))
    for k, (n, s, c) in per_kind.items():
        print(f"  {k:9} coverage {s / max(1, n):.3f} precision {c / max(1, s):.3f} ({n} slots)")
    print(f"mean over packages: coverage {statistics.mean(r[1] for r in rows):.3f}, "
          f"precision {statistics.mean(r[2] for r in rows):.3f}")
    print("pooled " + at_target_line(*coverage_at(confidences, total["slots"], TARGET_PRECISION)))
    print("\npooled, by threshold (the same hints, shown from each confidence up):")
    for t, (shown, correct) in curve.items():
        print(f"  {t:.2f}: coverage {shown / max(1, total['slots']):.3f}  precision {correct / max(1, shown):.3f}")


def _hint_request(client, uri, text, lines=None):
    lo, hi = lines or (0, len(text.splitlines()) + 1)
    return client.request("textDocument/inlayHint", {
        "textDocument": {"uri": uri},
        "range": {"start": {"line": lo, "character": 0}, "end": {"line": hi, "character": 0}}}, timeout=60)


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
        return True
    except (SyntaxError, ValueError):
        return False


def speed(package: str, files: int = 300) -> None:
    """p95 of hints for a ~2,000-line file (indexed, after edits) and first hints in a fresh 300-file workspace."""
    tmp = Path(tempfile.mkdtemp(prefix="pulsedev-speed-"))
    try:
        ws = tmp / "ws"
        prepare(Path(package), ws)
        sources = list(python_files(ws))
        i = 0
        while len(list(python_files(ws))) < files:  # pad to `files` with renamed copies
            src = sources[i % len(sources)]
            shutil.copy(src, src.with_name(f"{src.stem}_copy{i}.py"))
            i += 1
        big_text = ""
        for src in sorted(sources, key=lambda p: -p.stat().st_size):  # whole modules, ~2,000 lines
            text = src.read_text()
            n = text.count("\n")
            if n > 1500 or big_text.count("\n") + n > 2200:
                continue
            big_text += "".join(ln for ln in text.splitlines(keepends=True) if "__future__" not in ln) + "\n\n"
            if big_text.count("\n") >= 2000:
                break
        big = ws / "big_module.py"
        big.write_text(big_text)
        env = {**os.environ, "PULSEDEV_TYPES_TRAIN_DELAY": "0", "PULSEDEV_TYPES_EXCLUDE": Path(package).name}
        data = tmp / "data"
        start = time.perf_counter()
        with LspClient.spawn(env=env) as c:  # fresh data dir: no model yet, static evidence only
            c.initialize(root=ws, options={"dataDir": str(data), "features": {"telemetry": False}})
            first = next((p for p in sources if "def " in p.read_text()), sources[0])  # a file with slots
            uri, text = first.as_uri(), first.read_text()
            c.open(uri, text)
            while True:
                hints = _hint_request(c, uri, text)
                if hints or time.perf_counter() - start > 30:
                    break
                time.sleep(0.05)
            print(f"fresh {files}-file workspace: first hints ({len(hints)}) {time.perf_counter() - start:.2f} s "
                  f"after spawning the server")
            c.shutdown()
        with LspClient.spawn(env=env) as c:  # indexed, with the cached model of the evaluation
            c.initialize(root=ws, options={"dataDir": str(default_eval_dir()), "features": {"telemetry": False}})
            t0 = time.time()
            while time.time() - t0 < 600 and not c.request("pulsedev/typesStatus", None).get("ready"):
                time.sleep(0.5)
            print(f"index+model ready after {time.time() - t0:.1f} s: {c.request('pulsedev/typesStatus', None)}")
            uri = big.as_uri()
            t = time.perf_counter()
            c.open(uri, big_text)
            opened = _hint_request(c, uri, big_text)
            print(f"{big_text.count(chr(10))}-line file just opened: {len(opened)} hints "
                  f"{(time.perf_counter() - t) * 1000:.0f} ms after didOpen (its first analysis)")
            edits, views, cached = [], [], []
            n_lines = big_text.count("\n")
            for k in range(30):
                text = big_text.replace("\n\n", "\n" + " " * (k % 3) + "\n", 1) + f"# edit {k}\n"
                c.change(uri, text)
                lo = (k * 67) % max(1, n_lines - 60)
                t = time.perf_counter()
                _hint_request(c, uri, text, (lo, lo + 60))  # what an editor asks: the visible lines
                views.append(time.perf_counter() - t)
                t = time.perf_counter()
                hints = _hint_request(c, uri, text)  # the whole file
                edits.append(time.perf_counter() - t)
                t = time.perf_counter()
                _hint_request(c, uri, text)
                cached.append(time.perf_counter() - t)

            def p95(xs):
                return sorted(xs)[int(0.95 * (len(xs) - 1))] * 1000

            print(f"{n_lines}-line file, {len(hints)} hints, after each edit: visible 60 lines p95 {p95(views):.1f} ms "
                  f"(median {statistics.median(views) * 1000:.1f}); whole file p95 {p95(edits):.1f} ms "
                  f"(median {statistics.median(edits) * 1000:.1f}); unchanged p95 {p95(cached):.1f} ms")
            lines = big_text.splitlines(keepends=True)
            views, edits = [], []
            for k in range(30):  # typing: a new line of code in a different function each time (lines move)
                at = (k * 67) % max(1, n_lines - 60)
                while at < len(lines) - 1:  # the next place where a statement line keeps the code valid
                    indent = lines[at + 1][: len(lines[at + 1]) - len(lines[at + 1].lstrip())]
                    if lines[at].strip() and lines[at].startswith("    ") and lines[at + 1].startswith("    "):
                        lines.insert(at + 1, f"{indent}_typed_{k} = {k}\n")
                        if _parses("".join(lines)):
                            break
                        del lines[at + 1]
                    at += 1
                text = "".join(lines)
                c.change(uri, text)
                t = time.perf_counter()
                _hint_request(c, uri, text, (max(0, at - 30), at + 30))
                views.append(time.perf_counter() - t)
                t = time.perf_counter()
                _hint_request(c, uri, text)
                edits.append(time.perf_counter() - t)
            print(f"typing a line into a function each time: visible 60 lines p95 {p95(views):.1f} ms "
                  f"(median {statistics.median(views) * 1000:.1f}); whole file p95 {p95(edits):.1f} ms "
                  f"(median {statistics.median(edits) * 1000:.1f})")
            c.shutdown()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    """CLI."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["accuracy", "speed", "traced"])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--threshold", type=float, default=0.8)
    ap.add_argument("--mode", choices=["lsp", "inprocess"], default="lsp")
    args = ap.parse_args()
    if args.what == "accuracy":
        accuracy(args.paths, args.threshold, args.mode)
    elif args.what == "traced":
        run_type_eval(args.paths[0], mode=args.mode, threshold=args.threshold, tests=args.paths[1], log=print)
    else:
        speed(args.paths[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())

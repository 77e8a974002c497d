"""`pulsedev eval types PATH`: coverage and precision of type hints on an annotated package.

Copies the package's .py files into a temp workspace with every annotation
stripped (keeping each as the truth), asks for hints — from the real server
over LSP (`pulsedev.client.LspClient`) by default, or in-process through the
engine (`mode="inprocess"`) — and scores them: coverage = share of the
stripped slots that got a hint, precision = share of shown hints whose type
equals the truth after normalisation, per kind, and the p95 latency of the
hint requests (scoring.py).  With the package's tests, they are run under the
tracer first and the traces reach the server through its spool.
"""

from __future__ import annotations

import ast
import shutil
import tempfile
import time
from pathlib import Path

from pulsedev.models.types.corpus import python_files
from pulsedev.models.types.scoring import (
    ASKED_FROM,
    Score,
    Truths,
    expand_aliases,
    format_figures,
    score_file,
    type_aliases,
)
from pulsedev.models.types.strip import strip_source


def prepare(package: Path, dest: Path, max_files: int = 400) -> Truths:
    """Writes the stripped copy of `package` under `dest`; returns rel path -> {key: truth}."""
    truths = Truths()
    root = package.parent if package.is_file() else package
    files = [package] if package.is_file() else list(python_files(package))
    aliases = type_aliases(files)
    truths.aliases = aliases
    for f in files[:max_files]:
        try:
            text = f.read_text(encoding="utf-8")
            stripped, labels = strip_source(text)
            ast.parse(stripped)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError, RecursionError):
            continue
        rel = f.relative_to(root) if not package.is_file() else Path(f.name)
        out = dest / package.name / rel if not package.is_file() else dest / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(stripped, encoding="utf-8")
        truths[str(out)] = {k: expand_aliases(v, aliases) for k, v in labels.items()}
    return truths


class NoSlots(ValueError):
    """The evaluated path holds no annotated slot (nothing to strip, so nothing to score)."""


def run_type_eval(path: str | Path, mode: str = "lsp", threshold: float = 0.8, python: str | None = None,
                  data_dir: str | Path | None = None, options: dict | None = None, max_files: int = 400,
                  server_cmd: list[str] | None = None, tests: str | Path | None = None, log=print) -> dict:
    """Strips the annotated package at `path`, asks for hints, and returns (and logs) the figures.

    With `tests` (a folder of the package's tests), the tests are copied (unstripped) next to
    the stripped code and run under the PulseDev tracer first; the traces reach the server
    through its spool, and the figures gain `traced` (slots of functions the tests called).
    """
    package = Path(path).resolve()
    tmp = Path(tempfile.mkdtemp(prefix="pulsedev-eval-"))
    try:
        workspace = tmp / "workspace"
        truths = prepare(package, workspace, max_files)
        if not any(v is not None for labels in truths.values() for v in labels.values()):
            raise NoSlots(f"{package} has no annotated parameter, return or variable to score: point it at "
                          "an annotated package (e.g. one that ships py.typed), whose annotations it strips")
        spool_files, traced = [], {}
        if tests is not None:
            spool_files, traced = run_traced_tests(package, Path(tests), workspace, tmp / "spool", log)
        # The figures at `threshold`; the curve and coverage at 0.9 from ASKED_FROM up.
        score = Score(threshold=threshold)
        opts = {"thresholds": {"typeHintConfidence": min(threshold, ASKED_FROM)}, "features": {"telemetry": False}}
        opts["dataDir"] = str(data_dir or default_eval_dir())
        opts.update(options or {})
        if mode == "lsp":
            _via_lsp(workspace, truths, opts, score, server_cmd, package.name, spool_files, traced, log)
        else:
            _in_process(workspace, truths, opts, score, python, spool_files, traced)
        figures = score.figures()
        figures["package"] = package.name
        figures["mistakes_sample"] = score.mistakes[:60]
        if log:
            log(format_figures(figures))
        return figures
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def default_eval_dir() -> Path:
    """Where the evaluation's server keeps its model between runs (a cache, not the user's data)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("pulsedev", appauthor=False)) / "eval-types"


def run_traced_tests(package: Path, tests: Path, workspace: Path, spool: Path, log) -> tuple[list[Path], dict]:
    """Runs `tests` against the stripped copy under the tracer; (spool files, file -> traced qualnames)."""
    import json
    import os
    import subprocess
    import sys

    from pulsedev.telemetry.tracing import TRACER_DIR

    try:  # tests inside the package keep their place; others sit beside it, as in a source tree
        dest = workspace / package.name / tests.resolve().relative_to(package)
    except ValueError:
        dest = workspace / tests.name
    shutil.copytree(tests, dest, dirs_exist_ok=True)
    spool.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TRACER_DIR), str(workspace)]),
           "PULSEDEV_SPOOL": str(spool), "PULSEDEV_TRACE_ROOT": str(workspace), "PYTHONDONTWRITEBYTECODE": "1"}
    t0 = time.time()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "pulsedev_trace", "-p", "no:cacheprovider",
                           str(dest)], check=False, cwd=workspace, env=env, capture_output=True, text=True, timeout=900)
    if log:
        log(f"traced test run: {proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.returncode} "
            f"({time.time() - t0:.0f} s)")
    files = sorted(spool.glob("*.jsonl"))
    traced: dict[str, set[str]] = {}
    for f in files:
        for line in f.read_text().splitlines():
            rec = json.loads(line)
            if rec.get("type") == "trace" and rec.get("file"):
                traced.setdefault(str(Path(rec["file"]).resolve()), set()).add(rec["qualname"].replace(".<locals>", ""))
    return files, traced


def _deliver(spool_files: list[Path], data_dir: Path) -> None:
    spool = data_dir / "spool"
    spool.mkdir(parents=True, exist_ok=True)
    for f in spool_files:
        tmp = spool / (f.name + ".tmp")
        shutil.copy(f, tmp)
        tmp.rename(spool / f.name)


def _in_process(workspace: Path, truths: dict, opts: dict, score: Score, python: str | None,
                spool_files=(), traced=None) -> None:
    import json

    from pulsedev.models.types.engine import TypeEngine
    from pulsedev.options import parse_options

    options, _ = parse_options(opts)
    engine = TypeEngine(workspace, options.data_dir, python=python)
    engine.train_delay = 0
    engine.start(wait=True)
    for f in spool_files:
        engine.add_traces([json.loads(line) for line in f.read_text().splitlines()])
    for file, truth in truths.items():
        text = Path(file).read_text(encoding="utf-8")
        uri = Path(file).as_uri()
        t0 = time.perf_counter()
        hints = engine.hints(uri, text, version=1, options=options)
        score.latencies.append(time.perf_counter() - t0)
        score_file(score, text, truth, hints, (traced or {}).get(str(Path(file).resolve()), set()),
                       getattr(truths, "aliases", None))
    engine.stop()


def _via_lsp(workspace: Path, truths: dict, opts: dict, score: Score, server_cmd, exclude: str,
             spool_files=(), traced=None, log=print) -> None:
    import os

    from pulsedev.client import LspClient

    env = {**os.environ, "PULSEDEV_TYPES_TRAIN_DELAY": "0", "PULSEDEV_TYPES_EXCLUDE": exclude}
    log_path = os.environ.get("PULSEDEV_EVAL_SERVER_LOG")
    err = open(log_path, "w") if log_path else None  # noqa: SIM115 - closed below
    with LspClient.spawn(cmd=server_cmd, env=env, stderr=err) as client:
        client.initialize(root=workspace, options=opts)
        start = time.time()
        deadline = start + 1800  # training takes minutes, more on a busy machine
        told = False
        while time.time() < deadline:  # wait for the type index + model to be ready
            status = client.request("pulsedev/typesStatus", None, timeout=30)
            if status and status.get("ready"):
                break
            if log and not told and (status or {}).get("training"):
                log("training the type model for this evaluation (minutes; later runs reuse it) ...")
                told = True
            time.sleep(1.0)
        if told:
            log(f"model ready after {time.time() - start:.0f} s")
        if log and not (status or {}).get("model"):
            log(f"warning: no type model for {exclude} (training failed or took over 30 minutes): "
                "these figures are static evidence alone")
        if spool_files:
            _deliver(spool_files, Path(opts["dataDir"]))
            while time.time() < deadline and not client.request("pulsedev/typesStatus", None).get("tracedFunctions"):
                time.sleep(0.2)
        for file, truth in truths.items():
            text = Path(file).read_text(encoding="utf-8")
            uri = Path(file).as_uri()
            client.open(uri, text)
            end = len(text.splitlines()) + 1
            params = {"textDocument": {"uri": uri},
                      "range": {"start": {"line": 0, "character": 0}, "end": {"line": end, "character": 0}}}
            t0 = time.perf_counter()
            hints = client.request("textDocument/inlayHint", params, timeout=60) or []
            score.latencies.append(time.perf_counter() - t0)
            score_file(score, text, truth, hints, (traced or {}).get(str(Path(file).resolve()), set()),
                       getattr(truths, "aliases", None))
        client.shutdown()
    if err is not None:
        err.close()

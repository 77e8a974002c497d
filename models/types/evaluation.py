"""`pulsedev eval types PATH`: coverage and precision of type hints on an annotated package.

Copies the package's .py files into a temp workspace with every annotation
stripped (keeping each as the truth), asks for hints — from the real server
over LSP (`pulsedev.client.LspClient`) by default, or in-process through the
engine (`mode="inprocess"`) — and scores them: coverage = share of the
stripped slots that got a hint, precision = share of shown hints whose type
equals the truth after normalisation (typing aliases to builtins,
Optional/Union to `|`, union order ignored, qualifiers dropped), per kind, and
the p95 latency of the hint requests.  Slots whose truth cannot be normalised
(e.g. `Literal`) are left out of both.
"""

from __future__ import annotations

import ast
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from pulsedev.models.types.corpus import python_files
from pulsedev.models.types.slots import find_slots
from pulsedev.models.types.strip import strip_source
from pulsedev.models.types.typetext import canonical, normalize, split_union

KINDS = ("parameter", "return", "variable")
#: Thresholds at which one run also reports coverage and precision (hints asked for at the lowest).
CURVE = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)


@dataclass
class Score:
    """Counts per kind and request latencies."""

    slots: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    shown: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    correct: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    by_source: dict[str, list[int]] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    files: int = 0
    mistakes: list[str] = field(default_factory=list)
    traced: list[int] = field(default_factory=lambda: [0, 0, 0])  # slots, shown, correct in traced functions
    confidences: list[tuple[float, bool]] = field(default_factory=list)  # (confidence, right) of shown hints

    def figures(self) -> dict:
        """Coverage, precision, per-kind figures and latency as a dict."""
        def ratio(a, b):
            return round(a / b, 3) if b else 0.0
        n, s, c = sum(self.slots.values()), sum(self.shown.values()), sum(self.correct.values())
        lat = sorted(self.latencies)
        out = {"files": self.files, "slots": n, "shown": s, "coverage": ratio(s, n), "precision": ratio(c, s),
               "p95_ms": round(lat[int(0.95 * (len(lat) - 1))] * 1000, 1) if lat else None}
        for k in KINDS:
            out[k] = {"slots": self.slots[k], "coverage": ratio(self.shown[k], self.slots[k]),
                      "precision": ratio(self.correct[k], self.shown[k])}
        if self.traced[0]:
            t = self.traced
            out["traced"] = {"slots": t[0], "coverage": ratio(t[1], t[0]), "precision": ratio(t[2], t[1])}
        out["by_source"] = {src: {"shown": v[0], "precision": ratio(v[1], v[0])} for src, v in self.by_source.items()}
        out["curve"] = {t: {"shown": sum(c >= t for c, _ in self.confidences),
                            "correct": sum(c >= t and ok for c, ok in self.confidences)} for t in CURVE}
        return out


def type_aliases(files: list[Path]) -> dict[str, str | None]:
    """Module-level type aliases of a package (`StyleType = Union[str, Style]`, `X: TypeAlias = ...`).

    A truth that is only an alias name is compared as what it stands for; an alias of a
    `Literal` normalises to None, like a `Literal` written out (never hinted, not scored).
    """
    aliases: dict[str, str | None] = {}
    for f in files:
        try:
            tree = ast.parse(f.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            continue
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                name, value = node.targets[0].id, node.value
            elif (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None
                  and "TypeAlias" in ast.unparse(node.annotation)):
                name, value = node.target.id, node.value
            elif isinstance(node, getattr(ast, "TypeAlias", ())):
                name, value = node.name.id, node.value
            else:
                continue
            if isinstance(value, ast.Subscript) and isinstance(value.value, (ast.Name, ast.Attribute)):
                head = value.value.id if isinstance(value.value, ast.Name) else value.value.attr
                if head in ("Union", "Optional", "Literal", "Callable", "Type", "Dict", "List", "Tuple",
                            "Mapping", "Sequence", "Iterable", "dict", "list", "tuple", "type", "Annotated"):
                    aliases[name] = normalize(value)
            elif isinstance(value, ast.BinOp) and isinstance(value.op, ast.BitOr):
                aliases[name] = normalize(value)
    return aliases


def _expand(truth: str | None, aliases: dict[str, str | None]) -> str | None:
    if truth is None:
        return None
    parts = split_union(truth)
    out = []
    for p in parts:
        if p in aliases:
            if aliases[p] is None:
                return None
            out.append(aliases[p])
        else:
            out.append(p)
    return " | ".join(out) if len(out) > 1 else out[0]


class Truths(dict):
    """Stripped file path -> {slot key: truth}, with the package's type aliases (`.aliases`)."""

    aliases: dict[str, str | None]


def same_type(predicted: str, truth: str | None, aliases: dict[str, str | None] | None = None) -> bool:
    """Whether a shown type equals the truth, both normalised alike (the package's aliases expanded).

    A hint naming an alias (`Send`) is the type it stands for, as the truth `Send` is.
    """
    pred = _expand(normalize(predicted) or predicted, aliases or {})
    return canonical(pred) is not None and canonical(pred) == canonical(truth)


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
        truths[str(out)] = {k: _expand(v, aliases) for k, v in labels.items()}
    return truths


def score_file(score: Score, text: str, truth: dict, hints: list[dict], traced: set[str] = frozenset(),
               aliases: dict[str, str | None] | None = None) -> None:
    """Adds one file's hints (LSP InlayHint dicts) to the score; `traced`: qualnames with traces."""
    score.files += 1
    slots = {(s.line, s.character, s.kind): s for s in find_slots(ast.parse(text), text)}
    for s in slots.values():
        if truth.get(s.key) is not None:
            score.slots[s.kind] += 1
            score.traced[0] += s.kind != "variable" and s.qualname in traced
    for h in hints:
        label = h["label"] if isinstance(h["label"], str) else "".join(p["value"] for p in h["label"])
        kind_guess = "return" if label.startswith("->") else None
        pos = h["position"]
        slot = None
        for kind in ((kind_guess,) if kind_guess else ("parameter", "variable")):
            slot = slots.get((pos["line"], pos["character"], kind)) or slot
        if slot is None or truth.get(slot.key) is None:
            continue
        typ = label.removeprefix("->").removeprefix(":").strip()
        ok = same_type(typ, truth[slot.key], aliases)
        score.confidences.append((float((h.get("data") or {}).get("confidence", 1.0)), ok))
        score.shown[slot.kind] += 1
        score.correct[slot.kind] += ok
        if slot.kind != "variable" and slot.qualname in traced:
            score.traced[1] += 1
            score.traced[2] += ok
        src = (h.get("data") or {}).get("source", "?")
        stat = score.by_source.setdefault(src, [0, 0])
        stat[0] += 1
        stat[1] += ok
        if not ok and len(score.mistakes) < 2000:
            score.mistakes.append(f"{slot.kind} {slot.qualname}.{slot.name}: {typ} != {truth[slot.key]} ({src})")


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
        spool_files, traced = [], {}
        if tests is not None:
            spool_files, traced = run_traced_tests(package, Path(tests), workspace, tmp / "spool", log)
        score = Score()
        opts = {"thresholds": {"typeHintConfidence": threshold}, "features": {"telemetry": False}}
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


def format_figures(f: dict) -> str:
    """A short human-readable block of the figures."""
    lines = [f"{f.get('package', '?')}: {f['files']} files, {f['slots']} slots, {f['shown']} hints; "
             f"coverage {f['coverage']:.3f}, precision {f['precision']:.3f}, p95 {f['p95_ms']} ms"]
    for k in KINDS:
        lines.append(f"  {k:9} slots {f[k]['slots']:5}  coverage {f[k]['coverage']:.3f}  precision {f[k]['precision']:.3f}")
    if "traced" in f:
        t = f["traced"]
        lines.append(f"  traced functions: slots {t['slots']}  coverage {t['coverage']:.3f}  precision {t['precision']:.3f}")
    for src, v in f["by_source"].items():
        lines.append(f"  source {src:6} shown {v['shown']:5}  precision {v['precision']:.3f}")
    return "\n".join(lines)


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
                           str(dest)], cwd=workspace, env=env, capture_output=True, text=True, timeout=900)
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
        deadline = time.time() + 1800  # training takes minutes, more on a busy machine
        while time.time() < deadline:  # wait for the type index + model to be ready
            status = client.request("pulsedev/typesStatus", None, timeout=30)
            if status and status.get("ready"):
                break
            time.sleep(1.0)
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

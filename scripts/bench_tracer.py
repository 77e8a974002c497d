"""Bench the test tracer: untraced vs pulsedev_trace vs MonkeyType on the same suites.

Usage: `.venv/bin/python scripts/bench_tracer.py [--runs 3] [--suites fixture,toolz] [--no-monkeytype]`

Builds a throwaway venv (pytest + MonkeyType from PyPI, nothing of PulseDev:
the tracer reaches it only through the env of `tracer_setup`, as in a user's
workspace), then runs each suite in each mode, interleaved, and prints the
medians: pytest's own session time ("in N s"), the process's CPU time, and
their ratios to the untraced run.  Suites:

- `fixture`: tests/data/traced_project with its test files copied 40 times
  (many small tests over a small package);
- `toolz`: the test suite of the `toolz` sdist (a real pure-Python library,
  ~190 tests, many tiny hot functions: the hard case for a wrapping tracer).

MonkeyType runs once per suite (it is slow); its ratio is against the
untraced median.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from pulsedev.telemetry.tracing import tracer_setup  # noqa: E402

FIXTURE = REPO / "tests" / "data" / "traced_project"
TOOLZ = "toolz==1.2.0"


def sh(cmd, **kw):
    """Run a command, fail loudly."""
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def make_venv(work: Path) -> Path:
    """A clean venv with pytest and MonkeyType; returns its python."""
    venv = work / "venv"
    python = venv / "bin" / "python"
    if not python.exists():
        sh([sys.executable, "-m", "venv", str(venv)])
        sh([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "pytest", "monkeytype"])
    return python


def suite_fixture(work: Path) -> tuple[Path, list[str]]:
    """The fixture project with its checks copied 40 times."""
    root = work / "fixture"
    if not root.exists():
        shutil.copytree(FIXTURE, root)
        for check in sorted((root / "checks").glob("check_*.py")):
            for i in range(40):
                shutil.copy(check, check.with_name(f"{check.stem}_{i}.py"))
    return root, ["checks"]


def suite_toolz(work: Path, python: Path) -> tuple[Path, list[str]]:
    """The toolz sdist's own tests."""
    found = list(work.glob("toolz-*/toolz/tests"))
    if not found:
        sh([str(python), "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:", TOOLZ, "-d", str(work)])
        with tarfile.open(next(work.glob("toolz-*.tar.gz"))) as tar:
            tar.extractall(work)
        found = list(work.glob("toolz-*/toolz/tests"))
    tests = found[0]
    return tests.parents[1], ["toolz/tests"]


def clean_env() -> dict[str, str]:
    """This environment without anything that would load a plugin or a tracer."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PULSEDEV_", "PYTEST_", "MT_")) and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run(python: Path, root: Path, targets: list[str], mode: str, work: Path) -> dict:
    """One pytest run of a suite in `mode`; returns its timings."""
    env = clean_env()
    args = ["-q", "-p", "no:cacheprovider", *targets]
    spool = work / "data" / "spool"
    if mode == "pulsedev_trace":
        shutil.rmtree(spool, ignore_errors=True)
        setup = tracer_setup(work / "data", root, environ={})
        env.update(setup["env"])
        cmd = [str(python), "-m", "pytest", *setup["args"], *args]
    elif mode == "monkeytype":
        env["MT_DB_PATH"] = str(work / "monkeytype.sqlite3")
        Path(env["MT_DB_PATH"]).unlink(missing_ok=True)
        cmd = [str(python), "-m", "monkeytype", "run", "-m", "pytest", *args]
    else:
        cmd = [str(python), "-m", "pytest", *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    summary = [line for line in proc.stdout.splitlines() if re.search(r"\bin [\d.]+s", line)]
    session = float(re.search(r"\bin ([\d.]+)s", summary[-1]).group(1)) if summary else float("nan")
    out = {"wall": wall, "cpu": cpu, "session": session, "summary": summary[-1].strip("= ") if summary else proc.stdout[-300:]}
    if mode == "pulsedev_trace":
        lines = [json.loads(x) for f in spool.glob("*.jsonl") for x in f.read_text().splitlines()]
        out["functions"] = sum(1 for x in lines if x["type"] == "trace")
        out["spool_bytes"] = sum(f.stat().st_size for f in spool.glob("*.jsonl"))
    if mode == "monkeytype" and Path(env["MT_DB_PATH"]).exists():
        out["db_bytes"] = Path(env["MT_DB_PATH"]).stat().st_size
    return out


def main() -> None:
    """Parse arguments, run the suites, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per suite and mode (medians are printed)")
    parser.add_argument("--suites", default="fixture,toolz")
    parser.add_argument("--no-monkeytype", action="store_true")
    parser.add_argument("--work", type=Path, help="keep the venv and suites here (default: a temp dir)")
    opts = parser.parse_args()
    work = opts.work or Path(tempfile.mkdtemp(prefix="bench-tracer-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        python = make_venv(work)
        version = sh([str(python), "-c", "import sys, pytest; print(sys.version.split()[0], pytest.__version__)"]).stdout.split()
        print(f"python {version[0]}, pytest {version[1]}, {opts.runs} runs each, medians\n")
        header = f"{'suite':8} {'mode':15} {'session s':>9} {'x':>6} {'cpu s':>7} {'x':>6}  notes"
        print(header)
        print("-" * len(header))
        for name in opts.suites.split(","):
            root, targets = suite_fixture(work) if name == "fixture" else suite_toolz(work, python)
            results: dict[str, list[dict]] = {"untraced": [], "pulsedev_trace": []}
            for _ in range(opts.runs):
                for mode in results:
                    results[mode].append(run(python, root, targets, mode, work))
            if not opts.no_monkeytype:
                results["monkeytype"] = [run(python, root, targets, "monkeytype", work)]
            base_session = statistics.median(r["session"] for r in results["untraced"])
            base_cpu = statistics.median(r["cpu"] for r in results["untraced"])
            for mode, runs in results.items():
                session = statistics.median(r["session"] for r in runs)
                cpu = statistics.median(r["cpu"] for r in runs)
                last = runs[-1]
                notes = last["summary"]
                if "functions" in last:
                    notes += f"; {last['functions']} functions traced, spool {last['spool_bytes'] // 1024} KiB"
                if "db_bytes" in last:
                    notes += f"; db {last['db_bytes'] // 1024} KiB"
                print(f"{name:8} {mode:15} {session:9.2f} {session / base_session:6.2f} {cpu:7.2f} {cpu / base_cpu:6.2f}  {notes}")
    finally:
        if opts.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Bench the test tracer: untraced vs pulsedev_trace vs MonkeyType on the same suites.

Usage: `.venv/bin/python scripts/bench_tracer.py [--runs 5] [--suites fixture,toolz,markdown] [--no-monkeytype]
[--python PYTHON]`

`--python` builds the venv on another interpreter: on 3.12 and later the
tracer records through `sys.monitoring`, and a third mode, `pulsedev_wrap`
(`PULSEDEV_TRACE_MODE=wrap`), runs the wrappers there for comparison.

Builds a throwaway venv (pytest + MonkeyType from PyPI, nothing of PulseDev:
the tracer reaches it only through the env of `tracer_setup`, as in a user's
workspace), then runs each suite in each mode, interleaved, and prints
pytest's own session time ("in N s", median) and the process's CPU time
(user+sys; median and min), with ratios to the untraced run.  On a shared
machine wall times swing by 2x; the CPU-time minimum is the steadiest
figure.  Then the cost per call of a wrapped function, in process.  Suites:

- `fixture`: tests/data/traced_project with its test files copied 40 times
  (many small tests over a small package);
- `toolz`: the test suite of the `toolz` sdist (a real pure-Python library,
  ~190 tests, many tiny hot functions: the hard case for a wrapping tracer);
- `markdown`: Python-Markdown's tests (~1,300 tests over ~300 functions,
  the parser's recursion included).  One test,
  `test_blockquotes.py::test_nesting_limit`, fails traced with wrappers: it
  asserts how deep Markdown nests under a recursion limit of 120, and each
  installed wrapper is one more stack frame (with `sys.monitoring` it passes);
- `more-itertools` (opt-in, ~25 s a run): `tests/test_more.py` of its sdist,
  ~600 tests and 11k subtests over 200 functions; give `--no-monkeytype`
  unless you have many minutes.

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
MORE_ITERTOOLS = "more-itertools==11.2.1"
MARKDOWN = "markdown==3.11.3"


def sh(cmd, **kw):
    """Run a command, fail loudly."""
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def make_venv(work: Path, base: str) -> Path:
    """A clean venv on `base` with pytest and MonkeyType; returns its python."""
    version = sh([base, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"]).stdout.strip()
    venv = work / f"venv-{version}"
    python = venv / "bin" / "python"
    if not python.exists():
        sh([base, "-m", "venv", str(venv)])
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


def sdist(work: Path, python: Path, requirement: str) -> Path:
    """Download and unpack an sdist (once); returns its folder."""
    stem = requirement.split("==")[0].replace("-", "_")
    found = [p for p in work.glob(f"{stem}-*") if p.is_dir()]
    if not found:
        sh([str(python), "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:", requirement,
            "-d", str(work)])
        with tarfile.open(next(work.glob(f"{stem}-*.tar.gz"))) as tar:
            tar.extractall(work)
        found = [p for p in work.glob(f"{stem}-*") if p.is_dir()]
    return found[0]


def suite(name: str, work: Path, python: Path) -> tuple[Path, list[str]]:
    """The folder to run pytest in and its targets."""
    if name == "fixture":
        return suite_fixture(work)
    if name == "toolz":
        return sdist(work, python, TOOLZ), ["toolz/tests"]
    if name == "markdown":  # one test module is meant for unittest only: a collection error, in every mode
        return sdist(work, python, MARKDOWN), ["--continue-on-collection-errors", "tests"]
    if name == "more-itertools":
        return sdist(work, python, MORE_ITERTOOLS), ["tests/test_more.py"]
    raise SystemExit(f"unknown suite {name!r}")


def per_call_costs() -> list[tuple[str, float]]:
    """ns per call of a trivial function: plain, recorded in full, counted only, after restore."""
    import timeit

    from pulsedev.telemetry.tracer import pulsedev_trace_wrap as wrap
    from pulsedev.telemetry.tracer.pulsedev_trace_record import FunctionRecord

    def f(a, b=2):
        return a + b

    def cost(fn, n=100_000):
        return min(timeit.repeat(lambda: fn(1, b=3), number=n, repeat=5)) / n * 1e9

    rec = FunctionRecord(f, "function")
    wrapper = wrap.make_wrapper(f, rec)
    out = [("plain call", cost(f))]
    saved = wrap.FULL, wrap.LIMIT
    wrap.FULL, wrap.LIMIT = 10**12, 10**12
    out.append(("wrapped, recorded in full", cost(wrapper)))
    wrap.FULL, wrap.STRIDE = 0, 10**12
    out.append(("wrapped, counted only", cost(wrapper)))
    rec.restore()
    out.append(("wrapper after restore (a held reference)", cost(wrapper)))
    wrap.FULL, wrap.LIMIT = saved
    return out


MONITOR_COSTS = r"""
import sys, timeit
sys.path.insert(0, sys.argv[1])
import pulsedev_trace_monitor as mon
from pulsedev_trace_record import FunctionRecord

def f(a, b=2):
    return a + b

def cost(n=100_000):
    return min(timeit.repeat(lambda: f(1, b=3), number=n, repeat=5)) / n * 1e9

out = [("plain call", cost())]
monitor = mon.Monitor.claim()
rec = FunctionRecord(f, "function")
monitor.watch(f.__code__, rec)
mon.FULL, mon.LIMIT = 10**12, 10**12
out.append(("sys.monitoring, recorded in full", cost()))
mon.FULL, mon.STRIDE = 0, 10**12
out.append(("sys.monitoring, counted only", cost()))
mon.LIMIT = 0
f(1)
out.append(("sys.monitoring, after its limit", cost()))
monitor.close()
for label, ns in out:
    print("%s\t%f" % (label, ns))
"""


def monitor_costs(python: Path) -> list[tuple[str, float]]:
    """The same per-call figures for `sys.monitoring`, measured in the venv's (3.12+) interpreter."""
    from pulsedev.telemetry.tracing import TRACER_DIR

    out = sh([str(python), "-c", MONITOR_COSTS, str(TRACER_DIR)]).stdout
    return [(label, float(ns)) for label, ns in (line.split("\t") for line in out.splitlines())]


def clean_env() -> dict[str, str]:
    """This environment without anything that would load a plugin or a tracer."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PULSEDEV_", "PYTEST_", "MT_")) and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return env


def run(python: Path, root: Path, targets: list[str], mode: str, work: Path) -> dict:
    """One pytest run of a suite in `mode`; returns its timings."""
    env = clean_env()
    args = ["-q", "-p", "no:cacheprovider", *targets]
    spool = work / "data" / "spool"
    if mode in ("pulsedev_trace", "pulsedev_wrap"):
        shutil.rmtree(spool, ignore_errors=True)
        setup = tracer_setup(work / "data", root, environ={})
        env.update(setup["env"])
        if mode == "pulsedev_wrap":
            env["PULSEDEV_TRACE_MODE"] = "wrap"
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
    if not summary or proc.returncode not in (0, 1):
        print(f"  ! {mode} run ended {proc.returncode}: {(proc.stdout + proc.stderr)[-500:]}", file=sys.stderr)
    out = {"wall": wall, "cpu": cpu, "session": session,
           "summary": summary[-1].strip("= ") if summary else f"exit {proc.returncode}"}
    if mode in ("pulsedev_trace", "pulsedev_wrap"):
        lines = [json.loads(x) for f in spool.glob("*.jsonl") for x in f.read_text().splitlines()]
        out["functions"] = sum(1 for x in lines if x["type"] == "trace")
        out["spool_bytes"] = sum(f.stat().st_size for f in spool.glob("*.jsonl"))
    if mode == "monkeytype" and Path(env["MT_DB_PATH"]).exists():
        out["db_bytes"] = Path(env["MT_DB_PATH"]).stat().st_size
    return out


def main() -> None:
    """Parse arguments, run the suites, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per suite and mode")
    parser.add_argument("--suites", default="fixture,toolz,markdown")
    parser.add_argument("--no-monkeytype", action="store_true")
    parser.add_argument("--work", type=Path, help="keep the venv and suites here (default: a temp dir)")
    parser.add_argument("--python", default=sys.executable, help="the interpreter to build the venv on")
    opts = parser.parse_args()
    work = opts.work or Path(tempfile.mkdtemp(prefix="bench-tracer-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        python = make_venv(work, opts.python)
        version = sh([str(python), "-c",
                      "import sys, pytest; print(sys.version.split()[0], pytest.__version__)"]).stdout.split()
        modes = ["untraced", "pulsedev_trace"]
        if tuple(int(x) for x in version[0].split(".")[:2]) >= (3, 12):
            modes.append("pulsedev_wrap")  # sys.monitoring is the default there; the wrappers for comparison
        print(f"python {version[0]}, pytest {version[1]}, {opts.runs} runs each, medians\n")
        header = (f"{'suite':14} {'mode':15} {'session s':>9} {'x':>6} {'cpu s':>7} {'x':>6} "
                  f"{'cpu min':>7} {'x':>6}  notes")
        print(header)
        print("-" * len(header))
        for name in opts.suites.split(","):
            root, targets = suite(name, work, python)
            results: dict[str, list[dict]] = {mode: [] for mode in modes}
            for _ in range(opts.runs):
                for mode in results:
                    results[mode].append(run(python, root, targets, mode, work))
            if not opts.no_monkeytype:
                results["monkeytype"] = [run(python, root, targets, "monkeytype", work)]
            base_session = statistics.median(r["session"] for r in results["untraced"])
            base_cpu = statistics.median(r["cpu"] for r in results["untraced"])
            base_min = min(r["cpu"] for r in results["untraced"])
            for mode, runs in results.items():
                session = statistics.median(r["session"] for r in runs if r["session"] == r["session"])
                cpu = statistics.median(r["cpu"] for r in runs)
                cpu_min = min(r["cpu"] for r in runs)
                last = runs[-1]
                notes = last["summary"]
                if "functions" in last:
                    notes += f"; {last['functions']} functions traced, spool {last['spool_bytes'] // 1024} KiB"
                if "db_bytes" in last:
                    notes += f"; db {last['db_bytes'] // 1024} KiB"
                print(f"{name:14} {mode:15} {session:9.2f} {session / base_session:6.2f} {cpu:7.2f} "
                      f"{cpu / base_cpu:6.2f} {cpu_min:7.2f} {cpu_min / base_min:6.2f}  {notes}")
        print(f"\nper call, in process (ns; wrappers on {sys.version.split()[0]}):")
        for label, ns in per_call_costs():
            print(f"  {label:42} {ns:8.0f}")
        if "pulsedev_wrap" in modes:
            print(f"per call, in process (ns; {version[0]}):")
            for label, ns in monitor_costs(python):
                print(f"  {label:42} {ns:8.0f}")
    finally:
        if opts.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

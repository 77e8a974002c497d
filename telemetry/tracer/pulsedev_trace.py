"""PulseDev's test tracer: a stdlib-only pytest plugin that records runtime types.

Enable it with `pytest -p pulsedev_trace` or `PYTEST_PLUGINS=pulsedev_trace`
(both at once load it once), with this folder on `PYTHONPATH`; the server's
`pulsedev.tracerSetup` command returns exactly that.  It does nothing unless
`PULSEDEV_SPOOL` names the spool folder.  Environment:

- `PULSEDEV_SPOOL`: folder for the output; required.
- `PULSEDEV_TRACE=0`: load but record nothing.
- `PULSEDEV_TRACE_ROOT`: the project folder (default: pytest's rootdir).
  Functions defined in `.py` files under it are traced, except test files
  (pytest's `python_files` patterns and `conftest.py`) and anything in
  site-packages, a virtualenv or the interpreter's own folders.
- `PULSEDEV_TRACE_FULL` (32), `PULSEDEV_TRACE_STRIDE` (16),
  `PULSEDEV_TRACE_LIMIT` (1000): each function's first FULL calls are recorded
  in full, then one in STRIDE; after LIMIT calls the function runs untraced
  and costs nothing more.
- `PULSEDEV_TRACE_MODE=wrap`: use wrappers even where `sys.monitoring` exists.

How: on Python 3.12 and later, `sys.monitoring` reports the starts, returns
and yields of the project's own code objects only (`pulsedev_trace_monitor`);
nothing is replaced, so the traced code sees no difference (its stack depth,
`warnings`' `stacklevel`, identity checks).  Before 3.12 (or when another
tool holds every free monitoring id) each function is replaced by a
recording wrapper (`pulsedev_trace_wrap`); the original is put back after
LIMIT calls.

What is not traced: code run while test modules are imported (tracing
starts when collection ends), a project installed into site-packages (an
editable install is traced), async generator functions.  With wrappers
also: functions that something other than a module or class namespace
holds (a registry, `curry(f)`, a parametrize list, a doctest's globals),
because replacing them would break identity checks, and calls made through
references taken before the wrappers went in; and a wrapper is one more
stack frame: code that measures its own stack depth or inspects its
caller's frame sees it (a recursive function is put back after 8 nested
calls for this reason).

At the end of the session it writes `<spool>/pytest-<ms>-<pid>.jsonl.tmp` and
renames it to `.jsonl` (the server claims only complete files).  One JSON
object per line:

`{"type": "trace", ...}`, one per function called at least once:
  module, qualname (`Class.method`; `outer.<locals>.f` for nested defs),
  kind (`function` | `method` | `staticmethod` | `classmethod` | `property`
  (a getter) | `setter`), file (absolute path), uri (`file://`), lineno (the
  `def` line, 1-based as in Python; a property's getter and setter share
  the qualname, `kind` tells them apart), calls (count; a lower bound when
  `calls_complete` is false, i.e. the original was put back after LIMIT),
  sampled_calls (the calls whose types and time were recorded), time_s
  (inclusive wall time of all counted calls, estimated as the sampled calls'
  mean times `calls`), params: `[{name, kind, type, observed}]`
  in signature order without self/cls (kind: positional_only | positional |
  keyword_only | var_positional | var_keyword; for `*args`/`**kwargs` the
  type is that of one element, as in an annotation), returns:
  `{type, observed}` or null (never returned), raises: `{"ValueError": 2}`;
  for generator functions also yields: `{type, observed}` (the first value
  of each sampled call; `returns` is then the generator's return value).
  `type` is one annotation for all sampled calls, or null when the slot was
  never seen; `observed` maps each distinct type to its number of calls.
  A parameter that was not passed counts as its default's type.

Type text is PEP 585/604: `int`, `list[str]`, `dict[str, int]`,
`int | None`, `tuple[int, str]`, `tuple[int, ...]`, `set[str]`,
`type[pkg.mod.C]`.  A class is `module.QualName` as it is defined (builtins
bare; a private `_io.X` is written `io.X` when that is the same class;
`pathlib.PosixPath` as `pathlib.Path`); functions are
`collections.abc.Callable`, generators `collections.abc.Generator`.
Containers show their element types from the first 5 elements; an empty one
is bare (`list`); nesting stops at depth 3.  Unions merge containers
element-wise, let int absorb bool and float absorb int, drop subclasses of
another member, and past 3 members widen to the members' nearest common base
class, else `object`.

`{"type": "event", "event": {"kind": "test_run", "ts": <unix s>, "data": {...}}}`,
once per session (not from pytest-xdist workers; not for --collect-only):
passed, failed, errors (setup/teardown/collection), skipped (xfail included),
duration_s, failures: at most 50 `{test_id, error_type, message, uri, line}`
where message is the first line of the exception text (at most 200 chars),
uri/line the innermost traceback frame under the project root (else the
test), line 1-based as in Python tracebacks (the server's failure board
converts to LSP's 0-based lines).
"""

import contextlib
import json
import os
import time

try:
    from .pulsedev_trace_sweep import Tracer
except ImportError:  # loaded as a top-level module from PYTHONPATH
    from pulsedev_trace_sweep import Tracer

import pytest

MAX_FAILURES = 50
MAX_MESSAGE = 200


def pytest_configure(config):
    """Start a tracing session when `PULSEDEV_SPOOL` is set."""
    spool = os.environ.get("PULSEDEV_SPOOL")
    if not spool or os.environ.get("PULSEDEV_TRACE", "1").lower() in ("0", "false", "no", "off"):
        return
    if not config.pluginmanager.has_plugin("pulsedev_trace_session"):
        config.pluginmanager.register(TraceSession(config, spool), "pulsedev_trace_session")


class TraceSession:
    """Hooks of one traced pytest session: wrap, count outcomes, write the spool file."""

    def __init__(self, config, spool):
        """Set up from pytest's config; nothing is wrapped before collection ends."""
        self.config = config
        self.spool = spool
        self.started = time.time()
        self.worker = hasattr(config, "workerinput")
        self.rootdir = str(getattr(config, "rootpath", None) or config.rootdir)  # rootpath: pytest >= 6.1
        root = os.environ.get("PULSEDEV_TRACE_ROOT") or self.rootdir
        try:
            patterns = config.getini("python_files")
        except (ValueError, KeyError):
            patterns = ["test_*.py", "*_test.py"]
        self.tracer = Tracer(root, patterns)
        self.counts = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0}
        self.failures = []
        self.written = False
        self.broken = False
        self.summary = None

    def pytest_collection_finish(self, session):
        """Wrap the project's functions once the test modules have imported them."""
        self._sweep()

    def pytest_runtest_setup(self, item):
        """Wrap modules imported since (lazy imports); a no-op when none were."""
        self._sweep()

    def _sweep(self):
        if self.broken:
            return
        try:
            self.tracer.sweep()
        except Exception as exc:  # a tracer bug must not fail the user's run: stop tracing
            self.broken = True
            self.tracer.restore()
            import warnings

            warnings.warn(f"pulsedev_trace: tracing stopped: {exc!r}", stacklevel=1)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        """Attach the failure's type, message and location to the report."""
        outcome = yield
        report = outcome.get_result()
        if call.excinfo is not None and report.failed:
            with contextlib.suppress(Exception):  # the report then falls back to pytest's own crash line
                report.pulsedev_failure = self._failure(item, call.excinfo)

    def pytest_runtest_logreport(self, report):
        """Count the outcome of each test phase (subtests: only their failures, as pytest does)."""
        if hasattr(report, "context") and not report.failed:  # a passing or skipped subtest
            return
        if report.when == "call":
            key = "passed" if report.passed else "failed" if report.failed else "skipped"
        elif report.failed:
            key = "errors"
        elif report.when == "setup" and report.skipped:
            key = "skipped"
        else:
            return
        self.counts[key] += 1
        if report.failed:
            self._add_failure(report)

    def pytest_collectreport(self, report):
        """A module that fails to import is an error."""
        if report.failed:
            self.counts["errors"] += 1
            self._add_failure(report)

    def pytest_sessionfinish(self, session, exitstatus):
        """Put the originals back and write the spool file."""
        self.tracer.restore()
        if not self.written:
            self.written = True
            try:
                self._write(session)
            except Exception as exc:  # never fail the user's test run over telemetry
                import warnings

                warnings.warn(f"pulsedev_trace: could not write the spool file: {exc}", stacklevel=1)

    def _failure(self, item, excinfo):
        try:
            message = str(excinfo.value).strip().splitlines()[0][:MAX_MESSAGE] if str(excinfo.value).strip() else ""
        except Exception:
            message = ""
        uri, line = None, None
        for entry in reversed(excinfo.traceback):
            path = str(entry.path)
            if self.tracer.classify(path) is not None:
                uri, line = _uri(path), entry.lineno + 1  # TracebackEntry.lineno is 0-based
                break
        if uri is None and item.location[1] is not None:
            uri, line = _uri(os.path.join(self.rootdir, item.location[0])), item.location[1] + 1
        return {"error_type": excinfo.type.__name__, "message": message, "uri": uri, "line": line}

    def _add_failure(self, report):
        if len(self.failures) >= MAX_FAILURES:
            return
        info = getattr(report, "pulsedev_failure", None)
        if info is None:
            crash = getattr(getattr(report, "longrepr", None), "reprcrash", None)
            text = crash.message.strip() if crash is not None else str(report.longrepr or "").strip()
            first = text.splitlines()[0] if text else ""
            head = first.split(":", 1)[0].rsplit(".", 1)[-1]
            info = {"error_type": head if head.isidentifier() else "Error", "message": first[:MAX_MESSAGE],
                    "uri": None, "line": None}
            if crash is not None and self.tracer.classify(str(crash.path)) is not None:
                info["uri"], info["line"] = _uri(crash.path), crash.lineno
            elif report.nodeid:
                info["uri"] = _uri(os.path.join(self.rootdir, report.nodeid.split("::")[0]))
        self.failures.append(dict(test_id=report.nodeid, **info))

    def _write(self, session):
        lines = []
        # Setters first: a consumer keyed by (file, qualname) alone then keeps the getter, whose
        # return type is the hint that matters.
        for rec in sorted(self.tracer.records, key=lambda r: r.kind != "setter"):
            if rec.calls:
                with contextlib.suppress(Exception):  # one odd record must not cost the others
                    lines.append(rec.to_record())
        ran = sum(self.counts.values())
        if not self.worker and not self.config.option.collectonly and (ran or self.failures):
            data = dict(self.counts, duration_s=round(time.time() - self.started, 3), failures=self.failures)
            lines.append({"type": "event", "event": {"kind": "test_run", "ts": time.time(), "data": data}})
        ran_event = 1 if lines and lines[-1]["type"] == "event" else 0
        if not lines:
            return
        os.makedirs(self.spool, exist_ok=True)
        path = os.path.join(self.spool, f"pytest-{int(time.time() * 1000)}-{os.getpid()}.jsonl")
        try:
            with open(path + ".tmp", "w", encoding="utf-8") as out:
                for line in lines:
                    out.write(json.dumps(line, separators=(",", ":")) + "\n")
            os.replace(path + ".tmp", path)
        except BaseException:
            if os.path.exists(path + ".tmp"):
                os.remove(path + ".tmp")
            raise
        traced = len(lines) - ran_event
        how = "sys.monitoring" if self.tracer.mode == "monitor" else "wrappers"
        what = (f"{traced} functions traced ({how})" if traced
                else "test results (no project functions traced here)")
        self.summary = f"pulsedev_trace: {what}, written to {path}"

    def pytest_terminal_summary(self, terminalreporter):
        """One line saying what was traced and where it went (not with -qq)."""
        if self.summary and self.config.option.verbose >= -1:
            terminalreporter.write_line(self.summary)


def _uri(path):
    import pathlib

    try:
        return pathlib.Path(os.path.abspath(str(path))).as_uri()
    except ValueError:
        return None

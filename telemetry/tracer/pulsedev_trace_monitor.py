"""Recording a project's functions through `sys.monitoring` (Python 3.12 and later): no wrapper, no frame.

Part of the stdlib-only tracer (see `pulsedev_trace` for the record format).
Where the interpreter has `sys.monitoring` (PEP 669), the sweep does not
replace functions by wrappers: it asks a `Monitor` to watch each function's
code object, and the interpreter reports that code's starts, returns and
yields, and nothing else (`set_local_events`: pytest's own calls cost
nothing), and any frame's unwinding by an exception.  Nothing is replaced, so a traced function keeps its identity
(registries, `curry(f)`, default arguments hold it and are traced too), and
no stack frame is added: code that measures its stack depth or warns with
`stacklevel` behaves as untraced.  Sampling is the wrapper's: the first
`FULL` calls in full, then one in `STRIDE`; after `LIMIT` calls the code's
events are switched off and it runs at full speed.

`PULSEDEV_TRACE_MODE=wrap` uses the wrappers even here.
"""

import os
import sys
import time

try:
    from .pulsedev_trace_wrap import FULL, LIMIT, STRIDE
except ImportError:  # loaded as a top-level module from PYTHONPATH
    from pulsedev_trace_wrap import FULL, LIMIT, STRIDE

_monitoring = getattr(sys, "monitoring", None)
_CO_GENERATOR = 0x20
_TOOL_IDS = (2, 3, 4)  # PROFILER_ID first, then ids no standard tool claims


class Monitor:
    """The code objects watched in one test session, and the calls in flight that are being recorded."""

    def __init__(self, tool):
        self.tool = tool
        self.records = {}  # code object -> FunctionRecord
        # id(frame) of a sampled call in flight -> [record, start time, yielded yet, a generator]
        self.open = {}
        events = _monitoring.events
        self._events = events.PY_START | events.PY_RETURN
        self._yield = events.PY_YIELD
        for event, callback in ((events.PY_START, self._started), (events.PY_RETURN, self._returned),
                                (events.PY_YIELD, self._yielded), (events.PY_UNWIND, self._unwound)):
            _monitoring.register_callback(tool, event, callback)
        # An exception leaving a function cannot be watched per code object: this fires for any
        # Python frame an exception unwinds (rare next to calls), and returns at once unless a
        # sampled call is in flight.
        _monitoring.set_events(tool, events.PY_UNWIND)

    @classmethod
    def claim(cls):
        """A Monitor on a free tool id, or None (no `sys.monitoring`, every id taken, or wrappers asked for)."""
        if _monitoring is None or os.environ.get("PULSEDEV_TRACE_MODE", "").lower() == "wrap":
            return None
        for tool in _TOOL_IDS:
            try:
                _monitoring.use_tool_id(tool, "pulsedev_trace")
            except ValueError:  # another tool (a profiler, coverage) has it
                continue
            return cls(tool)
        return None

    def watch(self, code, record):
        """Record the calls of `code` into `record` from now on."""
        if code in self.records:
            return
        self.records[code] = record
        generator = code.co_flags & _CO_GENERATOR
        _monitoring.set_local_events(self.tool, code, self._events | (self._yield if generator else 0))

    def close(self):
        """Stop watching everything and give the tool id back (end of session)."""
        _monitoring.set_events(self.tool, 0)
        for code, record in self.records.items():
            record.off = True
            _monitoring.set_local_events(self.tool, code, 0)
        for event in (_monitoring.events.PY_START, _monitoring.events.PY_RETURN, _monitoring.events.PY_YIELD,
                      _monitoring.events.PY_UNWIND):
            _monitoring.register_callback(self.tool, event, None)
        _monitoring.free_tool_id(self.tool)
        self.open.clear()

    # -- the interpreter's callbacks: as little work as possible outside sampled calls --------------
    def _started(self, code, offset):
        record = self.records.get(code)
        if record is None or record.off:
            return _monitoring.DISABLE
        n = record.calls = record.calls + 1
        if n >= LIMIT:  # this call counts; later ones run unwatched
            record.off = record.limited = True
            _monitoring.set_local_events(self.tool, code, 0)
            # Its calls in flight will not report their return: forget them, or another frame
            # at the same address would later be taken for one of them.
            for key in [key for key, call in self.open.items() if call[0] is record]:
                del self.open[key]
            return None
        if n > FULL and n % STRIDE:
            return None
        frame = sys._getframe(1)
        record.enter_locals(frame.f_locals)
        self.open[id(frame)] = [record, time.perf_counter(), False, code.co_flags & _CO_GENERATOR]
        return None

    def _returned(self, code, offset, value):
        if self.open:
            call = self.open.pop(id(sys._getframe(1)), None)
            if call is not None:
                record = call[0]
                if not call[3]:  # a generator's time would count its consumer's too
                    record.time += time.perf_counter() - call[1]
                record.returned(value)

    def _yielded(self, code, offset, value):
        if self.open:
            call = self.open.get(id(sys._getframe(1)))
            if call is not None and not call[2]:
                call[2] = True
                call[0].yielded(value)

    def _unwound(self, code, offset, exc):
        if self.open:
            call = self.open.pop(id(sys._getframe(1)), None)
            if call is not None:
                record = call[0]
                if not call[3]:
                    record.time += time.perf_counter() - call[1]
                if not isinstance(exc, GeneratorExit):  # a generator closed early did not fail
                    record.raised(exc)

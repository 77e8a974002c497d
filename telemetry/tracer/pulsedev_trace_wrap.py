"""Wrapping a project's own functions to record their types, then unwrapping them.

Part of the stdlib-only tracer (see `pulsedev_trace` for the record format).
`Tracer.sweep()` finds the modules imported from under the project root
(not site-packages, not test files), replaces each plain function, method,
staticmethod, classmethod and property accessor defined there by a recording
wrapper, and points the other project and test modules' references to it
(`from pkg.mod import f`) at the wrapper too.  A wrapper records the first
`FULL` calls in full, then one call in `STRIDE`, and after `LIMIT` calls puts
the original back everywhere it was installed, so hot functions soon run at
full speed.  No global `sys.setprofile`/`settrace` hook is used: those fire on
every Python call, pytest's own included, and cost 6-12x.
"""

import os
import sys
import time
import types
from fnmatch import fnmatch

try:
    from .pulsedev_trace_record import FunctionRecord
except ImportError:  # loaded as a top-level module from PYTHONPATH
    from pulsedev_trace_record import FunctionRecord

FULL = int(os.environ.get("PULSEDEV_TRACE_FULL", "32"))
STRIDE = int(os.environ.get("PULSEDEV_TRACE_STRIDE", "16"))
LIMIT = int(os.environ.get("PULSEDEV_TRACE_LIMIT", "1000"))

_CO_GENERATOR, _CO_COROUTINE, _CO_ASYNC_GENERATOR = 0x20, 0x80, 0x200
_FunctionType = types.FunctionType
_SKIP_DIRS = ("site-packages", "dist-packages", "node_modules", ".tox", ".nox", ".git", "__pypackages__")


def _norm(path):
    return os.path.normcase(os.path.abspath(path))


def _delegate(gen, value):
    """Yield `value`, then behave as `yield from gen` for an already started `gen`."""
    while True:
        try:
            sent = yield value
        except GeneratorExit:
            gen.close()
            raise
        except BaseException as exc:  # thrown in by the consumer: forward it
            try:
                value = gen.throw(exc)
            except StopIteration as stop:
                return stop.value
        else:
            try:
                value = gen.send(sent)
            except StopIteration as stop:
                return stop.value


def make_wrapper(fn, rec):
    """A wrapper around `fn` recording into `rec`; same kind (plain/generator/coroutine) as `fn`."""
    flags = fn.__code__.co_flags
    perf = time.perf_counter

    if flags & _CO_COROUTINE:
        async def wrapper(*args, **kwargs):
            if rec.off:
                return await fn(*args, **kwargs)
            n = rec.calls = rec.calls + 1
            sample = n <= FULL or not n % STRIDE
            if sample:
                rec.enter(args, kwargs)
            t0 = perf()
            try:
                result = await fn(*args, **kwargs)
            except BaseException as exc:
                rec.time += perf() - t0
                if sample:
                    rec.raised(exc)
                raise
            rec.time += perf() - t0
            if sample:
                rec.returned(result)
            if n >= LIMIT:
                rec.restore()
            return result
    elif flags & _CO_GENERATOR:
        def wrapper(*args, **kwargs):
            if rec.off:
                return (yield from fn(*args, **kwargs))
            n = rec.calls = rec.calls + 1
            if n >= LIMIT:
                rec.restore()
            if n > FULL and n % STRIDE:
                return (yield from fn(*args, **kwargs))
            rec.enter(args, kwargs)
            gen = fn(*args, **kwargs)
            try:
                first = next(gen)
            except StopIteration as stop:
                rec.returned(stop.value)
                return stop.value
            except BaseException as exc:
                rec.raised(exc)
                raise
            rec.yielded(first)
            result = yield from _delegate(gen, first)
            rec.returned(result)
            return result
    else:
        def wrapper(*args, **kwargs):
            if rec.off:
                return fn(*args, **kwargs)
            n = rec.calls = rec.calls + 1
            if n > FULL and n % STRIDE:
                t0 = perf()
                try:
                    return fn(*args, **kwargs)
                finally:
                    rec.time += perf() - t0
                    if n >= LIMIT:
                        rec.restore()
            rec.enter(args, kwargs)
            t0 = perf()
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:
                rec.time += perf() - t0
                rec.raised(exc)
                raise
            rec.time += perf() - t0
            rec.returned(result)
            return result

    for attr in ("__module__", "__name__", "__qualname__", "__doc__"):
        try:
            setattr(wrapper, attr, getattr(fn, attr))
        except (AttributeError, TypeError):
            pass
    wrapper.__dict__.update(fn.__dict__)
    wrapper.__wrapped__ = fn
    wrapper.__pulsedev_traced__ = True
    return wrapper


class Tracer:
    """The functions wrapped in one test session, by the module sweep."""

    def __init__(self, root, test_patterns=("test_*.py", "*_test.py")):
        """`root`: the project folder; `test_patterns`: file names of test modules (not wrapped)."""
        self.root = _norm(root).rstrip(os.sep) + os.sep
        self.test_patterns = tuple(test_patterns) + ("conftest.py",)
        self.records = []
        self._wrappers = {}  # id(original) -> (original, wrapper, record)
        self._seen = set()
        self._classes = set()
        self._n_modules = -1
        here = os.path.dirname(_norm(__file__))
        self._excluded = [here + os.sep]
        import sysconfig

        for path in set(sysconfig.get_paths().values()) | {sys.prefix, sys.exec_prefix, sys.base_prefix}:
            path = _norm(path).rstrip(os.sep) + os.sep
            if not self.root.startswith(path):  # a venv inside the project, not a project inside /usr
                self._excluded.append(path)

    def classify(self, path):
        """"project", "test" or None (not ours) for a module's source file."""
        if not isinstance(path, str) or not path.endswith(".py"):
            return None
        path = _norm(path)
        if not path.startswith(self.root) or any(path.startswith(p) for p in self._excluded):
            return None
        rel_parts = path[len(self.root):].split(os.sep)
        if any(p in _SKIP_DIRS or p.startswith((".venv", "venv")) for p in rel_parts[:-1]):
            return None
        base = rel_parts[-1]
        if any(fnmatch(base, pattern) for pattern in self.test_patterns):
            return "test"
        return "project"

    def sweep(self):
        """Wrap the project modules imported since the last sweep; cheap when none were."""
        if len(sys.modules) == self._n_modules:
            return
        self._n_modules = len(sys.modules)
        ours = []
        for name, module in list(sys.modules.items()):
            if name in self._seen:
                continue
            self._seen.add(name)
            namespace = getattr(module, "__dict__", None)
            kind = self.classify(namespace.get("__file__")) if isinstance(namespace, dict) else None
            if kind is not None:
                ours.append(module)
                if kind == "project":
                    self._wrap_module(module)
        for module in ours:
            self._point_references(module)

    def restore(self):
        """Put every original back (end of session)."""
        for rec in self.records:
            rec.restore(limited=False)

    def _wrap(self, fn, kind):
        entry = self._wrappers.get(id(fn))
        if entry is not None:
            return entry[1], entry[2]
        if fn.__code__.co_flags & _CO_ASYNC_GENERATOR or getattr(fn, "__pulsedev_traced__", False):
            return None, None
        rec = FunctionRecord(fn, kind)
        wrapper = make_wrapper(fn, rec)
        self._wrappers[id(fn)] = (fn, wrapper, rec)
        self.records.append(rec)
        return wrapper, rec

    def _own(self, fn, module_name, file):
        return type(fn) is _FunctionType and fn.__module__ == module_name and fn.__code__.co_filename == file

    def _wrap_module(self, module):
        name, file = module.__name__, module.__dict__.get("__file__")
        for attr, value in list(module.__dict__.items()):
            if self._own(value, name, file):
                wrapper, rec = self._wrap(value, "function")
                if wrapper is not None:
                    setattr(module, attr, wrapper)
                    rec.sites.append((module, attr, value, wrapper))
            elif isinstance(value, type) and value.__module__ == name and id(value) not in self._classes:
                self._wrap_class(value, name, file)

    def _wrap_class(self, cls, module_name, file):
        self._classes.add(id(cls))
        for attr, value in list(cls.__dict__.items()):
            kind = type(value)
            if kind is _FunctionType:
                installed, recs = self._wrap_callable(value, "method", module_name, file)
            elif kind is staticmethod or kind is classmethod:
                label = "staticmethod" if kind is staticmethod else "classmethod"
                wrapper, recs = self._wrap_callable(value.__func__, label, module_name, file)
                installed = kind(wrapper) if wrapper is not None else None
            elif kind is property:
                fget, r1 = self._wrap_callable(value.fget, "property", module_name, file)
                fset, r2 = self._wrap_callable(value.fset, "setter", module_name, file)
                recs = r1 + r2
                installed = property(fget or value.fget, fset or value.fset, value.fdel, value.__doc__) if recs else None
            else:
                if (isinstance(value, type) and value.__module__ == module_name and id(value) not in self._classes
                        and value.__qualname__.startswith(cls.__qualname__ + ".")):
                    self._wrap_class(value, module_name, file)
                continue
            if installed is None:
                continue
            try:
                setattr(cls, attr, installed)
            except (AttributeError, TypeError):
                continue
            for rec in recs:
                rec.sites.append((cls, attr, value, installed))

    def _wrap_callable(self, fn, kind, module_name, file):
        if not self._own(fn, module_name, file):
            return None, []
        wrapper, rec = self._wrap(fn, kind)
        return wrapper, [rec] if rec is not None else []

    def _point_references(self, module):
        namespace = module.__dict__
        for attr, value in list(namespace.items()):
            if type(value) is _FunctionType:
                entry = self._wrappers.get(id(value))
                if entry is not None and entry[0] is value:
                    setattr(module, attr, entry[1])
                    entry[2].sites.append((module, attr, value, entry[1]))

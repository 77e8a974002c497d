"""Finding a project's own functions and having their calls recorded.

Part of the stdlib-only tracer (see `pulsedev_trace` for the record format).
`Tracer.sweep()` finds the modules imported from under the project root (not
site-packages, not test files) and each plain function, method,
staticmethod, classmethod and property accessor defined there.  On Python
3.12 and later a `Monitor` (`pulsedev_trace_monitor`) watches each one's code
through `sys.monitoring`, and nothing is replaced.  Before 3.12 each one is
replaced by a recording wrapper (`pulsedev_trace_wrap`), and the project and
test modules' other references to it (`from pkg.mod import f`) are pointed at
the wrapper too.  No global `sys.setprofile`/`settrace` hook is used: those
fire on every Python call, pytest's own included, and cost 6-12x.

With wrappers, a function that something else also holds (a registry, `curry(f)`, a
default argument, a parametrize list) is left alone: a wrapper there would
not be called through that holder anyway, and would break identity checks
between the two (`toolz.curried` compares them).  Holders are found by
reference counts (`sys.getrefcount`), calibrated on a dummy in each sweep.
"""

import os
import sys
import types
from fnmatch import fnmatch

try:
    from .pulsedev_trace_monitor import Monitor
    from .pulsedev_trace_record import FunctionRecord
    from .pulsedev_trace_wrap import make_wrapper
except ImportError:  # loaded as a top-level module from PYTHONPATH
    from pulsedev_trace_monitor import Monitor
    from pulsedev_trace_record import FunctionRecord
    from pulsedev_trace_wrap import make_wrapper

_CO_ASYNC_GENERATOR = 0x200
_POSIX = os.name == "posix"
_FunctionType = types.FunctionType
_SKIP_DIRS = ("site-packages", "dist-packages", "node_modules", ".tox", ".nox", ".git", "__pypackages__")


def _norm(path):
    return os.path.normcase(os.path.abspath(path))


class Tracer:
    """The functions wrapped in one test session, by the module sweep."""

    def __init__(self, root, test_patterns=("test_*.py", "*_test.py"), monitor=True):
        """`root`: the project folder; `test_patterns`: file names of test modules (not wrapped);
        `monitor`: use `sys.monitoring` where the interpreter has it."""
        self.monitor = Monitor.claim() if monitor else None
        self.mode = "monitor" if self.monitor is not None else "wrap"
        self.root = _norm(root).rstrip(os.sep) + os.sep
        self.test_patterns = tuple(test_patterns) + ("conftest.py",)
        self.records = []
        self._wrappers = {}  # id(original) -> (original, wrapper, record)
        self._seen = set()
        self._classes = set()
        self._shared = set()
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
        if _POSIX and path.startswith(os.sep) and not path.startswith(self.root):
            return None  # the common case, without normalising
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
        ours, project = [], []
        for name, module in list(sys.modules.items()):
            if name in self._seen:
                continue
            self._seen.add(name)
            namespace = getattr(module, "__dict__", None)
            kind = self.classify(namespace.get("__file__")) if isinstance(namespace, dict) else None
            if kind is not None:
                ours.append(module)
                if kind == "project":
                    project.append(module)
        if self.monitor is None:
            self._shared = self._find_shared(ours, project)
        for module in project:
            self._wrap_module(module)
        if self.monitor is None:
            for module in ours:
                self._point_references(module)

    def restore(self):
        """Put every original back, or stop watching (end of session)."""
        for rec in self.records:
            rec.restore(limited=False)
        if self.monitor is not None:
            self.monitor.close()
            self.monitor = None

    def _find_shared(self, ours, project):
        """ids of functions that something besides the namespaces of `ours` and their classes holds."""
        getrefcount = getattr(sys, "getrefcount", None)
        if getrefcount is None:  # not CPython: wrap everything
            return set()
        held, functions = {}, []

        def hold(fn):
            if type(fn) is _FunctionType:
                if id(fn) not in held:
                    held[id(fn)] = 0
                    functions.append(fn)
                held[id(fn)] += 1

        calibration = {"dummy": _FunctionType(_norm.__code__, {})}
        hold(calibration["dummy"])
        for module in ours:
            for value in list(module.__dict__.values()):
                hold(value)
        for module in project:
            for cls in self._classes_of(module):
                for value in list(cls.__dict__.values()):
                    kind = type(value)
                    if kind is staticmethod or kind is classmethod:
                        hold(value.__func__)
                    elif kind is property:
                        hold(value.fget), hold(value.fset), hold(value.fdel)
                    else:
                        hold(value)
        value = None
        counts = [getrefcount(fn) for fn in functions]
        base = counts[0] - held[id(functions[0])]
        return {id(fn) for fn, count in zip(functions, counts) if count - base > held[id(fn)]}

    def _classes_of(self, module):
        """Classes defined in `module` (nested ones too) that were not wrapped yet."""
        name = module.__name__
        todo = [v for v in list(module.__dict__.values()) if isinstance(v, type) and v.__module__ == name]
        seen = set()
        while todo:
            cls = todo.pop()
            if id(cls) in seen or id(cls) in self._classes:
                continue
            seen.add(id(cls))
            yield cls
            todo.extend(v for v in list(cls.__dict__.values()) if isinstance(v, type) and v.__module__ == name
                        and v.__qualname__.startswith(cls.__qualname__ + "."))

    def _wrap(self, fn, kind):
        entry = self._wrappers.get(id(fn))
        if entry is not None:
            return entry[1], entry[2]
        if id(fn) in self._shared:
            return None, None
        if fn.__code__.co_flags & _CO_ASYNC_GENERATOR or getattr(fn, "__pulsedev_traced__", False):
            return None, None
        rec = FunctionRecord(fn, kind)
        if self.monitor is not None:  # watched where it runs: nothing to install
            wrapper = None
            self.monitor.watch(rec.code, rec)
        else:
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
        for cls in list(self._classes_of(module)):
            self._wrap_class(cls, name, file)

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
                installed = (property(fget or value.fget, fset or value.fset, value.fdel, value.__doc__)
                             if fget or fset else None)
            else:
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

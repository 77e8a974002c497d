"""One traced function's observations: argument, return and yield types, calls, time.

Part of the stdlib-only tracer (see `pulsedev_trace` for the record format).
A `FunctionRecord` maps each call's positional and keyword arguments onto the
parameter names of the function's code object (no `inspect.signature` per
call), counts the descriptor of every value seen per slot (a parameter not
passed counts its default), and turns all that into one JSON `trace` record.
"""

import linecache
import os
import pathlib
import types

try:
    from .pulsedev_trace_types import atom_name, describe, render, to_text
except ImportError:  # loaded as a top-level module from PYTHONPATH
    from pulsedev_trace_types import atom_name, describe, render, to_text

_SKIP_FIRST = ("method", "classmethod", "property", "setter")
_CO_VARARGS, _CO_VARKEYWORDS, _CO_GENERATOR = 0x04, 0x08, 0x20


def _add(counts, desc):
    counts[desc] = counts.get(desc, 0) + 1


def _signature_function(fn):
    """The innermost function of a `functools.wraps` chain: its parameters are the real ones."""
    for _ in range(20):
        inner = getattr(fn, "__wrapped__", None)
        if type(inner) is not types.FunctionType:
            break
        fn = inner
    return fn


def _def_line(file, first_line):
    """The line of the `def` itself (`co_firstlineno` is the first decorator's)."""
    for lineno in range(first_line, first_line + 40):
        text = linecache.getline(file, lineno).lstrip()
        if text.startswith(("def ", "async def ")):
            return lineno
        if not text and lineno > first_line + 1:
            break
    return first_line


class FunctionRecord:
    """What the wrapper of one function saw."""

    def __init__(self, fn, kind):
        """`kind`: function, method, staticmethod, classmethod, property or setter."""
        sig = _signature_function(fn)
        code = sig.__code__
        self.kind = kind
        self.module = fn.__module__
        self.qualname = fn.__qualname__
        self.file = code.co_filename
        self.first_line = code.co_firstlineno
        self.code = code  # the code that runs the body (`sys.monitoring` watches it)
        self.generator = bool(fn.__code__.co_flags & _CO_GENERATOR)
        names, npos, nkw = code.co_varnames, code.co_argcount, code.co_kwonlyargcount
        nposonly = code.co_posonlyargcount
        self.pos_names = names[:npos]
        self.keywordable = frozenset(names[nposonly:npos + nkw])
        params = [(n, "positional_only" if i < nposonly else "positional") for i, n in enumerate(names[:npos])]
        params += [(n, "keyword_only") for n in names[npos:npos + nkw]]
        i = npos + nkw
        self.varargs = self.varkw = None
        if code.co_flags & _CO_VARARGS:
            self.varargs = names[i]
            params.append((names[i], "var_positional"))
            i += 1
        if code.co_flags & _CO_VARKEYWORDS:
            self.varkw = names[i]
            params.append((names[i], "var_keyword"))
        first_is_self = kind in _SKIP_FIRST or sig.__name__ == "__new__"
        self.skip = names[0] if first_is_self and npos else None
        self.params = [p for p in params if p[0] != self.skip]
        self.slots = {name: {} for name, _ in self.params}
        self.defaults = []
        for name, value in zip(self.pos_names[npos - len(sig.__defaults__ or ()):], sig.__defaults__ or ()):
            self.defaults.append((name, self.pos_names.index(name), describe(value)))
        for name, value in (sig.__kwdefaults__ or {}).items():
            self.defaults.append((name, None, describe(value)))
        self.returns, self.yields, self.raises = {}, {}, {}
        self.calls = self.sampled = self.active = 0
        self.time = 0.0
        self.sites = []  # (owner, attribute, original value, installed value)
        self.off = False
        self.limited = False

    def enter(self, args, kwargs):
        """Record the arguments of one sampled call."""
        self.sampled += 1
        try:
            slots, names, skip = self.slots, self.pos_names, self.skip
            npos = len(names)
            for i, value in enumerate(args):
                name = names[i] if i < npos else self.varargs
                if name is None:
                    break
                if name != skip:
                    _add(slots[name], describe(value))
            for key, value in kwargs.items():
                name = key if key in self.keywordable else self.varkw
                if name is not None and name != skip:
                    _add(slots[name], describe(value))
            for name, index, desc in self.defaults:
                if (index is None or index >= len(args)) and name not in kwargs:
                    _add(slots[name], desc)
        except Exception:  # recording must never break the user's code
            pass

    def enter_locals(self, values):
        """Record the arguments of one sampled call from its frame's locals as it starts (`sys.monitoring`)."""
        self.sampled += 1
        try:
            slots = self.slots
            for name, kind in self.params:
                if name not in values:
                    continue
                value = values[name]
                if kind == "var_positional":
                    for item in value:
                        _add(slots[name], describe(item))
                elif kind == "var_keyword":
                    for item in value.values():
                        _add(slots[name], describe(item))
                else:
                    _add(slots[name], describe(value))
        except Exception:  # recording must never break the user's code
            pass

    def returned(self, value):
        """Record the return value of a sampled call."""
        try:  # noqa: SIM105 - runs per sampled call: cheaper than contextlib.suppress
            _add(self.returns, describe(value))
        except Exception:
            pass

    def yielded(self, value):
        """Record the first value a sampled generator call yielded."""
        try:  # noqa: SIM105 - runs per sampled call: cheaper than contextlib.suppress
            _add(self.yields, describe(value))
        except Exception:
            pass

    def raised(self, exc):
        """Record the exception a sampled call raised."""
        try:  # noqa: SIM105 - runs per sampled call: cheaper than contextlib.suppress
            _add(self.raises, atom_name(type(exc)))
        except Exception:
            pass

    def restore(self, limited=True):
        """Put the original back wherever the wrapper was installed; stop recording."""
        if self.off:
            return
        self.off = True
        self.limited = limited
        for owner, attr, original, installed in self.sites:
            try:
                if owner.__dict__.get(attr) is installed:
                    setattr(owner, attr, original)
            except (AttributeError, TypeError):
                pass

    def to_record(self):
        """The JSON-ready `trace` record (see `pulsedev_trace`)."""
        params = []
        for name, kind in self.params:
            params.append(dict(name=name, kind=kind, **_slot(self.slots[name])))
        record = {
            "type": "trace",
            "module": self.module,
            "qualname": self.qualname,
            "kind": self.kind,
            "file": self.file,
            "uri": pathlib.Path(os.path.abspath(self.file)).as_uri(),
            "lineno": _def_line(self.file, self.first_line),
            "calls": self.calls,
            "calls_complete": not self.limited,
            "sampled_calls": self.sampled,
            "time_s": round(self.time * self.calls / self.sampled, 6) if self.sampled else 0.0,
            "params": params,
            "returns": _slot(self.returns) if self.returns else None,
            "raises": dict(self.raises),
        }
        if self.generator:
            record["yields"] = _slot(self.yields) if self.yields else None
        return record


def _slot(counts):
    observed = {}
    for desc, n in counts.items():
        text = to_text(desc)
        observed[text] = observed.get(text, 0) + n
    return {"type": render(frozenset(counts)) if counts else None, "observed": observed}

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

import contextlib
import os
import time

FULL = int(os.environ.get("PULSEDEV_TRACE_FULL", "32"))
STRIDE = int(os.environ.get("PULSEDEV_TRACE_STRIDE", "16"))
LIMIT = int(os.environ.get("PULSEDEV_TRACE_LIMIT", "1000"))
#: Nested calls of one function (recursion) past which its original is put back,
#: so that deep recursion does not meet the recursion limit twice as early.
MAX_NEST = 8

_CO_GENERATOR, _CO_COROUTINE = 0x20, 0x80


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
            if n >= LIMIT or rec.active >= MAX_NEST:
                rec.restore()
            rec.active += 1
            try:
                if n > FULL and n % STRIDE:
                    return fn(*args, **kwargs)
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
            finally:
                rec.active -= 1

    for attr in ("__module__", "__name__", "__qualname__", "__doc__"):
        with contextlib.suppress(AttributeError, TypeError):
            setattr(wrapper, attr, getattr(fn, attr))
    # Reads of these stay true to `fn`; the wrapper has no named parameters, so they change nothing.
    wrapper.__defaults__, wrapper.__kwdefaults__ = fn.__defaults__, fn.__kwdefaults__
    wrapper.__dict__.update(fn.__dict__)
    wrapper.__wrapped__ = fn
    wrapper.__pulsedev_traced__ = True
    return wrapper

"""A parameter passed on as it is takes the type of the parameter it is passed to (models/types/forwarded.py)."""

from __future__ import annotations

from type_helpers import evidence_at, index_of

CLIENT = '''\
class Client:
    def __init__(self, base, retries=3):
        self.base = base

    def request(self, method, url, timeout=5.0, verbose=False):
        pass

    def get(self, url, timeout, extra):
        return self.request("GET", url, timeout=timeout, verbose=extra)

    def head(self, url, wait=None):
        return self.request("HEAD", url, wait)

    def either(self, value):
        self.request("GET", value, timeout=value)
        return make(value)


def make(tries):
    return Client("http://", tries)
'''


PASSED = ("forwarded", "forwarded_weak")  # (not `forwarded_some`: tested on its own)


def _param(src, qualname, name, module="", index=None):
    return evidence_at(src, "parameter", name, qualname, module, index)


def test_a_parameter_passed_on_takes_what_the_callee_takes():
    ev = _param(CLIENT, "Client.get", "timeout")
    assert (ev.type, ev.rule) == ("float", "forwarded")
    assert ev.words == "passed on to `request`, which takes float"
    assert _param(CLIENT, "Client.get", "extra").type == "bool"  # by keyword
    assert _param(CLIENT, "Client.head", "wait").type == "float | None"  # by position (after self); its own None
    assert _param(CLIENT, "make", "tries").type == "int"  # to a constructor


def test_a_callee_that_says_nothing_or_two_that_disagree_give_nothing():
    assert _param(CLIENT, "Client.get", "url").rule not in PASSED  # request's url has no type of its own
    assert _param(CLIENT, "Client.either", "value").rule not in PASSED  # float and int


def test_a_chain_of_defs_that_pass_a_parameter_on_is_followed():
    chain = ("def get(url, timeout):\n    return request(url, timeout=timeout)\n\n\n"
             "def request(url, timeout):\n    return send(url, timeout)\n\n\n"
             "def send(url, wait):\n    return fetch(url, wait)\n\n\n"
             "def fetch(url, wait=5.0):\n    return url.lower()\n")
    ev = _param(chain, "get", "timeout")
    assert (ev.type, ev.rule, ev.words) == ("float", "forwarded", "passed on to `request`, which takes float")
    assert _param(chain, "get", "url").type == "str"  # what fetch's use says, three defs down
    broken = chain.replace("return fetch(url, wait)", "return fetch(url, wait) or other(wait)")
    assert _param(broken, "get", "timeout").rule not in PASSED  # one def on the way passes it where none can tell


def test_a_callee_whose_parameter_only_its_callers_tell_makes_a_weak_rule():
    src = ("def get(url):\n    return fetch(url)\n\n\ndef fetch(url):\n    return url\n\n\n"
           "def main():\n    fetch('http://')\n    fetch('https://')\n")
    index = index_of({"app": src}, callsites=True)
    assert _param(src, "fetch", "url", "app", index).rule.startswith("callsite")
    ev = _param(src, "get", "url", "app", index)
    assert (ev.type, ev.rule) == ("str", "forwarded_weak")  # 68% right, where a default or a use says: 94%
    assert _param(CLIENT, "Client.get", "timeout").rule == "forwarded"  # request's default


def test_callees_in_other_modules_are_read_as_saved():
    lib = "def fetch(url, timeout=5.0):\n    pass\n"
    app = "from pkg.lib import fetch\n\n\ndef get(url, wait):\n    return fetch(url, timeout=wait)\n"
    index = index_of({"pkg.lib": lib, "pkg.app": app})
    assert _param(app, "get", "wait", "pkg.app", index).type == "float"


def test_a_parameter_passed_to_the_standard_library_takes_what_its_stub_says():
    app = ("import os\nimport socket\n\n\ndef close(fd):\n    os.close(fd)\n\n\n"
           "def connect(address, timeout=None):\n    return socket.create_connection(address, timeout=timeout)\n\n\n"
           "def wait(seconds):\n    time.sleep(seconds)\n")
    index = index_of({"pkg.app": app})
    ev = _param(app, "close", "fd", "pkg.app", index)
    # (a standard-library function's stub: 68% right, as weak as what callers pass)
    assert (ev.type, ev.rule, ev.words) == ("int", "forwarded_weak", "passed on to `os.close`, which takes int")
    assert _param(app, "connect", "timeout", "pkg.app", index).type == "float | None"  # the stub's None, its own
    assert _param(app, "wait", "seconds", "pkg.app", index).rule not in PASSED  # not imported: not known
    shadowed = index_of({"pkg.app": app, "os": "def close(fd):\n    pass\n"})  # a workspace module named os
    assert _param(app, "close", "fd", "pkg.app", shadowed).rule not in PASSED


def test_what_a_stub_re_exports_is_read_where_it_is_defined():
    app = ("import asyncio\nimport codecs\n\n\ndef known(encoding):\n    codecs.lookup(encoding)\n\n\n"
           "async def pause(delay):\n    await asyncio.sleep(delay)\n\n\n"
           "def loop():\n    return asyncio.get_running_loop()\n\n\ndef nap():\n    return asyncio.sleep(1)\n")
    index = index_of({"pkg.app": app})
    ev = _param(app, "known", "encoding", "pkg.app", index)  # codecs.pyi: `from _codecs import *`
    assert (ev.type, ev.words) == ("str", "passed on to `codecs.lookup`, which takes str")
    assert _param(app, "pause", "delay", "pkg.app", index).type == "float"  # asyncio: `from .tasks import *`
    assert evidence_at(app, "return", "return", "loop", "pkg.app", index).type == "AbstractEventLoop"
    assert evidence_at(app, "return", "return", "nap", "pkg.app", index).type is None  # an async def's coroutine


def test_a_parameter_passed_to_a_standard_library_class_takes_what_its_constructor_takes():
    app = ("import datetime\nimport io\n\n\ndef wrap(buffer, newline=None):\n"
           "    return io.TextIOWrapper(buffer, None, None, newline)\n\n\n"
           "def later(seconds):\n    return datetime.timedelta(seconds=seconds)\n")
    index = index_of({"pkg.app": app})
    assert _param(app, "wrap", "newline", "pkg.app", index).type == "str | None"  # TextIOWrapper.__init__
    ev = _param(app, "later", "seconds", "pkg.app", index)  # timedelta.__new__
    assert (ev.type, ev.words) == ("float", "passed on to `datetime.timedelta`, which takes float")
    assert _param(app, "wrap", "buffer", "pkg.app", index).rule not in PASSED  # `_WrappedBuffer`: not writable
    buffered = "import io\n\n\ndef load(data):\n    return io.BytesIO(data)\n"
    ev = _param(buffered, "load", "data", "pkg.app", index_of({"pkg.app": buffered}))
    assert (ev.type, ev.rule) == ("bytes", "forwarded_weak")  # typeshed's `ReadableBuffer`, as code writes it


def test_a_classmethod_of_a_standard_library_class_and_a_method_of_a_str_say_what_they_take():
    src = ("from datetime import datetime\n\n\ndef parse(text, fmt):\n    return datetime.strptime(text, fmt)\n\n\n"
           "def last(sub):\n    return 'a.b'.rindex(sub)\n")
    index = index_of({"pkg.app": src})
    assert _param(src, "parse", "text", "pkg.app", index).type == "str"  # a classmethod: after `cls`
    assert _param(src, "last", "sub", "pkg.app", index).type == "str"


def test_calls_whose_callee_is_unknown_are_passed_over_and_counted():
    src = ("import os\n\n\ndef close(fd, log):\n    log.debug(fd)\n    os.close(fd)\n\n\n"
           "def tested(fd):\n    if isinstance(fd, int):\n        os.close(fd)\n")
    index = index_of({"pkg.app": src})
    ev = _param(src, "close", "fd", "pkg.app", index)
    assert (ev.type, ev.rule) == ("int", "forwarded_some")
    assert ev.words == "passed on to `os.close`, which takes int (1 more calls unknown)"
    assert _param(src, "tested", "fd", "pkg.app", index).rule != "forwarded_some"  # isinstance: maybe several


def test_a_parameter_passed_to_a_def_that_first_converts_it_takes_what_that_def_takes():
    src = ("def want_bytes(s):\n    if isinstance(s, str):\n        s = s.encode()\n    return s\n\n\n"
           "def sign(value):\n    value = want_bytes(value)\n    return value + b'.'\n")
    ev = _param(src, "sign", "value")
    assert (ev.type, ev.rule) == ("str | bytes", "forwarded")


def test_a_parameter_passed_to_a_method_of_a_standard_library_object_takes_what_its_stub_says():
    src = ("from pathlib import Path\n\n\ndef save(text, note):\n    target = Path('out.txt')\n"
           "    target.write_text(text)\n    [].append(note)\n")
    ev = _param(src, "save", "text")
    assert (ev.type, ev.words) == ("str", "passed on to `write_text`, which takes str")
    assert _param(src, "save", "note").rule not in PASSED  # a list's element: a type variable says nothing

"""Awaiting a call of an async def gives what that def returns."""

from __future__ import annotations

import pytest
from type_helpers import evidence_at, index_of

SRC = '''
from .net import fetch

async def local():
    return b"x"

class Conn:
    async def receive(self):
        return await local()

    async def text(self):
        data = await self.receive()
        return data.decode()

    async def remote(self):
        return await fetch()

    def plain(self):
        return self.receive()

async def main():
    conn = Conn()
    return await conn.receive()
'''


@pytest.mark.parametrize("qualname, expected", [
    ("Conn.receive", "bytes"),  # an async def of the file
    ("Conn.text", "str"),  # of self's class, through a local
    ("Conn.remote", "int"),  # of another workspace module
    ("main", "bytes"),  # a method of a class the receiver is known to be
    ("Conn.plain", None),  # not awaited: a coroutine
])
def test_await_gives_what_the_async_def_returns(qualname, expected):
    index = index_of({"pkg.net": "async def fetch():\n    return 1\n", "pkg.conn": SRC})
    assert evidence_at(SRC, "return", "return", qualname, module="pkg.conn", index=index).type == expected

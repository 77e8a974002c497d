"""Strategy code lenses over stdio: a function hot in traced tests gets what to try; feedback is taken."""

from __future__ import annotations

import asyncio
import json

from helpers import command, request
from lsprotocol import types

SOURCE = '''\
def match(items, wanted):
    out = []
    for x in items:
        if x in wanted:
            out.append(x)
    return out


def cold(a):
    return a + 1
'''


async def test_hot_function_gets_a_strategy_lens(client, workspace, data_dir):
    path = workspace / "hot.py"
    path.write_text(SOURCE)
    await request(client, "pulsedev/status")
    spool = data_dir / "spool"
    records = [{"type": "trace", "file": str(path), "qualname": "match", "lineno": 1, "calls": 5000, "time_s": 2.5},
               {"type": "trace", "file": str(path), "qualname": "cold", "lineno": 9, "calls": 5000, "time_s": 0.01}]
    (spool / "t.jsonl.tmp").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    (spool / "t.jsonl.tmp").rename(spool / "t.jsonl")
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=SOURCE)))
    lenses = []
    for _ in range(100):
        lenses = await client.text_document_code_lens_async(
            types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri)))
        if lenses:
            break
        await asyncio.sleep(0.1)
    assert [lens.range.start.line for lens in lenses] == [0, 0]  # only the hot one
    hint, not_helpful = lenses
    assert hint.command.title.startswith("⚡ 100% of traced test time: 5,000 calls")
    assert "set" in hint.command.title
    arg = not_helpful.command.arguments[0]
    assert hint.command.command == "pulsedev.feedback" and arg["helpful"] is False
    assert await command(client, "pulsedev.feedback", arg) == {"ok": True}

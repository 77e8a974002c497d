"""Spool files: claimed once, parsed without raising."""

from __future__ import annotations

import json

from pulsedev.telemetry import spool


def test_claim_is_exclusive_and_read_splits_records(tmp_path):
    folder = spool.spool_dir(tmp_path)
    (folder / "a.jsonl.tmp").write_text("partial")
    (folder / "a.jsonl").write_text("\n".join([
        json.dumps({"type": "event", "event": {"kind": "file_saved", "ts": 1.75e9}}),
        json.dumps({"type": "event", "event": {"kind": "file_saved"}}),
        json.dumps({"type": "trace", "function": "f"}),
        "{not json", "[1, 2]", ""]))
    claimed = spool.claim(folder)
    assert len(claimed) == 1 and spool.claim(folder) == []  # a second claimer gets nothing
    parsed = spool.read(claimed[0])
    assert parsed.name == "a.jsonl" and len(parsed.events) == 2  # raw: the pipeline validates them
    assert parsed.records == {"trace": [{"type": "trace", "function": "f"}]}
    assert parsed.rejected == 2
    spool.done(claimed[0])
    assert sorted(p.name for p in folder.iterdir()) == ["a.jsonl.tmp"]

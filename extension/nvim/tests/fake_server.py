#!/usr/bin/env python3
"""A fake PulseDev server for the plugin's spec tests: just enough LSP over stdio, stdlib only.

It records every message it receives (JSON lines in --record) and can be told to fail:
--mode exit-at-start (like a missing module), crash-after-init, crash-on-telemetry.
--delay S holds each pulsedev/telemetry reply for S seconds (to see the client's in-flight limit).
--suggest sends one pulsedev/suggestion after `initialized`.
"""

import argparse
import json
import os
import sys
import threading
import time

lock = threading.Lock()
out = sys.stdout.buffer
state = {"state": "neutral", "since": time.time(), "scores": {"stuck": 0.1, "flow": 0.2, "anomaly": 0.0}, "reason": "fake"}
counts = {"stored": 0, "outstanding": 0}


def send(msg):
    body = json.dumps(msg).encode()
    with lock:
        out.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        out.flush()


def record(args, entry):
    if args.record:
        with lock, open(args.record, "a") as f:
            f.write(json.dumps(entry) + "\n")


def read_message(inp):
    length = None
    while True:
        line = inp.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return json.loads(inp.read(length))


def reply_telemetry(args, msg):
    time.sleep(args.delay)
    n = len(msg["params"]["events"])
    with lock:
        counts["stored"] += n
        counts["outstanding"] -= 1
    send({"jsonrpc": "2.0", "id": msg["id"], "result": {"accepted": n, "rejected": []}})


def progress():
    """Report a fake training as work-done progress: create the token, begin, report, end."""
    send({"jsonrpc": "2.0", "id": "create-1", "method": "window/workDoneProgress/create", "params": {"token": "train"}})
    time.sleep(0.2)
    steps = [{"kind": "begin", "title": "PulseDev: training", "percentage": 0},
             {"kind": "report", "message": "detector", "percentage": 40},
             {"kind": "end", "message": "done"}]
    for value in steps:
        send({"jsonrpc": "2.0", "method": "$/progress", "params": {"token": "train", "value": value}})
        time.sleep(0.4)


def command(args, params):
    name, arguments = params.get("command"), params.get("arguments") or []
    if name == "pulsedev.selfReport":
        state.update(state=arguments[0]["state"], since=time.time(), reason="you said so")
        threading.Timer(0.05, lambda: send({"jsonrpc": "2.0", "method": "pulsedev/state", "params": state})).start()
        return None
    if name == "pulsedev.train":
        threading.Thread(target=progress, daemon=True).start()
        return {"started": ["detector"], "running": True}
    if name == "pulsedev.report":
        return "file:///tmp/pulsedev-fake-report.html"
    if name == "pulsedev.showHiddenHints":
        return {"restored": 2}
    if name == "pulsedev.tracerSetup":
        return {"env": {"PYTHONPATH": "/fake/tracer"}, "args": ["-p", "pulsedev_tracer"]}
    return None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mode", default="ok", choices=["ok", "exit-at-start", "crash-after-init", "crash-on-telemetry"])
    p.add_argument("--record")
    p.add_argument("--delay", type=float, default=0.0)
    p.add_argument("--suggest", action="store_true")
    args = p.parse_args()
    record(args, {"start": os.getpid(), "mode": args.mode})
    if args.mode == "exit-at-start":
        print("ModuleNotFoundError: No module named 'pulsedev'", file=sys.stderr)
        sys.exit(1)
    inp = sys.stdin.buffer
    while True:
        msg = read_message(inp)
        if msg is None:
            return
        method = msg.get("method")
        entry = {"method": method, "params": msg.get("params")}
        if method == "pulsedev/telemetry":
            with lock:
                counts["outstanding"] += 1
                entry["outstanding"] = counts["outstanding"]
        record(args, entry)
        if "id" in msg and method is None:
            continue  # a response to one of our requests
        if method == "initialize":
            result = {
                "capabilities": {
                    "textDocumentSync": 1,
                    "inlayHintProvider": True,
                    "executeCommandProvider": {"commands": ["pulsedev.feedback", "pulsedev.selfReport", "pulsedev.train", "pulsedev.report", "pulsedev.forget", "pulsedev.tracerSetup", "pulsedev.showHiddenHints"]},
                },
                "serverInfo": {"name": "fake-pulsedev", "version": "0"},
            }
            send({"jsonrpc": "2.0", "id": msg["id"], "result": result})
        elif method == "initialized":
            if args.mode == "crash-after-init":
                time.sleep(0.1)
                print("Traceback: fake crash", file=sys.stderr)
                os._exit(3)
            if args.suggest:
                suggestion = {"id": "s1", "kind": "unstuck", "title": "Try a smaller test", "message": "Run only the failing test.",
                              "confidence": 0.9, "evidence": ["same error 3 times"], "actions": []}
                threading.Timer(0.2, lambda: send({"jsonrpc": "2.0", "method": "pulsedev/suggestion", "params": suggestion})).start()
        elif method == "pulsedev/telemetry":
            if args.mode == "crash-on-telemetry":
                os._exit(5)
            threading.Thread(target=reply_telemetry, args=(args, msg), daemon=True).start()
        elif method == "pulsedev/status":
            send({"jsonrpc": "2.0", "id": msg["id"], "result": {"state": state, "events": {"stored": counts["stored"], "rejected": 0}, "models": [], "training": {"running": False, "last": None}}})
        elif method == "workspace/executeCommand":
            send({"jsonrpc": "2.0", "id": msg["id"], "result": command(args, msg["params"])})
        elif method == "textDocument/inlayHint":
            send({"jsonrpc": "2.0", "id": msg["id"], "result": [{"position": {"line": 0, "character": 1}, "label": ": int", "kind": 1}]})
        elif method == "exit":
            sys.exit(0)
        elif "id" in msg:
            send({"jsonrpc": "2.0", "id": msg["id"], "result": None})


if __name__ == "__main__":
    main()

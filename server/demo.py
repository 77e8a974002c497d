"""`pulsedev demo`: the real server, a bundled session played into it over LSP, and what it concluded.

The session (`data/demo_session.jsonl`, made by the simulator) is shifted to
end now and sent minute by minute; `pulsedev/status` with `now` reads the
state at each minute, as a replay tool would.  A small unannotated module
(`data/demo_project`) is opened to show type hints.  Everything happens in
a temporary data dir unless `--keep` names one.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from importlib import resources
from pathlib import Path

from .client import LspClient

GLYPH = {"flow": "F", "stuck": "S", "neutral": ".", "idle": "_"}


def _session() -> list[dict]:
    text = resources.files("pulsedev.data").joinpath("demo_session.jsonl").read_text(encoding="utf-8")
    events = [json.loads(line) for line in text.splitlines() if line.strip()]
    shift = time.time() - max(e["ts"] for e in events) - 60
    for e in events:
        e["ts"] += shift
    return events


def _workspace(folder: Path) -> Path:
    src = resources.files("pulsedev.data").joinpath("demo_project")
    target = folder / "demo_project"
    target.mkdir(parents=True)
    for name in ("inventory.py",):
        (target / name).write_text(src.joinpath(name).read_text(encoding="utf-8"), encoding="utf-8")
    return target


def _hints(client: LspClient, uri: str, lines: int, wait: float = 20.0) -> list[dict]:
    deadline = time.time() + wait
    params = {"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0},
                                                     "end": {"line": lines, "character": 0}}}
    hints: list[dict] = []
    while time.time() < deadline:
        hints = client.request("textDocument/inlayHint", params) or []
        if hints:
            return hints
        time.sleep(0.5)
    return hints


def _clock(ts: float) -> str:
    return datetime.fromtimestamp(ts).strftime("%H:%M")


def run_demo(keep: Path | None = None, echo: Callable[[str], None] = print) -> int:
    """Run the demo; returns the exit code."""
    tmp = Path(tempfile.mkdtemp(prefix="pulsedev-demo-"))
    data_dir = keep or tmp / "data"
    try:
        project = _workspace(tmp)
        events = _session()
        echo(f"PulseDev demo: starting `pulsedev serve` (data dir {data_dir})")
        with LspClient.spawn() as client:
            client.initialize(project, {"dataDir": str(data_dir)}, experimental={"pulsedev": {"suggestions": True}})
            client.request("pulsedev/status", None)  # the server's own start-up state is not the session's
            before = len(client.notifications("pulsedev/state"))
            echo(f"Playing a recorded {len(events)}-event session "
                 f"({_clock(events[0]['ts'])}-{_clock(events[-1]['ts'])}) over LSP, minute by minute ...")
            timeline, accepted, rejected = [], 0, 0
            k, t = 0, events[0]["ts"]
            end = events[-1]["ts"] + 5 * 60
            while t <= end:
                batch = []
                while k < len(events) and events[k]["ts"] < t:
                    batch.append(events[k])
                    k += 1
                if batch:
                    result = client.request("pulsedev/telemetry", {"events": batch})
                    accepted += result["accepted"]
                    rejected += len(result["rejected"])
                timeline.append(client.request("pulsedev/status", {"now": t}))
                t += 60

            kinds = Counter(e["kind"] for e in events)
            echo(f"\nStored {accepted} events ({rejected} rejected): "
                 + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
            echo("\nState, one letter a minute (F flow, S stuck, . neutral, _ idle):")
            line = "".join(GLYPH.get(s["state"]["state"], "?") for s in timeline)
            for i in range(0, len(line), 60):
                echo(f"  {_clock(timeline[i]['now'])}  {line[i:i + 60]}")
            echo("\nWhat the server said when the state changed:")
            for note in client.notifications("pulsedev/state")[before:]:
                if note["since"] > end:
                    continue  # the hint step below, not the session
                echo(f"  {_clock(note['since'])}  {note['state']:<8} {note.get('reason', '')}")
            suggestions = sorted(client.notifications("pulsedev/suggestion"), key=lambda s: s.get("kind") != "unstuck")
            if suggestions:
                echo(f"\nSuggestions it pushed ({len(suggestions)}; each asks 'helpful?'):")
                for s in suggestions[:4]:
                    echo(f"  [{s.get('kind')}] {s.get('message')}")
            final = timeline[-1]
            echo(f"\nNow: {final['state']['state']} (stuck {final['state']['scores']['stuck']:.2f}, "
                 f"flow {final['state']['scores']['flow']:.2f}, anomaly {final['state']['scores']['anomaly']:.2f})")

            # Opened after the replay: text sync stamps its events with the wall clock, which
            # would move the server's event clock past the recorded session.
            file = project / "inventory.py"
            text = file.read_text(encoding="utf-8")
            client.open(file.as_uri(), text)
            hints = _hints(client, file.as_uri(), len(text.splitlines()) + 1)
            echo(f"\nType hints for demo_project/inventory.py ({len(hints)}):")
            src = text.splitlines()
            for h in hints[:14]:
                pos = h["position"]
                label = h["label"] if isinstance(h["label"], str) else "".join(p["value"] for p in h["label"])
                code = src[pos["line"]]
                conf = (h.get("data") or {}).get("confidence")
                source = (h.get("data") or {}).get("source", "")
                shown = code[:pos["character"]].strip()[-40:]
                echo(f"  line {pos['line'] + 1:>3}: {shown}{label}   ({source}, {conf:.0%})" if conf is not None
                     else f"  line {pos['line'] + 1:>3}: {shown}{label}")
            models = client.request("pulsedev/status")["models"]
            if models:
                echo("\nModels: " + ", ".join(f"{m['name']} v{m['version']}" for m in models))
        echo(f"\nEverything stayed on this machine{'' if keep else '; the demo data dir is deleted now'}.")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

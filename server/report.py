"""The local HTML report: what is stored, per day and kind, and what the learners say."""

from __future__ import annotations

import html
import json
import time
from pathlib import Path


def write_report(store, pipeline, data_dir: Path) -> str:
    """Write `report.html` in the data dir and return its file URI."""
    summary = store.summary()
    status = pipeline.status(None)
    days = sorted({row["day"] for row in summary})
    kinds = sorted({row["kind"] for row in summary})
    counts = {(r["day"], r["kind"]): r["events"] for r in summary}
    head = "".join(f"<th>{html.escape(k)}</th>" for k in kinds)
    body = "".join(
        "<tr><td>{}</td>{}</tr>".format(d, "".join(f"<td>{counts.get((d, k), '')}</td>" for k in kinds))
        for d in days
    )
    models = "".join(
        f"<li>{html.escape(str(m.get('name')))} v{html.escape(str(m.get('version')))}: "
        f"{m.get('samples', 0)} samples, {html.escape(json.dumps(m.get('metrics', {})))}</li>"
        for m in status["models"]
    )
    state = status["state"]
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>PulseDev report</title>
<style>body{{font-family:system-ui,sans-serif;margin:2em;color:#222}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:right}}th{{background:#f4f4f4}}</style></head><body>
<h1>PulseDev report</h1><p>Written {time.strftime('%Y-%m-%d %H:%M:%S')} from <code>{html.escape(str(data_dir))}</code>.
Everything here stays on this machine.</p>
<h2>Now: {html.escape(state['state'])}</h2><p>{html.escape(state.get('reason', ''))}</p>
<h2>Events ({status['events']['stored']} stored)</h2>
<table><tr><th>day</th>{head}</tr>{body}</table>
<h2>Models</h2><ul>{models or '<li>none yet</li>'}</ul></body></html>"""
    path = data_dir / "report.html"
    path.write_text(page, encoding="utf-8")
    path.chmod(0o600)
    return path.as_uri()

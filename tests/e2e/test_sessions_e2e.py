"""End to end: a simulated day replayed over LSP through the real server gets its states.

A scripted day (25 min of clear flow, 25 min of a clear stuck loop on one
failing test, then a break) is sent minute by minute as `pulsedev/telemetry`
batches; `pulsedev/status` with `{"now": t}` reads the state each minute.
The flow stretch must read flow, the stuck stretch stuck, the break idle,
and `pulsedev/state` notifications must arrive for those changes.
"""

from __future__ import annotations

import asyncio
import itertools

from helpers import command, request

from pulsedev.models.simulation import NAMED, simulate_day

START = 1_767_258_000.0
PLAN = [("flow", 25, ""), ("stuck", 25, "loop"), ("break", 12, "")]


async def _replay(client, day):
    got = {}
    k, events = 0, day.events
    for t, _, _ in day.minutes:
        batch = []
        while k < len(events) and events[k].ts < t:
            batch.append(events[k].to_dict())
            k += 1
        if batch:
            res = await request(client, "pulsedev/telemetry", {"events": batch})
            assert res["accepted"] == len(batch) and not res["rejected"]
        status = await request(client, "pulsedev/status", {"now": t})
        got[t] = status["state"]
    return got, status


async def test_simulated_day_over_lsp(client):
    day = simulate_day(NAMED["steady"], 11, start=START, plan=PLAN)
    got, status = await _replay(client, day)
    ts = sorted(got)
    flow = [got[t]["state"] for t in ts[8:25]]  # the flow stretch once the evidence is in
    stuck = [got[t]["state"] for t in ts[33:50]]  # the stuck stretch after at most 8 minutes
    assert flow.count("flow") >= 0.8 * len(flow), flow
    assert stuck.count("stuck") >= 0.8 * len(stuck), stuck
    assert got[ts[-1]]["state"] == "idle"
    peak = max(got[t]["scores"]["stuck"] for t in ts[33:50])
    assert 0.5 <= peak <= 1.0
    assert any(got[t]["reason"] for t in ts[33:50])
    assert {m["name"] for m in status["models"]} >= {"stuck", "flow", "anomaly"}

    for _ in range(50):  # notifications are sent from the worker: let them land
        states = [p["state"] for p in client.pulsedev["pulsedev/state"]]
        if {"flow", "stuck", "idle"} <= set(states):
            break
        await asyncio.sleep(0.1)
    assert {"flow", "stuck", "idle"} <= set(states), states
    assert all(a != b for a, b in itertools.pairwise(states)), "a notification without a change"
    assert len(states) <= 10, "the state flaps"


async def test_self_report_over_lsp_changes_state_at_once(client):
    day = simulate_day(NAMED["tdd"], 12, start=START, plan=[("flow", 12, "")])
    await _replay(client, day)
    await command(client, "pulsedev.selfReport", {"state": "stuck"})
    status = await request(client, "pulsedev/status", {"now": day.end + 1})
    assert status["state"]["state"] == "stuck"
    assert next(m for m in status["models"] if m["name"] == "stuck")["metrics"]["labels"] >= 1

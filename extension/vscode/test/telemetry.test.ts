import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { commandEvent, EventBatcher, ITelemetryEvent, programName, windowFocusEvent } from "../src/common/telemetry";

function deferred<T>() {
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
}

const ev = (i: number): ITelemetryEvent => ({ kind: "cursor_moved", ts: i, data: { line: i } });

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("EventBatcher", () => {
    it("sends a full batch at once and the rest after flushMs", async () => {
        const batches: ITelemetryEvent[][] = [];
        const b = new EventBatcher(async (events) => { batches.push(events); return { accepted: events.length, rejected: [] }; }, () => true, { maxBatch: 3, flushMs: 500 });
        for (let i = 0; i < 4; i++) b.push(ev(i));
        expect(batches.map((x) => x.length)).toEqual([3]);
        await vi.advanceTimersByTimeAsync(499);
        expect(batches.length).toBe(1);
        await vi.advanceTimersByTimeAsync(1);
        expect(batches.map((x) => x.map((e) => e.ts))).toEqual([[0, 1, 2], [3]]);
        expect(b.stats.accepted).toBe(4);
    });

    it("keeps at most maxInFlight requests open", async () => {
        const open: ReturnType<typeof deferred<any>>[] = [];
        const b = new EventBatcher(() => { const d = deferred<any>(); open.push(d); return d.promise; }, () => true, { maxBatch: 1, maxInFlight: 2 });
        for (let i = 0; i < 5; i++) b.push(ev(i));
        expect(open.length).toBe(2);
        expect(b.stats.queued).toBe(3);
        open[0].resolve({ accepted: 1, rejected: [] });
        await vi.advanceTimersByTimeAsync(1000);
        expect(open.length).toBe(3);
        expect(b.stats.inFlight).toBe(2);
    });

    it("holds events while the server is away and drops the oldest past maxQueue", async () => {
        let up = false;
        const batches: ITelemetryEvent[][] = [];
        const b = new EventBatcher(async (events) => { batches.push(events); return { accepted: events.length, rejected: [] }; }, () => up, { maxBatch: 100, maxQueue: 3, flushMs: 100 });
        for (let i = 0; i < 5; i++) b.push(ev(i));
        await vi.advanceTimersByTimeAsync(1000);
        expect(batches.length).toBe(0);
        expect(b.stats.dropped).toBe(2);
        up = true;
        await vi.advanceTimersByTimeAsync(100);
        expect(batches.map((x) => x.map((e) => e.ts))).toEqual([[2, 3, 4]]);
    });

    it("counts rejected events and drops a failed batch without retrying it", async () => {
        let calls = 0;
        const b = new EventBatcher(async (events) => {
            calls++;
            if (calls === 1) return { accepted: events.length - 1, rejected: [{ index: 0, reason: "bad" }] };
            throw new Error("connection closed");
        }, () => true, { maxBatch: 2 });
        b.push(ev(1)); b.push(ev(2));
        b.push(ev(3)); b.push(ev(4));
        await vi.advanceTimersByTimeAsync(5000);
        expect(calls).toBe(2);
        expect(b.stats).toMatchObject({ sent: 4, accepted: 1, rejected: 1, dropped: 2, failedRequests: 1, queued: 0, inFlight: 0 });
    });

    it("records nothing when disabled", async () => {
        const send = vi.fn(async () => ({ accepted: 0, rejected: [] }));
        const b = new EventBatcher(send, () => true, { flushMs: 10 });
        b.setEnabled(false);
        b.push(ev(1));
        await vi.advanceTimersByTimeAsync(100);
        expect(send).not.toHaveBeenCalled();
    });
});

describe("events", () => {
    it("keeps the program name only", () => {
        expect(programName("pytest -x tests/test_a.py")).toBe("pytest");
        expect(programName("/usr/bin/python3 -m pytest")).toBe("python3");
        expect(programName("FOO=1 BAR=x sudo make install")).toBe("make");
        expect(programName("  git commit -m 'secret message'")).toBe("git");
        expect(programName("ls;rm -rf x")).toBe("ls");
        expect(programName("")).toBe("");
    });

    it("builds protocol events", () => {
        expect(commandEvent("npm test", 1, 10)).toEqual({ kind: "command_executed", ts: 10, data: { command: "npm", exit_code: 1 } });
        expect(commandEvent("npm test", undefined, 10)).toEqual({ kind: "command_executed", ts: 10, data: { command: "npm" } });
        expect(commandEvent("   ", 0)).toBeUndefined();
        expect(windowFocusEvent(false, 5)).toEqual({ kind: "focus_changed", ts: 5, data: { target: "window", focused: false } });
    });
});

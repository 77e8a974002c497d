import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backoffMs, ILifecycleDeps, LifecycleState, ServerLifecycle } from "../src/common/lifecycle";
import type { PulsedevCheck } from "../src/common/python";
import { resetStub } from "./vscode-stub";

/** A language client double: start resolves or rejects; `crash()` closes it unasked. */
class FakeClient {
    running = false;
    stopped = 0;
    disposed = 0;
    constructor(private readonly onCrash: () => void, private readonly failStart: boolean) {}
    async start() {
        if (this.failStart) {
            this.onCrash();
            throw new Error("server exited during initialize");
        }
        this.running = true;
    }
    isRunning() { return this.running; }
    async stop() { this.running = false; this.stopped++; }
    async dispose() { this.disposed++; }
    crash() { this.running = false; this.onCrash(); }
}

function harness(opts: { check?: PulsedevCheck; failStarts?: number } = {}) {
    const clients: FakeClient[] = [];
    const states: [LifecycleState, string | undefined][] = [];
    const failures: string[] = [];
    let failStarts = opts.failStarts ?? 0;
    const deps: ILifecycleDeps = {
        resolveInterpreter: async () => ({ path: "/py", source: "setting" }),
        checkPulsedev: async () => opts.check ?? { ok: true, version: "0.1.0" },
        createClient: (_python, onCrash) => {
            const c = new FakeClient(onCrash, failStarts-- > 0);
            clients.push(c);
            return c as any;
        },
        onClientCreated: () => {},
        onStateChanged: (s, d) => states.push([s, d]),
        reportFailure: (kind) => failures.push(kind),
    };
    const life = new ServerLifecycle(deps, { restartDelayMs: 100, maxCrashes: 3, stableMs: 60000, backoffBaseMs: 1000, backoffMaxMs: 8000 });
    return { life, clients, states, failures };
}

beforeEach(() => { resetStub(); vi.useFakeTimers(); });
afterEach(() => vi.useRealTimers());

describe("backoff", () => {
    it("doubles up to the cap", () => {
        expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(n, 1000, 30000))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    });
});

describe("ServerLifecycle", () => {
    it("starts a client and exposes it while running", async () => {
        const { life, clients, states } = harness();
        await life.restart();
        expect(clients.length).toBe(1);
        expect(life.client).toBe(clients[0] as any);
        expect(states.map((s) => s[0])).toEqual(["starting", "running"]);
    });

    it("restarts a crashed server with growing delays and gives up with one message", async () => {
        const { life, clients, failures } = harness();
        await life.restart();
        clients[0].crash();
        expect(life.client).toBeUndefined();
        await vi.advanceTimersByTimeAsync(999);
        expect(clients.length).toBe(1);
        await vi.advanceTimersByTimeAsync(1);
        expect(clients.length).toBe(2);
        clients[1].crash();
        await vi.advanceTimersByTimeAsync(1999);
        expect(clients.length).toBe(2);
        await vi.advanceTimersByTimeAsync(1);
        expect(clients.length).toBe(3);
        clients[2].crash();
        await vi.advanceTimersByTimeAsync(4000);
        expect(clients.length).toBe(4);
        clients[3].crash(); // the 4th crash in a row: past maxCrashes (3)
        await vi.advanceTimersByTimeAsync(120000);
        expect(clients.length).toBe(4);
        expect(life.lifecycleState).toBe("failed");
        expect(failures).toEqual(["crashing"]);
    });

    it("counts a start that fails once, not twice", async () => {
        const { life, clients } = harness({ failStarts: 1 });
        await life.restart();
        expect(life.lifecycleState).toBe("stopped");
        await vi.advanceTimersByTimeAsync(1000);
        expect(clients.length).toBe(2);
        expect(life.lifecycleState).toBe("running");
    });

    it("forgets old crashes after a stable run", async () => {
        const { life, clients } = harness();
        await life.restart();
        clients[0].crash();
        await vi.advanceTimersByTimeAsync(1000);
        clients[1].crash();
        await vi.advanceTimersByTimeAsync(2000);
        await vi.advanceTimersByTimeAsync(61000); // client 2 ran a minute
        clients[2].crash();
        await vi.advanceTimersByTimeAsync(999);
        expect(clients.length).toBe(3);
        await vi.advanceTimersByTimeAsync(1); // back to the first delay
        expect(clients.length).toBe(4);
    });

    it("does not start or retry when pulsedev is missing, and says so once", async () => {
        const { life, clients, failures, states } = harness({ check: { ok: false, reason: "no-module", detail: "pulsedev is not installed for /py" } });
        await life.restart();
        await life.restart();
        await vi.advanceTimersByTimeAsync(120000);
        expect(clients.length).toBe(0);
        expect(failures).toEqual(["no-module"]);
        expect(states.at(-1)).toEqual(["failed", "pulsedev is not installed for /py"]);
        await life.userRestart(); // the user asked: say it again
        expect(failures).toEqual(["no-module", "no-module"]);
    });

    it("coalesces scheduled restarts and never runs two at once", async () => {
        const { life, clients } = harness();
        await life.restart();
        life.scheduleRestart("a");
        life.scheduleRestart("b");
        life.scheduleRestart("c");
        await vi.advanceTimersByTimeAsync(100);
        expect(clients.length).toBe(2);
        expect(clients[0].stopped).toBe(1);
        const p1 = life.restart();
        const p2 = life.restart(); // while busy: runs once more afterwards
        await Promise.all([p1, p2]);
        expect(clients.length).toBe(4);
        expect(clients.slice(0, 3).every((c) => !c.running)).toBe(true);
        expect(clients[3].running).toBe(true);
    });

    it("stops for good on dispose", async () => {
        const { life, clients } = harness();
        await life.restart();
        await life.dispose();
        clients[0].crash();
        await vi.advanceTimersByTimeAsync(60000);
        expect(clients.length).toBe(1);
        expect(clients[0].disposed).toBe(1);
    });
});

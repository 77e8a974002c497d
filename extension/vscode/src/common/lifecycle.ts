/**
 * The server's lifecycle: find the interpreter, check `pulsedev` is there,
 * start the client, and restart — on request with a busy flag and a short
 * delay, after a crash with exponential backoff, giving up (with one message)
 * after too many crashes in a row. No error storm: each kind of failure is
 * shown at most once until the server has run again.
 */
import type { LanguageClient } from "vscode-languageclient/node";
import { traceError, traceInfo, traceWarn } from "./logging";
import type { IInterpreter, PulsedevCheck } from "./python";

export type LifecycleState = "starting" | "running" | "stopped" | "failed";

/** Delay before restart number `attempt` (1-based) after a crash. */
export function backoffMs(attempt: number, baseMs = 1000, maxMs = 30000): number {
    return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

export interface ILifecycleDeps {
    resolveInterpreter(): Promise<IInterpreter>;
    checkPulsedev(python: string): Promise<PulsedevCheck>;
    /** A new, unstarted client; `onCrash` must be called when its connection closes unasked. */
    createClient(python: string, onCrash: () => void): LanguageClient;
    /** Wires notifications etc. onto a new client (before it starts). */
    onClientCreated(client: LanguageClient): void;
    /** Called after the client started and after it stopped. */
    onStateChanged(state: LifecycleState, detail?: string): void;
    /** Tells the user once about a failure; buttons are handled by the caller. */
    reportFailure(kind: "no-python" | "no-module" | "error" | "crashing", detail: string, python: string): void;
    timers?: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout };
    now?: () => number;
}

export interface ILifecycleOptions {
    /** Debounce of `scheduleRestart` (settings edits come in bursts). */
    restartDelayMs: number;
    /** Crashes in a row before giving up. */
    maxCrashes: number;
    /** A run this long resets the crash count. */
    stableMs: number;
    backoffBaseMs: number;
    backoffMaxMs: number;
}

export const DEFAULT_LIFECYCLE_OPTIONS: ILifecycleOptions = {
    restartDelayMs: 1000,
    maxCrashes: 5,
    stableMs: 60000,
    backoffBaseMs: 1000,
    backoffMaxMs: 30000,
};

/** Owns the one language client. */
export class ServerLifecycle {
    private current: LanguageClient | undefined;
    private state: LifecycleState = "stopped";
    private busy = false;
    private pending = false;
    private crashes = 0;
    private startedAt = 0;
    private restartTimer: ReturnType<typeof setTimeout> | undefined;
    private disposed = false;
    private readonly reported = new Set<string>();
    private readonly opts: ILifecycleOptions;
    private readonly timers: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout };
    private readonly now: () => number;
    /** The interpreter of the last start attempt. */
    interpreter: IInterpreter | undefined;

    constructor(private readonly deps: ILifecycleDeps, options: Partial<ILifecycleOptions> = {}) {
        this.opts = { ...DEFAULT_LIFECYCLE_OPTIONS, ...options };
        this.timers = deps.timers ?? { setTimeout, clearTimeout };
        this.now = deps.now ?? Date.now;
    }

    /** The running client, if any. */
    get client(): LanguageClient | undefined {
        return this.state === "running" ? this.current : undefined;
    }

    get lifecycleState(): LifecycleState {
        return this.state;
    }

    get isBusy(): boolean {
        return this.busy;
    }

    /** Restarts after `restartDelayMs`; repeated calls within the delay coalesce. */
    scheduleRestart(reason: string, delayMs = this.opts.restartDelayMs): void {
        if (this.disposed) {
            return;
        }
        traceInfo(`Server: restart scheduled (${reason})`);
        this.clearRestartTimer();
        this.restartTimer = this.timers.setTimeout(() => {
            this.restartTimer = undefined;
            void this.restart();
        }, delayMs);
    }

    /** Stops the server (if running) and starts it again; never runs twice at once. */
    async restart(): Promise<void> {
        if (this.busy) {
            this.pending = true;
            return;
        }
        this.busy = true;
        try {
            do {
                this.pending = false;
                await this.stopClient();
                if (!this.disposed) {
                    await this.startClient();
                }
            } while (this.pending && !this.disposed);
        } finally {
            this.busy = false;
        }
    }

    /** A restart asked for by the user: forgets the crash count and past messages. */
    async userRestart(): Promise<void> {
        this.crashes = 0;
        this.reported.clear();
        this.clearRestartTimer();
        await this.restart();
    }

    /** Stops for good. */
    async dispose(): Promise<void> {
        this.disposed = true;
        this.clearRestartTimer();
        await this.stopClient();
    }

    private setState(state: LifecycleState, detail?: string): void {
        this.state = state;
        this.deps.onStateChanged(state, detail);
    }

    private reportOnce(kind: "no-python" | "no-module" | "error" | "crashing", detail: string, python: string): void {
        const key = `${kind}:${python}`;
        if (!this.reported.has(key)) {
            this.reported.add(key);
            this.deps.reportFailure(kind, detail, python);
        }
    }

    private async startClient(): Promise<void> {
        this.setState("starting");
        const interpreter = await this.deps.resolveInterpreter();
        this.interpreter = interpreter;
        traceInfo(`Server: interpreter ${interpreter.path} (from ${interpreter.source})`);
        const check = await this.deps.checkPulsedev(interpreter.path);
        if (!check.ok) {
            traceError(`Server: cannot start: ${check.detail}`);
            this.setState("failed", check.detail);
            this.reportOnce(check.reason, check.detail, interpreter.path);
            return;
        }
        traceInfo(`Server: pulsedev ${check.version}`);
        let crashed = false;
        const client = this.deps.createClient(interpreter.path, () => {
            if (!crashed && client === this.current) {
                crashed = true;
                this.onCrash(interpreter.path);
            }
        });
        this.current = client;
        this.deps.onClientCreated(client);
        try {
            await client.start();
        } catch (ex) {
            traceError(`Server: start failed: ${ex}`);
            if (!crashed && client === this.current) {
                crashed = true;
                this.onCrash(interpreter.path);
            }
            return;
        }
        if (client !== this.current || crashed) {
            return;
        }
        this.startedAt = this.now();
        this.reported.clear();
        this.setState("running");
    }

    private onCrash(python: string): void {
        if (this.disposed) {
            return;
        }
        if (this.state === "running" && this.now() - this.startedAt >= this.opts.stableMs) {
            this.crashes = 0;
        }
        this.crashes++;
        const old = this.current;
        this.current = undefined;
        // The client is still inside its close handler: let it reach "stopped" first.
        this.timers.setTimeout(() => void this.disposeClient(old), 0);
        if (this.crashes > this.opts.maxCrashes) {
            const detail = `The server stopped ${this.crashes} times in a row; not restarting it. See the log.`;
            traceError(`Server: ${detail}`);
            this.setState("failed", detail);
            this.reportOnce("crashing", detail, python);
            return;
        }
        const delay = backoffMs(this.crashes, this.opts.backoffBaseMs, this.opts.backoffMaxMs);
        traceWarn(`Server: stopped unexpectedly (${this.crashes} in a row); restarting in ${delay} ms`);
        this.setState("stopped", `The server stopped; restarting in ${Math.round(delay / 1000)} s.`);
        this.scheduleRestart("crash", delay);
    }

    private async stopClient(): Promise<void> {
        const client = this.current;
        this.current = undefined;
        if (client) {
            await this.disposeClient(client);
            if (!this.disposed) {
                this.setState("stopped");
            }
        }
    }

    private async disposeClient(client: LanguageClient | undefined): Promise<void> {
        if (!client) {
            return;
        }
        try {
            if (client.isRunning()) {
                await client.stop(2000);
            }
        } catch (ex) {
            traceError(`Server: stop failed: ${ex}`);
        }
        try {
            await client.dispose(2000);
        } catch {
            // Disposing a client that already stopped may throw; nothing is left to free.
        }
    }

    private clearRestartTimer(): void {
        if (this.restartTimer !== undefined) {
            this.timers.clearTimeout(this.restartTimer);
            this.restartTimer = undefined;
        }
    }
}

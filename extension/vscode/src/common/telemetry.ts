/**
 * Telemetry out: the protocol's events (`pulsedev/telemetry`) built from what
 * only the editor sees, queued and sent in batches with few requests in flight.
 * The batcher knows nothing of VS Code; `sources.ts` feeds it.
 */
import { traceVerbose, traceWarn } from "./logging";

export interface ITelemetryEvent {
    kind: string;
    ts: number;
    uri?: string;
    data?: Record<string, unknown>;
}

export interface ITelemetryResult {
    accepted: number;
    rejected: { index: number; reason: string }[];
}

export interface IBatcherOptions {
    /** Most events in one request (the protocol allows 1000). */
    maxBatch: number;
    /** How long an event may wait before its batch is sent. */
    flushMs: number;
    /** Most requests in flight at once (the server handles one message at a time). */
    maxInFlight: number;
    /** Most events kept while the server is away; the oldest are dropped first. */
    maxQueue: number;
}

export const DEFAULT_BATCHER_OPTIONS: IBatcherOptions = { maxBatch: 200, flushMs: 1000, maxInFlight: 2, maxQueue: 5000 };

export interface IBatcherStats {
    queued: number;
    inFlight: number;
    sent: number;
    accepted: number;
    rejected: number;
    dropped: number;
    failedRequests: number;
}

export type SendBatch = (events: ITelemetryEvent[]) => Promise<ITelemetryResult>;

/** Event time now: Unix seconds. */
export function nowSeconds(): number {
    return Date.now() / 1000;
}

/**
 * Queues events and sends them in batches. While `canSend()` is false (the
 * server is starting or away) events wait, up to `maxQueue`. A failed request
 * is logged once per run of failures and its events are dropped, never retried
 * in a loop.
 */
export class EventBatcher {
    private queue: ITelemetryEvent[] = [];
    private timer: ReturnType<typeof setTimeout> | undefined;
    private inFlight = 0;
    private failing = false;
    private enabled = true;
    private disposed = false;
    private readonly opts: IBatcherOptions;
    readonly stats: IBatcherStats = { queued: 0, inFlight: 0, sent: 0, accepted: 0, rejected: 0, dropped: 0, failedRequests: 0 };

    constructor(
        private readonly send: SendBatch,
        private readonly canSend: () => boolean,
        options: Partial<IBatcherOptions> = {},
    ) {
        this.opts = { ...DEFAULT_BATCHER_OPTIONS, ...options };
    }

    /** Turns recording on or off; off drops what is queued. */
    setEnabled(enabled: boolean): void {
        this.enabled = enabled;
        if (!enabled) {
            this.queue = [];
            this.updateStats();
        }
    }

    /** Queues one event; a full batch is sent at once, else within `flushMs`. */
    push(event: ITelemetryEvent): void {
        if (!this.enabled || this.disposed) {
            return;
        }
        this.queue.push(event);
        if (this.queue.length > this.opts.maxQueue) {
            const extra = this.queue.length - this.opts.maxQueue;
            this.queue.splice(0, extra);
            this.stats.dropped += extra;
        }
        this.updateStats();
        if (this.queue.length >= this.opts.maxBatch) {
            this.flush();
        } else {
            this.schedule();
        }
    }

    /** Sends what is queued, as far as the in-flight limit allows. */
    flush(): void {
        this.clearTimer();
        while (this.queue.length > 0 && this.inFlight < this.opts.maxInFlight && this.canSend() && !this.disposed) {
            const batch = this.queue.splice(0, this.opts.maxBatch);
            this.sendBatch(batch);
        }
        this.updateStats();
        if (this.queue.length > 0) {
            this.schedule();
        }
    }

    /** Resolves when nothing is queued or in flight (or after `timeoutMs`). */
    async drain(timeoutMs = 5000): Promise<boolean> {
        const end = Date.now() + timeoutMs;
        while (Date.now() < end) {
            this.flush();
            if (this.queue.length === 0 && this.inFlight === 0) {
                return true;
            }
            await new Promise((r) => setTimeout(r, 20));
        }
        return false;
    }

    /** Stops sending; queued events are dropped. */
    dispose(): void {
        this.disposed = true;
        this.clearTimer();
        this.queue = [];
        this.updateStats();
    }

    private sendBatch(batch: ITelemetryEvent[]): void {
        this.inFlight++;
        this.stats.sent += batch.length;
        this.send(batch)
            .then((result) => {
                this.stats.accepted += result?.accepted ?? 0;
                const rejected = result?.rejected ?? [];
                this.stats.rejected += rejected.length;
                if (rejected.length > 0) {
                    traceWarn(`Telemetry: ${rejected.length} event(s) rejected, e.g. ${JSON.stringify(rejected[0])}`);
                }
                if (this.failing) {
                    traceVerbose("Telemetry: sending works again");
                }
                this.failing = false;
            })
            .catch((ex) => {
                this.stats.failedRequests++;
                this.stats.dropped += batch.length;
                if (!this.failing) {
                    traceWarn(`Telemetry: a batch of ${batch.length} event(s) was not delivered: ${ex}`);
                }
                this.failing = true;
            })
            .finally(() => {
                this.inFlight--;
                this.updateStats();
                if (this.queue.length > 0) {
                    this.schedule();
                }
            });
    }

    private schedule(): void {
        if (this.timer === undefined && !this.disposed) {
            this.timer = setTimeout(() => {
                this.timer = undefined;
                this.flush();
            }, this.opts.flushMs);
        }
    }

    private clearTimer(): void {
        if (this.timer !== undefined) {
            clearTimeout(this.timer);
            this.timer = undefined;
        }
    }

    private updateStats(): void {
        this.stats.queued = this.queue.length;
        this.stats.inFlight = this.inFlight;
    }
}

/**
 * The program name of a shell command line, without arguments, paths or
 * environment assignments (the protocol stores the program name only).
 */
export function programName(commandLine: string): string {
    const tokens = commandLine.trim().split(/\s+/).filter(Boolean);
    let i = 0;
    while (i < tokens.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(tokens[i]) || ["sudo", "time", "env", "nohup", "exec"].includes(tokens[i]))) {
        i++;
    }
    const first = (tokens[i] ?? "").replace(/^["']|["']$/g, "");
    const base = first.split(/[\\/]/).pop() ?? "";
    return base.replace(/[;&|<>()].*$/, "");
}

/** A `focus_changed` event for the window. */
export function windowFocusEvent(focused: boolean, ts = nowSeconds()): ITelemetryEvent {
    return { kind: "focus_changed", ts, data: { target: "window", focused } };
}

/** A `focus_changed` event for a newly active editor. */
export function editorFocusEvent(uri: string, ts = nowSeconds()): ITelemetryEvent {
    return { kind: "focus_changed", ts, uri, data: { target: "editor", focused: true } };
}

/** A `command_executed` event (program name only). */
export function commandEvent(commandLine: string, exitCode: number | undefined, ts = nowSeconds()): ITelemetryEvent | undefined {
    const command = programName(commandLine);
    if (!command) {
        return undefined;
    }
    const data: Record<string, unknown> = { command };
    if (typeof exitCode === "number" && Number.isInteger(exitCode)) {
        data.exit_code = exitCode;
    }
    return { kind: "command_executed", ts, data };
}

/** A `debug_started` / `debug_stopped` event. */
export function debugEvent(started: boolean, ts = nowSeconds()): ITelemetryEvent {
    return { kind: started ? "debug_started" : "debug_stopped", ts };
}

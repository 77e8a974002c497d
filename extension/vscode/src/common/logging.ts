/**
 * Logging to the "PulseDev" output channel: `traceError/traceWarn/traceInfo/traceVerbose`.
 * Nothing here pops up; pop-ups are decided by the caller (`pulsedev.showNotifications`).
 */
import type * as vscode from "vscode";

let channel: vscode.LogOutputChannel | undefined;

/** Routes the trace functions to a channel (call once from `activate`). */
export function registerLogger(logChannel: vscode.LogOutputChannel): vscode.Disposable {
    channel = logChannel;
    return { dispose: () => { channel = undefined; } };
}

function format(args: unknown[]): string {
    return args
        .map((a) => (a instanceof Error ? (a.stack ?? a.message) : typeof a === "string" ? a : JSON.stringify(a)))
        .join(" ");
}

/** Logs an error. */
export function traceError(...args: unknown[]): void {
    channel?.error(format(args));
}

/** Logs a warning. */
export function traceWarn(...args: unknown[]): void {
    channel?.warn(format(args));
}

/** Logs an informational line. */
export function traceInfo(...args: unknown[]): void {
    channel?.info(format(args));
}

/** Logs a detail that is only shown at the Trace/Debug level. */
export function traceVerbose(...args: unknown[]): void {
    channel?.debug(format(args));
}

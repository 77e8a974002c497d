/**
 * The status bar item: the server's state (starting, not running, …) and the
 * developer's state from `pulsedev/state`; its click shows `pulsedev/status`
 * and asks "I'm stuck / in flow / neither" (a self-report).
 */
import * as vscode from "vscode";
import { showQuickPick } from "./vscodeapi";

export type PulseState = "flow" | "stuck" | "neutral" | "idle";
export type ServerState = "starting" | "running" | "stopped" | "failed";

/** `pulsedev/state` params (PROTOCOL.md "State out"). */
export interface IStateParams {
    state: PulseState;
    since?: number;
    scores?: { stuck?: number; flow?: number; anomaly?: number };
    reason?: string;
}

/** `pulsedev/status` result. */
export interface IStatusResult {
    state?: IStateParams;
    events?: { stored?: number; rejected?: number };
    models?: { name: string; version?: string; trained_at?: number | null; samples?: number; metrics?: Record<string, unknown> }[];
    training?: { running?: boolean; last?: number | null };
}

const ICONS: Record<PulseState, string> = { flow: "$(zap)", stuck: "$(question)", neutral: "$(pulse)", idle: "$(clock)" };
const WORDS: Record<PulseState, string> = { flow: "in flow", stuck: "stuck", neutral: "neutral", idle: "idle" };

export interface IStatusView {
    text: string;
    tooltip: string;
    warning: boolean;
}

function percent(p: number | undefined): string {
    return typeof p === "number" && Number.isFinite(p) ? `${Math.round(p * 100)}%` : "–";
}

/** What the item shows for a server state and the last developer state. */
export function renderStatus(server: ServerState, pulse: IStateParams | undefined, detail?: string): IStatusView {
    if (server === "starting") {
        return { text: "$(loading~spin) PulseDev", tooltip: "PulseDev: starting the server…", warning: false };
    }
    if (server === "stopped" || server === "failed") {
        const why = detail ? `\n${detail}` : "";
        return { text: "$(circle-slash) PulseDev: off", tooltip: `PulseDev: the server is not running.${why}\nClick for the choices.`, warning: server === "failed" };
    }
    if (!pulse || !(pulse.state in ICONS)) {
        return { text: "$(pulse) PulseDev: ready", tooltip: "PulseDev: running; no state yet.", warning: false };
    }
    const lines = [`PulseDev: you seem ${WORDS[pulse.state]}`];
    if (pulse.reason) {
        lines.push(pulse.reason);
    }
    const s = pulse.scores ?? {};
    lines.push(`stuck ${percent(s.stuck)} · flow ${percent(s.flow)} · unusual ${percent(s.anomaly)}`);
    lines.push("Click: status, or tell PulseDev how you are doing.");
    return { text: `${ICONS[pulse.state]} PulseDev: ${pulse.state}`, tooltip: lines.join("\n"), warning: false };
}

/** The status bar item. */
export class StatusBar implements vscode.Disposable {
    private readonly item: vscode.StatusBarItem;
    private server: ServerState = "starting";
    private pulse: IStateParams | undefined;
    private detail: string | undefined;

    constructor(command: string) {
        this.item = vscode.window.createStatusBarItem("pulsedev.status", vscode.StatusBarAlignment.Right, 100);
        this.item.name = "PulseDev";
        this.item.command = command;
        this.render();
        this.item.show();
    }

    /** The last state the server sent, if any. */
    get state(): IStateParams | undefined {
        return this.pulse;
    }

    /** Shows the server's lifecycle state (a detail says why it stopped). */
    setServerState(server: ServerState, detail?: string): void {
        this.server = server;
        this.detail = detail;
        if (server !== "running") {
            this.pulse = undefined;
        }
        this.render();
    }

    /** Shows a `pulsedev/state` notification (or the state in a status result). */
    setPulseState(state: IStateParams | undefined): void {
        if (state && typeof state.state === "string") {
            this.pulse = state;
            this.render();
        }
    }

    dispose(): void {
        this.item.dispose();
    }

    private render(): void {
        const view = renderStatus(this.server, this.pulse, this.detail);
        this.item.text = view.text;
        this.item.tooltip = view.tooltip;
        this.item.accessibilityInformation = { label: view.text.replace(/\$\([^)]*\)\s*/g, ""), role: "button" };
        this.item.backgroundColor = view.warning ? new vscode.ThemeColor("statusBarItem.warningBackground") : undefined;
    }
}

export type SelfReportState = "stuck" | "flow" | "neutral";

export interface IPickItem extends vscode.QuickPickItem {
    report?: SelfReportState;
}

/** The self-report choices. */
export const SELF_REPORT_ITEMS: IPickItem[] = [
    { label: "$(question) I'm stuck", report: "stuck" },
    { label: "$(zap) I'm in flow", report: "flow" },
    { label: "$(dash) Neither", report: "neutral" },
];

function ago(ts: number | null | undefined, now: number): string {
    if (typeof ts !== "number") {
        return "never";
    }
    const s = Math.max(0, Math.round(now - ts));
    return s < 120 ? `${s} s ago` : s < 7200 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
}

/** The status lines shown above the self-report choices. */
export function statusItems(status: IStatusResult | undefined, now = Date.now() / 1000): IPickItem[] {
    if (!status) {
        return [{ label: "$(circle-slash) The server is not running", kind: vscode.QuickPickItemKind.Separator }];
    }
    const items: IPickItem[] = [];
    const state = status.state;
    if (state?.state) {
        items.push({
            label: `State: ${state.state}`,
            description: `since ${ago(state.since, now)}`,
            detail: state.reason || undefined,
        });
    }
    const ev = status.events ?? {};
    items.push({ label: `Events stored: ${ev.stored ?? 0}`, description: `rejected: ${ev.rejected ?? 0}` });
    for (const m of status.models ?? []) {
        items.push({ label: `Model ${m.name}`, description: `${m.samples ?? 0} samples, trained ${ago(m.trained_at, now)}` });
    }
    if (status.training?.running) {
        items.push({ label: "$(sync~spin) Training…" });
    }
    return items;
}

/**
 * Shows the status and the self-report choices; resolves to the chosen
 * self-report, or undefined when the user picked a status line or escaped.
 */
export async function pickStatus(status: IStatusResult | undefined): Promise<SelfReportState | undefined> {
    const items: IPickItem[] = [
        ...statusItems(status),
        { label: "How are you doing?", kind: vscode.QuickPickItemKind.Separator },
        ...SELF_REPORT_ITEMS,
    ];
    const chosen = await showQuickPick(items, { title: "PulseDev", placeHolder: "Tell PulseDev how you are doing (it learns from this)" });
    return chosen?.report;
}

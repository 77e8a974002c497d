/**
 * Suggestions in (`pulsedev/suggestion`): shown as notifications with the
 * suggestion's own actions plus "Helpful" / "Not helpful", whose answer goes
 * back as `pulsedev.feedback`. Nothing runs unless the user picks an action.
 */
import { traceInfo } from "./logging";
import { showInformationMessage, showWarningMessage } from "./vscodeapi";

export interface ICommand {
    title: string;
    command: string;
    arguments?: unknown[];
}

/** `pulsedev/suggestion` params (PROTOCOL.md "Suggestions out"). */
export interface ISuggestion {
    id: string;
    kind: "unstuck" | "error_fix" | "strategy" | "anomaly" | string;
    title: string;
    message: string;
    uri?: string;
    confidence?: number;
    evidence?: string[];
    actions?: ICommand[];
}

export const HELPFUL = "Helpful";
export const NOT_HELPFUL = "Not helpful";

export interface ISuggestionDeps {
    /** Runs a command (the server's commands are registered by the language client). */
    runCommand(command: string, args: unknown[]): Promise<unknown>;
    /** Sends `pulsedev.feedback`. */
    feedback(id: string, helpful: boolean): Promise<unknown>;
}

/** The notification text: title, message and the first piece of evidence. */
export function suggestionText(s: ISuggestion): string {
    const evidence = s.evidence?.length ? ` (${s.evidence[0]})` : "";
    return `PulseDev: ${s.title}${s.message ? ` — ${s.message}` : ""}${evidence}`;
}

/** Whether params look like a suggestion (the server is trusted, but be safe). */
export function isSuggestion(p: unknown): p is ISuggestion {
    const s = p as ISuggestion;
    return !!s && typeof s.id === "string" && typeof s.title === "string";
}

/** Shows suggestions, each id at most once, and reports the user's answer. */
export class SuggestionPresenter {
    private readonly seen = new Set<string>();

    constructor(private readonly deps: ISuggestionDeps) {}

    /** Shows one suggestion; resolves when the user answered or dismissed it. */
    async show(s: unknown): Promise<void> {
        if (!isSuggestion(s) || this.seen.has(s.id)) {
            return;
        }
        this.seen.add(s.id);
        const actions = (s.actions ?? []).filter((a) => a && typeof a.title === "string" && typeof a.command === "string").slice(0, 2);
        const buttons = [...actions.map((a) => a.title), HELPFUL, NOT_HELPFUL];
        const show = s.kind === "anomaly" ? showWarningMessage : showInformationMessage;
        const choice = await show(suggestionText(s), ...buttons);
        if (choice === HELPFUL || choice === NOT_HELPFUL) {
            traceInfo(`Suggestion ${s.id}: ${choice}`);
            await this.deps.feedback(s.id, choice === HELPFUL);
            return;
        }
        const action = actions.find((a) => a.title === choice);
        if (action) {
            traceInfo(`Suggestion ${s.id}: action ${action.command}`);
            await this.deps.runCommand(action.command, action.arguments ?? []);
        }
    }
}

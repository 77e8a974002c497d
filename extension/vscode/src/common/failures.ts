/**
 * What the user is told when the server cannot run: one pop-up per kind of
 * failure (the lifecycle makes sure of that), with the action that fixes it —
 * install `pulsedev`, choose an interpreter, restart, or read the log.
 * `pulsedev.showNotifications: "off"` silences these; the log keeps them.
 */
import * as vscode from "vscode";
import { traceError, traceInfo } from "./logging";
import type { NotificationPolicy } from "./settings";
import { executeCommand, showErrorMessage, showWarningMessage } from "./vscodeapi";

export type FailureKind = "no-python" | "no-module" | "error" | "crashing";

export interface IFailureActions {
    install(python: string): Promise<boolean>;
    restart(): Promise<void>;
    showLog(): void;
}

const OPEN_SETTINGS = "Choose Interpreter";
const INSTALL = "Install pulsedev";
const RESTART = "Restart Server";
const SHOW_LOG = "Show Log";

/** The message and buttons for a failure. */
export function failureMessage(kind: FailureKind, detail: string, python: string): { text: string; buttons: string[] } {
    switch (kind) {
        case "no-python":
            return {
                text: `PulseDev: the Python interpreter "${python}" was not found. Set pulsedev.python or select an interpreter.`,
                buttons: [OPEN_SETTINGS, SHOW_LOG],
            };
        case "no-module":
            return {
                text: `PulseDev: the pulsedev package is not installed for ${python}. Install it there (pip install pulsedev) or choose another interpreter.`,
                buttons: [INSTALL, OPEN_SETTINGS, SHOW_LOG],
            };
        case "crashing":
            return { text: `PulseDev: ${detail}`, buttons: [RESTART, SHOW_LOG] };
        default:
            return { text: `PulseDev: the server cannot start: ${detail}`, buttons: [RESTART, SHOW_LOG] };
    }
}

/** Shows a failure (unless the policy is "off") and runs the chosen fix. */
export async function reportFailure(
    kind: FailureKind,
    detail: string,
    python: string,
    policy: NotificationPolicy,
    actions: IFailureActions,
): Promise<void> {
    if (policy === "off") {
        return;
    }
    const { text, buttons } = failureMessage(kind, detail, python);
    const show = kind === "no-module" ? showWarningMessage : showErrorMessage;
    const choice = await show(text, ...buttons);
    if (choice === INSTALL) {
        const ok = await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title: `PulseDev: installing pulsedev for ${python}…` },
            () => actions.install(python),
        );
        if (ok) {
            traceInfo("pulsedev installed; starting the server");
            await actions.restart();
        } else {
            traceError("pulsedev could not be installed");
            const again = await showErrorMessage("PulseDev: installing pulsedev failed; the log says why.", SHOW_LOG);
            if (again === SHOW_LOG) {
                actions.showLog();
            }
        }
    } else if (choice === OPEN_SETTINGS) {
        await executeCommand("workbench.action.openSettings", "pulsedev.python");
    } else if (choice === RESTART) {
        await actions.restart();
    } else if (choice === SHOW_LOG) {
        actions.showLog();
    }
}

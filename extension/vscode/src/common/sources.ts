/**
 * Event sources: what only the editor sees (window focus, active-editor
 * switches, debug sessions, terminal commands with exit codes via shell
 * integration, task results), turned into protocol events for the batcher.
 * Edits, saves, opens and closes come from text-document sync instead.
 */
import * as vscode from "vscode";
import { commandEvent, debugEvent, editorFocusEvent, ITelemetryEvent, windowFocusEvent } from "./telemetry";

export type EventSink = (event: ITelemetryEvent) => void;

/** The command line of a task, or its name when it has none. */
export function taskCommandLine(task: vscode.Task): string {
    const exec = task.execution;
    if (exec && "process" in exec && typeof exec.process === "string") {
        return exec.process;
    }
    if (exec && "commandLine" in exec && typeof exec.commandLine === "string") {
        return exec.commandLine;
    }
    if (exec && "command" in exec && exec.command !== undefined) {
        const cmd = exec.command;
        return typeof cmd === "string" ? cmd : cmd.value;
    }
    return task.name;
}

/** Whether a URI belongs to a real document (not an output pane or a diff view's git side). */
export function isTrackedScheme(uri: vscode.Uri): boolean {
    return uri.scheme === "file" || uri.scheme === "untitled" || uri.scheme === "vscode-remote";
}

/** Subscribes to the editor's events; returns their disposables. */
export function registerEventSources(sink: EventSink): vscode.Disposable[] {
    const disposables: vscode.Disposable[] = [];
    let lastEditor: string | undefined;

    disposables.push(
        vscode.window.onDidChangeWindowState((state) => sink(windowFocusEvent(state.focused))),
        vscode.window.onDidChangeActiveTextEditor((editor) => {
            const uri = editor?.document.uri;
            if (!uri || !isTrackedScheme(uri) || uri.toString() === lastEditor) {
                return;
            }
            lastEditor = uri.toString();
            sink(editorFocusEvent(lastEditor));
        }),
        vscode.debug.onDidStartDebugSession(() => sink(debugEvent(true))),
        vscode.debug.onDidTerminateDebugSession(() => sink(debugEvent(false))),
        vscode.tasks.onDidEndTaskProcess((e) => {
            const event = commandEvent(taskCommandLine(e.execution.task), e.exitCode);
            if (event) {
                sink(event);
            }
        }),
    );
    // Shell integration (VS Code 1.93+): each finished command with its exit code.
    if (typeof vscode.window.onDidEndTerminalShellExecution === "function") {
        disposables.push(
            vscode.window.onDidEndTerminalShellExecution((e) => {
                const event = commandEvent(e.execution.commandLine.value, e.exitCode);
                if (event) {
                    sink(event);
                }
            }),
        );
    }

    // The state at start: the window's focus and the editor already open.
    sink(windowFocusEvent(vscode.window.state.focused));
    const current = vscode.window.activeTextEditor?.document.uri;
    if (current && isTrackedScheme(current)) {
        lastEditor = current.toString();
        sink(editorFocusEvent(lastEditor));
    }
    return disposables;
}

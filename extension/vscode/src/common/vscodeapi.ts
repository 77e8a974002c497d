/**
 * Thin wrappers over the `vscode` API that the rest of the extension uses, so
 * that unit tests can replace one call without stubbing the whole module.
 */
import * as vscode from "vscode";

/** The `pulsedev` configuration section for a resource (or the window). */
export function getConfiguration(section: string, scope?: vscode.ConfigurationScope): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(section, scope);
}

/** The workspace folders, or an empty list when no folder is open. */
export function getWorkspaceFolders(): readonly vscode.WorkspaceFolder[] {
    return vscode.workspace.workspaceFolders ?? [];
}

/** Registers a command; the returned disposable unregisters it. */
export function registerCommand(command: string, callback: (...args: any[]) => any): vscode.Disposable {
    return vscode.commands.registerCommand(command, callback);
}

/** Runs any command, the server's own (registered by the language client) included. */
export function executeCommand<T = unknown>(command: string, ...rest: any[]): Thenable<T> {
    return vscode.commands.executeCommand<T>(command, ...rest);
}

/** Fires when any configuration changes. */
export function onDidChangeConfiguration(listener: (e: vscode.ConfigurationChangeEvent) => any): vscode.Disposable {
    return vscode.workspace.onDidChangeConfiguration(listener);
}

/** A log-level output channel (the language client writes to it too). */
export function createOutputChannel(name: string): vscode.LogOutputChannel {
    return vscode.window.createOutputChannel(name, { log: true });
}

/** An information pop-up with buttons; resolves to the chosen button. */
export function showInformationMessage(message: string, ...items: string[]): Thenable<string | undefined> {
    return vscode.window.showInformationMessage(message, ...items);
}

/** A warning pop-up with buttons; resolves to the chosen button. */
export function showWarningMessage(message: string, ...items: string[]): Thenable<string | undefined> {
    return vscode.window.showWarningMessage(message, ...items);
}

/** An error pop-up with buttons; resolves to the chosen button. */
export function showErrorMessage(message: string, ...items: string[]): Thenable<string | undefined> {
    return vscode.window.showErrorMessage(message, ...items);
}

/** A quick pick over items; resolves to the chosen item. */
export function showQuickPick<T extends vscode.QuickPickItem>(
    items: readonly T[],
    options: vscode.QuickPickOptions,
): Thenable<T | undefined> {
    return vscode.window.showQuickPick(items, options);
}

/** Opens a URI outside VS Code (e.g. the HTML report in the browser). */
export function openExternal(uri: vscode.Uri): Thenable<boolean> {
    return vscode.env.openExternal(uri);
}

/** The Python extension, when it is installed. */
export function getPythonExtension(): vscode.Extension<any> | undefined {
    return vscode.extensions.getExtension("ms-python.python");
}

/**
 * The extension's own commands (`pulsedev.client.*`). The server's commands
 * (`pulsedev.train`, `pulsedev.feedback`, …) are registered by the language
 * client from the server's executeCommandProvider, so these use other ids and
 * reach the server with `workspace/executeCommand`.
 */
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { traceError, traceInfo } from "./logging";
import { executeServerCommand } from "./server";
import { IStatusResult, pickStatus, SELF_REPORT_ITEMS, SelfReportState, StatusBar } from "./status";
import { applyTracerEnv, isTracerSetup, ITracerSetup, mergePytestArgs } from "./tracer";
import { getConfiguration, registerCommand, showInformationMessage, showQuickPick, showWarningMessage } from "./vscodeapi";

export const COMMANDS = {
    status: "pulsedev.client.status",
    selfReport: "pulsedev.client.selfReport",
    train: "pulsedev.client.train",
    report: "pulsedev.client.report",
    forget: "pulsedev.client.forget",
    tracerSetup: "pulsedev.client.tracerSetup",
    showHiddenHints: "pulsedev.client.showHiddenHints",
    restart: "pulsedev.client.restart",
    showLog: "pulsedev.client.showLog",
} as const;

export interface ICommandDeps {
    client(): LanguageClient | undefined;
    restart(): Promise<void>;
    statusBar: StatusBar;
    outputChannel: vscode.OutputChannel;
    environment: vscode.EnvironmentVariableCollection;
}

/** The running client, or a warning and undefined. */
async function needClient(deps: ICommandDeps): Promise<LanguageClient | undefined> {
    const client = deps.client();
    if (!client) {
        const choice = await showWarningMessage("PulseDev: the server is not running.", "Restart Server", "Show Log");
        if (choice === "Restart Server") {
            await deps.restart();
        } else if (choice === "Show Log") {
            deps.outputChannel.show();
        }
    }
    return client;
}

/** `pulsedev/status` from the running server (undefined when it is not running). */
export async function fetchStatus(client: LanguageClient | undefined): Promise<IStatusResult | undefined> {
    if (!client) {
        return undefined;
    }
    try {
        return (await client.sendRequest("pulsedev/status", null)) as IStatusResult;
    } catch (ex) {
        traceError(`pulsedev/status failed: ${ex}`);
        return undefined;
    }
}

async function sendSelfReport(deps: ICommandDeps, state: SelfReportState): Promise<void> {
    const client = await needClient(deps);
    if (client) {
        await executeServerCommand(client, "pulsedev.selfReport", [{ state }]);
        vscode.window.setStatusBarMessage(`PulseDev: noted (${state})`, 3000);
    }
}

async function applyTracer(deps: ICommandDeps, setup: ITracerSetup): Promise<void> {
    const names = applyTracerEnv(setup, deps.environment);
    if (setup.args.length > 0 && vscode.workspace.workspaceFolders?.length) {
        const config = getConfiguration("python.testing");
        const merged = mergePytestArgs(config.get<string[]>("pytestArgs"), setup.args);
        await config.update("pytestArgs", merged, vscode.ConfigurationTarget.Workspace);
    }
    traceInfo(`Tracer: env ${names.join(", ") || "(none)"}; pytest args ${setup.args.join(" ") || "(none)"}`);
    void showInformationMessage(
        `PulseDev: new terminals now trace pytest runs (${names.join(", ") || "no variables"})` +
            (setup.args.length ? "; pytest arguments added to python.testing.pytestArgs." : "."),
    );
}

/** Registers the client commands; each returns its result for scripting and tests. */
export function registerCommands(deps: ICommandDeps): vscode.Disposable[] {
    return [
        registerCommand(COMMANDS.status, async () => {
            const status = await fetchStatus(deps.client());
            deps.statusBar.setPulseState(status?.state);
            const report = await pickStatus(status);
            if (report) {
                await sendSelfReport(deps, report);
            }
            return status;
        }),
        registerCommand(COMMANDS.selfReport, async (state?: SelfReportState) => {
            const chosen = state ?? (await showQuickPick(SELF_REPORT_ITEMS, { title: "PulseDev: how are you doing?" }))?.report;
            if (chosen) {
                await sendSelfReport(deps, chosen);
            }
            return chosen;
        }),
        registerCommand(COMMANDS.train, async () => {
            const client = await needClient(deps);
            if (!client) {
                return undefined;
            }
            const result = await executeServerCommand(client, "pulsedev.train", []);
            vscode.window.setStatusBarMessage("PulseDev: training started", 5000);
            return result;
        }),
        registerCommand(COMMANDS.report, async () => {
            const client = await needClient(deps);
            if (!client) {
                return undefined;
            }
            const uri = await executeServerCommand<string>(client, "pulsedev.report", []);
            if (typeof uri === "string" && uri) {
                const target = vscode.Uri.parse(uri);
                const choice = await showInformationMessage(`PulseDev: report written to ${target.fsPath}`, "Open in Browser", "Open in Editor");
                if (choice === "Open in Browser") {
                    await vscode.env.openExternal(target);
                } else if (choice === "Open in Editor") {
                    await vscode.commands.executeCommand("vscode.open", target);
                }
            }
            return uri;
        }),
        registerCommand(COMMANDS.forget, async () => {
            const yes = "Forget";
            const choice = await vscode.window.showWarningMessage(
                "PulseDev: delete every stored event and everything learned from them?",
                { modal: true },
                yes,
            );
            if (choice !== yes) {
                return undefined;
            }
            const client = await needClient(deps);
            return client ? executeServerCommand(client, "pulsedev.forget", []) : undefined;
        }),
        registerCommand(COMMANDS.tracerSetup, async () => {
            const client = await needClient(deps);
            if (!client) {
                return undefined;
            }
            const setup = await executeServerCommand(client, "pulsedev.tracerSetup", []);
            if (!isTracerSetup(setup)) {
                traceError(`Tracer: unexpected answer ${JSON.stringify(setup)}`);
                void showWarningMessage("PulseDev: the server's tracer setup was not understood; see the log.");
                return undefined;
            }
            await applyTracer(deps, setup);
            return setup;
        }),
        registerCommand(COMMANDS.showHiddenHints, async () => {
            const client = await needClient(deps);
            if (!client) {
                return undefined;
            }
            const result = await executeServerCommand<{ restored?: number }>(client, "pulsedev.showHiddenHints", []);
            const n = result?.restored ?? 0;
            void showInformationMessage(
                n > 0 ? `PulseDev: ${n} hidden type hint${n === 1 ? " is" : "s are"} shown again.` : "PulseDev: no type hints were hidden.",
            );
            return result;
        }),
        registerCommand(COMMANDS.restart, () => deps.restart()),
        registerCommand(COMMANDS.showLog, () => deps.outputChannel.show()),
    ];
}

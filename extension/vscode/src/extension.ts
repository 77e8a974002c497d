/**
 * PulseDev for VS Code: wiring only. Starts the server through the lifecycle,
 * feeds editor events to the batcher, shows state and suggestions, and
 * registers the client commands. The logic lives in `common/`.
 */
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { COMMANDS, fetchStatus, registerCommands } from "./common/commands";
import { reportFailure } from "./common/failures";
import { ServerLifecycle } from "./common/lifecycle";
import { registerLogger, traceInfo } from "./common/logging";
import { checkPulsedev, installPulsedev, onDidChangePythonInterpreter, resolveInterpreter } from "./common/python";
import { createLanguageClient, executeServerCommand } from "./common/server";
import { checkIfConfigurationChanged, getClientSettings, getServerSettings } from "./common/settings";
import { registerEventSources } from "./common/sources";
import { StatusBar } from "./common/status";
import { SuggestionPresenter } from "./common/suggestions";
import { EventBatcher, ITelemetryEvent, ITelemetryResult } from "./common/telemetry";
import { createOutputChannel, getWorkspaceFolders, onDidChangeConfiguration, showInformationMessage } from "./common/vscodeapi";

let lifecycle: ServerLifecycle | undefined;

/** What the extension returns from `activate` (for other extensions and tests). */
export interface IPulseDevApi {
    client(): LanguageClient | undefined;
    status(): Promise<unknown>;
    telemetryStats(): Readonly<Record<string, number>>;
    flushTelemetry(timeoutMs?: number): Promise<boolean>;
}

export async function activate(context: vscode.ExtensionContext): Promise<IPulseDevApi> {
    const output = createOutputChannel("PulseDev");
    context.subscriptions.push(output, registerLogger(output));
    const folder = getWorkspaceFolders()[0];
    const statusBar = new StatusBar(COMMANDS.status);
    context.subscriptions.push(statusBar);

    const server = new ServerLifecycle({
        resolveInterpreter: () => resolveInterpreter(getClientSettings(folder).python),
        checkPulsedev: (python) => checkPulsedev(python),
        createClient: (python, onCrash) =>
            createLanguageClient({
                python,
                serverArgs: getClientSettings(folder).serverArgs,
                cwd: folder?.uri.fsPath,
                settings: () => getServerSettings(folder),
                outputChannel: output,
                onCrash,
            }),
        onClientCreated: (client) => {
            client.onNotification("pulsedev/state", (params) => statusBar.setPulseState(params));
            client.onNotification("pulsedev/suggestion", (params) => void suggestions.show(params));
        },
        onStateChanged: (state, detail) => {
            statusBar.setServerState(state, detail);
            if (state === "running") {
                if (getClientSettings(folder).showNotifications === "always") {
                    void showInformationMessage("PulseDev: the server is running.");
                }
                batcher.flush();
                void fetchStatus(server.client).then((s) => statusBar.setPulseState(s?.state));
            }
        },
        reportFailure: (kind, detail, python) =>
            void reportFailure(kind, detail, python, getClientSettings(folder).showNotifications, {
                install: (py) => installPulsedev(py),
                restart: () => server.userRestart(),
                showLog: () => output.show(),
            }),
    });
    lifecycle = server;

    const batcher = new EventBatcher(
        (events: ITelemetryEvent[]) => server.client!.sendRequest("pulsedev/telemetry", { events }) as Promise<ITelemetryResult>,
        () => server.client !== undefined,
    );
    const telemetryOn = () => (getServerSettings(folder).features as Record<string, unknown> | undefined)?.telemetry !== false;
    batcher.setEnabled(telemetryOn());
    context.subscriptions.push({ dispose: () => batcher.dispose() });

    const suggestions = new SuggestionPresenter({
        runCommand: (command, args) => Promise.resolve(vscode.commands.executeCommand(command, ...args)),
        feedback: (id, helpful) =>
            server.client ? executeServerCommand(server.client, "pulsedev.feedback", [{ id, helpful }]) : Promise.resolve(undefined),
    });

    context.subscriptions.push(
        ...registerCommands({
            client: () => server.client,
            restart: () => server.userRestart(),
            statusBar,
            outputChannel: output,
            environment: context.environmentVariableCollection,
        }),
        ...registerEventSources((event) => batcher.push(event)),
        onDidChangeConfiguration((e) => {
            const change = checkIfConfigurationChanged(e);
            if (change.restart) {
                server.scheduleRestart("settings changed");
            } else if (change.server) {
                batcher.setEnabled(telemetryOn());
                void server.client?.sendNotification("workspace/didChangeConfiguration", {
                    settings: { pulsedev: getServerSettings(folder) },
                });
            }
        }),
    );
    const interpreterWatch = await onDidChangePythonInterpreter(async () => {
        const next = await resolveInterpreter(getClientSettings(folder).python);
        if (next.path !== server.interpreter?.path) {
            server.scheduleRestart(`Python interpreter changed to ${next.path}`);
        }
    });
    if (interpreterWatch) {
        context.subscriptions.push(interpreterWatch);
    }

    traceInfo(`PulseDev ${context.extension.packageJSON.version} activating in ${folder?.uri.fsPath ?? "(no folder)"}`);
    void server.restart();

    return {
        client: () => server.client,
        status: () => fetchStatus(server.client),
        telemetryStats: () => ({ ...batcher.stats }),
        flushTelemetry: (timeoutMs) => batcher.drain(timeoutMs),
    };
}

export async function deactivate(): Promise<void> {
    await lifecycle?.dispose();
    lifecycle = undefined;
}

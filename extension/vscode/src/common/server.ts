/**
 * The language client for `python -m pulsedev serve`: server command, client
 * options (settings in `initializationOptions`, the `pulsedev` experimental
 * capability, quiet error handling) and the requests the extension sends.
 * Starting, stopping and restarting live in `lifecycle.ts`.
 */
import type * as vscode from "vscode";
import {
    CloseAction,
    ErrorAction,
    ExecuteCommandRequest,
    LanguageClient,
    LanguageClientOptions,
    RevealOutputChannelOn,
    ServerOptions,
    StaticFeature,
    TransportKind,
} from "vscode-languageclient/node";
import { traceError, traceWarn } from "./logging";
import { ServerSettings } from "./settings";

export const CLIENT_ID = "pulsedev";
export const CLIENT_NAME = "PulseDev";

/** What the client tells the server it can do beyond LSP (PROTOCOL.md "Suggestions out"). */
export const EXPERIMENTAL_CAPABILITIES = { pulsedev: { suggestions: true } };

/** The server command: `python -m pulsedev serve [extra]` (the client adds `--stdio`). */
export function serverCommand(python: string, extraArgs: string[]): { command: string; args: string[] } {
    return { command: python, args: ["-m", "pulsedev", "serve", ...extraArgs] };
}

/** Declares `experimental.pulsedev` in the client capabilities. */
export class PulsedevCapabilityFeature implements StaticFeature {
    fillClientCapabilities(capabilities: { experimental?: unknown }): void {
        const current = (capabilities.experimental ?? {}) as Record<string, unknown>;
        capabilities.experimental = { ...current, ...EXPERIMENTAL_CAPABILITIES };
    }
    initialize(): void {}
    getState(): { kind: "static" } {
        return { kind: "static" };
    }
    clear(): void {}
}

export interface ICreateClientOptions {
    python: string;
    serverArgs: string[];
    cwd?: string;
    settings: () => ServerSettings;
    outputChannel: vscode.LogOutputChannel;
    /** Called when the connection closes without `stop()` (a crash). */
    onCrash: () => void;
}

/** A language client for the server, not yet started. */
export function createLanguageClient(opts: ICreateClientOptions): LanguageClient {
    const { command, args } = serverCommand(opts.python, opts.serverArgs);
    const serverOptions: ServerOptions = {
        command,
        args,
        transport: TransportKind.stdio,
        options: { cwd: opts.cwd, env: { ...process.env, PYTHONUNBUFFERED: "1" } },
    };
    const clientOptions: LanguageClientOptions = {
        documentSelector: [
            { scheme: "file", language: "python" },
            { scheme: "untitled", language: "python" },
        ],
        outputChannel: opts.outputChannel,
        traceOutputChannel: opts.outputChannel,
        revealOutputChannelOn: RevealOutputChannelOn.Never,
        initializationOptions: opts.settings(),
        // The lifecycle decides about restarts (with backoff), so the client never
        // restarts by itself and never pops up its own messages.
        errorHandler: {
            error: (error, _message, count) => {
                if ((count ?? 0) <= 1) {
                    traceWarn(`Server connection error: ${error.message}`);
                }
                return { action: ErrorAction.Continue, handled: true };
            },
            closed: () => {
                opts.onCrash();
                return { action: CloseAction.DoNotRestart, handled: true, message: "PulseDev server: the connection closed." };
            },
        },
        initializationFailedHandler: (error) => {
            traceError(`Server: initialize failed: ${error}`);
            return false;
        },
        middleware: {
            workspace: {
                // A server that pulls `workspace/configuration` gets the protocol's object,
                // not the client-only keys (python, serverArgs, …).
                configuration: (params, token, next) => {
                    if (params.items.every((i) => i.section === "pulsedev")) {
                        return params.items.map(() => opts.settings());
                    }
                    return next(params, token);
                },
            },
        },
    };
    const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
    client.registerFeature(new PulsedevCapabilityFeature());
    return client;
}

/** Runs one of the server's commands (`workspace/executeCommand`). */
export function executeServerCommand<T = unknown>(client: LanguageClient, command: string, args: unknown[] = []): Promise<T> {
    return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args }) as Promise<T>;
}

import { describe, expect, it, vi } from "vitest";

// The real client needs a running VS Code; this double records what it is given.
vi.mock("vscode-languageclient/node", () => ({
    CloseAction: { DoNotRestart: 1, Restart: 2 },
    ErrorAction: { Continue: 1, Shutdown: 2 },
    RevealOutputChannelOn: { Debug: 0, Info: 1, Warn: 2, Error: 3, Never: 4 },
    TransportKind: { stdio: 0, ipc: 1, pipe: 2 },
    ExecuteCommandRequest: { type: "workspace/executeCommand" },
    LanguageClient: class {
        features: unknown[] = [];
        requests: unknown[][] = [];
        constructor(readonly id: string, readonly name: string, readonly serverOptions: any, readonly clientOptions: any) {}
        registerFeature(f: unknown) { this.features.push(f); }
        async sendRequest(...args: unknown[]) { this.requests.push(args); return { ok: true }; }
    },
}));

import {
    createLanguageClient, executeServerCommand, EXPERIMENTAL_CAPABILITIES, PulsedevCapabilityFeature, serverCommand,
} from "../src/common/server";

function make(settings = { features: { types: true } }) {
    const crashes: number[] = [];
    const client: any = createLanguageClient({
        python: "/venv/bin/python",
        serverArgs: ["--log-level", "debug"],
        cwd: "/ws",
        settings: () => settings,
        outputChannel: {} as any,
        onCrash: () => crashes.push(1),
    });
    return { client, crashes };
}

describe("server", () => {
    it("runs python -m pulsedev serve over stdio with the extra arguments", () => {
        expect(serverCommand("/venv/bin/python", [])).toEqual({ command: "/venv/bin/python", args: ["-m", "pulsedev", "serve"] });
        const { client } = make();
        expect(client.serverOptions).toMatchObject({
            command: "/venv/bin/python",
            args: ["-m", "pulsedev", "serve", "--log-level", "debug"],
            transport: 0,
            options: { cwd: "/ws" },
        });
        expect(client.serverOptions.options.env.PYTHONUNBUFFERED).toBe("1");
    });

    it("sends the settings as initializationOptions and answers workspace/configuration with them", async () => {
        const { client } = make({ features: { types: false } });
        expect(client.clientOptions.initializationOptions).toEqual({ features: { types: false } });
        expect(client.clientOptions.documentSelector).toContainEqual({ scheme: "file", language: "python" });
        const mw = client.clientOptions.middleware.workspace.configuration;
        const next = vi.fn(() => ["other"]);
        expect(mw({ items: [{ section: "pulsedev" }] }, undefined, next)).toEqual([{ features: { types: false } }]);
        expect(mw({ items: [{ section: "python" }] }, undefined, next)).toEqual(["other"]);
    });

    it("never restarts or pops up by itself: a close is handed to the lifecycle", () => {
        const { client, crashes } = make();
        const handler = client.clientOptions.errorHandler;
        expect(handler.closed()).toMatchObject({ action: 1, handled: true });
        expect(crashes.length).toBe(1);
        expect(handler.error(new Error("EPIPE"), undefined, 5)).toEqual({ action: 1, handled: true });
        expect(client.clientOptions.revealOutputChannelOn).toBe(4);
        expect(client.clientOptions.initializationFailedHandler(new Error("x"))).toBe(false);
    });

    it("declares the suggestions capability and keeps other experimental ones", () => {
        const { client } = make();
        expect(client.features.some((f: unknown) => f instanceof PulsedevCapabilityFeature)).toBe(true);
        const caps: { experimental?: unknown } = { experimental: { other: 1 } };
        new PulsedevCapabilityFeature().fillClientCapabilities(caps);
        expect(caps.experimental).toEqual({ other: 1, pulsedev: { suggestions: true } });
        expect(EXPERIMENTAL_CAPABILITIES).toEqual({ pulsedev: { suggestions: true } });
    });

    it("runs server commands through workspace/executeCommand", async () => {
        const { client } = make();
        await executeServerCommand(client, "pulsedev.selfReport", [{ state: "stuck" }]);
        expect(client.requests).toEqual([["workspace/executeCommand", { command: "pulsedev.selfReport", arguments: [{ state: "stuck" }] }]]);
    });
});

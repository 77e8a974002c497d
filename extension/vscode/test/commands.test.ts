import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("vscode-languageclient/node", () => ({ ExecuteCommandRequest: { type: "workspace/executeCommand" } }));

import { COMMANDS, registerCommands } from "../src/common/commands";
import { StatusBar } from "../src/common/status";
import { answers, configUpdates, messages, registeredCommands, resetStub, Uri, workspace } from "./vscode-stub";

/** A running client double that answers requests from a table. */
function fakeClient(answersByCommand: Record<string, unknown> = {}) {
    const requests: [string, any][] = [];
    return {
        requests,
        sendRequest: vi.fn(async (method: string, params: any) => {
            requests.push([method, params]);
            if (method === "pulsedev/status") {
                return { state: { state: "stuck", since: 1, reason: "same error" }, events: { stored: 12, rejected: 0 } };
            }
            return answersByCommand[params.command];
        }),
    };
}

function setup(client: any) {
    const env: Record<string, string> = {};
    const restart = vi.fn(async () => {});
    const statusBar = new StatusBar(COMMANDS.status);
    statusBar.setServerState("running");
    registerCommands({
        client: () => client,
        restart,
        statusBar,
        outputChannel: { show: vi.fn() } as any,
        environment: { replace: (k: string, v: string) => (env[k] = v) } as any,
    });
    const run = (id: string, ...args: unknown[]) => registeredCommands.get(id)!(...args);
    return { env, restart, statusBar, run };
}

beforeEach(resetStub);

describe("client commands", () => {
    it("registers every contributed command under pulsedev.client.*", () => {
        setup(fakeClient());
        expect([...registeredCommands.keys()].sort()).toEqual(Object.values(COMMANDS).sort());
    });

    it("status: shows pulsedev/status and sends the chosen self-report", async () => {
        const client = fakeClient();
        const { run, statusBar } = setup(client);
        answers.push("$(zap) I'm in flow");
        const status = await run(COMMANDS.status);
        expect(status.events.stored).toBe(12);
        expect(statusBar.state?.state).toBe("stuck");
        expect(client.requests).toEqual([
            ["pulsedev/status", null],
            ["workspace/executeCommand", { command: "pulsedev.selfReport", arguments: [{ state: "flow" }] }],
        ]);
    });

    it("self-report and train reach the server's commands", async () => {
        const client = fakeClient({ "pulsedev.train": { started: true } });
        const { run } = setup(client);
        expect(await run(COMMANDS.selfReport, "neutral")).toBe("neutral");
        expect(await run(COMMANDS.train)).toEqual({ started: true });
        expect(client.requests.map((r) => r[1].command)).toEqual(["pulsedev.selfReport", "pulsedev.train"]);
    });

    it("forget asks first and does nothing when declined", async () => {
        const client = fakeClient({ "pulsedev.forget": { deleted: 3 } });
        const { run } = setup(client);
        answers.push(undefined);
        expect(await run(COMMANDS.forget)).toBeUndefined();
        answers.push("Forget");
        expect(await run(COMMANDS.forget)).toEqual({ deleted: 3 });
        expect(client.requests.length).toBe(1);
    });

    it("show hidden hints reaches the server and says how many came back", async () => {
        const client = fakeClient({ "pulsedev.showHiddenHints": { restored: 2 } });
        const { run } = setup(client);
        expect(await run(COMMANDS.showHiddenHints)).toEqual({ restored: 2 });
        expect(client.requests).toEqual([["workspace/executeCommand", { command: "pulsedev.showHiddenHints", arguments: [] }]]);
        expect(messages.map((m) => m.text)).toEqual(["PulseDev: 2 hidden type hints are shown again."]);
    });

    it("tracer setup sets the terminal environment and pytest arguments", async () => {
        workspace.workspaceFolders = [{ uri: Uri.file("/ws"), name: "ws", index: 0 }];
        const setupResult = { env: { PYTHONPATH: "/tracer", PYTEST_PLUGINS: "pulsedev_trace" }, args: ["-p", "pulsedev_trace"] };
        const { run, env } = setup(fakeClient({ "pulsedev.tracerSetup": setupResult }));
        expect(await run(COMMANDS.tracerSetup)).toEqual(setupResult);
        expect(env).toEqual({ PYTHONPATH: "/tracer", PYTEST_PLUGINS: "pulsedev_trace" });
        expect(configUpdates).toEqual([{ key: "python.testing.pytestArgs", value: ["-p", "pulsedev_trace"], target: 2 }]);
    });

    it("tracer setup refuses a malformed answer", async () => {
        const { run, env } = setup(fakeClient({ "pulsedev.tracerSetup": { env: "x" } }));
        expect(await run(COMMANDS.tracerSetup)).toBeUndefined();
        expect(env).toEqual({});
        expect(messages.at(-1)?.level).toBe("warning");
    });

    it("without a running server: one warning that offers a restart", async () => {
        const { run, restart } = setup(undefined);
        answers.push("Restart Server");
        expect(await run(COMMANDS.train)).toBeUndefined();
        expect(messages.map((m) => m.text)).toEqual(["PulseDev: the server is not running."]);
        expect(restart).toHaveBeenCalledTimes(1);
    });
});

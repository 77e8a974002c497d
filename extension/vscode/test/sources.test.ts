import { beforeEach, describe, expect, it } from "vitest";
import { registerEventSources, taskCommandLine } from "../src/common/sources";
import type { ITelemetryEvent } from "../src/common/telemetry";
import { debugEvents, resetStub, taskEvents, Uri, window, windowEvents } from "./vscode-stub";

beforeEach(resetStub);

const editor = (p: string) => ({ document: { uri: Uri.file(p) } });

describe("registerEventSources", () => {
    it("sends the start state, focus, editor switches, debug, terminal and task events", () => {
        window.state = { focused: true };
        window.activeTextEditor = editor("/ws/a.py");
        const got: ITelemetryEvent[] = [];
        const subs = registerEventSources((e) => got.push(e));
        windowEvents.state.fire({ focused: false });
        windowEvents.activeEditor.fire(editor("/ws/b.py"));
        windowEvents.activeEditor.fire(editor("/ws/b.py")); // same editor: no event
        windowEvents.activeEditor.fire(undefined); // terminal focused: no event
        windowEvents.activeEditor.fire({ document: { uri: Uri.parse("output:log") } });
        debugEvents.start.fire({});
        debugEvents.end.fire({});
        windowEvents.shellEnd.fire({ execution: { commandLine: { value: "pytest -x tests" } }, exitCode: 1 });
        taskEvents.endProcess.fire({ execution: { task: { name: "build", execution: { commandLine: "make all" } } }, exitCode: 0 });
        const shape = got.map((e) => [e.kind, e.uri ?? null, e.data ?? null]);
        expect(shape).toEqual([
            ["focus_changed", null, { target: "window", focused: true }],
            ["focus_changed", "file:///ws/a.py", { target: "editor", focused: true }],
            ["focus_changed", null, { target: "window", focused: false }],
            ["focus_changed", "file:///ws/b.py", { target: "editor", focused: true }],
            ["debug_started", null, null],
            ["debug_stopped", null, null],
            ["command_executed", null, { command: "pytest", exit_code: 1 }],
            ["command_executed", null, { command: "make", exit_code: 0 }],
        ]);
        expect(got.every((e) => typeof e.ts === "number" && Math.abs(e.ts - Date.now() / 1000) < 5)).toBe(true);
        subs.forEach((s) => s.dispose());
        windowEvents.state.fire({ focused: true });
        expect(got.length).toBe(8);
    });

    it("names a task by its process, command line, command or name", () => {
        expect(taskCommandLine({ name: "t", execution: { process: "/usr/bin/pytest" } } as any)).toBe("/usr/bin/pytest");
        expect(taskCommandLine({ name: "t", execution: { command: { value: "npm" } } } as any)).toBe("npm");
        expect(taskCommandLine({ name: "t", execution: { command: "tox" } } as any)).toBe("tox");
        expect(taskCommandLine({ name: "lint" } as any)).toBe("lint");
    });
});

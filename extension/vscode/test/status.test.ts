import { beforeEach, describe, expect, it } from "vitest";
import { pickStatus, renderStatus, StatusBar, statusItems } from "../src/common/status";
import { answers, resetStub, statusBarItems } from "./vscode-stub";

beforeEach(resetStub);

describe("renderStatus", () => {
    it("shows the server's lifecycle before any state", () => {
        expect(renderStatus("starting", undefined).text).toContain("PulseDev");
        const off = renderStatus("failed", undefined, "pulsedev is not installed");
        expect(off.text).toBe("$(circle-slash) PulseDev: off");
        expect(off.tooltip).toContain("pulsedev is not installed");
        expect(off.warning).toBe(true);
        expect(renderStatus("running", undefined).text).toBe("$(pulse) PulseDev: ready");
    });

    it("shows the state, the reason and the scores", () => {
        const v = renderStatus("running", { state: "stuck", reason: "same AssertionError in 5 test runs", scores: { stuck: 0.83, flow: 0.1, anomaly: 0.2 } });
        expect(v.text).toBe("$(question) PulseDev: stuck");
        expect(v.tooltip).toContain("same AssertionError in 5 test runs");
        expect(v.tooltip).toContain("stuck 83% · flow 10% · unusual 20%");
    });
});

describe("StatusBar", () => {
    it("keeps the state only while the server runs", () => {
        const bar = new StatusBar("pulsedev.client.status");
        const item = statusBarItems[0];
        expect(item.visible).toBe(true);
        expect(item.command).toBe("pulsedev.client.status");
        bar.setServerState("running");
        bar.setPulseState({ state: "flow", since: 1 });
        expect(item.text).toBe("$(zap) PulseDev: flow");
        expect((item.accessibilityInformation as any).label).toBe("PulseDev: flow");
        bar.setPulseState(undefined);
        expect(item.text).toBe("$(zap) PulseDev: flow");
        bar.setServerState("stopped");
        expect(item.text).toBe("$(circle-slash) PulseDev: off");
        expect(bar.state).toBeUndefined();
    });
});

describe("status quick pick", () => {
    it("lists state, counts, models and the self-report choices", async () => {
        const status = {
            state: { state: "neutral" as const, since: 940, reason: "steady edits" },
            events: { stored: 42, rejected: 1 },
            models: [{ name: "stuck", samples: 7, trained_at: 700 }],
            training: { running: true, last: null },
        };
        const labels = statusItems(status, 1000).map((i) => `${i.label} | ${i.description ?? ""}`);
        expect(labels).toEqual([
            "State: neutral | since 60 s ago",
            "Events stored: 42 | rejected: 1",
            "Model stuck | 7 samples, trained 5 min ago",
            "$(sync~spin) Training… | ",
        ]);
        answers.push("$(question) I'm stuck");
        expect(await pickStatus(status)).toBe("stuck");
        answers.push("Events stored: 42");
        expect(await pickStatus(status)).toBeUndefined();
    });
});

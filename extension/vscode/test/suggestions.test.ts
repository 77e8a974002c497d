import { beforeEach, describe, expect, it, vi } from "vitest";
import { HELPFUL, NOT_HELPFUL, SuggestionPresenter, suggestionText } from "../src/common/suggestions";
import { answers, messages, resetStub } from "./vscode-stub";

beforeEach(resetStub);

const suggestion = {
    id: "s1",
    kind: "unstuck",
    title: "Same failure 5 times",
    message: "Try running the failing test alone",
    confidence: 0.8,
    evidence: ["AssertionError in 5 runs over 12 min"],
    actions: [{ title: "Run it", command: "pulsedev.runTest", arguments: ["t1"] }],
};

function presenter() {
    const deps = { runCommand: vi.fn(async () => undefined), feedback: vi.fn(async () => undefined) };
    return { p: new SuggestionPresenter(deps), deps };
}

describe("SuggestionPresenter", () => {
    it("shows the text with the actions and feedback buttons", async () => {
        const { p, deps } = presenter();
        answers.push(HELPFUL);
        await p.show(suggestion);
        expect(messages).toEqual([{ level: "info", text: suggestionText(suggestion), items: ["Run it", HELPFUL, NOT_HELPFUL] }]);
        expect(messages[0].text).toBe("PulseDev: Same failure 5 times — Try running the failing test alone (AssertionError in 5 runs over 12 min)");
        expect(deps.feedback).toHaveBeenCalledWith("s1", true);
        expect(deps.runCommand).not.toHaveBeenCalled();
    });

    it("sends not-helpful, runs a chosen action, and does nothing on dismiss", async () => {
        const { p, deps } = presenter();
        answers.push(NOT_HELPFUL);
        await p.show({ ...suggestion, id: "a" });
        answers.push("Run it");
        await p.show({ ...suggestion, id: "b" });
        answers.push(undefined);
        await p.show({ ...suggestion, id: "c" });
        expect(deps.feedback.mock.calls).toEqual([["a", false]]);
        expect(deps.runCommand.mock.calls).toEqual([["pulsedev.runTest", ["t1"]]]);
    });

    it("shows each id once and ignores malformed params", async () => {
        const { p } = presenter();
        await p.show(suggestion);
        await p.show(suggestion);
        await p.show({ title: "no id" });
        await p.show(null);
        expect(messages.length).toBe(1);
    });

    it("shows anomalies as warnings", async () => {
        const { p } = presenter();
        await p.show({ ...suggestion, kind: "anomaly", actions: [] });
        expect(messages[0].level).toBe("warning");
        expect(messages[0].items).toEqual([HELPFUL, NOT_HELPFUL]);
    });
});

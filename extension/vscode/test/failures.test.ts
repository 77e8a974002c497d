import { beforeEach, describe, expect, it, vi } from "vitest";
import { failureMessage, reportFailure } from "../src/common/failures";
import { answers, commands, messages, resetStub } from "./vscode-stub";

function actions(installOk = true) {
    return { install: vi.fn(async () => installOk), restart: vi.fn(async () => {}), showLog: vi.fn() };
}

beforeEach(resetStub);

describe("failure messages", () => {
    it("say what is wrong and offer the fix", () => {
        expect(failureMessage("no-module", "", "/venv/bin/python")).toEqual({
            text: "PulseDev: the pulsedev package is not installed for /venv/bin/python. Install it there (pip install pulsedev) or choose another interpreter.",
            buttons: ["Install pulsedev", "Choose Interpreter", "Show Log"],
        });
        expect(failureMessage("no-python", "", "python3").buttons).toEqual(["Choose Interpreter", "Show Log"]);
        expect(failureMessage("crashing", "The server stopped 6 times in a row", "p").buttons).toEqual(["Restart Server", "Show Log"]);
    });

    it("installs and restarts when asked", async () => {
        const a = actions(true);
        answers.push("Install pulsedev");
        await reportFailure("no-module", "", "/py", "onError", a);
        expect(a.install).toHaveBeenCalledWith("/py");
        expect(a.restart).toHaveBeenCalledTimes(1);
        expect(messages.map((m) => m.level)).toEqual(["warning"]);
    });

    it("says so when the install fails, without restarting", async () => {
        const a = actions(false);
        answers.push("Install pulsedev", "Show Log");
        await reportFailure("no-module", "", "/py", "onError", a);
        expect(a.restart).not.toHaveBeenCalled();
        expect(messages.map((m) => m.level)).toEqual(["warning", "error"]);
        expect(a.showLog).toHaveBeenCalled();
    });

    it("opens the interpreter setting, restarts, or stays silent when told to", async () => {
        const a = actions();
        answers.push("Choose Interpreter");
        await reportFailure("no-python", "", "python3", "always", a);
        expect(commands.executeCommand).toHaveBeenCalledWith("workbench.action.openSettings", "pulsedev.python");
        answers.push("Restart Server");
        await reportFailure("crashing", "stopped 6 times", "p", "onError", a);
        expect(a.restart).toHaveBeenCalledTimes(1);
        await reportFailure("error", "boom", "p", "off", a);
        expect(messages.length).toBe(2);
    });
});

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { beforeEach, describe, expect, it } from "vitest";
import { checkPulsedev, resolveInterpreter } from "../src/common/python";
import { resetStub } from "./vscode-stub";

beforeEach(resetStub);

/** A fake interpreter: a shell script that prints and exits as told. */
function fakePython(body: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulsedev-py-"));
    const file = path.join(dir, "python");
    fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return file;
}

describe("resolveInterpreter", () => {
    it("prefers the setting, then the Python extension, then python3", async () => {
        expect(await resolveInterpreter("/opt/py", async () => "/venv/bin/python")).toEqual({ path: "/opt/py", source: "setting" });
        expect(await resolveInterpreter("", async () => "/venv/bin/python")).toEqual({ path: "/venv/bin/python", source: "python-extension" });
        expect(await resolveInterpreter("", async () => undefined)).toEqual({ path: "python3", source: "default" });
    });

    it("falls back to python3 when the Python extension is absent", async () => {
        expect(await resolveInterpreter("")).toEqual({ path: "python3", source: "default" });
    });
});

describe("checkPulsedev", () => {
    it("reports the installed version", async () => {
        expect(await checkPulsedev(fakePython("echo 0.1.0"))).toEqual({ ok: true, version: "0.1.0" });
    });

    it("tells a missing interpreter from a missing package and other errors", async () => {
        expect(await checkPulsedev("/nonexistent/python")).toMatchObject({ ok: false, reason: "no-python" });
        const noModule = fakePython(`echo "ModuleNotFoundError: No module named 'pulsedev'" >&2; exit 1`);
        expect(await checkPulsedev(noModule)).toMatchObject({ ok: false, reason: "no-module" });
        const broken = fakePython(`echo "ImportError: cannot import name 'x'" >&2; exit 1`);
        expect(await checkPulsedev(broken)).toEqual({ ok: false, reason: "error", detail: "ImportError: cannot import name 'x'" });
    });
});

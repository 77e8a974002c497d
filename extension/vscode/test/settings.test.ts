import * as fs from "fs";
import * as path from "path";
import { beforeEach, describe, expect, it } from "vitest";
import {
    checkIfConfigurationChanged, getClientSettings, getServerSettings, nestSettings, resolveVariables,
    RESTART_SETTING_KEYS, SERVER_SETTING_KEYS,
} from "../src/common/settings";
import { config, resetStub, Uri, workspace } from "./vscode-stub";

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8"));
const props = pkg.contributes.configuration.properties as Record<string, any>;

beforeEach(resetStub);

describe("package.json configuration", () => {
    it("contributes every server setting and nothing unknown", () => {
        const contributed = Object.keys(props).map((k) => k.replace(/^pulsedev\./, ""));
        const clientOnly = [...RESTART_SETTING_KEYS, "showNotifications", "trace.server"];
        expect(new Set(contributed)).toEqual(new Set([...SERVER_SETTING_KEYS, ...clientOnly]));
    });

    it("describes every setting and every enum value", () => {
        for (const [key, p] of Object.entries(props)) {
            expect(p.description ?? p.markdownDescription, key).toBeTruthy();
            if (p.enum) {
                expect(p.enumDescriptions?.length, key).toBe(p.enum.length);
            }
        }
    });

    it("uses only client command ids the server cannot also register", () => {
        for (const c of pkg.contributes.commands) {
            expect(c.command).toMatch(/^pulsedev\.client\./);
        }
    });
});

describe("server settings", () => {
    it("nests dotted keys and leaves out undefined", () => {
        expect(nestSettings({ "features.types": false, "features.stuck": true, dataDir: undefined, "idle.afterSeconds": 60 })).toEqual({
            features: { types: false, stuck: true },
            idle: { afterSeconds: 60 },
        });
    });

    it("sends the protocol's object with defaults and user values, no client keys", () => {
        config["pulsedev.features.types"] = false;
        config["pulsedev.thresholds.typeHintConfidence"] = 0.5;
        config["pulsedev.python"] = "/usr/bin/python3";
        const s = getServerSettings() as any;
        expect(s.features.types).toBe(false);
        expect(s.features.telemetry).toBe(true);
        expect(s.thresholds).toEqual({ typeHintConfidence: 0.5, suggestion: 0.7 });
        expect(s.privacy).toEqual({ paths: "hashed", retentionDays: 90 });
        expect(s.idle).toEqual({ afterSeconds: 180 });
        expect("dataDir" in s).toBe(false);
        expect("python" in s).toBe(false);
    });

    it("expands variables in dataDir", () => {
        workspace.workspaceFolders = [{ uri: Uri.file("/ws"), name: "ws", index: 0 }];
        config["pulsedev.dataDir"] = "${workspaceFolder}/.pulsedev";
        expect((getServerSettings() as any).dataDir).toBe("/ws/.pulsedev");
    });
});

describe("client settings", () => {
    it("expands the interpreter path and falls back on a bad policy", () => {
        workspace.workspaceFolders = [{ uri: Uri.file("/ws"), name: "ws", index: 0 }];
        config["pulsedev.python"] = " ${workspaceFolder}/.venv/bin/python ";
        config["pulsedev.showNotifications"] = "sometimes";
        expect(getClientSettings()).toEqual({ python: "/ws/.venv/bin/python", serverArgs: [], showNotifications: "onError" });
    });

    it("resolves ~ and ${userHome}", () => {
        expect(resolveVariables("~/py", undefined, "/home/u")).toBe("/home/u/py");
        expect(resolveVariables("${userHome}/py", undefined, "/home/u")).toBe("/home/u/py");
        expect(resolveVariables("a~b", undefined, "/home/u")).toBe("a~b");
    });
});

describe("configuration changes", () => {
    const change = (...keys: string[]) => ({ affectsConfiguration: (s: string) => keys.some((k) => k === s || k.startsWith(`${s}.`)) });

    it("restarts only for the interpreter and server arguments", () => {
        expect(checkIfConfigurationChanged(change("pulsedev.python"))).toEqual({ server: false, restart: true });
        expect(checkIfConfigurationChanged(change("pulsedev.features.types"))).toEqual({ server: true, restart: false });
        expect(checkIfConfigurationChanged(change("editor.fontSize"))).toEqual({ server: false, restart: false });
        expect(checkIfConfigurationChanged(change("pulsedev.showNotifications"))).toEqual({ server: false, restart: false });
    });
});

/**
 * Settings: the `pulsedev.*` configuration, split into what the server reads
 * (the protocol's settings object, sent in `initializationOptions` and on
 * `workspace/didChangeConfiguration`) and what only the client reads
 * (interpreter, extra arguments, pop-up policy).
 */
import * as os from "os";
import type * as vscode from "vscode";
import { getConfiguration, getWorkspaceFolders } from "./vscodeapi";

export const SECTION = "pulsedev";

/** Every server setting, as a dotted path under `pulsedev` (PROTOCOL.md "Settings"). */
export const SERVER_SETTING_KEYS = [
    "dataDir",
    "features.telemetry",
    "features.stuck",
    "features.flow",
    "features.anomaly",
    "features.types",
    "features.strategy",
    "features.errors",
    "features.autoTrain",
    "thresholds.typeHintConfidence",
    "thresholds.suggestion",
    "privacy.paths",
    "privacy.retentionDays",
    "hints.parameters",
    "hints.returns",
    "hints.variables",
    "hints.noneReturns",
    "idle.afterSeconds",
] as const;

/** Settings that only the client reads; a change to one restarts the server. */
export const RESTART_SETTING_KEYS = ["python", "serverArgs"] as const;

export type NotificationPolicy = "off" | "onError" | "always";

export interface IClientSettings {
    python: string;
    serverArgs: string[];
    showNotifications: NotificationPolicy;
}

export type ServerSettings = Record<string, unknown>;

/** Turns `{"features.types": false}` into `{"features": {"types": false}}`. */
export function nestSettings(flat: Record<string, unknown>): ServerSettings {
    const out: ServerSettings = {};
    for (const [key, value] of Object.entries(flat)) {
        if (value === undefined) {
            continue;
        }
        const parts = key.split(".");
        let node = out;
        for (const part of parts.slice(0, -1)) {
            if (typeof node[part] !== "object" || node[part] === null) {
                node[part] = {};
            }
            node = node[part] as ServerSettings;
        }
        node[parts[parts.length - 1]] = value;
    }
    return out;
}

/** Expands `~`, `${userHome}` and `${workspaceFolder}` in a path setting. */
export function resolveVariables(value: string, workspaceFolder?: string, home: string = os.homedir()): string {
    let out = value.replace(/\$\{userHome\}/g, home);
    if (workspaceFolder !== undefined) {
        out = out.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
    }
    if (out === "~" || out.startsWith("~/")) {
        out = home + out.slice(1);
    }
    return out;
}

function workspaceFolderPath(scope?: vscode.WorkspaceFolder): string | undefined {
    return (scope ?? getWorkspaceFolders()[0])?.uri.fsPath;
}

/**
 * The protocol's settings object from the `pulsedev.*` configuration.
 * An empty `dataDir` is left out, so the server uses its platform default.
 */
export function getServerSettings(scope?: vscode.WorkspaceFolder): ServerSettings {
    const config = getConfiguration(SECTION, scope?.uri);
    const flat: Record<string, unknown> = {};
    for (const key of SERVER_SETTING_KEYS) {
        flat[key] = config.get(key);
    }
    const dataDir = typeof flat.dataDir === "string" ? flat.dataDir.trim() : "";
    flat.dataDir = dataDir ? resolveVariables(dataDir, workspaceFolderPath(scope)) : undefined;
    return nestSettings(flat);
}

/** The client-only settings, with variables in `python` expanded. */
export function getClientSettings(scope?: vscode.WorkspaceFolder): IClientSettings {
    const config = getConfiguration(SECTION, scope?.uri);
    const python = (config.get<string>("python") ?? "").trim();
    const policy = config.get<string>("showNotifications") ?? "onError";
    return {
        python: python ? resolveVariables(python, workspaceFolderPath(scope)) : "",
        serverArgs: (config.get<string[]>("serverArgs") ?? []).filter((a) => typeof a === "string"),
        showNotifications: (["off", "onError", "always"].includes(policy) ? policy : "onError") as NotificationPolicy,
    };
}

export interface IConfigurationChange {
    /** A server setting changed: send `workspace/didChangeConfiguration`. */
    server: boolean;
    /** The interpreter or the server's arguments changed: restart it. */
    restart: boolean;
}

/** Which kind of reaction a configuration change calls for. */
export function checkIfConfigurationChanged(e: vscode.ConfigurationChangeEvent): IConfigurationChange {
    return {
        server: SERVER_SETTING_KEYS.some((key) => e.affectsConfiguration(`${SECTION}.${key}`)),
        restart: RESTART_SETTING_KEYS.some((key) => e.affectsConfiguration(`${SECTION}.${key}`)),
    };
}

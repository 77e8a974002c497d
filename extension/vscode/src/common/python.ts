/**
 * The Python interpreter that runs the server: the `pulsedev.python` setting,
 * else the Python extension's active interpreter, else `python3`. Also checks
 * that `pulsedev` is importable there and installs it on request.
 */
import * as cp from "child_process";
import type * as vscode from "vscode";
import { traceError, traceInfo, traceWarn } from "./logging";
import { getPythonExtension } from "./vscodeapi";

export type InterpreterSource = "setting" | "python-extension" | "default";

export interface IInterpreter {
    path: string;
    source: InterpreterSource;
}

export const DEFAULT_PYTHON = "python3";

/** The Python extension's API (only the parts used here). */
interface IPythonExtensionApi {
    environments?: {
        getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
        resolveEnvironment(env: { path: string } | string): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
        onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
    };
}

async function pythonApi(): Promise<IPythonExtensionApi | undefined> {
    const ext = getPythonExtension();
    if (!ext) {
        return undefined;
    }
    try {
        if (!ext.isActive) {
            await ext.activate();
        }
        return ext.exports as IPythonExtensionApi;
    } catch (ex) {
        traceWarn(`Python extension: could not activate: ${ex}`);
        return undefined;
    }
}

/** The Python extension's active interpreter for a resource, if any. */
export async function getPythonExtensionInterpreter(resource?: vscode.Uri): Promise<string | undefined> {
    const envs = (await pythonApi())?.environments;
    if (!envs) {
        return undefined;
    }
    try {
        const active = envs.getActiveEnvironmentPath(resource);
        if (!active) {
            return undefined;
        }
        const resolved = await envs.resolveEnvironment(active);
        return resolved?.executable?.uri?.fsPath ?? active.path;
    } catch (ex) {
        traceWarn(`Python extension: no active interpreter: ${ex}`);
        return undefined;
    }
}

/** Calls `listener` when the Python extension's active interpreter changes. */
export async function onDidChangePythonInterpreter(listener: () => void): Promise<vscode.Disposable | undefined> {
    const event = (await pythonApi())?.environments?.onDidChangeActiveEnvironmentPath;
    return event ? event(() => listener()) : undefined;
}

/** Picks the interpreter: the setting, else the Python extension's, else `python3`. */
export async function resolveInterpreter(
    setting: string,
    fromExtension: () => Promise<string | undefined> = getPythonExtensionInterpreter,
): Promise<IInterpreter> {
    if (setting) {
        return { path: setting, source: "setting" };
    }
    const active = await fromExtension();
    if (active) {
        return { path: active, source: "python-extension" };
    }
    return { path: DEFAULT_PYTHON, source: "default" };
}

export type PulsedevCheck =
    | { ok: true; version: string }
    | { ok: false; reason: "no-python" | "no-module" | "error"; detail: string };

const CHECK_SCRIPT = "import importlib.metadata as m, pulsedev\ntry:\n print(m.version('pulsedev'))\nexcept Exception:\n print('unknown')";

/** Whether `python -c "import pulsedev"` works, and the installed version. */
export function checkPulsedev(python: string, timeoutMs = 30000): Promise<PulsedevCheck> {
    return new Promise((resolve) => {
        cp.execFile(python, ["-c", CHECK_SCRIPT], { timeout: timeoutMs }, (error, stdout, stderr) => {
            if (!error) {
                resolve({ ok: true, version: stdout.trim() });
            } else if ((error as NodeJS.ErrnoException).code === "ENOENT") {
                resolve({ ok: false, reason: "no-python", detail: `${python} was not found` });
            } else if (/ModuleNotFoundError: No module named 'pulsedev'/.test(stderr)) {
                resolve({ ok: false, reason: "no-module", detail: `pulsedev is not installed for ${python}` });
            } else {
                resolve({ ok: false, reason: "error", detail: (stderr || String(error)).trim().split("\n").slice(-3).join(" ") });
            }
        });
    });
}

/** Runs `python -m pip install <spec>`, logging its output; resolves to success. */
export function installPulsedev(python: string, spec = "pulsedev"): Promise<boolean> {
    traceInfo(`Installing: ${python} -m pip install ${spec}`);
    return new Promise((resolve) => {
        const proc = cp.spawn(python, ["-m", "pip", "install", spec], { stdio: ["ignore", "pipe", "pipe"] });
        const log = (buf: Buffer) => buf.toString().split("\n").filter(Boolean).forEach((l) => traceInfo(`pip: ${l}`));
        proc.stdout?.on("data", log);
        proc.stderr?.on("data", log);
        proc.on("error", (ex) => {
            traceError(`pip could not start: ${ex}`);
            resolve(false);
        });
        proc.on("close", (code) => {
            (code === 0 ? traceInfo : traceError)(`pip exited with ${code}`);
            resolve(code === 0);
        });
    });
}

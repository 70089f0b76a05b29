// Playwright helpers for UI tests against code-server (VS Code 1.139.1 web workbench).
// See docs/e2e.md "Through the UI".
//
//   import { startUiSession, openFileFromExplorer, openProblems, screenshot } from './ui.mjs';
//   const s = await startUiSession({ workspace: WS, vsix: 'x.vsix', artifactsDir: ART });
//   try {
//     await openFileFromExplorer(s.page, 'main.py');
//     await waitForSquiggle(s.page);
//     await screenshot(s.page, ART, 'after-open');
//   } finally { await s.close(); }
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startCodeServer, CHROMIUM_PATH, CHROMIUM_ARGS, workbenchPath } from './code-server.mjs';

const DEFAULT_TIMEOUT = 60_000;

/** Escapes a value for a CSS attribute selector in double quotes. */
function cssString(s) { return String(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"'); }

/**
 * Launches Debian's Chromium (headless) with a fresh profile under server.runDir.
 * @returns {Promise<{context: import('playwright-core').BrowserContext,
 *   page: import('playwright-core').Page, close: () => Promise<void>}>}
 */
export async function launchBrowser(server, { headless = true, viewport = { width: 1400, height: 900 },
  profileDir } = {}) {
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(profileDir || join(server.runDir, 'profile'), {
    executablePath: CHROMIUM_PATH, headless, args: [...CHROMIUM_ARGS], env: server.env, viewport,
  });
  const page = context.pages()[0] || await context.newPage();
  return { context, page, close: () => context.close().catch(() => {}) };
}

/**
 * Navigates to `/?folder=WS` (plus an optional extensionDevelopmentPath payload: the extension is
 * then loaded from its folder, no VSIX needed) and waits for the workbench.
 */
export async function openFolder(page, baseUrl, workspace, { extensionDevelopmentPath,
  timeout = DEFAULT_TIMEOUT } = {}) {
  const path = extensionDevelopmentPath
    ? workbenchPath(workspace, { extensionDevelopmentPath })
    : `/?${new URLSearchParams({ folder: resolve(workspace) })}`;
  await page.goto(baseUrl.replace(/\/$/, '') + path, { waitUntil: 'domcontentloaded', timeout });
  await waitForWorkbench(page, { timeout, folder: true });
}

/** Waits until the workbench is shown (and, with `folder`, the Explorer lists the folder). */
export async function waitForWorkbench(page, { timeout = DEFAULT_TIMEOUT, folder = true } = {}) {
  await page.locator('.monaco-workbench .part.editor').first().waitFor({ state: 'visible', timeout });
  if (folder) {
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout });
  }
}

/** Locator of a top-level Explorer row whose label is exactly `name`. */
export function explorerRow(page, name) {
  return page.locator(`.explorer-folders-view .monaco-list-row[aria-label^="${cssString(name)}"]`)
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(name)}$`) }) });
}

function escapeRe(s) { return String(s).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

/**
 * Opens a file by clicking it in the Explorer; `relPath` may contain folders ("src/a.py"), which
 * are expanded first. Waits for its editor tab and text.
 */
export async function openFileFromExplorer(page, relPath, { timeout = DEFAULT_TIMEOUT } = {}) {
  const parts = relPath.split('/').filter(Boolean);
  for (const [i, part] of parts.entries()) {
    const row = explorerRow(page, part).first();
    await row.waitFor({ state: 'visible', timeout });
    if (i < parts.length - 1) {
      if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
    } else {
      await row.click();
    }
  }
  const name = parts[parts.length - 1];
  await page.locator(`.part.editor .tab[aria-label^="${cssString(name)}"]`).first()
    .waitFor({ state: 'visible', timeout });
  await page.locator('.part.editor .monaco-editor .view-lines').first().waitFor({ state: 'visible', timeout });
}

/** Opens a file with Quick Open (Ctrl+P), for paths the Explorer has not shown. */
export async function quickOpen(page, relPath, { timeout = DEFAULT_TIMEOUT } = {}) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout });
  await input.fill(relPath);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible', timeout });
  await page.keyboard.press('Enter');
  const name = relPath.split('/').pop();
  await page.locator(`.part.editor .tab[aria-label^="${cssString(name)}"]`).first()
    .waitFor({ state: 'visible', timeout });
}

/** Waits for a squiggle in the editor: kind 'warning' | 'error' | 'info' | 'hint'. */
export async function waitForSquiggle(page, kind = 'warning', { timeout = DEFAULT_TIMEOUT } = {}) {
  const loc = page.locator(`.part.editor .squiggly-${kind}`).first();
  await loc.waitFor({ state: 'attached', timeout });
  return loc;
}

/** Opens the Problems panel with Ctrl+Shift+M; returns the `.markers-panel` locator. */
export async function openProblems(page, { timeout = DEFAULT_TIMEOUT } = {}) {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible())) await page.keyboard.press('Control+Shift+M');
  await panel.waitFor({ state: 'visible', timeout });
  return panel;
}

/** The Problems panel's rows as their accessible labels (file rows and marker rows). */
export async function problemRows(page) {
  return page.locator('.markers-panel .monaco-list-row')
    .evaluateAll(rows => rows.map(r => r.getAttribute('aria-label') || r.textContent || ''));
}

/** Runs a command from the palette: F1, its title, Enter (the title must match a row). */
export async function runCommand(page, title, { timeout = DEFAULT_TIMEOUT } = {}) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout });
  await page.keyboard.type(title);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first()
    .waitFor({ state: 'visible', timeout });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout });
}

/** Saves a PNG of the page as ARTIFACTS/NAME.png and returns its path. */
export async function screenshot(page, artifactsDir, name) {
  mkdirSync(artifactsDir, { recursive: true });
  const path = join(resolve(artifactsDir), `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path });
  return path;
}

/** The content frame of the active webview (a webview is two nested iframes). */
export function webviewFrame(page) {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/**
 * Messages of the notifications shown as toasts (and in the notification center when it is open).
 * With the smoke-test driver on (extensionDevelopmentPath sessions) VS Code shows no toasts at
 * all: pass `openCenter: true` to open the center first.
 */
export async function notifications(page, { openCenter = false } = {}) {
  if (openCenter && !(await page.locator('.notifications-center.visible').isVisible())) {
    await runCommand(page, 'Notifications: Show Notifications');
  }
  return page.locator('.notifications-toasts .notification-list-item-message, ' +
    '.notifications-center .notification-list-item-message').allTextContents();
}

/**
 * One UI test's environment: a fresh code-server (optionally with a VSIX installed), Chromium,
 * and the workspace open. `close()` stops both.
 * @param {{workspace: string, vsix?: string, extensionDevelopmentPath?: string, settings?: object,
 *   runDir?: string, headless?: boolean, timeout?: number}} o
 */
export async function startUiSession(o) {
  const server = await startCodeServer({ settings: o.settings, runDir: o.runDir, vsix: o.vsix,
    smokeTestDriver: !!o.extensionDevelopmentPath });
  let browser;
  try {
    browser = await launchBrowser(server, { headless: o.headless ?? true });
    await openFolder(browser.page, server.url, o.workspace,
      { extensionDevelopmentPath: o.extensionDevelopmentPath, timeout: o.timeout });
  } catch (e) {
    if (browser) await browser.close();
    await server.stop();
    throw e;
  }
  return {
    server, context: browser.context, page: browser.page,
    close: async () => { await browser.close(); await server.stop(); },
  };
}

// Playwright helpers for the benchmark panel's UI tests (test/e2e/benchmark-ui.test.mjs and
// test/e2e/benchmark-panel-preview.mjs), on top of scripts/e2e/ui.mjs.
import { webviewFrame } from '../../scripts/e2e/ui.mjs';

/** The workbench's theme class per theme kind (`.monaco-workbench.vs-dark`, …). */
const WORKBENCH_CLASS = { light: 'vs', dark: 'vs-dark', 'high-contrast': 'hc-black', 'high-contrast-light': 'hc-light' };
/** The class VS Code puts on a webview's <body> per theme kind. */
const WEBVIEW_CLASS = { light: 'vscode-light', dark: 'vscode-dark', 'high-contrast': 'vscode-high-contrast', 'high-contrast-light': 'vscode-high-contrast-light' };

/** Theme picker labels of VS Code 1.139 (their setting ids: "Dark Modern", "Light Modern", "Default High Contrast"). */
export const THEMES = {
  dark: { label: 'Dark Modern', kind: 'dark' },
  light: { label: 'Light Modern', kind: 'light' },
  'high-contrast': { label: 'Dark High Contrast', kind: 'high-contrast' },
};

/** Polls `probe` until it returns a truthy value; throws `what` after `timeout` ms (editor-helpers.mjs). */
export { waitUntil } from './editor-helpers.mjs';

/** Gives the workbench (not the webview, which swallows keys) the keyboard focus. */
async function focusWorkbench(page) {
  await page.locator('.part.statusbar').first().click({ position: { x: 2, y: 2 } }).catch(() => {});
}

/**
 * Runs a command from the palette by clicking the row whose label is exactly `title`: Enter
 * would take the first row, and typing "Preferences: Color Theme" ranks "Preferences: Browse
 * Color Themes in Marketplace" first. Leaves any follow-up quick input (a picker) open.
 */
export async function runCommandExact(page, title, { timeout = 30_000 } = {}) {
  await focusWorkbench(page);
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout });
  await input.fill(`>${title}`);
  const rows = page.locator('.quick-input-list .monaco-list-row');
  const row = rows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();
  await row.waitFor({ state: 'visible', timeout });
  await row.click();
}

/**
 * Switches the colour theme the way a user does: "Preferences: Color Theme", the theme's name,
 * Enter. Waits until the workbench and the open webview (if any) show the new theme.
 */
export async function setColorTheme(page, theme, { timeout = 30_000, webview = true } = {}) {
  const { label, kind } = THEMES[theme];
  await runCommandExact(page, 'Preferences: Color Theme', { timeout });
  const input = page.locator('.quick-input-widget input');
  // The picker reuses the quick input: wait for its theme rows, then pick ours.
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) }).first();
  await input.fill(label);
  await row.waitFor({ state: 'visible', timeout });
  await row.click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout });
  await page.locator(`.monaco-workbench.${WORKBENCH_CLASS[kind]}`).first().waitFor({ state: 'attached', timeout });
  if (webview) await webviewFrame(page).locator(`body.${WEBVIEW_CLASS[kind]}`).waitFor({ state: 'attached', timeout });
  // Let the theme's colours settle (the webview gets its CSS variables in a message).
  await page.waitForTimeout(400);
}

/** Maximises the active editor group and hides the side bars, so the panel gets the whole window. */
export async function maximizeEditor(page, { timeout = 30_000 } = {}) {
  await runCommandExact(page, 'View: Maximize Editor Group and Hide Side Bars', { timeout });
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout });
}

/** What the panel shows: the verdict text and the chart's shape counts. */
export async function panelSummary(page) {
  const frame = webviewFrame(page);
  const verdict = (await frame.locator('#verdict').textContent({ timeout: 1000 })) ?? '';
  const paths = await frame.locator('svg.speedup-chart path.line').count();
  const bands = await frame.locator('svg.speedup-chart path.band').count();
  const ideal = await frame.locator('svg.speedup-chart line.ideal').count();
  return { verdict: verdict.trim(), paths, bands, ideal };
}

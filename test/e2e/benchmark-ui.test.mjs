#!/usr/bin/env node
// UI end-to-end test of the benchmark and its results panel through the real VS Code workbench
// (code-server 4.139.1 + Debian Chromium + playwright-core; see docs/e2e.md), as a user does it:
//   1. opens bench_cpu.py (a CPU-bound `compute(n)` handed to a ThreadPoolExecutor) and clicks its
//      "Benchmark threads vs processes" CodeLens; answers the inputs prompt with `[300_000] * 4`
//   2. waits for the results panel (a webview) to leave the running state; checks the verdict
//      names processes, the chart has lines, CI bands and the ideal line, and the page raised no
//      CSP violation                                                     -> benchmark-dark.png
//   3. keyboard: Tab moves between the toolbar's buttons, each with a visible focus outline
//   4. Export JSON through the save dialog writes the result document; Copy as Markdown fills the
//      clipboard with the report
//   5. switches the colour theme with "Preferences: Color Theme"        -> benchmark-light.png,
//                                                                           benchmark-high-contrast.png
//   6. reloads the window: the serializer restores the panel with its verdict and chart
// The benchmark's time budget is 4 s (setting concurrencyLens.benchmark.maxSeconds).
//
//   node test/e2e/benchmark-ui.test.mjs [--extension DIR] [--workspace DIR] [--artifacts DIR]
//        [--vsix FILE] [--timeout SECONDS] [--headed]
//
// A failing step saves failure-benchmark-<step>.png. Exit code 0/1; the last line is
// "N passed, N failed".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openFileFromExplorer, screenshot, waitForWorkbench, webviewFrame } from '../../scripts/e2e/ui.mjs';
import { maximizeEditor, panelSummary, setColorTheme, waitUntil } from './benchmark-ui-helpers.mjs';
import { runUiSteps, uiTest } from './support/ui-steps.mjs';

const test = uiTest('bench-ui', { workspace: true, vsix: true });
const { T, ARTIFACTS, log, secs, step } = test;
/** The benchmark itself: a 4 s budget, but at least 3 samples per cell on a busy 2-core machine. */
const RUN_TIMEOUT = Math.max(T, 120_000);

const PY_FILE = 'bench_cpu.py';
const LENS_TITLE = 'Benchmark threads vs processes';
const INPUTS = '[300_000] * 4';

/** Console messages of the page and its frames that report a Content Security Policy violation. */
const cspViolations = [];

// ---------------------------------------------------------------------------------------------

step('codelens-and-inputs', async ({ page }) => {
  await openFileFromExplorer(page, PY_FILE, { timeout: T });
  const lens = page.locator('.part.editor .codelens-decoration a', { hasText: LENS_TITLE }).first();
  await lens.waitFor({ state: 'visible', timeout: T });
  log(`CodeLens: ${(await lens.textContent())?.trim()}`);
  await lens.click();
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: T });
  const title = await page.locator('.quick-input-widget .quick-input-title').textContent().catch(() => '');
  log(`inputs prompt: ${title?.trim()} (pre-filled: ${await input.inputValue()})`);
  await input.fill(INPUTS);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: T });
});

step('panel-verdict-and-chart', async ({ page }) => {
  const frame = webviewFrame(page);
  await frame.locator('body').waitFor({ state: 'attached', timeout: T });
  await page.locator('.part.editor .tab', { hasText: 'Benchmark: compute' }).first().waitFor({ state: 'visible', timeout: T });
  // The running state first (progress bar), unless the run already finished.
  const sawProgress = await frame.locator('#progress:not([hidden]) progress').waitFor({ state: 'visible', timeout: 10_000 })
    .then(() => true, () => false);
  if (sawProgress) {
    log(`running: ${(await frame.locator('#progress-message').textContent().catch(() => ''))?.trim()}`);
    await screenshot(page, ARTIFACTS, 'benchmark-running');
  }
  const tRun = Date.now();
  await frame.locator('main#result[aria-busy="false"] #verdict').waitFor({ state: 'visible', timeout: RUN_TIMEOUT });
  log(`result after ${secs(tRun)} more`);
  const error = await frame.locator('#error:not([hidden])').textContent({ timeout: 500 }).catch(() => null);
  if (error) throw new Error(`the panel shows an error: ${error}`);
  const summary = await panelSummary(page);
  log(`verdict: ${summary.verdict}`);
  log(`chart: ${summary.paths} line(s), ${summary.bands} CI band(s), ${summary.ideal} ideal line(s)`);
  if (!/processes/.test(summary.verdict)) throw new Error(`the verdict does not mention processes: ${summary.verdict}`);
  if (summary.paths < 2) throw new Error(`expected a line per pool mode (threads, processes), found ${summary.paths}`);
  if (summary.ideal < 1) throw new Error('the ideal (linear) line is missing');
  const chart = frame.locator('svg.speedup-chart');
  if ((await chart.getAttribute('role')) !== 'img' || !(await chart.getAttribute('aria-label'))?.includes('threads')) {
    throw new Error('the chart has no text alternative (role="img" with an aria-label naming the curves)');
  }
  const box = await chart.boundingBox();
  if (!box || box.width < 200 || box.height < 100) throw new Error(`the chart is not rendered at a readable size: ${JSON.stringify(box)}`);
  const rows = await frame.locator('table.results tbody tr').count();
  if (rows < 3) throw new Error(`the measurements table has ${rows} rows`);
  if (cspViolations.length > 0) throw new Error(`CSP violations:\n${cspViolations.join('\n')}`);
  await maximizeEditor(page, { timeout: T }).catch((e) => log(`could not maximise the panel: ${e.message.split('\n')[0]}`));
  await frame.locator('#verdict').waitFor({ state: 'visible', timeout: T });
  await screenshot(page, ARTIFACTS, 'benchmark-dark');
});

step('keyboard', async ({ page }) => {
  const frame = webviewFrame(page);
  await frame.locator('#rerun').focus();
  const order = [];
  // Apply is there only when there is something to apply (a trusted result with an executor
  // swap): Tab walks the toolbar's visible buttons, however many.
  const buttons = await frame.locator('.toolbar button:not([hidden]):not([disabled])').count();
  log(`Apply: ${(await frame.locator('#apply:not([hidden])').count()) > 0 ? 'shown' : 'hidden (nothing to apply)'}`);
  for (let i = 0; i < buttons; i++) {
    const focused = await frame.locator(':focus').evaluate((el) => ({
      id: el.id, tag: el.tagName, outline: getComputedStyle(el).outlineStyle, width: getComputedStyle(el).outlineWidth,
    }));
    order.push(focused.id);
    if (focused.tag !== 'BUTTON') throw new Error(`Tab reached a ${focused.tag} (#${focused.id}) inside the toolbar`);
    if (focused.outline === 'none' || focused.width === '0px') throw new Error(`#${focused.id} has no visible focus outline`);
    await page.keyboard.press('Tab');
  }
  log(`Tab order: ${order.join(' → ')}`);
  for (const id of ['rerun', 'export-json', 'export-csv', 'copy-markdown']) {
    if (!order.includes(id)) throw new Error(`#${id} was not reached with Tab (${order.join(', ')})`);
  }
});

step('export-and-copy', async ({ page, context, workspace }) => {
  const frame = webviewFrame(page);
  // Export JSON: the button opens VS Code's save dialog (the simple file dialog in the browser),
  // pre-filled beside the module; Enter accepts it and the panel writes the result document.
  await frame.locator('#export-json').click();
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: T });
  log(`save dialog: ${await input.inputValue()}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: T });
  const file = join(workspace, 'bench_cpu.compute.benchmark.json');
  const doc = await waitUntil(`${file} to be written`, () => {
    try { return JSON.parse(readFileSync(file, 'utf8')); } catch { return undefined; }
  }, T);
  if (doc.functionName !== 'compute' || !Array.isArray(doc.cells) || doc.cells.length < 3) {
    throw new Error(`the exported JSON is not the result document: ${JSON.stringify(doc).slice(0, 200)}`);
  }
  log(`exported ${doc.cells.length} cells to ${file}`);
  // Copy as Markdown goes through vscode.env.clipboard (the browser's clipboard here).
  await context.grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => {});
  await frame.locator('#copy-markdown').click();
  await frame.locator('#notice', { hasText: 'Copied' }).waitFor({ state: 'attached', timeout: T });
  const copied = await page.evaluate(() => navigator.clipboard.readText()).catch((e) => `(unreadable: ${e.message})`);
  log(`clipboard: ${copied.split('\n')[0]}`);
  if (!copied.startsWith('### Benchmark: `compute()`')) throw new Error(`the clipboard holds no Markdown report: ${copied.slice(0, 120)}`);
});

step('themes', async ({ page }) => {
  await setColorTheme(page, 'light', { timeout: T });
  await webviewFrame(page).locator('#verdict').waitFor({ state: 'visible', timeout: T });
  await screenshot(page, ARTIFACTS, 'benchmark-light');
  await setColorTheme(page, 'high-contrast', { timeout: T });
  await screenshot(page, ARTIFACTS, 'benchmark-high-contrast');
  await setColorTheme(page, 'dark', { timeout: T });
});

step('restore-after-reload', async ({ page }) => {
  // The workbench saves editor and webview state on a timer and on unload: give it a moment.
  await page.waitForTimeout(1500);
  await page.reload({ waitUntil: 'domcontentloaded' });
  await waitForWorkbench(page, { timeout: 60_000, folder: false });
  const summary = await waitUntil('the restored panel with its verdict and chart', async () => {
    const s = await panelSummary(page);
    return s.verdict && s.paths > 0 ? s : undefined;
  }, T);
  log(`restored: ${summary.verdict}`);
});

// ---------------------------------------------------------------------------------------------

await runUiSteps(test, {
  built: 'dist/webview/benchmark.js',
  session: {
    settings: {
      'workbench.colorTheme': 'Dark Modern',
      'workbench.editor.enablePreview': false,
      'concurrencyLens.benchmark.maxSeconds': 4,
      'typescript.validate.enable': false,
    },
  },
  onSession: ({ page }) => page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy|Refused to (load|execute|apply)/i.test(text)) cspViolations.push(text);
  }),
  failurePrefix: 'failure-benchmark-',
  serverLog: 'code-server-benchmark.log',
  // Later steps need the panel: stop at the first failure of the run itself.
  stopAfterFailureOf: (name) => name === 'codelens-and-inputs' || name === 'panel-verdict-and-chart',
});

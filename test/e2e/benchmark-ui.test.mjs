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
import { cpSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startUiSession, openFileFromExplorer, screenshot, waitForWorkbench, webviewFrame } from '../../scripts/e2e/ui.mjs';
import { maximizeEditor, panelSummary, setColorTheme, waitUntil } from './benchmark-ui-helpers.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const { values: args } = parseArgs({
  options: {
    extension: { type: 'string', default: '.' },
    workspace: { type: 'string', default: join(REPO, 'test', 'e2e', 'workspace') },
    artifacts: { type: 'string', default: join(REPO, 'test-results', 'e2e') },
    vsix: { type: 'string' },
    timeout: { type: 'string', default: '30' },
    headed: { type: 'boolean', default: false },
  },
});

const T = Number(args.timeout) * 1000 || 30_000; // per wait
/** The benchmark itself: a 4 s budget, but at least 3 samples per cell on a busy 2-core machine. */
const RUN_TIMEOUT = Math.max(T, 120_000);
const ARTIFACTS = resolve(args.artifacts);
const EXTENSION = resolve(args.extension);
const t0 = Date.now();
const secs = (from) => `${((Date.now() - from) / 1000).toFixed(1)} s`;
const log = (msg) => process.stdout.write(`[bench-ui ${secs(t0).padStart(7)}] ${msg}\n`);

const PY_FILE = 'bench_cpu.py';
const LENS_TITLE = 'Benchmark threads vs processes';
const INPUTS = '[300_000] * 4';

/** Console messages of the page and its frames that report a Content Security Policy violation. */
const cspViolations = [];

// ---------------------------------------------------------------------------------------------

const steps = [];
const step = (name, fn) => steps.push({ name, fn });

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

async function main() {
  const source = resolve(args.workspace);
  if (!existsSync(source) || !statSync(source).isDirectory()) throw new Error(`--workspace: not a directory: ${source}`);
  if (args.vsix && !existsSync(args.vsix)) throw new Error(`--vsix: not found: ${args.vsix}`);
  if (!args.vsix && !existsSync(join(EXTENSION, 'dist', 'webview', 'benchmark.js'))) {
    throw new Error(`--extension: ${EXTENSION}/dist/webview/benchmark.js missing: run \`node scripts/build.mjs\``);
  }
  const workspace = mkdtempSync('/tmp/clx-ws-');
  cpSync(source, workspace, { recursive: true });
  log(`workspace copy: ${workspace}; artifacts: ${ARTIFACTS}`);

  let passed = 0;
  let failed = 0;
  let session;
  const runDir = mkdtempSync('/tmp/clx-');
  const cleanupDirs = () => {
    if (process.env.E2E_KEEP === '1') return;
    for (const dir of [workspace, runDir]) {
      try { rmSync(dir, { recursive: true, force: true, maxRetries: 3 }); } catch { /* busy */ }
    }
  };
  // Same signal discipline as ui.test.mjs: the handler stays installed so a second signal cannot
  // skip the clean-up.
  let interrupted = 0;
  const onSignal = (sig) => {
    if (interrupted++) {
      process.exit(130);
      return;
    }
    log(`${sig}: stopping code-server and the browser`);
    Promise.resolve(session?.close()).catch(() => {}).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const onExit = () => {
    if (session) try { process.kill(-session.server.pid, 'SIGKILL'); } catch { /* gone */ }
    cleanupDirs();
  };
  process.on('exit', onExit);
  try {
    const tStart = Date.now();
    session = await startUiSession({
      workspace, runDir,
      ...(args.vsix ? { vsix: resolve(args.vsix) } : { extensionDevelopmentPath: EXTENSION }),
      headless: !args.headed,
      timeout: 60_000,
      settings: {
        'workbench.colorTheme': 'Dark Modern',
        'workbench.editor.enablePreview': false,
        'concurrencyLens.benchmark.maxSeconds': 4,
        'typescript.validate.enable': false,
      },
    });
    log(`workbench ready in ${secs(tStart)} (extension from ${args.vsix ? `VSIX ${args.vsix}` : EXTENSION})`);
    const { page } = session;
    page.setDefaultTimeout(T);
    page.on('console', (message) => {
      const text = message.text();
      if (/Content Security Policy|Refused to (load|execute|apply)/i.test(text)) cspViolations.push(text);
    });
    for (const s of steps) {
      if (interrupted) break;
      const ts = Date.now();
      try {
        await s.fn({ page, context: session.context, workspace });
        passed++;
        log(`✔ ${s.name} (${secs(ts)})`);
      } catch (e) {
        failed++;
        log(`✖ ${s.name} (${secs(ts)})\n${e.stack || e}`);
        try {
          log(`  screenshot: ${await screenshot(page, ARTIFACTS, `failure-benchmark-${s.name}`)}`);
        } catch { /* page gone */ }
        await page.keyboard.press('Escape').catch(() => {});
        // Later steps need the panel: stop at the first failure of the run itself.
        if (s.name === 'codelens-and-inputs' || s.name === 'panel-verdict-and-chart') break;
      }
    }
  } catch (e) {
    failed++;
    log(`✖ session: ${e.stack || e}`);
    if (session) await screenshot(session.page, ARTIFACTS, 'failure-benchmark-session').catch(() => {});
  } finally {
    if (session) {
      if (failed) {
        try {
          mkdirSync(ARTIFACTS, { recursive: true });
          copyFileSync(session.server.logFile, join(ARTIFACTS, 'code-server-benchmark.log'));
        } catch { /* none */ }
      }
      await session.close();
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', onExit);
    cleanupDirs();
  }
  log(`done in ${secs(t0)}`);
  return { passed, failed };
}

let result;
try {
  result = await main();
} catch (e) {
  console.error(`[bench-ui] error: ${e.message}`);
  result = { passed: 0, failed: 1 };
}
console.log(`${result.passed} passed, ${result.failed} failed`);
process.exitCode = result.failed ? 1 : 0;

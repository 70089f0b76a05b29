#!/usr/bin/env node
// UI end-to-end test of the benchmark on main-thread JavaScript and of the panel's three states,
// through the real VS Code workbench (code-server + Chromium + playwright-core; docs/e2e.md):
//   0. examples/python/pool_without_guard.py, `square` through its CodeLens: the inputs prompt is
//      pre-filled from the file's `pool.map(square, [1, 2, 3, 4, 5])`; refused by the pre-flight
//      (CL201), the panel shows the refusal with the fix and a Go-to link that opens line 10
//                                                                 -> benchmark-refused.png
//   0b. io_threads.py, `wait` (time.sleep) through its CodeLens: waiting work, conclusive even on
//      a busy machine                                              -> benchmark-conclusive.png
//   1. opens hash-server.cjs (an HTTP handler calling the exported `hash`, pbkdf2Sync: CL104's
//      target) and checks the "Benchmark worker_threads vs child_process" CodeLens sits on `hash`;
//      clicks it, answers the inputs prompt; the workload reads CPU-bound by its code (CL104's
//      pbkdf2Sync evidence), never "Mixed"                         -> benchmark-js-result.png
//   2. Re-run with two CPU burners (`node -e "for(;;){}"`) on the machine: the run is
//      inconclusive, the panel says so; its headline names only modes that ran and the
//      break-even is marked rough                                   -> benchmark-js-inconclusive.png
// Budget 8 s per run, 2 workers (concurrencyLens.benchmark.maxSeconds, .workers).
//
//   node test/e2e/benchmark-js-ui.test.mjs [--extension DIR] [--artifacts DIR] [--timeout SECONDS] [--headed]
//
// Exit code 0/1; the last line is "N passed, N failed".
import { spawn } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { openFileFromExplorer, screenshot, webviewFrame } from '../../scripts/e2e/ui.mjs';
import { maximizeEditor, panelSummary, waitUntil } from './benchmark-ui-helpers.mjs';
import { REPO, runUiSteps, uiTest } from './support/ui-steps.mjs';

const test = uiTest('bench-js-ui');
const { T, ARTIFACTS, log, step } = test;
const RUN_TIMEOUT = Math.max(T, 150_000);

const JS_FILE = 'hash-server.cjs';
const JS_LENS = 'Benchmark worker_threads vs child_process';
const PY_FILE = 'pool_without_guard.py';
const PY_LENS = 'Benchmark threads vs processes';
const IO_FILE = 'io_threads.py';

/** The first lens titled `title` in the active editor group. */
async function lensesAbove(page, title) {
  // The active group's editor: another group may show a file with the same lens.
  const lens = page.locator('.part.editor .editor-group-container.active .codelens-decoration a', { hasText: title }).first();
  await lens.waitFor({ state: 'visible', timeout: T });
  return lens;
}

async function answerInputs(page, inputs) {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: T });
  const value = await input.inputValue();
  log(`inputs prompt pre-filled with: ${value}`);
  if (inputs !== null) await input.fill(inputs);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: T });
  return value;
}

async function waitForResult(page) {
  const frame = webviewFrame(page);
  await frame.locator('main#result[aria-busy="false"] #verdict').waitFor({ state: 'visible', timeout: RUN_TIMEOUT });
  return panelSummary(page);
}

step('python-refusal', async ({ page }) => {
  await openFileFromExplorer(page, PY_FILE, { timeout: T });
  const lens = await lensesAbove(page, PY_LENS);
  await lens.click();
  // The file's own call, `pool.map(square, [1, 2, 3, 4, 5])`, pre-fills the inputs.
  const prefilled = await answerInputs(page, null);
  if (prefilled !== '[1, 2, 3, 4, 5]') throw new Error(`the inputs are not the call's arguments: ${prefilled}`);
  const frame = webviewFrame(page);
  const error = frame.locator('#error:not([hidden])');
  await error.waitFor({ state: 'visible', timeout: RUN_TIMEOUT });
  const text = (await frame.locator('#error-text').textContent())?.trim() ?? '';
  log(`refusal: ${text}`);
  if (!/square\(\) was not benchmarked/.test(text) || !/CL201/.test(text)) throw new Error(`not the pre-flight refusal: ${text}`);
  const link = frame.locator('#error-location:not([hidden])');
  const linkText = (await link.textContent())?.trim();
  if (linkText !== 'Go to pool_without_guard.py:10') throw new Error(`the refusal's Go-to link reads ${linkText}`);
  await page.waitForTimeout(500);
  log(`screenshot: ${await screenshot(page, ARTIFACTS, 'benchmark-refused')}`);
  await link.click();
  const position = await waitUntil('the editor at line 10 of pool_without_guard.py', async () => {
    const active = (await page.locator('.part.editor .editor-group-container.active .tab.active').textContent().catch(() => '')) ?? '';
    const at = (await page.locator('.statusbar-item[id="status.editor.selection"]').textContent().catch(() => '')) ?? '';
    return /pool_without_guard\.py/.test(active) && /Ln 10,/.test(at) ? at.trim() : undefined;
  }, T);
  log(`Go to: ${position}`);
});

step('conclusive-waiting-work', async ({ page }) => {
  // Waiting work is the one kind a busy shared machine cannot blur (src/profiling/verdict.ts):
  // the run that stays conclusive while other programs compute.
  await openFileFromExplorer(page, IO_FILE, { timeout: T });
  const lens = await lensesAbove(page, PY_LENS);
  await lens.click();
  await answerInputs(page, '[0.05] * 8');
  await page.locator('.part.editor .tab', { hasText: 'Benchmark: wait' }).first().waitFor({ state: 'visible', timeout: T });
  const summary = await waitForResult(page);
  const verdict = await webviewFrame(page).locator('#verdict-box').getAttribute('data-verdict');
  log(`verdict (${verdict}): ${summary.verdict}`);
  if (verdict !== 'conclusive') throw new Error(`waiting work should give a conclusive run: ${summary.verdict}`);
  log(`screenshot: ${await screenshot(page, ARTIFACTS, 'benchmark-conclusive')}`);
});

step('js-codelens-on-cl104-target', async ({ page }) => {
  await openFileFromExplorer(page, JS_FILE, { timeout: T });
  await lensesAbove(page, JS_LENS);
  // The lens is on the line of `function hash(password) {` (line 7 of the fixture): the view line
  // just below it. Lenses are re-rendered when the diagnostics arrive: measure until both are laid out.
  const hashLine = page.locator('.part.editor .view-line', { hasText: 'function hash(password)' }).first();
  await hashLine.waitFor({ state: 'visible', timeout: T });
  const boxes = await waitUntil('the CodeLens laid out above `function hash`', async () => {
    const lensBox = await page.locator('.part.editor .codelens-decoration a', { hasText: JS_LENS }).first().boundingBox();
    const lineBox = await hashLine.boundingBox();
    return lensBox && lineBox ? { lensBox, lineBox } : undefined;
  }, T);
  const { lensBox, lineBox } = boxes;
  if (lineBox.y < lensBox.y || lineBox.y - lensBox.y > 40) {
    throw new Error(`the CodeLens is not just above \`function hash\`: lens ${JSON.stringify(lensBox)}, line ${JSON.stringify(lineBox)}`);
  }
  const lens = page.locator('.part.editor .codelens-decoration a', { hasText: JS_LENS }).first();
  const count = await page.locator('.part.editor .codelens-decoration a', { hasText: JS_LENS }).count();
  if (count !== 1) throw new Error(`expected one Benchmark lens (on hash), found ${count}`);
  log(`CodeLens "${(await lens.textContent())?.trim()}" above \`function hash\``);
  await lens.click();
  await answerInputs(page, "Array(8).fill('password')");
  await page.locator('.part.editor .tab', { hasText: 'Benchmark: hash' }).first().waitFor({ state: 'visible', timeout: T });
  const summary = await waitForResult(page);
  const error = await webviewFrame(page).locator('#error:not([hidden])').textContent({ timeout: 500 }).catch(() => null);
  if (error) throw new Error(`the panel shows an error: ${error}`);
  log(`verdict (${await webviewFrame(page).locator('#verdict-box').getAttribute('data-verdict')}): ${summary.verdict}`);
  if (summary.paths < 1) throw new Error('no speedup curve in the chart');
  // pbkdf2Sync is CPU work by its code (CL104's evidence): a busy machine does not make it "Mixed".
  const why = (await webviewFrame(page).locator('#verdict-box').textContent()) ?? '';
  log(`workload: ${/(CPU-bound[^.;]*|Mixed[^.;]*|mixed[^.;]*)/.exec(why)?.[0]}`);
  if (/\bmixed\b/i.test(why)) throw new Error(`the panel reads "Mixed" for pbkdf2Sync: ${why}`);
  if (!/static analysis: cpu \(`?crypto\.pbkdf2Sync/.test(why)) throw new Error(`no static class from CL104's evidence: ${why}`);
  await maximizeEditor(page, { timeout: T }).catch((e) => log(`could not maximise: ${e.message.split('\n')[0]}`));
  log(`screenshot: ${await screenshot(page, ARTIFACTS, 'benchmark-js-result')}`);
});

step('js-rerun-inconclusive-under-load', async ({ page }) => {
  const burners = [0, 1].map(() => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  log(`CPU burners: ${burners.map((b) => b.pid).join(', ')}`);
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const frame = webviewFrame(page);
    await frame.locator('#rerun').click();
    await frame.locator('main#result[aria-busy="true"]').waitFor({ state: 'attached', timeout: T }).catch(() => {});
    const summary = await waitForResult(page);
    log(`verdict under load: ${summary.verdict}`);
    const amber = await frame.locator('#verdict-box[data-verdict="inconclusive"]').count();
    if (!/inconclusive/i.test(summary.verdict) && amber === 0) throw new Error(`the run with both cores burnt is not inconclusive: ${summary.verdict}`);
    if (/not run/.test(summary.verdict)) throw new Error(`the inconclusive headline names modes that did not run: ${summary.verdict}`);
    const breakEven = await frame.locator('#break-even').textContent({ timeout: 500 }).catch(() => null);
    log(`break-even: ${breakEven ?? '(none)'}`);
    if (breakEven && !/^⚠ Rough, from a run that cannot be trusted/.test(breakEven)) throw new Error(`break-even without its caveat on an untrusted run: ${breakEven}`);
  } finally {
    for (const b of burners) b.kill('SIGKILL');
  }
  log(`screenshot: ${await screenshot(page, ARTIFACTS, 'benchmark-js-inconclusive')}`);
});

await runUiSteps(test, {
  built: 'dist/webview/benchmark.js',
  fillWorkspace(dir) {
    cpSync(join(REPO, 'test', 'fixtures', 'bench', 'node', JS_FILE), join(dir, JS_FILE));
    cpSync(join(REPO, 'examples', 'python', PY_FILE), join(dir, PY_FILE));
    cpSync(join(REPO, 'test', 'e2e', 'workspace', IO_FILE), join(dir, IO_FILE));
  },
  workspacePrefix: '/tmp/clj-ws-',
  runDirPrefix: '/tmp/clj-',
  session: {
    settings: {
      'workbench.colorTheme': 'Dark Modern',
      'workbench.editor.enablePreview': false,
      'concurrencyLens.benchmark.maxSeconds': 8,
      'concurrencyLens.benchmark.workers': [2],
      'typescript.validate.enable': false,
    },
  },
  serverLog: 'code-server-bench-js.log',
});

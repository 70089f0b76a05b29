#!/usr/bin/env node
// UI end-to-end test of benchmarks on real project layouts and of the editor flow around a run,
// through the real VS Code workbench (code-server + Chromium + playwright-core; docs/e2e.md):
//   1. a flat package with relative imports (pkg/work.py: `from .util import square`): its
//      CodeLens, the inputs prompt pre-filled from the call's arguments (`ex.map(work, range(…))`
//      in the same file), a run in every Python mode with no failed cell
//   2. a src/ layout with absolute imports (src/app/jobs.py: `from app.util import cube`), the
//      inputs pre-filled from a call in another file (src/app/main.py), every mode
//   3. *Benchmark Function…* with the cursor outside any function: a pick of the file's
//      functions with a CodeLens, then the inputs prompt of the one picked
//   4. inputs too big for the budget: the one timed call's notice offers fewer items, and
//      *Restart with N Items* re-runs with the first N
//   5. a self-spawning worker the analyzer cannot see (`new Worker(require.resolve('./self'))`
//      through a helper): refused by the harness's import guard, the panel names the line, and its
//      Go-to link opens the file there                             -> benchmark-self-spawn-refused.png
// Budget 12 s per run (every mode must fit on a busy 2-core machine), 2 workers (settings).
//
//   node test/e2e/benchmark-projects-ui.test.mjs [--extension DIR] [--artifacts DIR] [--timeout SECONDS] [--headed]
//
// Exit code 0/1; the last line is "N passed, N failed".
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { notifications, openFileFromExplorer, screenshot, webviewFrame } from '../../scripts/e2e/ui.mjs';
import { panelSummary, runCommandExact, waitUntil } from './benchmark-ui-helpers.mjs';
import { runUiSteps, uiTest } from './support/ui-steps.mjs';

const test = uiTest('bench-projects-ui');
const { T, ARTIFACTS, log, step } = test;
const RUN_TIMEOUT = Math.max(T, 150_000);
const PY_LENS = 'Benchmark threads vs processes';

/** The project: written here, so the test says what it runs on. */
const FILES = {
  'pkg/__init__.py': '',
  'pkg/util.py': 'def square(x):\n    return x * x\n',
  'pkg/work.py':
    '"""A package module with a relative import."""\nfrom concurrent.futures import ProcessPoolExecutor\n\nfrom .util import square\n\n\n' +
    'def work(n):\n    return sum(square(i) for i in range(n))\n\n\ndef main():\n    with ProcessPoolExecutor() as ex:\n        return list(ex.map(work, range(3000, 3008)))\n',
  'pyproject.toml': '[project]\nname = "app"\nversion = "0.1.0"\n',
  'src/app/__init__.py': '',
  'src/app/util.py': 'def cube(x):\n    return x * x * x\n',
  'src/app/jobs.py':
    '"""A src/ layout module with an absolute intra-project import."""\nfrom multiprocessing import Pool\n\nfrom app.util import cube\n\n\n' +
    'def job(n):\n    return sum(cube(i) for i in range(n))\n\n\ndef run(sizes):\n    with Pool() as pool:\n        return pool.map(job, sizes)\n',
  'src/app/main.py': 'from app.jobs import job, run\n\n\nif __name__ == "__main__":\n    print(run([2500] * 8))\n    print(job(2500))\n',
  'worker/helper.js': "const { Worker } = require('node:worker_threads');\nexports.startSelf = (file) => new Worker(file);\n",
  'worker/self.js':
    "const { isMainThread, parentPort } = require('node:worker_threads');\nconst { startSelf } = require('./helper');\n\n" +
    'function fib(n) {\n  return n < 2 ? n : fib(n - 1) + fib(n - 2);\n}\nmodule.exports = { fib };\n\n' +
    "if (isMainThread) startSelf(require.resolve('./self'));\nelse parentPort.on('message', (n) => parentPort.postMessage(fib(n)));\n",
};

async function activeLens(page, title) {
  const lens = page.locator('.part.editor .editor-group-container.active .codelens-decoration a', { hasText: title }).first();
  await lens.waitFor({ state: 'visible', timeout: T });
  return lens;
}

/** The inputs prompt: its pre-filled value and prompt text; Enter accepts it as it is (or `inputs`). */
async function answerInputs(page, inputs = null) {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: T });
  const value = await input.inputValue();
  const prompt = (await page.locator('.quick-input-widget .quick-input-message').textContent().catch(() => ''))?.trim() ?? '';
  log(`inputs prompt pre-filled with: ${value} (${prompt})`);
  if (inputs !== null) await input.fill(inputs);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: T });
  return { value, prompt };
}

/** Waits for the run's result; checks it ran in every Python mode, with no failed cell and no error. */
async function checkEveryMode(page, functionName) {
  await page.locator('.part.editor .tab', { hasText: `Benchmark: ${functionName}` }).first().waitFor({ state: 'visible', timeout: T });
  const frame = webviewFrame(page);
  await frame.locator('main#result[aria-busy="false"] #verdict').waitFor({ state: 'visible', timeout: RUN_TIMEOUT });
  const error = await frame.locator('#error:not([hidden])').textContent({ timeout: 500 }).catch(() => null);
  if (error) throw new Error(`the panel shows an error: ${error}`);
  // The page may be rebuilt as the result arrives: read it once it stands.
  const summary = await waitUntil('the verdict', async () => {
    const s = await panelSummary(page);
    return s.verdict ? s : undefined;
  }, T);
  const rows = await waitUntil('the measurements table', async () => {
    const found = await frame.locator('table.results tbody tr').evaluateAll((trs) => trs.map((tr) => tr.textContent.replace(/\s+/g, ' ').trim()));
    return found.length >= 4 ? found : undefined;
  }, T);
  log(`verdict: ${summary.verdict}`);
  for (const r of rows) log(`  row: ${r.slice(0, 110)}`);
  const failed = rows.filter((r) => /failed/i.test(r));
  if (failed.length) throw new Error(`failed cells: ${failed.join(' | ')}`);
  // Every mode imported the module by its dotted name and ran (spawn children import it afresh).
  for (const mode of ['sequential', 'threads', 'processes2', 'processes (spawn)']) {
    const row = rows.find((r) => r.toLowerCase().startsWith(mode));
    if (!row || /not run/.test(row)) throw new Error(`${mode} did not run: ${rows.join(' | ')}`);
  }
  const text = await frame.locator('#result').textContent();
  if (/ModuleNotFoundError|ImportError|attempted relative import/.test(text ?? '')) throw new Error('an import error is shown');
}

step('flat-package-relative-imports', async ({ page }) => {
  await openFileFromExplorer(page, 'pkg/work.py', { timeout: T });
  await (await activeLens(page, PY_LENS)).click();
  const { value, prompt } = await answerInputs(page);
  if (value !== 'range(3000, 3008)') throw new Error(`not pre-filled from the call ex.map(work, range(3000, 3008)): ${value}`);
  if (!/From the call at work\.py:13/.test(prompt)) throw new Error(`the prompt does not name the call: ${prompt}`);
  await checkEveryMode(page, 'work');
});

step('src-layout-absolute-imports', async ({ page }) => {
  await openFileFromExplorer(page, 'src/app/jobs.py', { timeout: T });
  await (await activeLens(page, PY_LENS)).click();
  const { value, prompt } = await answerInputs(page);
  // jobs.py's own call passes a parameter (`sizes`): the call in main.py gives the inputs.
  if (value !== '[2500] * 8') throw new Error(`not pre-filled from main.py's job(2500): ${value}`);
  if (!/main\.py:6/.test(prompt)) throw new Error(`the prompt does not name main.py's call: ${prompt}`);
  await checkEveryMode(page, 'job');
});

step('picker-outside-a-function', async ({ page }) => {
  await openFileFromExplorer(page, 'pkg/work.py', { timeout: T });
  // The cursor on the docstring's line: in no function.
  await page.locator('.part.editor .editor-group-container.active .view-line', { hasText: 'A package module' }).first().click();
  await runCommandExact(page, 'Concurrency Lens: Benchmark Function…', { timeout: T });
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'work' }).first();
  await row.waitFor({ state: 'visible', timeout: T });
  const title = (await page.locator('.quick-input-widget .quick-input-title').textContent().catch(() => ''))?.trim();
  const labels = await page.locator('.quick-input-list .monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? r.textContent));
  log(`picker "${title}": ${labels.join(' | ')}`);
  if (labels.length !== 1 || !/^work\b/.test(labels[0])) throw new Error(`the pick should list the one function with a CodeLens (work): ${labels.join(' | ')}`);
  const errors = await page.locator('.notifications-toasts .notification-toast', { hasText: 'Put the cursor inside' }).count();
  if (errors) throw new Error('an error was shown instead of the picker');
  await row.click();
  const input = page.locator('.quick-input-widget input');
  await waitUntil('the inputs prompt of work', async () => ((await input.inputValue()) === 'range(3000, 3008)' ? true : undefined), T);
  const inputsTitle = (await page.locator('.quick-input-widget .quick-input-title').textContent())?.trim();
  log(`then: ${inputsTitle}`);
  if (!/^Benchmark work\(n\)/.test(inputsTitle ?? '')) throw new Error(`not the inputs prompt of work: ${inputsTitle}`);
  await page.keyboard.press('Escape');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: T });
});

step('too-big-inputs-notice-restarts-with-fewer-items', async ({ page }) => {
  // One call of work(300_000) takes tens of ms: 200 of them, compared in every mode, do not fit
  // in 12 s. The one timed call says so at once and offers fewer items. (After the picker step:
  // this run changes the function's last inputs, which the prompt offers first.)
  // One editor group: after the earlier runs the file can be open beside the panel too, and the
  // lens looked for is the active group's.
  await runCommandExact(page, 'View: Close All Editor Groups', { timeout: T });
  await openFileFromExplorer(page, 'pkg/work.py', { timeout: T });
  await (await activeLens(page, PY_LENS)).click();
  await answerInputs(page, '[300_000] * 200');
  const message = await waitUntil('the too-big notice', async () => {
    const found = (await notifications(page, { openCenter: true })).find((m) => /too big for the time budget/.test(m));
    return found ?? undefined;
  }, RUN_TIMEOUT);
  log(`notice: ${message}`);
  if (!/One call takes .*use \d+ of the 200 items/.test(message)) throw new Error(`the notice proposes no smaller inputs: ${message}`);
  const button = page.locator('.notifications-center .notification-list-item', { hasText: 'too big for the time budget' }).locator('.monaco-button', { hasText: /Restart with \d+ Items/ }).first();
  const label = (await button.textContent())?.trim();
  log(`button: ${label}`);
  await button.click();
  const items = /Restart with (\d+) Items/.exec(label ?? '')?.[1];
  const frame = webviewFrame(page);
  // The restarted run's inputs are the first N items of the same expression.
  const inputs = `list([300_000] * 200)[:${items}]`;
  await waitUntil(`a result for ${inputs}`, async () => ((await frame.locator('#result').textContent().catch(() => '')) ?? '').includes(inputs) || undefined, RUN_TIMEOUT);
  log(`restarted with ${inputs}`);
  await runCommandExact(page, 'Notifications: Clear All Notifications', { timeout: T }).catch(() => {});
});

step('self-spawning-worker-refused-go-to-line', async ({ page }) => {
  // One editor group, as in the too-big step: the click must land in the editor the command reads.
  await runCommandExact(page, 'View: Close All Editor Groups', { timeout: T });
  await openFileFromExplorer(page, 'worker/self.js', { timeout: T });
  await page.locator('.part.editor .editor-group-container.active .view-line', { hasText: 'return n < 2' }).first().click();
  // The cursor is in fib (line 5) before the command runs, or it would offer the function picker.
  await page.locator('.part.statusbar', { hasText: /Ln 5, Col/ }).waitFor({ state: 'visible', timeout: T });
  await runCommandExact(page, 'Concurrency Lens: Benchmark Function…', { timeout: T });
  // The palette's input becomes the inputs prompt: wait for the prompt's own title.
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Benchmark fib(n)' }).waitFor({ state: 'visible', timeout: T });
  await answerInputs(page, 'Array(4).fill(20)');
  const frame = webviewFrame(page);
  const banner = frame.locator('#error:not([hidden])');
  await banner.waitFor({ state: 'visible', timeout: RUN_TIMEOUT });
  const text = (await frame.locator('#error-text').textContent())?.trim() ?? '';
  log(`refusal: ${text}`);
  if (!/fib\(\) was not benchmarked/.test(text) || !/creates a worker thread of itself/.test(text) || !/self\.js:9\)/.test(text)) throw new Error(`not the import guard's refusal: ${text}`);
  if (/SIGKILL|timed out|killed/i.test(text)) throw new Error(`a kill, not a refusal: ${text}`);
  const link = frame.locator('#error-location:not([hidden])');
  const linkText = (await link.textContent())?.trim();
  log(`link: ${linkText}`);
  if (linkText !== 'Go to self.js:9') throw new Error(`the Go-to link reads ${linkText}`);
  await page.waitForTimeout(300);
  log(`screenshot: ${await screenshot(page, ARTIFACTS, 'benchmark-self-spawn-refused')}`);
  // Move the cursor elsewhere first, so the link's effect is seen.
  await page.locator('.part.editor .view-line', { hasText: 'function fib' }).first().click().catch(() => {});
  await link.click();
  const status = await waitUntil('the editor at line 9 of self.js', async () => {
    const active = (await page.locator('.part.editor .editor-group-container.active .tab.active').textContent().catch(() => '')) ?? '';
    const position = (await page.locator('.statusbar-item[id="status.editor.selection"]').textContent().catch(() => '')) ?? '';
    return /self\.js/.test(active) && /Ln 9,/.test(position) ? `${active.trim()} ${position.trim()}` : undefined;
  }, T);
  log(`after Go to: ${status}`);
});

await runUiSteps(test, {
  built: 'dist/webview/benchmark.js',
  fillWorkspace(dir) {
    for (const [rel, text] of Object.entries(FILES)) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), text);
    }
  },
  workspacePrefix: '/tmp/clp-ws-',
  runDirPrefix: '/tmp/clp-',
  session: {
    settings: {
      'workbench.colorTheme': 'Dark Modern',
      'workbench.editor.enablePreview': false,
      'concurrencyLens.benchmark.maxSeconds': 12,
      'concurrencyLens.benchmark.workers': [2],
      'typescript.validate.enable': false,
    },
  },
  serverLog: 'code-server-bench-projects.log',
});

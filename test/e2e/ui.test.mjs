#!/usr/bin/env node
// UI end-to-end test of Concurrency Lens through the real VS Code workbench (code-server 4.139.1 +
// Debian Chromium + playwright-core; see docs/e2e.md and scripts/e2e/README.md).
//
//   node test/e2e/ui.test.mjs [--extension DIR] [--workspace DIR] [--artifacts DIR] [--vsix FILE]
//        [--timeout SECONDS] [--headed]
//
// Copies the fixture workspace to a temp folder (the repo's fixtures are never touched), starts a
// code-server with the extension (installed from --vsix, else loaded with extensionDevelopmentPath
// from --extension), then, through the UI only:
//   1. opens cpu_threads.py from the Explorer and waits for the CL101 squiggle  -> python-squiggle.png
//   2. opens Problems (Ctrl+Shift+M) and finds the CL101 row                      -> problems.png
//   3. Ctrl+G to the diagnostic, light bulb -> quick-fix menu, applies the preferred fix; the text
//      now has ProcessPoolExecutor() and the CL101 row is gone                    -> quick-fix-applied.png
//   4. opens blocking_server.ts and waits for the CL105 squiggle on the
//      fs.readFileSync line and its Problems row                                  -> typescript-squiggle.png
// A failing step saves failure-<step>.png. Exit code 0/1; the last line is "N passed, N failed".
import { cpSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startUiSession, openFileFromExplorer, openProblems, screenshot } from '../../scripts/e2e/ui.mjs';
import {
  activeEditor, editorText, problemRowTexts, waitUntil as waitUntilWithin, waitForProblemRow as waitForProblemRowWithin,
  waitForSquiggleOnLine as waitForSquiggleOnLineWithin, goToLine as goToLineWithin, openQuickFixMenu as openQuickFixMenuWithin,
} from './editor-helpers.mjs';

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
const ARTIFACTS = resolve(args.artifacts);
const EXTENSION = resolve(args.extension);
const t0 = Date.now();
const secs = (from) => `${((Date.now() - from) / 1000).toFixed(1)} s`;
const log = (msg) => process.stdout.write(`[ui ${secs(t0).padStart(7)}] ${msg}\n`);

const PY_FILE = 'cpu_threads.py';
const TS_FILE = 'blocking_server.ts';
const FIX_TITLE = 'Use ProcessPoolExecutor instead of ThreadPoolExecutor';
const CL101 = /CL101|cpu-bound-work-in-threads/i;
const CL105 = /CL105|blocking-io-on-event-loop/i;

// ---------------------------------------------------------------------------------------------
// Helpers: test/e2e/editor-helpers.mjs (with this file's timeout and log)
const waitUntil = (what, probe, timeout = T) => waitUntilWithin(what, probe, timeout);
const waitForProblemRow = (page, re, what) => waitForProblemRowWithin(page, re, what, T);
const waitForSquiggleOnLine = (page, kind, lineText) => waitForSquiggleOnLineWithin(page, kind, lineText, T);
const goToLine = (page, line, col) => goToLineWithin(page, line, col, T);
const openQuickFixMenu = (page) => openQuickFixMenuWithin(page, { timeout: T, log });

// ---------------------------------------------------------------------------------------------
// Steps

const steps = [];
const step = (name, fn) => steps.push({ name, fn });

step('python-squiggle', async ({ page }) => {
  await openFileFromExplorer(page, PY_FILE, { timeout: T });
  const line = await waitForSquiggleOnLine(page, 'warning', 'executor.map(');
  log(`warning squiggle on: ${line}`);
  await screenshot(page, ARTIFACTS, 'python-squiggle');
});

step('problems', async ({ page }) => {
  await openProblems(page, { timeout: T });
  const row = await waitForProblemRow(page, CL101, PY_FILE);
  log(`Problems row: ${row}`);
  await screenshot(page, ARTIFACTS, 'problems');
});

step('quick-fix', async ({ page }) => {
  // Focus the editor of cpu_threads.py (clicking its tab), then put the cursor on `executor.map`.
  await page.locator(`.part.editor .tab[aria-label^="${PY_FILE}"]`).first().click();
  await goToLine(page, 13, 25);
  const { menu, via } = await openQuickFixMenu(page);
  const titles = await menu.locator('.monaco-list-row').evaluateAll((rows) =>
    rows.map((r) => (r.getAttribute('aria-label') || r.textContent || '').trim()).filter(Boolean));
  log(`quick-fix menu (opened with ${via}): ${titles.join(' ; ')}`);
  const fix = menu.locator('.monaco-list-row.action', { hasText: FIX_TITLE }).first();
  await fix.waitFor({ state: 'visible', timeout: T });
  await fix.click();
  await menu.waitFor({ state: 'hidden', timeout: T });
  const text = await waitUntil('ProcessPoolExecutor() in the editor', async () => {
    const t = await editorText(page);
    return /with ProcessPoolExecutor\(\) as executor:/.test(t) ? t : undefined;
  });
  if (!/import ProcessPoolExecutor/.test(text)) throw new Error(`the import was not rewritten:\n${text}`);
  await waitUntil('the CL101 Problems row to disappear', async () =>
    !(await problemRowTexts(page)).some((r) => CL101.test(r)));
  await waitUntil('the warning squiggle to disappear', async () =>
    (await activeEditor(page).locator('.squiggly-warning').count()) === 0);
  await screenshot(page, ARTIFACTS, 'quick-fix-applied');
});

step('typescript-squiggle', async ({ page }) => {
  await openFileFromExplorer(page, TS_FILE, { timeout: T });
  const line = await waitForSquiggleOnLine(page, 'warning', 'fs.readFileSync(');
  log(`warning squiggle on: ${line}`);
  await openProblems(page, { timeout: T });
  const row = await waitForProblemRow(page, CL105, TS_FILE);
  log(`Problems row: ${row}`);
  await screenshot(page, ARTIFACTS, 'typescript-squiggle');
});

// ---------------------------------------------------------------------------------------------

async function main() {
  const source = resolve(args.workspace);
  if (!existsSync(source) || !statSync(source).isDirectory()) throw new Error(`--workspace: not a directory: ${source}`);
  if (args.vsix && !existsSync(args.vsix)) throw new Error(`--vsix: not found: ${args.vsix}`);
  if (!args.vsix && !existsSync(join(EXTENSION, 'dist', 'extension.js'))) {
    throw new Error(`--extension: ${EXTENSION}/dist/extension.js missing: run \`node scripts/build.mjs\``);
  }
  const workspace = mkdtempSync('/tmp/clx-ws-');
  cpSync(source, workspace, { recursive: true });
  log(`workspace copy: ${workspace}; artifacts: ${ARTIFACTS}`);

  let passed = 0;
  let failed = 0;
  let session;
  // Our own run folder (not startUiSession's default) so that an interrupted run can remove it too.
  const runDir = mkdtempSync('/tmp/clx-');
  const cleanupDirs = () => {
    if (process.env.E2E_KEEP === '1') return;
    for (const dir of [workspace, runDir]) {
      try { rmSync(dir, { recursive: true, force: true, maxRetries: 3 }); } catch { /* busy */ }
    }
  };
  // A second signal (Ctrl+C twice, or the group's SIGINT plus run-all's forwarded one) must not
  // hit Node's default action, which would skip all clean-up: the handler stays installed.
  let interrupted = 0;
  const onSignal = (sig) => {
    if (interrupted++) {
      process.exit(130); // the 'exit' hooks below and code-server's kill the run
      return;
    }
    log(`${sig}: stopping code-server and the browser`);
    Promise.resolve(session?.close()).catch(() => {}).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // On process.exit (ours or Playwright's SIGINT handler's): code-server's own 'exit' hook kills its
  // process group; this one does too, then removes the temp folders.
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
      // TypeScript's own diagnostics off: without @types/node the fixture gets red "Cannot find
      // name 'node:fs'" squiggles that would crowd the screenshot of ours.
      settings: { 'editor.lightbulb.enabled': 'on', 'workbench.editor.enablePreview': false,
        'typescript.validate.enable': false, 'javascript.validate.enable': false },
    });
    log(`workbench ready in ${secs(tStart)} (extension from ${args.vsix ? `VSIX ${args.vsix}` : EXTENSION}, ` +
      `code-server ${session.server.url})`);
    const { page } = session;
    page.setDefaultTimeout(T);
    for (const s of steps) {
      if (interrupted) break;
      const ts = Date.now();
      try {
        await s.fn({ page });
        passed++;
        log(`✔ ${s.name} (${secs(ts)})`);
      } catch (e) {
        failed++;
        log(`✖ ${s.name} (${secs(ts)})\n${e.stack || e}`);
        try {
          const p = await screenshot(page, ARTIFACTS, `failure-${s.name}`);
          log(`  screenshot: ${p}`);
        } catch { /* page gone */ }
        // Leave menus / quick inputs of the failed step behind.
        await page.keyboard.press('Escape').catch(() => {});
      }
    }
  } catch (e) {
    failed++;
    log(`✖ session: ${e.stack || e}`);
    if (session) await screenshot(session.page, ARTIFACTS, 'failure-session').catch(() => {});
  } finally {
    if (session) {
      if (failed) {
        try {
          mkdirSync(ARTIFACTS, { recursive: true });
          copyFileSync(session.server.logFile, join(ARTIFACTS, 'code-server.log'));
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
  console.error(`[ui] error: ${e.message}`);
  result = { passed: 0, failed: 1 };
}
console.log(`${result.passed} passed, ${result.failed} failed`);
process.exitCode = result.failed ? 1 : 0;

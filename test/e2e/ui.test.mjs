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
import { openFileFromExplorer, openProblems, screenshot } from '../../scripts/e2e/ui.mjs';
import {
  activeEditor, editorText, problemRowTexts, waitUntil as waitUntilWithin, waitForProblemRow as waitForProblemRowWithin,
  waitForSquiggleOnLine as waitForSquiggleOnLineWithin, goToLine as goToLineWithin, openQuickFixMenu as openQuickFixMenuWithin,
} from './editor-helpers.mjs';
import { runUiSteps, uiTest } from './support/ui-steps.mjs';

const test = uiTest('ui', { workspace: true, vsix: true });
const { T, ARTIFACTS, log, step } = test;

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

await runUiSteps(test, {
  session: {
    // TypeScript's own diagnostics off: without @types/node the fixture gets red "Cannot find
    // name 'node:fs'" squiggles that would crowd the screenshot of ours.
    settings: { 'editor.lightbulb.enabled': 'on', 'workbench.editor.enablePreview': false,
      'typescript.validate.enable': false, 'javascript.validate.enable': false },
  },
});

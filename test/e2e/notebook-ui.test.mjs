#!/usr/bin/env node
// UI end-to-end test of Concurrency Lens in a Jupyter notebook, through the real VS Code workbench
// (code-server 4.139.1's built-in .ipynb editor, Debian Chromium, playwright-core; docs/e2e.md).
//
//   node test/e2e/notebook-ui.test.mjs [--extension DIR] [--workspace DIR] [--artifacts DIR]
//        [--timeout SECONDS] [--headed]
//
// On a temp copy of the fixture workspace, through the UI only:
//   1. opens notebooks/squares.ipynb from the Explorer; squiggles show in its cells (CL206 on the
//      pool.map line, CL201 on the pool's: test/e2e/suite/notebook.ts checks where) -> notebook-squiggle.png
//   2. the Problems panel lists CL206 for the notebook                        -> notebook-problems.png
//   3. clicking the Problems row puts the cursor in the cell; Ctrl+. lists the CL206 fix; applying it
//      removes the squiggles and squares_tasks.py appears in the Explorer     -> notebook-fixed.png
// A failing step saves failure-<step>.png. Exit code 0/1; the last line is "N passed, N failed".
import { explorerRow, openProblems, screenshot } from '../../scripts/e2e/ui.mjs';
import { problemRowTexts, waitUntil as waitUntilWithin } from './editor-helpers.mjs';
import { runUiSteps, uiTest } from './support/ui-steps.mjs';

const test = uiTest('nb-ui', { workspace: true, timeoutSeconds: 90 });
const { T, ARTIFACTS, log, step } = test;
// CL206's message (CL201's in a notebook names CL206 too, so not the code).
const CL206 = /is defined in the notebook, which runs as/;

// editor-helpers' waitUntil, with this file's timeout.
const waitUntil = (what, probe, timeout = T) => waitUntilWithin(what, probe, timeout);

/**
 * Squiggles drawn in the notebook's cell editors (the in-host suite checks their cell and line).
 * The cells are Monaco editors in the notebook's overlay, which VS Code attaches outside the
 * editor part: no '.part.editor' prefix.
 */
async function squiggles(page) {
  return page.locator('.notebook-editor .monaco-editor .squiggly-error, .notebook-editor .monaco-editor .squiggly-warning').count();
}

step('notebook-squiggle', async ({ page }) => {
  // The Explorer, as openFileFromExplorer does; a notebook has cell editors, not one text editor.
  const folder = explorerRow(page, 'notebooks').first();
  await folder.waitFor({ state: 'visible', timeout: T });
  if ((await folder.getAttribute('aria-expanded')) !== 'true') await folder.click();
  await explorerRow(page, 'squares.ipynb').first().click();
  await page.locator('.part.editor .tab[aria-label^="squares.ipynb"]').first().waitFor({ state: 'visible', timeout: T });
  const count = await waitUntil('squiggles in the notebook cells', async () => ((await squiggles(page)) >= 2 ? squiggles(page) : undefined));
  log(`${count} squiggles in the cells`);
  await screenshot(page, ARTIFACTS, 'notebook-squiggle');
});

step('notebook-problems', async ({ page }) => {
  await openProblems(page, { timeout: T });
  const row = await waitUntil('a CL206 Problems row', async () => (await problemRowTexts(page)).find((r) => CL206.test(r)));
  log(`Problems row: ${row.slice(0, 200)}`);
  await screenshot(page, ARTIFACTS, 'notebook-problems');
});

step('notebook-fix', async ({ page }) => {
  // The Problems row reveals the diagnostic: the cursor lands in the cell, on the task site.
  const row = page.locator('.markers-panel .monaco-list-row').filter({ hasText: CL206 }).first();
  // Low in the row, clear of the panel's resize sash along its top edge.
  const box = await row.boundingBox();
  await row.click({ position: { x: 120, y: Math.max(2, Math.round((box?.height ?? 22) - 5)) } });
  await page.keyboard.press('Enter');
  await new Promise((r) => setTimeout(r, 500));
  await page.keyboard.press('Control+.');
  const menu = page.locator('.action-widget').filter({ has: page.locator('.monaco-list-row') }).first();
  await menu.waitFor({ state: 'visible', timeout: T });
  const titles = await menu.locator('.monaco-list-row').evaluateAll((rows) =>
    rows.map((r) => (r.getAttribute('aria-label') || r.textContent || '').trim()).filter(Boolean));
  log(`quick-fix menu: ${titles.join(' ; ')}`);
  const fix = menu.locator('.monaco-list-row.action', { hasText: /Move `square` into squares_tasks\.py/ }).first();
  await fix.waitFor({ state: 'visible', timeout: T });
  // The preferred fix is the menu's first action, focused when it opens: Enter applies it (a click
  // on the row is intercepted by the layout's sashes in this headless window).
  const first = (await menu.locator('.monaco-list-row.action').first().textContent()) ?? '';
  if (!/Move `square`/.test(first)) throw new Error(`the first action is not the CL206 fix: ${first}`);
  await page.keyboard.press('Enter');
  await menu.waitFor({ state: 'hidden', timeout: T });
  await waitUntil('the squiggles to go', async () => (await squiggles(page)) === 0);
  await waitUntil('the CL206 Problems row to go', async () => !(await problemRowTexts(page)).some((r) => CL206.test(r)));
  await explorerRow(page, 'squares_tasks.py').first().waitFor({ state: 'visible', timeout: T });
  log('squares_tasks.py is in the Explorer; no CL206 left');
  await screenshot(page, ARTIFACTS, 'notebook-fixed');
});

await runUiSteps(test, {
  workspacePrefix: '/tmp/clx-nbui-',
  session: { timeout: T },
  // Each step goes on from the one before.
  stopAfterFailureOf: () => true,
});

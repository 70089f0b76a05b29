#!/usr/bin/env node
// UI end-to-end test of Concurrency Lens in a Jupyter notebook, through the real VS Code workbench
// (code-server 4.139.1's built-in .ipynb editor, Debian Chromium, playwright-core; docs/e2e.md).
//
//   node test/e2e/notebook-ui.test.mjs [--extension DIR] [--workspace DIR] [--artifacts DIR]
//        [--timeout SECONDS]
//
// On a temp copy of the fixture workspace, through the UI only:
//   1. opens notebooks/squares.ipynb from the Explorer; squiggles show in its cells (CL206 on the
//      pool.map line, CL201 on the pool's: test/e2e/suite/notebook.ts checks where) -> notebook-squiggle.png
//   2. the Problems panel lists CL206 for the notebook                        -> notebook-problems.png
//   3. clicking the Problems row puts the cursor in the cell; Ctrl+. lists the CL206 fix; applying it
//      removes the squiggles and squares_tasks.py appears in the Explorer     -> notebook-fixed.png
// A failing step saves failure-<step>.png. Exit code 0/1; the last line is "N passed, N failed".
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { explorerRow, startUiSession, openProblems, screenshot } from '../../scripts/e2e/ui.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const { values: args } = parseArgs({
  options: {
    extension: { type: 'string', default: '.' },
    workspace: { type: 'string', default: join(REPO, 'test', 'e2e', 'workspace') },
    artifacts: { type: 'string', default: join(REPO, 'test-results', 'e2e') },
    timeout: { type: 'string', default: '90' },
  },
});

const T = Number(args.timeout) * 1000 || 90_000;
const ARTIFACTS = resolve(args.artifacts);
const t0 = Date.now();
const secs = (from) => `${((Date.now() - from) / 1000).toFixed(1)} s`;
const log = (msg) => process.stdout.write(`[nb-ui ${secs(t0).padStart(7)}] ${msg}\n`);
// CL206's message (CL201's in a notebook names CL206 too, so not the code).
const CL206 = /is defined in the notebook, which runs as/;

async function waitUntil(what, probe, timeout = T) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try { last = await probe(); } catch (e) { last = e; }
    if (last && !(last instanceof Error)) return last;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}` + (last instanceof Error ? ` (${last.message})` : ''));
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}


/**
 * Squiggles drawn in the notebook's cell editors (the in-host suite checks their cell and line).
 * The cells are Monaco editors in the notebook's overlay, which VS Code attaches outside the
 * editor part: no '.part.editor' prefix.
 */
async function squiggles(page) {
  return page.locator('.notebook-editor .monaco-editor .squiggly-error, .notebook-editor .monaco-editor .squiggly-warning').count();
}

async function problemRowTexts(page) {
  return page.locator('.markers-panel .monaco-list-row').evaluateAll((rows) =>
    rows.map((r) => `${r.getAttribute('aria-label') || ''} | ${(r.textContent || '').replace(/\s+/g, ' ')}`));
}

const steps = [];
const step = (name, fn) => steps.push({ name, fn });

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

async function main() {
  mkdirSync(ARTIFACTS, { recursive: true });
  const workspace = mkdtempSync('/tmp/clx-nbui-');
  cpSync(resolve(args.workspace), workspace, { recursive: true });
  let session;
  let passed = 0;
  let failed = 0;
  try {
    session = await startUiSession({ workspace, extensionDevelopmentPath: resolve(args.extension), timeout: T });
    log(`workbench ready (${secs(t0)})`);
    for (const s of steps) {
      const t = Date.now();
      try {
        await s.fn(session);
        passed++;
        log(`✔ ${s.name} (${secs(t)})`);
      } catch (e) {
        failed++;
        log(`✖ ${s.name}: ${e.message}`);
        await screenshot(session.page, ARTIFACTS, `failure-${s.name}`).catch(() => {});
        break; // later steps depend on this one
      }
    }
  } catch (e) {
    failed++;
    log(`✖ setup: ${e.message}`);
  } finally {
    if (session) await session.close().catch(() => {});
    rmSync(workspace, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();

#!/usr/bin/env node
// UI end-to-end test of the editor conveniences (issue 15) through the real VS Code workbench
// (code-server + Chromium + playwright-core; docs/e2e.md):
//   1. tiny_tasks.py: the light bulb on CL103 lists "Fix all Concurrency Lens problems" and
//      "Show documentation for CL103"; Fix all adds the chunksize       -> lightbulb-fix-all.png
//   2. undo, then the command "Concurrency Lens: Fix all auto-fixable problems" adds it again
//                                                                        -> fix-all-command.png
//   3. an unused suppression comment gets its CL900 (squiggle and Problems row); the fix-all
//      command removes it                                                -> unused-suppression.png
//   4. cpu_threads.py: "Show documentation for CL101" from the light bulb opens the rule's page
//      rendered (the Markdown preview, a webview), not the .md file      -> docs-from-lightbulb.png
//   5. the code link "CL101" in the hover opens the same rendered page   -> docs-from-code-link.png
//   6. the language-status item shows the open files' findings, then the workspace's after
//      "Concurrency Lens: Analyze Workspace"                             -> language-status.png
//   7. the output channel logged the version, the configuration, the interpreters and the start
//   8. "Concurrency Lens: Get Started" opens the walkthrough (walkthrough.png); its first button
//      opens the example copy, which gets its CL101, and checks the step -> walkthrough-example.png
// EUI_ONLY=step,step runs only those steps (while working on one).
//
//   node test/e2e/editor-ui.test.mjs [--extension DIR] [--workspace DIR] [--artifacts DIR] [--vsix FILE]
//        [--timeout SECONDS] [--headed]
// A failing step saves failure-editor-<step>.png. Exit code 0/1; the last line is "N passed, N failed".
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openFileFromExplorer, openProblems, screenshot, webviewFrame } from '../../scripts/e2e/ui.mjs';
import { outputChannelText } from '../../scripts/e2e/code-server.mjs';
import { activeEditor, editorText, goToLine, openQuickFixMenu, problemRowTexts, waitForProblemRow, waitForSquiggleOnLine, waitUntil } from './editor-helpers.mjs';
import { runCommandExact } from './benchmark-ui-helpers.mjs';
import { runUiSteps, uiTest } from './support/ui-steps.mjs';

const test = uiTest('editor-ui', { workspace: true, vsix: true });
const { T, ARTIFACTS, log, step } = test;

const CHUNKSIZE = /pool\.map\(square, range\(100_000\), chunksize=/;

/** The quick-fix menu's entries, by their labels. */
async function menuTitles(menu) {
  return menu.locator('.monaco-list-row').evaluateAll((rows) =>
    rows.map((r) => (r.getAttribute('aria-label') || r.textContent || '').trim()).filter(Boolean));
}

async function chooseFromMenu(page, title) {
  const { menu, via } = await openQuickFixMenu(page, { timeout: T, log });
  const titles = await menuTitles(menu);
  log(`quick-fix menu (opened with ${via}): ${titles.join(' ; ')}`);
  const row = menu.locator('.monaco-list-row.action', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: T });
  await row.click();
  await menu.waitFor({ state: 'hidden', timeout: T });
  return titles;
}

/** The tab labels of the editor area. */
async function tabLabels(page) {
  return page.locator('.part.editor .tab').evaluateAll((tabs) => tabs.map((t) => t.getAttribute('aria-label') || ''));
}

/** Waits for the Markdown preview of a rule page: its tab, and the rendered heading inside the webview. */
async function waitForRenderedRule(page, code) {
  // "[Preview] CL101.md": the locked preview, which follows no other editor.
  await waitUntil(`a "[Preview] ${code}.md" tab`, async () => (await tabLabels(page)).find((l) => l.includes(`[Preview] ${code}.md`)), T);
  // The preview's content: a rendered <h1>, not the Markdown source (no "# " in sight).
  const heading = webviewFrame(page).locator('h1', { hasText: code }).first();
  await heading.waitFor({ state: 'visible', timeout: T });
  const text = (await heading.textContent()) ?? '';
  if (text.startsWith('#')) throw new Error(`the page is not rendered: ${text}`);
  const raw = (await tabLabels(page)).filter((l) => new RegExp(`^${code}\\.md\\b`).test(l));
  if (raw.length) throw new Error(`the raw Markdown file was opened as well: ${raw.join(', ')}`);
  return text;
}

async function closeAllEditors(page) {
  await runCommandExact(page, 'View: Close All Editors', { timeout: T });
  await waitUntil('no editor tabs', async () => ((await tabLabels(page)).length === 0 ? true : undefined), T);
}

async function focusTab(page, name) {
  await page.locator(`.part.editor .tab[aria-label^="${name}"]`).first().click();
}

/** The fix-all command's lines in the extension's output channel (src/extension/fix-all.ts: one a run). */
function fixAllLines(server) {
  return outputChannelText(server, 'Concurrency Lens').split('\n').filter((l) => l.startsWith('fix all'));
}

/**
 * Runs "Concurrency Lens: Fix all auto-fixable problems" from the palette and waits for the
 * command's line in its output channel: the rounds and what each code-action request answered.
 * A fix-all that changes nothing then fails here, saying which part did not happen (the command
 * not run, no fix-all action in the answer, the edit refused), not after a silent 30 s wait.
 */
async function runFixAllCommand(page, server) {
  const before = fixAllLines(server).length;
  await runCommandExact(page, 'Concurrency Lens: Fix all auto-fixable problems', { timeout: T });
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: T }).catch((e) => {
    throw new Error(`the palette stayed open after the click on the command's row: ${e.message.split('\n')[0]}`);
  });
  const line = await waitUntil('the fix-all command\'s line in the Concurrency Lens output', () => fixAllLines(server)[before], T)
    .catch((e) => { throw new Error(`${e.message}: the command logged nothing (did it run?)`); });
  log(line);
  if (/^fix all [^:]+: 0 rounds/.test(line)) throw new Error(`the fix-all command applied no edit: ${line}`);
  return line;
}

step('lightbulb-fix-all', async ({ page }) => {
  await openFileFromExplorer(page, 'tiny_tasks.py', { timeout: T });
  await waitForSquiggleOnLine(page, 'warning', 'pool.map(', T);
  await goToLine(page, 11, 20, T);
  const titles = await chooseFromMenu(page, 'Fix all Concurrency Lens problems');
  if (!titles.some((t) => t.includes('Show documentation for CL103'))) throw new Error(`no "Show documentation for CL103": ${titles.join(' ; ')}`);
  await waitUntil('the chunksize in the editor', async () => (CHUNKSIZE.test(await editorText(page)) ? true : undefined), T);
  await waitUntil('the squiggle to go', async () => ((await activeEditor(page).locator('.squiggly-warning').count()) === 0 ? true : undefined), T);
  await screenshot(page, ARTIFACTS, 'lightbulb-fix-all');
});

step('fix-all-command', async ({ page, session }) => {
  await focusTab(page, 'tiny_tasks.py');
  await activeEditor(page).locator('.view-lines').first().click();
  await page.keyboard.press('Control+Z');
  await waitUntil('the undo', async () => (!CHUNKSIZE.test(await editorText(page)) ? true : undefined), T);
  await waitForSquiggleOnLine(page, 'warning', 'pool.map(', T);
  const line = await runFixAllCommand(page, session.server);
  await waitUntil(`the chunksize again (the command logged: ${line})`, async () => (CHUNKSIZE.test(await editorText(page)) ? true : undefined), T);
  await waitUntil('the squiggle to go', async () => ((await activeEditor(page).locator('.squiggly-warning').count()) === 0 ? true : undefined), T);
  await screenshot(page, ARTIFACTS, 'fix-all-command');
});

// CL900 (editor-engine's rule): a suppression comment that suppresses nothing, reported and
// removed by the fix-all command (its fix is safe).
const UNUSED = 'unused_suppression.py';
step('unused-suppression', async ({ page, workspace, session }) => {
  writeFileSync(join(workspace, UNUSED), 'import os\n\n\ndef size():\n    return os.cpu_count()  # clens: ignore[CL101]\n');
  await openFileFromExplorer(page, UNUSED, { timeout: T });
  await waitForSquiggleOnLine(page, 'warning', 'clens: ignore[CL101]', T);
  await openProblems(page, { timeout: T });
  const row = await waitForProblemRow(page, /CL900/, UNUSED, T);
  log(`Problems row: ${row}`);
  await screenshot(page, ARTIFACTS, 'unused-suppression');
  await focusTab(page, UNUSED);
  await runFixAllCommand(page, session.server);
  await waitUntil('the comment removed', async () => (!/clens: ignore/.test(await editorText(page)) && /return os\.cpu_count\(\)/.test(await editorText(page)) ? true : undefined), T);
  await waitUntil('the CL900 row to go', async () => (!(await problemRowTexts(page)).some((r) => /CL900/.test(r)) ? true : undefined), T);
});

step('docs-from-lightbulb', async ({ page }) => {
  await openFileFromExplorer(page, 'cpu_threads.py', { timeout: T });
  await waitForSquiggleOnLine(page, 'warning', 'executor.map(', T);
  await goToLine(page, 13, 25, T);
  await chooseFromMenu(page, 'Show documentation for CL101');
  log(`rendered: ${await waitForRenderedRule(page, 'CL101')}`);
  await screenshot(page, ARTIFACTS, 'docs-from-lightbulb');
});

step('docs-from-code-link', async ({ page }) => {
  await closeAllEditors(page);
  await openFileFromExplorer(page, 'cpu_threads.py', { timeout: T });
  await waitForSquiggleOnLine(page, 'warning', 'executor.map(', T);
  await goToLine(page, 13, 25, T);
  await runCommandExact(page, 'Show or Focus Hover', { timeout: T });
  const link = page.locator('.monaco-hover a.code-link', { hasText: 'CL101' }).first();
  await link.waitFor({ state: 'visible', timeout: T });
  log(`code link: ${await link.getAttribute('href')}`);
  await link.click();
  log(`rendered: ${await waitForRenderedRule(page, 'CL101')}`);
  await screenshot(page, ARTIFACTS, 'docs-from-code-link');
});

/** The language-status hover's text (the `{}` item beside the language mode). */
async function languageStatusText(page) {
  await focusTab(page, 'cpu_threads.py');
  const item = page.locator('#status\\.languageStatus').first();
  await item.waitFor({ state: 'visible', timeout: T });
  await item.click();
  const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: 'Concurrency Lens' }).first();
  await hover.waitFor({ state: 'visible', timeout: T });
  const text = ((await hover.textContent()) ?? '').replace(/\s+/g, ' ');
  await page.keyboard.press('Escape');
  return text;
}

step('language-status', async ({ page }) => {
  const before = await waitUntil('the open files in the language status', async () => {
    const text = await languageStatusText(page);
    return /Concurrency Lens: \d+ findings?/.test(text) && /open file/.test(text) ? text : undefined;
  }, T);
  log(`language status before: ${before}`);
  await runCommandExact(page, 'Concurrency Lens: Analyze Workspace', { timeout: T });
  const after = await waitUntil('the workspace in the language status', async () => {
    const text = await languageStatusText(page);
    return /in the workspace/.test(text) && /\d+ files? analyzed/.test(text) ? text : undefined;
  }, T);
  log(`language status after: ${after}`);
  const files = Number(/(\d+) files? analyzed/.exec(after)[1]);
  if (files < 5) throw new Error(`the workspace has at least 5 analyzable files; the status says ${files}`);
  await languageStatusText(page).catch(() => {});
  await page.locator('#status\\.languageStatus').first().click();
  await screenshot(page, ARTIFACTS, 'language-status');
  await page.keyboard.press('Escape');
});

step('output-log', async ({ page }) => {
  await runCommandExact(page, 'Concurrency Lens: Show Output', { timeout: T });
  const output = page.locator('.part.panel .output-view, .part.panel .monaco-editor').first();
  await output.waitFor({ state: 'visible', timeout: T });
  // The view follows the end of the channel, and only the lines in view are in the page: go to
  // the top, where the start-up lines are.
  await page.locator('.part.panel .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+Home');
  const wanted = [/Concurrency Lens \d+\.\d+\.\d+/, /starting the server/, /server started in \d+ ms/, /configuration for .*: none/, /Python for benchmarks: (Python|none)/];
  const text = await waitUntil('the start-up lines in the output', async () => {
    const t = await page.locator('.part.panel .monaco-editor .view-lines').first().evaluate((el) => (el.textContent || '').replace(/\u00a0/g, ' '));
    return wanted.every((re) => re.test(t)) ? t : undefined;
  }, T);
  log(`output: ${wanted.map((re) => re.exec(text)?.[0]).join(' | ')}`);
});

step('walkthrough', async ({ page }) => {
  await runCommandExact(page, 'Concurrency Lens: Get Started', { timeout: T });
  const title = page.locator('.gettingStartedContainer', { hasText: 'Get Started with Concurrency Lens' }).first();
  await title.waitFor({ state: 'visible', timeout: T });
  for (const stepTitle of ['Open an example', 'Read your first finding', 'Apply your first fix', 'Run your first benchmark']) {
    await page.locator('.gettingStartedContainer .getting-started-step', { hasText: stepTitle }).first().waitFor({ state: 'attached', timeout: T });
  }
  // The step's own button, inside its description (the step itself is a <button> too).
  await screenshot(page, ARTIFACTS, 'walkthrough');
  const firstStep = page.locator('.getting-started-step[data-step-id$="#openExample"]').first();
  if ((await firstStep.getAttribute('aria-checked')) !== 'false') throw new Error('the first step is done before its button was clicked');
  const button = page.locator('.getting-started-step.expanded .step-description-container').getByText('Open the Example', { exact: true }).first();
  await button.waitFor({ state: 'visible', timeout: T });
  await button.click();
  await waitUntil('the example open', async () => (await tabLabels(page)).find((l) => l.startsWith('cpu_in_threads.py')), T);
  await waitForSquiggleOnLine(page, 'warning', 'executor.map(', T);
  await screenshot(page, ARTIFACTS, 'walkthrough-example');
  // Its completion event (onCommand:concurrencyLens.openExample) checked the step: back to the page.
  await runCommandExact(page, 'Concurrency Lens: Get Started', { timeout: T });
  await waitUntil('the first step checked', async () => ((await firstStep.getAttribute('aria-checked')) === 'true' ? true : undefined), T);
});

const only = process.env.EUI_ONLY?.split(',');
await runUiSteps(test, {
  session: {
    settings: { 'editor.lightbulb.enabled': 'on', 'workbench.editor.enablePreview': false,
      'typescript.validate.enable': false, 'javascript.validate.enable': false },
  },
  steps: only ? test.steps.filter((s) => only.includes(s.name)) : test.steps,
  failurePrefix: 'failure-editor-',
  serverLog: 'code-server-editor-ui.log',
});

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
import { cpSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startUiSession, openFileFromExplorer, openProblems, screenshot, webviewFrame } from '../../scripts/e2e/ui.mjs';
import { activeEditor, editorText, goToLine, openQuickFixMenu, problemRowTexts, waitForProblemRow, waitForSquiggleOnLine, waitUntil } from './editor-helpers.mjs';
import { runCommandExact } from './benchmark-ui-helpers.mjs';

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

const T = Number(args.timeout) * 1000 || 30_000;
const ARTIFACTS = resolve(args.artifacts);
const EXTENSION = resolve(args.extension);
const t0 = Date.now();
const secs = (from) => `${((Date.now() - from) / 1000).toFixed(1)} s`;
const log = (msg) => process.stdout.write(`[editor-ui ${secs(t0).padStart(7)}] ${msg}\n`);

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

const steps = [];
const step = (name, fn) => steps.push({ name, fn });

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

step('fix-all-command', async ({ page }) => {
  await focusTab(page, 'tiny_tasks.py');
  await activeEditor(page).locator('.view-lines').first().click();
  await page.keyboard.press('Control+Z');
  await waitUntil('the undo', async () => (!CHUNKSIZE.test(await editorText(page)) ? true : undefined), T);
  await waitForSquiggleOnLine(page, 'warning', 'pool.map(', T);
  await runCommandExact(page, 'Concurrency Lens: Fix all auto-fixable problems', { timeout: T });
  await waitUntil('the chunksize again', async () => (CHUNKSIZE.test(await editorText(page)) ? true : undefined), T);
  await waitUntil('the squiggle to go', async () => ((await activeEditor(page).locator('.squiggly-warning').count()) === 0 ? true : undefined), T);
  await screenshot(page, ARTIFACTS, 'fix-all-command');
});

// CL900 (editor-engine's rule): a suppression comment that suppresses nothing, reported and
// removed by the fix-all command (its fix is safe).
const UNUSED = 'unused_suppression.py';
step('unused-suppression', async ({ page, workspace }) => {
  writeFileSync(join(workspace, UNUSED), 'import os\n\n\ndef size():\n    return os.cpu_count()  # clens: ignore[CL101]\n');
  await openFileFromExplorer(page, UNUSED, { timeout: T });
  await waitForSquiggleOnLine(page, 'warning', 'clens: ignore[CL101]', T);
  await openProblems(page, { timeout: T });
  const row = await waitForProblemRow(page, /CL900/, UNUSED, T);
  log(`Problems row: ${row}`);
  await screenshot(page, ARTIFACTS, 'unused-suppression');
  await focusTab(page, UNUSED);
  await runCommandExact(page, 'Concurrency Lens: Fix all auto-fixable problems', { timeout: T });
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
  const runDir = mkdtempSync('/tmp/clx-');
  const cleanupDirs = () => {
    if (process.env.E2E_KEEP === '1') return;
    for (const dir of [workspace, runDir]) {
      try { rmSync(dir, { recursive: true, force: true, maxRetries: 3 }); } catch { /* busy */ }
    }
  };
  // Same signal discipline as ui.test.mjs: the handler stays installed so a second signal cannot skip the clean-up.
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
      settings: { 'editor.lightbulb.enabled': 'on', 'workbench.editor.enablePreview': false,
        'typescript.validate.enable': false, 'javascript.validate.enable': false },
    });
    log(`workbench ready in ${secs(tStart)} (extension from ${args.vsix ? `VSIX ${args.vsix}` : EXTENSION})`);
    const { page } = session;
    page.setDefaultTimeout(T);
    for (const s of (process.env.EUI_ONLY ? steps.filter((x) => process.env.EUI_ONLY.split(',').includes(x.name)) : steps)) {
      if (interrupted) break;
      const ts = Date.now();
      try {
        await s.fn({ page, workspace });
        passed++;
        log(`✔ ${s.name} (${secs(ts)})`);
      } catch (e) {
        failed++;
        log(`✖ ${s.name} (${secs(ts)})\n${e.stack || e}`);
        try {
          log(`  screenshot: ${await screenshot(page, ARTIFACTS, `failure-editor-${s.name}`)}`);
        } catch { /* page gone */ }
        await page.keyboard.press('Escape').catch(() => {});
      }
    }
  } catch (e) {
    failed++;
    log(`✖ session: ${e.stack || e}`);
    if (session) await screenshot(session.page, ARTIFACTS, 'failure-editor-session').catch(() => {});
  } finally {
    if (session) {
      if (failed) {
        try {
          mkdirSync(ARTIFACTS, { recursive: true });
          copyFileSync(session.server.logFile, join(ARTIFACTS, 'code-server-editor-ui.log'));
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
  console.error(`[editor-ui] error: ${e.message}`);
  result = { passed: 0, failed: 1 };
}
console.log(`${result.passed} passed, ${result.failed} failed`);
process.exitCode = result.failed ? 1 : 0;

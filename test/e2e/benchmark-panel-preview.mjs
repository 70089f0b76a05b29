#!/usr/bin/env node
// Looks at the benchmark panel in a real VS Code (code-server) without running a benchmark: a
// test-only extension (test/e2e/preview/extension.ts) opens BenchmarkPanel on a saved
// `bench --json` result, replaying a few progress steps first. Screenshots per theme, then a
// window reload to check that the serializer restores the panel.
//
//   node test/e2e/benchmark-panel-preview.mjs [--result FILE.json] [--artifacts DIR]
//        [--themes dark,light,high-contrast] [--no-reload] [--headed]
//
// Needs `bash scripts/e2e/setup.sh` and `node scripts/build.mjs` (for dist/webview). Exit 0/1;
// the last line is "N passed, N failed".
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startCodeServer } from '../../scripts/e2e/code-server.mjs';
import { launchBrowser, openFolder, runCommand, screenshot, waitForWorkbench, webviewFrame } from '../../scripts/e2e/ui.mjs';
import { maximizeEditor, panelSummary, setColorTheme, waitUntil } from './benchmark-ui-helpers.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values: args } = parseArgs({
  options: {
    result: { type: 'string', default: join(REPO, 'test', 'fixtures', 'webview', 'bench-result-cpu-python.json') },
    artifacts: { type: 'string', default: join(REPO, 'test-results', 'e2e', 'preview') },
    themes: { type: 'string', default: 'dark,light,high-contrast' },
    'no-reload': { type: 'boolean', default: false },
    headed: { type: 'boolean', default: false },
  },
});
const T = 30_000;
const ARTIFACTS = resolve(args.artifacts);
const t0 = Date.now();
const log = (msg) => process.stdout.write(`[preview ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${msg}\n`);

/** Bundles the preview extension with the panel and its webview assets into `dir`. */
async function buildPreviewExtension(dir) {
  const esbuild = await import('esbuild');
  await esbuild.build({
    absWorkingDir: REPO,
    entryPoints: [join(REPO, 'test', 'e2e', 'preview', 'extension.ts')],
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'],
    outfile: join(dir, 'dist', 'extension.js'), logLevel: 'warning',
  });
  esbuild.stop?.();
  cpSync(join(REPO, 'dist', 'webview'), join(dir, 'dist', 'webview'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'concurrency-lens-panel-preview', publisher: 'concurrency-lens-dev', version: '0.0.1',
    engines: { vscode: '^1.100.0' }, main: './dist/extension.js',
    activationEvents: ['onCommand:concurrencyLensPreview.show', 'onWebviewPanel:concurrencyLens.benchmark'],
    contributes: { commands: [{ command: 'concurrencyLensPreview.show', title: 'Preview Benchmark Panel', category: 'Concurrency Lens Dev' }] },
  }, null, 2));
}

async function main() {
  const runDir = mkdtempSync('/tmp/clx-');
  const extDir = join(runDir, 'preview-ext');
  const workspace = join(runDir, 'ws');
  mkdirSync(workspace, { recursive: true });
  cpSync(join(REPO, 'test', 'e2e', 'workspace'), workspace, { recursive: true });
  await buildPreviewExtension(extDir);
  let passed = 0;
  let failed = 0;
  const server = await startCodeServer({ runDir, smokeTestDriver: true, env: { CLX_PREVIEW_RESULT: resolve(args.result) },
    settings: { 'workbench.colorTheme': 'Dark Modern' } });
  const browser = await launchBrowser(server, { headless: !args.headed });
  const { page } = browser;
  const check = async (name, fn) => {
    try {
      await fn();
      passed++;
      log(`✔ ${name}`);
    } catch (e) {
      failed++;
      log(`✖ ${name}\n${e.stack || e}`);
      await screenshot(page, ARTIFACTS, `failure-${name}`).catch(() => {});
    }
  };
  try {
    await openFolder(page, server.url, workspace, { extensionDevelopmentPath: extDir, timeout: 60_000 });
    await check('open', async () => {
      await runCommand(page, 'Concurrency Lens Dev: Preview Benchmark Panel', { timeout: T });
      const frame = webviewFrame(page);
      // The replay shows progress for a few seconds before the result.
      if (await frame.locator('#progress:not([hidden])').waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false)) {
        await screenshot(page, ARTIFACTS, 'preview-running');
      } else log('progress not seen (the page loaded after the replay)');
      await frame.locator('#verdict').waitFor({ state: 'visible', timeout: T });
      await frame.locator('#progress').waitFor({ state: 'hidden', timeout: T });
      log(JSON.stringify(await panelSummary(page)));
    });
    await maximizeEditor(page).catch((e) => log(`maximize: ${e.message}`));
    for (const theme of args.themes.split(',').filter(Boolean)) {
      await check(`theme ${theme}`, async () => {
        await setColorTheme(page, theme, { timeout: T });
        await screenshot(page, ARTIFACTS, `preview-${theme}`);
        await page.locator('iframe.webview.ready').first().screenshot({ path: join(ARTIFACTS, `preview-${theme}-panel.png`) });
      });
    }
    await check('lower sections', async () => {
      // The sections below the fold: cost breakdown, table, facts (theme of the last pass).
      const frame = webviewFrame(page);
      for (const [id, name] of [['cost-h', 'preview-costs'], ['table-h', 'preview-table'], ['facts-h', 'preview-facts']]) {
        await frame.locator(`#${id}`).evaluate((el) => el.scrollIntoView({ block: 'start' }));
        await page.waitForTimeout(200);
        await screenshot(page, ARTIFACTS, name);
      }
      await frame.locator('#verdict').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    });
    if (!args['no-reload']) {
      await check('restore after reload', async () => {
        // The workbench saves editor state (and webview state) on a timer and on unload; give it a moment.
        await page.waitForTimeout(1500);
        await page.reload({ waitUntil: 'domcontentloaded' });
        await waitForWorkbench(page, { timeout: 60_000, folder: false });
        const summary = await waitUntil('the restored panel’s verdict', async () => {
          const s = await panelSummary(page);
          return s.verdict && s.paths > 0 ? s : undefined;
        }, T);
        log(`restored: ${JSON.stringify(summary)}`);
        await screenshot(page, ARTIFACTS, 'preview-restored');
      });
    }
  } finally {
    await browser.close();
    await server.stop();
    if (process.env.E2E_KEEP !== '1') rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
  }
  return { passed, failed };
}

let result;
try {
  result = await main();
} catch (e) {
  console.error(`[preview] error: ${e.stack || e}`);
  result = { passed: 0, failed: 1 };
}
console.log(`${result.passed} passed, ${result.failed} failed`);
process.exitCode = result.failed ? 1 : 0;

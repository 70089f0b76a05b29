#!/usr/bin/env node
// Runs an in-extension-host test suite (a CommonJS module exporting `async run()`, the
// @vscode/test-electron contract, with the full `vscode` API) inside code-server's real VS Code.
// See docs/e2e.md "Inside the extension host".
//
//   node scripts/e2e/run-host-suite.mjs --extension DIR --suite FILE.js --workspace DIR
//        [--timeout SECONDS] [--artifacts DIR] [--verbose]
//
// Exit code: the suite's (0 when run() resolves, non-zero when it throws), 124 on timeout,
// 2 on a usage or infrastructure error. code-server and Chromium are always stopped.
import { copyFileSync, existsSync, mkdirSync, writeFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startCodeServer, CHROMIUM_PATH, CHROMIUM_ARGS, workbenchPath } from './code-server.mjs';

// Workbench chatter forwarded with the suite's console output; shown with --verbose.
const NOISE = [/^Resolving connection token/, /^Resolved connection token/, /^Creating a socket/,
  /^\[reconnection-grace-time\]/, /additional builtin extensions/, /^\[Service Worker\]/,
  /^\[AgentHost/, /^\[AccountPolicyGate\]/, /^No search provider registered/,
  /ENOTFOUND open-vsx\.org/, /vsda/];

function ms(t0) { return `${((Date.now() - t0) / 1000).toFixed(1)} s`; }

/**
 * Programmatic form of the CLI. Resolves to the exit code; never throws for a failing suite.
 * @param {{extension: string, suite: string, workspace: string, timeoutSec?: number,
 *   artifacts?: string, verbose?: boolean, log?: (line: string) => void}} o
 */
export async function runHostSuite(o) {
  const log = o.log || (line => process.stdout.write(`${line}\n`));
  const extension = resolve(o.extension);
  const suite = resolve(o.suite);
  const workspace = resolve(o.workspace);
  for (const [what, p, dir] of [['--extension', extension, true], ['--suite', suite, false],
    ['--workspace', workspace, true]]) {
    if (!existsSync(p) || statSync(p).isDirectory() !== dir) {
      throw new Error(`${what}: ${dir ? 'directory' : 'file'} not found: ${p}`);
    }
  }
  if (!existsSync(join(extension, 'package.json'))) throw new Error(`--extension: no package.json in ${extension}`);
  const timeoutMs = (o.timeoutSec ?? 300) * 1000;
  if (o.artifacts) mkdirSync(o.artifacts, { recursive: true });

  const { chromium } = await import('playwright-core');
  const t0 = Date.now();
  let server, context, timer;
  const cleanup = async () => {
    clearTimeout(timer);
    if (context) await context.close().catch(() => {});
    context = undefined;
    if (server) await server.stop().catch(e => log(`[e2e] stopping code-server: ${e.message}`));
    server = undefined;
  };
  const onSignal = (sig) => {
    log(`[e2e] ${sig}: stopping code-server and the browser`);
    cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    server = await startCodeServer({ smokeTestDriver: true });
    log(`[e2e] code-server ready at ${server.url} in ${ms(t0)} (run dir ${server.runDir})`);

    let settle;
    const done = new Promise(r => { settle = r; });
    timer = setTimeout(() => settle({ timeout: true }), timeoutMs);

    context = await chromium.launchPersistentContext(join(server.runDir, 'profile'), {
      executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS],
      env: server.env, viewport: { width: 1280, height: 800 },
      // Our own SIGINT/SIGTERM handler closes the browser and then stops code-server.
      handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
    });
    const page = context.pages()[0] || await context.newPage();
    let finished = false;
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = (Array.isArray(args) ? args : [args])
        .map(a => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
      if (!o.verbose && (finished || NOISE.some(re => re.test(text)))) return;
      log(type === 'error' || type === 'warn' ? `[${type}] ${text}` : text);
    });
    await page.exposeFunction('codeAutomationExit', (code, logs) => {
      if (o.artifacts && Array.isArray(logs)) {
        for (const f of logs) {
          if (!f || typeof f.relativePath !== 'string') continue;
          const out = join(o.artifacts, 'vscode-logs', f.relativePath.replace(/\.\.+/g, '_'));
          mkdirSync(dirname(out), { recursive: true });
          writeFileSync(out, f.contents ?? '');
        }
      }
      finished = true;
      settle({ code: Number(code) || 0 });
    });
    if (o.verbose) {
      page.on('console', m => log(`[browser ${m.type()}] ${m.text()}`));
      page.on('pageerror', e => log(`[browser pageerror] ${e.message}`));
    }
    const path = workbenchPath(workspace, { extensionDevelopmentPath: extension, extensionTestsPath: suite });
    log(`[e2e] running ${suite} (timeout ${timeoutMs / 1000} s)`);
    const tRun = Date.now();
    await page.goto(server.url + path, { waitUntil: 'domcontentloaded' });
    const result = await done;
    if (result.timeout) {
      log(`[e2e] FAIL: the suite did not finish within ${timeoutMs / 1000} s (its run() never ` +
        'settled, or the extension failed to load). ' + (o.artifacts
        ? `Screenshot and code-server log in ${o.artifacts}.`
        : 'Pass --artifacts DIR for a screenshot and logs, or set E2E_KEEP=1 to keep the run dir.'));
      if (o.artifacts) {
        await page.screenshot({ path: join(o.artifacts, 'timeout.png') }).catch(() => {});
      }
      return 124;
    }
    log(`[e2e] suite exited with code ${result.code} after ${ms(tRun)} (total ${ms(t0)})`);
    return result.code;
  } finally {
    if (o.artifacts && server) {
      try { copyFileSync(server.logFile, join(o.artifacts, 'code-server.log')); } catch { /* none */ }
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        extension: { type: 'string' }, suite: { type: 'string' }, workspace: { type: 'string' },
        timeout: { type: 'string' }, artifacts: { type: 'string' }, verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    console.error(e.message);
    return 2;
  }
  if (values.help || !values.extension || !values.suite || !values.workspace) {
    console.error('usage: node scripts/e2e/run-host-suite.mjs --extension DIR --suite FILE.js ' +
      '--workspace DIR [--timeout SECONDS] [--artifacts DIR] [--verbose]');
    return values.help ? 0 : 2;
  }
  const timeoutSec = values.timeout ? Number(values.timeout) : 300;
  if (!(timeoutSec > 0)) { console.error(`--timeout: not a positive number: ${values.timeout}`); return 2; }
  try {
    return await runHostSuite({ ...values, timeoutSec,
      artifacts: values.artifacts && resolve(values.artifacts) });
  } catch (e) {
    console.error(`[e2e] error: ${e.message}`);
    return 2;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || resolve(process.argv[1] || '') === new URL(import.meta.url).pathname) {
  process.exitCode = await main();
}

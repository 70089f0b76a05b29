// What every Playwright UI test in test/e2e shares (ui, editor-ui, benchmark-ui, benchmark-js-ui,
// benchmark-projects-ui, notebook-ui): its command line and log, and the step runner around its
// steps: a fresh workspace and run folder, code-server + Chromium (scripts/e2e/ui.mjs), each step
// in order with its time, a screenshot of a failing step, code-server's log kept when one failed,
// clean-up on exit and on Ctrl+C (a second signal too), and the last line "N passed, N failed"
// with the exit code run-all.mjs reads.
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startUiSession, screenshot } from '../../../scripts/e2e/ui.mjs';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const FIXTURE_WORKSPACE = join(REPO, 'test', 'e2e', 'workspace');

/**
 * The command line of a UI test and what follows from it: `--extension DIR`, `--artifacts DIR`,
 * `--timeout SECONDS` (per wait), `--headed`, and with `workspace`/`vsix` also `--workspace DIR`
 * (the fixture workspace by default) and `--vsix FILE`. `log` prefixes each line with the test's
 * tag and the seconds since it started; `step(name, fn)` adds a step to `steps`.
 */
export function uiTest(tag, { workspace = false, vsix = false, timeoutSeconds = 30 } = {}) {
  const options = {
    extension: { type: 'string', default: '.' },
    artifacts: { type: 'string', default: join(REPO, 'test-results', 'e2e') },
    timeout: { type: 'string', default: String(timeoutSeconds) },
    headed: { type: 'boolean', default: false },
    ...(workspace ? { workspace: { type: 'string', default: FIXTURE_WORKSPACE } } : {}),
    ...(vsix ? { vsix: { type: 'string' } } : {}),
  };
  const { values: args } = parseArgs({ options });
  const t0 = Date.now();
  const secs = (from) => `${((Date.now() - from) / 1000).toFixed(1)} s`;
  const log = (msg) => process.stdout.write(`[${tag} ${secs(t0).padStart(7)}] ${msg}\n`);
  const steps = [];
  return {
    tag, args, t0, secs, log, steps,
    step: (name, fn) => steps.push({ name, fn }),
    /** Per wait, in ms. */
    T: Number(args.timeout) * 1000 || timeoutSeconds * 1000,
    ARTIFACTS: resolve(args.artifacts),
    EXTENSION: resolve(args.extension),
  };
}

/**
 * Runs `test.steps` (or `steps`) in one code-server session and ends the process's report with
 * "N passed, N failed" (exit code 1 when any failed). Each step gets `{page, context, workspace,
 * session}`.
 * @param {ReturnType<typeof uiTest>} test
 * The extension comes from `--vsix` when given, else from `--extension` (extensionDevelopmentPath),
 * whose `built` file must exist; the workspace is a copy of `--workspace` unless `fillWorkspace`.
 * @param {{
 *   built?: string,                        a file of the built extension, relative to it (dist/extension.js)
 *   fillWorkspace?: (dir: string) => void, writes the workspace into a fresh folder
 *   workspacePrefix?: string, runDirPrefix?: string,  mkdtemp prefixes (short: socket paths < 108 chars)
 *   session?: object,                      more startUiSession options (settings, timeout)
 *   steps?: {name: string, fn: Function}[],
 *   failurePrefix?: string,                a failing step's screenshot: <failurePrefix><step>.png
 *   serverLog?: string,                    code-server's log is copied to ARTIFACTS/<serverLog> when a step failed
 *   stopAfterFailureOf?: (step: string) => boolean,  later steps need this one
 *   onSession?: (session: object) => void,
 * }} o
 */
export async function runUiSteps(test, o) {
  const { log, secs, t0, T, ARTIFACTS, args } = test;
  let result;
  try {
    result = await runSession();
  } catch (e) {
    console.error(`[${test.tag}] error: ${e.message}`);
    result = { passed: 0, failed: 1 };
  }
  log(`done in ${secs(t0)}`);
  console.log(`${result.passed} passed, ${result.failed} failed`);
  process.exitCode = result.failed ? 1 : 0;
  return result;

  async function runSession() {
    // Checked before anything starts: a wrong argument fails the test with its message.
    const source = o.fillWorkspace ? null : resolve(args.workspace);
    if (source && (!existsSync(source) || !statSync(source).isDirectory())) throw new Error(`--workspace: not a directory: ${source}`);
    if (args.vsix && !existsSync(args.vsix)) throw new Error(`--vsix: not found: ${args.vsix}`);
    const built = join(test.EXTENSION, o.built ?? join('dist', 'extension.js'));
    if (!args.vsix && !existsSync(built)) throw new Error(`--extension: ${built} missing: run \`node scripts/build.mjs\``);
    const fillWorkspace = o.fillWorkspace ?? ((dir) => cpSync(source, dir, { recursive: true }));
    const extension = args.vsix ? { vsix: resolve(args.vsix) } : { extensionDevelopmentPath: test.EXTENSION };
    const steps = o.steps ?? test.steps;
    const stopAfterFailureOf = o.stopAfterFailureOf ?? (() => false);
    const workspace = mkdtempSync(o.workspacePrefix ?? '/tmp/clx-ws-');
    // Our own run folder (not startUiSession's default) so that an interrupted run removes it too.
    const runDir = mkdtempSync(o.runDirPrefix ?? '/tmp/clx-');
    const cleanupDirs = () => {
      if (process.env.E2E_KEEP === '1') return;
      for (const dir of [workspace, runDir]) {
        try { rmSync(dir, { recursive: true, force: true, maxRetries: 3 }); } catch { /* busy */ }
      }
    };
    let passed = 0;
    let failed = 0;
    let session;
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
    // On process.exit (ours or Playwright's SIGINT handler's): code-server's own 'exit' hook kills
    // its process group; this one does too, then removes the temp folders.
    const onExit = () => {
      if (session) try { process.kill(-session.server.pid, 'SIGKILL'); } catch { /* gone */ }
      cleanupDirs();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('exit', onExit);
    try {
      fillWorkspace(workspace);
      log(`workspace: ${workspace}; artifacts: ${ARTIFACTS}`);
      const tStart = Date.now();
      session = await startUiSession({ workspace, runDir, headless: !args.headed, timeout: 60_000, ...extension, ...o.session });
      const from = extension.vsix ? `VSIX ${extension.vsix}` : extension.extensionDevelopmentPath;
      log(`workbench ready in ${secs(tStart)} (extension from ${from}, code-server ${session.server.url})`);
      const { page, context } = session;
      page.setDefaultTimeout(T);
      o.onSession?.(session);
      for (const s of steps) {
        if (interrupted) break;
        const ts = Date.now();
        try {
          await s.fn({ page, context, workspace, session });
          passed++;
          log(`✔ ${s.name} (${secs(ts)})`);
        } catch (e) {
          failed++;
          log(`✖ ${s.name} (${secs(ts)})\n${e.stack || e}`);
          try {
            log(`  screenshot: ${await screenshot(page, ARTIFACTS, `${o.failurePrefix ?? 'failure-'}${s.name}`)}`);
          } catch { /* page gone */ }
          // Leave menus / quick inputs of the failed step behind.
          await page.keyboard.press('Escape').catch(() => {});
          if (stopAfterFailureOf(s.name)) break;
        }
      }
    } catch (e) {
      failed++;
      log(`✖ session: ${e.stack || e}`);
      if (session) await screenshot(session.page, ARTIFACTS, `${o.failurePrefix ?? 'failure-'}session`).catch(() => {});
    } finally {
      if (session) {
        if (failed) {
          try {
            mkdirSync(ARTIFACTS, { recursive: true });
            copyFileSync(session.server.logFile, join(ARTIFACTS, o.serverLog ?? 'code-server.log'));
          } catch { /* none */ }
        }
        await session.close();
      }
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('exit', onExit);
      cleanupDirs();
    }
    return { passed, failed };
  }
}

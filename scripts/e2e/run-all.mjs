#!/usr/bin/env node
// Single entry for `npm run test:e2e`: installs/checks the e2e toolchain, builds the extension,
// bundles the in-host suite, then runs (one after the other: these machines have 2 cores)
//   0. the fresh-home test          (test/e2e/fresh-home.test.mjs: setup and code-server with an empty HOME)
//   1. the in-extension-host suite  (scripts/e2e/run-host-suite.mjs, test/e2e/suite/index.ts)
//   2. the Playwright UI test       (test/e2e/ui.test.mjs)
//   3. the benchmark panel UI test  (test/e2e/benchmark-ui.test.mjs: CodeLens -> run -> webview, screenshots per theme)
//   4. the JS benchmark UI test     (test/e2e/benchmark-js-ui.test.mjs: CL104 target lens, refusal, conclusive, CPU burners)
//   5. the editor UI test           (test/e2e/editor-ui.test.mjs: lightbulb Fix all and docs, the fix-all command, the rendered
//                                    rule page from the code link, the language status, the start log, the walkthrough)
//   6. the project layouts test     (test/e2e/benchmark-projects-ui.test.mjs: package and src/ layouts in every mode, call-site
//                                    inputs, the function picker, a self-spawning worker refused, Go-to link)
//   7. the notebook in-host suite   (test/e2e/suite/notebook.ts: CL206 in a cell of a Jupyter notebook, its fix)
//   8. the notebook UI test         (test/e2e/notebook-ui.test.mjs: squiggles in cells, Problems, Ctrl+. fix)
// each on a fresh temp copy of test/e2e/workspace, with artifacts under test-results/e2e/.
// Exits non-zero if either fails; the last line is "N passed, N failed" summed over both.
//
//   node scripts/e2e/run-all.mjs [--vsix FILE] [--verbose] [--only fresh-home,host,ui,bench,bench-js,editor-ui,bench-projects,notebook,notebook-ui]
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ARTIFACTS = join(REPO, 'test-results', 'e2e');
const FIXTURE_WS = join(REPO, 'test', 'e2e', 'workspace');
const SUITE_OUT = join(REPO, 'out', 'e2e', 'suite.js');
const NOTEBOOK_SUITE_OUT = join(REPO, 'out', 'e2e', 'notebook-suite.js');

const { values: args } = parseArgs({ options: { vsix: { type: 'string' }, verbose: { type: 'boolean' }, only: { type: 'string' } } });
const STEPS = ['fresh-home', 'host', 'ui', 'bench', 'bench-js', 'editor-ui', 'bench-projects', 'notebook', 'notebook-ui'];
const only = args.only ? args.only.split(',').map((s) => s.trim()) : STEPS;
for (const step of only) {
  if (!STEPS.includes(step)) {
    console.error(`--only: unknown step ${step} (one of ${STEPS.join(', ')})`);
    process.exit(2);
  }
}
const want = (step) => only.includes(step);

const t0 = Date.now();
const secs = (from) => `${((Date.now() - from) / 1000).toFixed(1)} s`;
const log = (msg) => process.stdout.write(`[e2e ${secs(t0).padStart(7)}] ${msg}\n`);

function runSync(what, cmd, argv) {
  const t = Date.now();
  const r = spawnSync(cmd, argv, { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${what} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})`);
  log(`${what}: ok (${secs(t)})`);
}

let current; // the running child, for Ctrl+C
/** Runs a node script, echoing its output; resolves to {code, passed, failed} from its last "N passed, N failed". */
function runNode(script, argv) {
  return new Promise((resolveRun) => {
    // detached: a process group of its own, so a Ctrl+C reaches it once, through our forwarding
    // (run-host-suite.mjs handles only the first SIGINT; a second one would skip its clean-up).
    const child = spawn(process.execPath, [script, ...argv],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    current = child;
    let tally = null;
    let buf = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      buf += chunk;
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const line of lines) {
        const m = /(\d+) passed, (\d+) failed\s*$/.exec(line);
        if (m) tally = { passed: Number(m[1]), failed: Number(m[2]) };
      }
    });
    child.stderr.on('data', (chunk) => process.stderr.write(chunk));
    child.on('close', (code, signal) => {
      current = undefined;
      const m = /(\d+) passed, (\d+) failed\s*$/.exec(buf);
      if (m) tally = { passed: Number(m[1]), failed: Number(m[2]) };
      resolveRun({ code: code ?? (signal ? 128 : 1), ...(tally ?? { passed: 0, failed: 0 }), tallied: !!tally });
    });
  });
}

const tempDirs = new Set();
function freshWorkspace(tag) {
  const dir = mkdtempSync(`/tmp/clx-${tag}-`);
  tempDirs.add(dir);
  cpSync(FIXTURE_WS, dir, { recursive: true });
  return dir;
}
function removeWorkspace(dir) {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}
// Interrupted runs exit through process.exit(130): remove the copies there.
process.on('exit', () => { for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true }); });

// The children stop code-server and Chromium themselves on SIGINT/SIGTERM; we forward it once.
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    log(`${sig}: stopping`);
    if (!current) process.exit(130);
    current.on('close', () => process.exit(130));
    current.kill(sig);
  });
}

async function main() {
  runSync('setup (scripts/e2e/setup.sh)', 'bash', [join(REPO, 'scripts', 'e2e', 'setup.sh')]);
  runSync('build (scripts/build.mjs)', process.execPath, [join(REPO, 'scripts', 'build.mjs')]);

  const tb = Date.now();
  const esbuild = await import('esbuild');
  for (const [entry, outfile] of [['index.ts', SUITE_OUT], ['notebook.ts', NOTEBOOK_SUITE_OUT]]) {
    await esbuild.build({
      absWorkingDir: REPO,
      entryPoints: [join(REPO, 'test', 'e2e', 'suite', entry)],
      bundle: true, platform: 'node', format: 'cjs', external: ['vscode'], outfile,
      logLevel: 'warning',
    });
  }
  esbuild.stop?.(); // no esbuild service process left around for the rest of the run
  log(`bundle in-host suites -> ${SUITE_OUT}, ${NOTEBOOK_SUITE_OUT}: ok (${secs(tb)})`);

  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  const results = [];

  // 0. The toolchain with an empty home folder, as a new machine (and CI) has it.
  if (want('fresh-home')) {
    log('fresh-home test');
    const t = Date.now();
    const r = await runNode(join(REPO, 'test', 'e2e', 'fresh-home.test.mjs'), []);
    if (!r.tallied && r.code !== 0) r.failed = 1;
    results.push({ name: 'fresh-home test', ...r, time: secs(t) });
  }

  // 1. In-extension-host suite.
  if (want('host')) {
    const hostWs = freshWorkspace('host');
    try {
      log(`in-host suite on ${hostWs}`);
      const t = Date.now();
      const r = await runNode(join(REPO, 'scripts', 'e2e', 'run-host-suite.mjs'), ['--extension', REPO,
        '--suite', SUITE_OUT, '--workspace', hostWs, '--artifacts', join(ARTIFACTS, 'host'),
        ...(args.verbose ? ['--verbose'] : [])]);
      // No tally (the suite never ran, e.g. timeout or infrastructure error): count it as one failure.
      if (!r.tallied && r.code !== 0) r.failed = 1;
      if (r.tallied && r.code !== 0 && r.failed === 0) r.failed = 1;
      results.push({ name: 'in-host suite', ...r, time: secs(t) });
    } finally {
      removeWorkspace(hostWs);
    }
  }

  // 2. UI test (makes its own temp copy of the workspace as well; this one is the source).
  if (want('ui')) {
    const uiWs = freshWorkspace('uisrc');
    try {
      log('UI test');
      const t = Date.now();
      const r = await runNode(join(REPO, 'test', 'e2e', 'ui.test.mjs'), ['--extension', REPO,
        '--workspace', uiWs, '--artifacts', ARTIFACTS, ...(args.vsix ? ['--vsix', resolve(args.vsix)] : [])]);
      if (!r.tallied && r.code !== 0) r.failed = 1;
      if (r.tallied && r.code !== 0 && r.failed === 0) r.failed = 1;
      results.push({ name: 'UI test', ...r, time: secs(t) });
    } finally {
      removeWorkspace(uiWs);
    }
  }

  // 3. Benchmark panel UI test (copies the workspace again itself).
  if (want('bench')) {
    const benchWs = freshWorkspace('benchsrc');
    try {
      log('benchmark UI test');
      const t = Date.now();
      const r = await runNode(join(REPO, 'test', 'e2e', 'benchmark-ui.test.mjs'), ['--extension', REPO,
        '--workspace', benchWs, '--artifacts', ARTIFACTS, ...(args.vsix ? ['--vsix', resolve(args.vsix)] : [])]);
      if (!r.tallied && r.code !== 0) r.failed = 1;
      if (r.tallied && r.code !== 0 && r.failed === 0) r.failed = 1;
      results.push({ name: 'benchmark UI test', ...r, time: secs(t) });
    } finally {
      removeWorkspace(benchWs);
    }
  }

  // 4. JS benchmark UI test (makes its own workspace).
  if (want('bench-js')) {
    log('JS benchmark UI test');
    const t = Date.now();
    const r = await runNode(join(REPO, 'test', 'e2e', 'benchmark-js-ui.test.mjs'), ['--extension', REPO, '--artifacts', ARTIFACTS]);
    if (!r.tallied && r.code !== 0) r.failed = 1;
    if (r.tallied && r.code !== 0 && r.failed === 0) r.failed = 1;
    results.push({ name: 'JS benchmark UI test', ...r, time: secs(t) });
  }

  // 5. Editor UI test (copies the workspace again itself).
  if (want('editor-ui')) {
    const editorWs = freshWorkspace('editorsrc');
    try {
      log('editor UI test');
      const t = Date.now();
      const r = await runNode(join(REPO, 'test', 'e2e', 'editor-ui.test.mjs'), ['--extension', REPO,
        '--workspace', editorWs, '--artifacts', ARTIFACTS, ...(args.vsix ? ['--vsix', resolve(args.vsix)] : [])]);
      if (!r.tallied && r.code !== 0) r.failed = 1;
      if (r.tallied && r.code !== 0 && r.failed === 0) r.failed = 1;
      results.push({ name: 'editor UI test', ...r, time: secs(t) });
    } finally {
      removeWorkspace(editorWs);
    }
  }

  // 6. Benchmarks on project layouts (makes its own workspace).
  if (want('bench-projects')) {
    log('project layouts benchmark UI test');
    const t = Date.now();
    const r = await runNode(join(REPO, 'test', 'e2e', 'benchmark-projects-ui.test.mjs'), ['--extension', REPO, '--artifacts', ARTIFACTS]);
    if (!r.tallied && r.code !== 0) r.failed = 1;
    if (r.tallied && r.code !== 0 && r.failed === 0) r.failed = 1;
    results.push({ name: 'project layouts benchmark UI test', ...r, time: secs(t) });
  }

  // 7. Notebook in-host suite, on a fresh copy (its fix writes a module next to the notebook).
  if (want('notebook')) {
    const nbWs = freshWorkspace('nb');
    try {
      log(`notebook suite on ${nbWs}`);
      const t = Date.now();
      const r = await runNode(join(REPO, 'scripts', 'e2e', 'run-host-suite.mjs'), ['--extension', REPO,
        '--suite', NOTEBOOK_SUITE_OUT, '--workspace', nbWs, '--artifacts', join(ARTIFACTS, 'notebook'),
        ...(args.verbose ? ['--verbose'] : [])]);
      if (!r.tallied && r.code !== 0) r.failed = 1;
      if (r.tallied && r.code !== 0 && r.failed === 0) r.failed = 1;
      results.push({ name: 'notebook suite', ...r, time: secs(t) });
    } finally {
      removeWorkspace(nbWs);
    }
  }

  // 8. Notebook UI test (copies the workspace itself).
  if (want('notebook-ui')) {
    log('notebook UI test');
    const t = Date.now();
    const r = await runNode(join(REPO, 'test', 'e2e', 'notebook-ui.test.mjs'), ['--extension', REPO, '--artifacts', ARTIFACTS]);
    if (!r.tallied && r.code !== 0) r.failed = 1;
    if (r.tallied && r.code !== 0 && r.failed === 0) r.failed = 1;
    results.push({ name: 'notebook UI test', ...r, time: secs(t) });
  }

  for (const r of results) {
    log(`${r.code === 0 ? '✔' : '✖'} ${r.name}: ${r.passed} passed, ${r.failed} failed (exit ${r.code}, ${r.time})`);
  }
  log(`artifacts: ${ARTIFACTS}; total ${secs(t0)}`);
  return results;
}

let passed = 0;
let failed = 0;
let ok = false;
try {
  const results = await main();
  for (const r of results) { passed += r.passed; failed += r.failed; }
  ok = results.every((r) => r.code === 0);
} catch (e) {
  console.error(`[e2e] error: ${e.message}`);
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = ok && failed === 0 ? 0 : 1;

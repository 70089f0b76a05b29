#!/usr/bin/env node
// The e2e toolchain on a machine whose home folder is empty, as CI's is: the setup script and a
// code-server start must neither need nor leave anything under ~ (the npm cache aside, which this
// test keeps out of the way with its own npm_config_cache).
//
//   node test/e2e/fresh-home.test.mjs
//
// 1. `bash scripts/e2e/setup.sh` with HOME set to a new empty folder and E2E_CACHE at the
//    installed toolchain: exits 0, finds code-server (its first start in that home logs a
//    "Wrote default config file" line before the version), and leaves the home folder empty.
// 2. code-server started (scripts/e2e/code-server.mjs) in a child whose HOME is empty answers
//    /healthz, and the home folder is still empty after it stopped.
// Exit code 0/1; the last line is "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { e2ePaths } from '../../scripts/e2e/code-server.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { cache } = e2ePaths();
const results = [];

function emptyHome() {
  return mkdtempSync('/tmp/clx-home-');
}

/** Everything under `dir`, as relative paths (empty when nothing was written). */
function contents(dir) {
  const out = [];
  const visit = (d, rel) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      out.push(join(rel, e.name));
      if (e.isDirectory()) visit(join(d, e.name), join(rel, e.name));
    }
  };
  visit(dir, '');
  return out;
}

function check(name, fn) {
  const t = Date.now();
  try {
    fn();
    results.push(true);
    console.log(`✔ ${name} (${Date.now() - t} ms)`);
  } catch (error) {
    results.push(false);
    console.log(`✖ ${name}\n  ${String(error.message).split('\n').join('\n  ')}`);
  }
}

function envWithHome(home) {
  const env = { ...process.env, HOME: home, E2E_CACHE: cache, npm_config_cache: join('/tmp', `clx-npm-${process.pid}`) };
  for (const k of ['XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME']) delete env[k];
  return env;
}

check('setup.sh with an empty HOME finds the installed toolchain and writes nothing there', () => {
  const home = emptyHome();
  try {
    const r = spawnSync('bash', [join(REPO, 'scripts', 'e2e', 'setup.sh')], { env: envWithHome(home), encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`setup.sh exited ${r.status ?? r.signal}:\n${r.stdout}${r.stderr}`);
    if (!/code-server 4\.139\.1 present/.test(r.stdout)) throw new Error(`setup.sh did not accept the installed code-server:\n${r.stdout}`);
    if (!/^E2E_CODE_SERVER=/m.test(r.stdout)) throw new Error(`setup.sh printed no E2E_CODE_SERVER line:\n${r.stdout}`);
    const left = contents(home);
    if (left.length) throw new Error(`setup.sh wrote into HOME: ${left.join(', ')}`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

check('code-server started with an empty HOME answers /healthz and writes nothing there', () => {
  const home = emptyHome();
  const script = `
    import { startCodeServer } from ${JSON.stringify(join(REPO, 'scripts', 'e2e', 'code-server.mjs'))};
    const server = await startCodeServer();
    const res = await fetch(server.url + '/healthz');
    await server.stop();
    console.log('healthz ' + res.status);
  `;
  try {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: envWithHome(home), encoding: 'utf8', timeout: 90_000 });
    if (r.status !== 0 || !/healthz 200/.test(r.stdout)) throw new Error(`exit ${r.status ?? r.signal}:\n${r.stdout}${r.stderr}`);
    const left = contents(home);
    if (left.length) throw new Error(`code-server wrote into HOME: ${left.join(', ')}`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

const passed = results.filter(Boolean).length;
console.log(`${passed} passed, ${results.length - passed} failed`);
process.exitCode = passed === results.length ? 0 : 1;

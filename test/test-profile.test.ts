import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureBuilt } from './support/build';

// The test-file profile and per-file-ignores (README.md, "Test files"), through the built CLI as a
// user meets them: the same code reports in src/ and is quieter in tests/, the profile can be
// tuned or switched off, and per-file-ignores apply whatever --select says.

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

const PYTHON = `import threading
from concurrent.futures import ProcessPoolExecutor

lock = threading.Lock()
state = []


def work(x):
    return x * 2


def guarded(x):
    lock.acquire()
    state.append(work(x))
    lock.release()


def run(items):
    with ProcessPoolExecutor(max_workers=16) as ex:
        return list(ex.map(work, items))
`;

const JS = `const fs = require('node:fs');
const http = require('node:http');

http.createServer((req, res) => {
  res.end(fs.readFileSync('./index.html'));
}).listen(8080);
`;

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clens-profile-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** `path: CODE severity` per finding, sorted. */
function check(dir: string, args: string[] = []): string[] {
  const r = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', '--exit-zero', ...args, '.'], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const findings = (JSON.parse(r.stdout) as { findings: { path: string; rule: string; severity: string }[] }).findings;
  return findings.map((f) => `${f.path.split(path.sep).join('/')}: ${f.rule} ${f.severity}`).sort();
}

test('the same code reports in src/ and follows the test-file profile in tests/, test_*.py and __tests__/', () => {
  ensureBuilt('dist/cli.js');
  const dir = project({ 'src/app.py': PYTHON, 'tests/helpers.py': PYTHON, 'test_app.py': PYTHON, 'src/server.js': JS, '__tests__/server.test.js': JS });
  try {
    const found = check(dir);
    assert.deepEqual(found.filter((f) => f.startsWith('src/')), [
      'src/app.py: CL103 warning', 'src/app.py: CL301 warning', 'src/app.py: CL402 warning', 'src/server.js: CL105 warning',
    ]);
    // CL402 (locks held on purpose), CL301 (fixed pool sizes) and CL103/CL105 (performance) are off in tests.
    assert.deepEqual(found.filter((f) => !f.startsWith('src/')), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('test-severity brings a rule back in test files; test-files = [] switches the profile off', () => {
  ensureBuilt('dist/cli.js');
  const tuned = project({ 'tests/test_app.py': PYTHON, 'pyproject.toml': '[tool.concurrency-lens]\ntest-severity = { CL402 = "info" }\n' });
  const off = project({ 'tests/app.py': PYTHON, 'concurrency-lens.json': '{ "test-files": [] }\n' });
  const custom = project({ 'checks/app.py': PYTHON, 'tests/app.py': PYTHON, 'concurrency-lens.json': '{ "test-files": ["checks"] }\n' });
  try {
    assert.deepEqual(check(tuned), ['tests/test_app.py: CL402 info']);
    assert.deepEqual(check(off), ['tests/app.py: CL103 warning', 'tests/app.py: CL301 warning', 'tests/app.py: CL402 warning']);
    // Its own patterns replace the defaults: checks/ is a test folder, tests/ no longer is.
    assert.deepEqual(check(custom), ['tests/app.py: CL103 warning', 'tests/app.py: CL301 warning', 'tests/app.py: CL402 warning']);
  } finally {
    for (const dir of [tuned, off, custom]) fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('per-file-ignores silence rules in the files they match, even under --select', () => {
  ensureBuilt('dist/cli.js');
  const dir = project({
    'src/app.py': PYTHON,
    'scripts/batch.py': PYTHON,
    'web/server.js': JS,
    'pyproject.toml': '[tool.concurrency-lens]\n[tool.concurrency-lens.per-file-ignores]\n"scripts/**" = ["CL301", "CL103"]\n"server.js" = ["blocking-io-on-event-loop"]\n',
  });
  try {
    assert.deepEqual(check(dir).filter((f) => !f.startsWith('src/')), ['scripts/batch.py: CL402 warning']);
    assert.deepEqual(check(dir, ['--select', 'CL301,CL105']), ['src/app.py: CL301 warning']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('bad per-file-ignores and test-severity values stop the run with a clear message', () => {
  ensureBuilt('dist/cli.js');
  const dir = project({ 'a.py': PYTHON, 'concurrency-lens.json': '{ "per-file-ignores": { "scripts/**": ["CL999"] } }\n' });
  try {
    const r = spawnSync(process.execPath, [CLI, 'check', '.'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /per-file-ignores.*scripts\/\*\*.*CL999/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('checked from another folder, a test file is still known by its name', () => {
  ensureBuilt('dist/cli.js');
  const dir = project({ 'pkg/test_app.py': PYTHON, 'pkg/app.py': PYTHON });
  const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'clens-cwd-'));
  try {
    const r = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', '--exit-zero', dir], { cwd: elsewhere, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const files = (JSON.parse(r.stdout) as { findings: { path: string; rule: string }[] }).findings.map((f) => `${path.basename(f.path)}: ${f.rule}`);
    assert.deepEqual(files.sort(), ['app.py: CL103', 'app.py: CL301', 'app.py: CL402']);
  } finally {
    for (const d of [dir, elsewhere]) fs.rmSync(d, { recursive: true, force: true });
  }
});

test('checked from another folder or from inside the tree, a tests/ folder of the named tree is test code', () => {
  ensureBuilt('dist/cli.js');
  const dir = project({ 'pkg/tests/helpers.py': PYTHON, 'pkg/app.py': PYTHON });
  const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'clens-cwd-'));
  const names = (cwd: string, target: string): string[] => {
    const r = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', '--exit-zero', target], { cwd, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return (JSON.parse(r.stdout) as { findings: { path: string; rule: string }[] }).findings.map((f) => `${path.basename(f.path)}: ${f.rule}`).sort();
  };
  try {
    // Without a configuration file the defaults were rooted at the working directory only, so a
    // tree named from outside it (or a parent of tests/ named from a sibling) lost its test folders.
    assert.deepEqual(names(elsewhere, path.join(dir, 'pkg')), ['app.py: CL103', 'app.py: CL301', 'app.py: CL402']);
    assert.deepEqual(names(elsewhere, dir), ['app.py: CL103', 'app.py: CL301', 'app.py: CL402']);
    // Named alone, a file outside the working directory is known by its name only (no folder above it is read).
    assert.deepEqual(names(elsewhere, path.join(dir, 'pkg', 'tests', 'helpers.py')), ['helpers.py: CL103', 'helpers.py: CL301', 'helpers.py: CL402']);
  } finally {
    for (const d of [dir, elsewhere]) fs.rmSync(d, { recursive: true, force: true });
  }
});

test('CL107 is off in test files, as CL105 is: an async test that blocks its own loop', () => {
  ensureBuilt('dist/cli.js');
  const blocking = 'import time\n\n\nasync def handler():\n    time.sleep(0.1)\n';
  const dir = project({ 'src/app.py': blocking, 'tests/test_loop.py': blocking });
  try {
    assert.deepEqual(check(dir), ['src/app.py: CL107 warning']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

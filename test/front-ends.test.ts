import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureBuilt } from './support/build';

// Languages are front ends loaded on first use (src/analysis/index.ts): a Python-only run must
// not load the JS/TS front end, and with it the 10 MB `typescript` package. Checked in a fresh
// process, where the module cache shows exactly what was loaded.

const ROOT = path.join(__dirname, '..');

function probe(files: { path: string; text: string }[]): { loaded: string[]; typescript: boolean; findings: number } {
  const script = `
    const { analyze, loadedLanguages } = require(${JSON.stringify(path.join(ROOT, 'src', 'analysis'))});
    (async () => {
      let findings = 0;
      for (const f of ${JSON.stringify(files)}) findings += (await analyze(f)).findings.length;
      const typescript = Object.keys(require.cache).some((k) => k.includes('/node_modules/typescript/'));
      console.log(JSON.stringify({ loaded: loadedLanguages(), typescript, findings }));
    })();
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const PY = { path: 'work.py', text: 'from concurrent.futures import ThreadPoolExecutor\n\ndef f(n):\n    return sum(i * i for i in range(n))\n\nwith ThreadPoolExecutor() as ex:\n    ex.map(f, range(10))\n' };
const JS = { path: 'server.js', text: "const fs = require('fs');\nrequire('http').createServer((req, res) => res.end(fs.readFileSync('x'))).listen(1);\n" };

test('a Python-only run loads the Python front end and not typescript', () => {
  const run = probe([PY]);
  assert.deepEqual(run.loaded, ['python']);
  assert.equal(run.typescript, false);
  assert.ok(run.findings > 0, 'the Python file was analyzed');
});

test('the first JS/TS file loads the JS/TS front end (and typescript)', () => {
  const run = probe([PY, JS]);
  assert.deepEqual(run.loaded, ['javascript', 'python']);
  assert.equal(run.typescript, true);
});

test('the benchmark bundle carries the Python analyzer but not typescript; the CLI bundle carries both', () => {
  ensureBuilt('dist/profiling.js', 'dist/cli.js');
  const profiling = fs.readFileSync(path.join(ROOT, 'dist', 'profiling.js'), 'utf8');
  const cli = fs.readFileSync(path.join(ROOT, 'dist', 'cli.js'), 'utf8');
  // `createSourceFile` is typescript's parser entry; `tree-sitter-python.wasm` is located by the Python front end.
  assert.ok(!profiling.includes('createSourceFile'), 'dist/profiling.js bundles typescript');
  assert.ok(profiling.includes('tree-sitter-python.wasm'), 'dist/profiling.js lacks the Python front end');
  assert.ok(profiling.length < 2_000_000, `dist/profiling.js is ${profiling.length} bytes`);
  assert.ok(cli.includes('createSourceFile') && cli.includes('tree-sitter-python.wasm'));
});

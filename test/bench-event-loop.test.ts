import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, benchLenses, type SourceDocument } from '../src/analysis';
import type { BenchResult } from '../src/profiling/types';
import { ensureBuilt } from './support/bench';

// Benchmarks offered on main-thread JS (issue 12): a CPU-heavy exported function an HTTP handler
// calls (CL104's target) gets the "Benchmark" CodeLens, and the CLI runs it to a verdict without
// starting the server (it listens only when the file is run directly).

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const FIXTURE = path.join(__dirname, 'fixtures', 'bench', 'node', 'hash-server.cjs');

const doc = (name: string, text: string): SourceDocument => ({ path: path.join(ROOT, 'test', 'fixtures', 'bench', 'node', name), text, languageId: 'javascript' });

test('CL104 targets get a lens: pbkdf2Sync in an exported function an HTTP handler calls', async () => {
  const document = doc('hash-server.cjs', fs.readFileSync(FIXTURE, 'utf8'));
  const findings = (await analyze(document)).findings.filter((f) => f.rule === 'CL104');
  assert.equal(findings.length, 1);
  assert.equal(findings[0].subject?.functionName, 'hash');
  assert.deepEqual(benchLenses(document), [{ functionName: 'hash', line: 6, lensLine: 6 }]);
});

test('CL104 targets get a lens: an exported loop of 1e8 iterations (ESM), not the unexported twin the harness cannot import', async () => {
  const text = [
    "import http from 'node:http';",
    '',
    'export function spin(n) {',
    '  let s = 0;',
    '  for (let i = 0; i < 1e8; i++) s += i % n;',
    '  return s;',
    '}',
    '',
    'function hidden(n) {',
    '  let s = 0;',
    '  for (let i = 0; i < 1e8; i++) s += i % n;',
    '  return s;',
    '}',
    '',
    'http.createServer((req, res) => {',
    '  res.end(String(spin(5) + hidden(5)));',
    '});',
    '',
  ].join('\n');
  const document = doc('spin-server.mjs', text);
  assert.deepEqual(benchLenses(document).map((l) => [l.functionName, l.lensLine]), [['spin', 2]]);
  // The same function with no handler calling it: nothing says it runs on the event loop.
  const plain = doc('spin-lib.mjs', text.split('\n').slice(0, 8).join('\n'));
  assert.deepEqual(benchLenses(plain), []);
});

test('node dist/cli.js bench runs the handler\'s function to a verdict, without starting the server', { timeout: 120_000 }, () => {
  ensureBuilt();
  const run = spawnSync(
    process.execPath,
    [CLI, 'bench', FIXTURE, '--function', 'hash', '--inputs', "Array(4).fill('password')", '--json', '--max-seconds', '4', '--workers', '2', '--modes', 'worker_threads', '--no-progress'],
    { cwd: ROOT, encoding: 'utf8', timeout: 100_000, env: { ...process.env, NO_COLOR: '1' } },
  );
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout) as BenchResult;
  assert.equal(result.refusal, undefined, JSON.stringify(result.refusal));
  assert.ok(result.status === 'ok' || result.status === 'partial', JSON.stringify(result.errors));
  assert.equal(result.functionName, 'hash');
  assert.ok(result.cells.some((c) => c.mode === 'sequential' && c.samplesMs.length > 0), 'the baseline was measured');
  assert.ok(result.verdict && ['conclusive', 'inconclusive'].includes(result.verdict.status), JSON.stringify(result.verdict));
});

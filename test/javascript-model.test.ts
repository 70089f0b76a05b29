import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseJs } from '../src/analysis/javascript/parse';
import { JsModel } from '../src/analysis/javascript/model';
import { spawnSites } from '../src/analysis/javascript/workers';
import { sharedMemory } from '../src/analysis/javascript/shared-memory';
import type { TSESTree } from '../src/analysis/javascript/parse';

// The JS/TS semantic model on small snippets: name resolution, guards, roles, workers, shared memory.

function model(text: string, file = 'snippet.ts'): JsModel {
  const parsed = parseJs(file, text);
  assert.ok(parsed.program, parsed.error?.message);
  return new JsModel(file, text, parsed.program, parsed.comments, null);
}

function calleeNames(m: JsModel): (string | null)[] {
  return m.calls.map((c) => m.qname(c.callee));
}

test('imports and requires resolve to qualified names, with node: prefixes, aliases and destructuring', () => {
  const m = model(`
    import { Worker as W } from 'node:worker_threads';
    import * as cp from 'child_process';
    import fsp from 'node:fs/promises';
    import os = require('node:os');
    const { fork: f } = require('node:child_process');
    const wt = require('worker_threads');
    const Pool = require('piscina').Piscina;
    const { promises: { readFile } } = require('fs');
    async function later() { const { Worker } = await import('node:worker_threads'); new Worker('a.js'); }
    new W('a.js'); cp.spawn('ls'); fsp.readFile('x'); os.availableParallelism(); f('x.js');
    new wt.Worker('b.js'); new Pool({}); readFile('y');
  `);
  assert.deepEqual(
    calleeNames(m).filter((q) => q !== 'require'),
    [
      'worker_threads.Worker', // the dynamic import, first in source order
      'worker_threads.Worker',
      'child_process.spawn',
      'fs.promises.readFile',
      'os.availableParallelism',
      'child_process.fork',
      'worker_threads.Worker',
      'piscina.Piscina',
      'fs.promises.readFile',
    ],
  );
});

test('shadowing: a local named like an import is not the import', () => {
  const m = model(`
    import { readFileSync } from 'node:fs';
    function f(readFileSync: (p: string) => string) { return readFileSync('x'); }
    readFileSync('y');
  `);
  const inner = m.calls.find((c) => c.range[0] < m.source.indexOf("readFileSync('y')"))!;
  assert.equal(m.qname(inner.callee), null);
  assert.equal(m.qname(m.calls[m.calls.length - 1].callee), 'fs.readFileSync');
});

test('guards: isMainThread branches, early exits, cluster and process.send', () => {
  const m = model(`
    const { isMainThread, parentPort } = require('node:worker_threads');
    const cluster = require('node:cluster');
    if (isMainThread) { a(); } else { b(); }
    if (!isMainThread) { c(); }
    if (cluster.isPrimary) { d(); }
    if (typeof process.send === 'function') { e(); }
    function onlyInWorker() { g(); }
    if (parentPort !== null) onlyInWorker();
    if (!isMainThread) return;
    h();
  `, 'snippet.cjs');
  const at = (name: string): TSESTree.Node => m.calls.find((c) => m.text(c.callee) === name)!;
  assert.equal(m.threadContext(at('a')), 'main');
  assert.equal(m.threadContext(at('b')), 'worker');
  assert.equal(m.threadContext(at('c')), 'worker');
  assert.equal(m.lexicalGuard(at('d'))?.guard, 'cluster-primary');
  assert.equal(m.threadContext(at('e')), 'worker');
  assert.equal(m.threadContext(at('g')), 'worker');
  assert.equal(m.threadContext(at('h')), 'main');
  assert.equal(m.role, 'mixed');
});

test('roles: parentPort users and process.on(message) + process.send are worker scripts', () => {
  assert.equal(model(`import { parentPort } from 'node:worker_threads'; parentPort!.postMessage(1);`).role, 'worker');
  assert.equal(model(`process.on('message', (m) => process.send!(m));`).role, 'worker');
  assert.equal(model(`import http from 'node:http'; http.createServer(() => {}).listen(0);`).role, 'main');
});

test('spawn sites resolve their scripts', () => {
  const m = model(`
    const path = require('node:path');
    const { Worker } = require('node:worker_threads');
    new Worker(path.join(__dirname, 'w.js'));
    new Worker(new URL('./u.js', import.meta.url));
    new Worker(__filename);
    new Worker('console.log(1)', { eval: true });
  `, '/proj/src/main.cjs');
  const [a, b, c, d] = spawnSites(m);
  assert.equal(a.scriptCandidates[0], '/proj/src/w.js');
  assert.ok(a.scriptCandidates.includes('/proj/src/w.ts'));
  assert.equal(b.scriptCandidates[0], '/proj/src/u.js');
  assert.equal(c.selfSpawn, true);
  assert.equal(d.scriptCandidates.length, 0);
});

test('shared memory: views over SharedArrayBuffers, aliases and subarrays', () => {
  const m = model(`
    const sab = new SharedArrayBuffer(64);
    const view = new Int32Array(sab);
    const alias = view;
    const part = view.subarray(0, 4);
    const copy = new Int32Array(view);
    alias[0] = 1; part[1]++; copy[2] = 3;
    const plain = new Int32Array(16); plain[0] = 1;
  `);
  const memory = sharedMemory(m);
  assert.equal(memory.buffers.length, 1);
  assert.deepEqual(memory.writes.map((w) => m.text(w.target)), ['alias[0]', 'part[1]']);
  assert.deepEqual(memory.writes.map((w) => w.readModifyWrite), [false, true]);
});

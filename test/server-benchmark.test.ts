import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodeAction, CodeLens, Diagnostic } from 'vscode-languageserver-protocol';
import { LspSession } from './support/lsp-client';
import { applyEdits } from '../src/analysis/core/apply-edits';
import { type BenchmarkTarget, type ExecutorSwapResult, MEASUREMENTS_NOTIFICATION, type MeasurementSummary, type MeasurementsMap } from '../src/protocol/lsp';
import { CPU_IN_THREADS } from './support/samples';

// The language server's benchmark features over stdio, as any LSP client sees them: the
// "Benchmark threads vs processes" CodeLens (and its setting), the "Measure it" code action on
// CL101–CL104, measurements cited (and contradictions said) in diagnostics, the executor swap
// behind "apply recommendation", and the function-under-the-cursor request with default inputs.

let session: LspSession;
let connection: LspSession['connection'];
let workspace: string;

const until = <T>(what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> => session.until(what, probe);
const latestDiagnostics = (uri: string, accept?: (d: Diagnostic[]) => boolean): Promise<Diagnostic[]> => session.latestDiagnostics(uri, accept);

const IO_IN_PROCESSES = `import time
from concurrent.futures import ProcessPoolExecutor


def fetch(seconds):
    time.sleep(seconds)
    return seconds


if __name__ == "__main__":
    with ProcessPoolExecutor() as pool:
        print(list(pool.map(fetch, [0.1] * 4)))
`;

const WORKER_JS = `import { parentPort } from 'node:worker_threads';

function square(x) {
  return x * x;
}

function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

parentPort.on('message', (n) => parentPort.postMessage(fib(square(n))));

export { fib };
`;

before(async () => {
  session = await LspSession.start();
  connection = session.connection;
  workspace = session.workspace;
});

after(() => session.stop());

function open(name: string, text: string, languageId = 'python'): { file: string; uri: string } {
  const file = path.join(workspace, name);
  fs.writeFileSync(file, text);
  return { file, uri: session.open(file, text, languageId) };
}

const codeLenses = (uri: string): Promise<CodeLens[]> => connection.sendRequest('textDocument/codeLens', { textDocument: { uri } }) as Promise<CodeLens[]>;

function summary(speedups: MeasurementSummary['speedups'], recommendation: MeasurementSummary['recommendation'], kind = 'cpu-bound'): MeasurementSummary {
  return { kind, recommendation, speedups, language: 'python', measuredAt: '2025-01-01T00:00:00.000Z' };
}

test('CodeLens above a Python task function runs the benchmark command with its name and line', async () => {
  const { uri } = open('lens.py', CPU_IN_THREADS);
  await latestDiagnostics(uri);
  const lenses = await codeLenses(uri);
  assert.equal(lenses.length, 1, JSON.stringify(lenses));
  const [lens] = lenses;
  assert.equal(lens.range.start.line, 3, 'on the def line');
  assert.equal(lens.command?.title, 'Benchmark threads vs processes');
  assert.equal(lens.command?.command, 'concurrencyLens.benchmarkFunction');
  const tooltip = (lens.command as { tooltip?: string } | undefined)?.tooltip ?? '';
  assert.deepEqual(lens.command?.arguments, [{ uri, functionName: 'compute', line: 3, tooltip }]);
  assert.match(tooltip, /^Runs this function sequentially, on a thread pool and on a process pool/);
});

test('CodeLens above exported JS functions a worker runs, not above unexported ones', async () => {
  const { uri } = open('worker.mjs', WORKER_JS, 'javascript');
  await latestDiagnostics(uri);
  const lenses = await codeLenses(uri);
  assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command?.arguments?.[0]?.functionName]), [[6, 'fib']]);
  // Node.js modes by their names: no "threads vs processes" in a JS file.
  assert.equal(lenses[0].command?.title, 'Benchmark worker_threads vs child_process');
  // A main-thread module exporting the same function gets none: nothing says a worker runs it.
  const { uri: mainUri } = open('lib.mjs', 'export function fib(n) {\n  return n < 2 ? n : fib(n - 1) + fib(n - 2);\n}\n', 'javascript');
  await latestDiagnostics(mainUri);
  assert.deepEqual(await codeLenses(mainUri), []);
});

const SERVER_JS = `const http = require('node:http');
const crypto = require('node:crypto');

function hash(password) {
  return crypto.pbkdf2Sync(password, 'salt', 100000, 64, 'sha512').toString('hex');
}

function checksum(text) {
  let h = 0;
  for (let i = 0; i < 1e7; i++) h = (h * 31 + text.charCodeAt(i % text.length)) | 0;
  return h;
}

function render(n) {
  let s = 0;
  for (let i = 0; i < 1e7; i++) s += i % n;
  return String(s);
}

const server = http.createServer((req, res) => {
  res.end(hash(req.url) + checksum(req.url) + render(7));
});

if (require.main === module) server.listen(3000);

module.exports = { hash, checksum };
`;

test('CodeLens and "Measure it" on exported CPU-heavy functions an HTTP handler calls (CL104), not on unexported ones', async () => {
  const { uri } = open('server.js', SERVER_JS, 'javascript');
  const diagnostics = await latestDiagnostics(uri, (d) => d.some((x) => x.code === 'CL104'));
  const lenses = await codeLenses(uri);
  // `render` does the same work but is not exported: the harness could not import it.
  assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command?.arguments?.[0]?.functionName]), [[3, 'hash'], [7, 'checksum']]);
  assert.equal(lenses[0].command?.title, 'Benchmark worker_threads vs child_process');
  assert.equal(lenses[0].command?.command, 'concurrencyLens.benchmarkFunction');
  const cl104 = diagnostics.filter((d) => d.code === 'CL104');
  const actions = (await connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: cl104[0].range,
    context: { diagnostics: cl104, only: ['quickfix'] },
  })) as CodeAction[];
  const measure = actions.find((a) => a.title.startsWith('Measure it'));
  assert.ok(measure, actions.map((a) => a.title).join(', '));
  assert.equal(measure.title, 'Measure it: benchmark `hash` (worker_threads vs child_process)');
  assert.deepEqual(measure.command?.arguments, [{ uri, functionName: 'hash', line: 3 }]);
});

test('concurrencyLens.codeLens.enable = false turns the CodeLens off (and asks the client to refresh)', async () => {
  const { uri } = open('lens-off.py', CPU_IN_THREADS);
  await latestDiagnostics(uri);
  assert.equal((await codeLenses(uri)).length, 1);
  const before = session.codeLensRefreshes;
  session.settings = { codeLens: { enable: false } };
  try {
    await connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await until('a CodeLens refresh', () => (session.codeLensRefreshes > before ? true : undefined));
    assert.deepEqual(await codeLenses(uri), []);
  } finally {
    session.settings = {};
    await connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  }
  assert.equal((await codeLenses(uri)).length, 1);
});

test('"Measure it" code action on CL101 runs the benchmark command on the task function', async () => {
  const { uri } = open('measure.py', CPU_IN_THREADS);
  const diagnostics = await latestDiagnostics(uri, (d) => d.length > 0);
  assert.equal(diagnostics[0].code, 'CL101');
  const actions = (await connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: diagnostics[0].range,
    context: { diagnostics, only: ['quickfix'] },
  })) as CodeAction[];
  const measure = actions.find((a) => a.title.startsWith('Measure it'));
  assert.ok(measure, actions.map((a) => a.title).join(', '));
  assert.equal(measure.title, 'Measure it: benchmark `compute` (threads vs processes)');
  assert.equal(measure.kind, 'quickfix');
  assert.equal(measure.command?.command, 'concurrencyLens.benchmarkFunction');
  assert.deepEqual(measure.command?.arguments, [{ uri, functionName: 'compute', line: 3 }]);
  assert.ok(actions.some((a) => a.isPreferred && /ProcessPoolExecutor/.test(a.title)), 'the rule fix is still offered');
});

test('measurements cite the benchmark in CL101, and say when they contradict it', async () => {
  const { uri } = open('cite.py', CPU_IN_THREADS);
  const plain = await latestDiagnostics(uri, (d) => d.length > 0);
  assert.doesNotMatch(plain[0].message, /measured/);

  const agreeing: MeasurementsMap = {
    [uri]: { compute: summary({ threads: { speedup: 1.02, workers: 2 }, processes: { speedup: 1.9, workers: 2 } }, { mode: 'processes', workers: 2, speedup: 1.9 }) },
  };
  await connection.sendNotification(MEASUREMENTS_NOTIFICATION, agreeing);
  const cited = await latestDiagnostics(uri, (d) => d.length > 0 && /measured/.test(d[0].message));
  assert.match(cited[0].message, /\(measured: processes 1\.9× faster than sequential with 2 workers; threads 1\.0×\)/);
  assert.doesNotMatch(cited[0].message, /contradicts/);
  assert.doesNotMatch(cited[0].message, /\[cpu-bound-work-in-threads\]/, 'no rule-name suffix: the code is shown beside the message');

  const contradicting: MeasurementsMap = {
    [uri]: { compute: summary({ threads: { speedup: 1.95, workers: 2 }, processes: { speedup: 1.9, workers: 2 } }, { mode: 'threads', workers: 2, speedup: 1.95 }, 'cpu-bound') },
  };
  await connection.sendNotification(MEASUREMENTS_NOTIFICATION, contradicting);
  const against = await latestDiagnostics(uri, (d) => d.length > 0 && /contradicts/.test(d[0].message));
  assert.match(against[0].message, /measurement contradicts this: threads were as fast as processes \(1\.9× vs 1\.9×\)/);

  // The lens keeps its short title; the last measurement is in its tooltip.
  const [lens] = await codeLenses(uri);
  assert.equal(lens.command?.title, 'Benchmark threads vs processes');
  const tooltip = (lens.command as { tooltip?: string } | undefined)?.tooltip ?? '';
  assert.match(tooltip, /^Last result.*: threads 1\.9× faster than sequential with 2 workers; processes 1\.9×\. Runs this function/);
  assert.equal((lens.command?.arguments?.[0] as { tooltip?: string }).tooltip, tooltip, 'the args carry it for vscode-languageclient');

  // An inconclusive run is never cited, let alone said to contradict the finding.
  const untrusted: MeasurementsMap = { [uri]: { compute: { ...contradicting[uri].compute, verdict: 'inconclusive' } } };
  await connection.sendNotification(MEASUREMENTS_NOTIFICATION, untrusted);
  const uncited = await latestDiagnostics(uri, (d) => d.length > 0 && !/measured/.test(d[0].message));
  assert.doesNotMatch(uncited[0].message, /contradicts/);

  await connection.sendNotification(MEASUREMENTS_NOTIFICATION, {});
  const cleared = await latestDiagnostics(uri, (d) => d.length > 0 && !/measured/.test(d[0].message));
  assert.equal(cleared[0].code, 'CL101');
});

test('a CL102 finding that processes measured faster says so', async () => {
  const { uri } = open('io_proc.py', IO_IN_PROCESSES);
  const diagnostics = await latestDiagnostics(uri, (d) => d.some((x) => x.code === 'CL102'));
  assert.ok(diagnostics.length > 0);
  await connection.sendNotification(MEASUREMENTS_NOTIFICATION, {
    [uri]: { fetch: summary({ threads: { speedup: 1.5, workers: 4 }, processes: { speedup: 3.1, workers: 4 } }, { mode: 'processes', workers: 4, speedup: 3.1 }, 'io-bound') },
  });
  const after = await latestDiagnostics(uri, (d) => d.some((x) => x.code === 'CL102' && /measured/.test(x.message)));
  const cl102 = after.find((d) => d.code === 'CL102')!;
  assert.match(cl102.message, /measured: processes 3\.1× faster than sequential with 4 workers; threads 1\.5×; measurement contradicts this: processes were faster than threads \(3\.1× vs 1\.5×\)/);
  await connection.sendNotification(MEASUREMENTS_NOTIFICATION, {});
});

test('executorSwapEdits moves every task site of the function to processes', async () => {
  const { uri } = open('swap.py', CPU_IN_THREADS);
  await latestDiagnostics(uri, (d) => d.length > 0);
  const reply = (await connection.sendRequest('concurrencyLens/executorSwapEdits', { uri, functionName: 'compute', to: 'process' })) as ExecutorSwapResult;
  assert.equal(reply.sites, 1);
  assert.equal(reply.changed, 1);
  assert.ok(reply.edit, JSON.stringify(reply));
  const edits = reply.edit.changes[uri].map((e) => ({
    range: { start: { line: e.range.start.line, column: e.range.start.character }, end: { line: e.range.end.line, column: e.range.end.character } },
    text: e.newText,
  }));
  const swapped = applyEdits(CPU_IN_THREADS, edits);
  assert.match(swapped, /with ProcessPoolExecutor\(\) as executor:/);
  assert.match(swapped, /from concurrent\.futures import ProcessPoolExecutor/);

  // Already on threads: nothing to move there, and the reply says why.
  const none = (await connection.sendRequest('concurrencyLens/executorSwapEdits', { uri, functionName: 'compute', to: 'thread' })) as ExecutorSwapResult;
  assert.equal(none.edit, null);
  assert.equal(none.sites, 0);
  assert.match(none.notes[0], /nothing to move to threads/);
});

test('benchmarkTarget: the function under the cursor with a default inputs expression', async () => {
  const text = `import time


def crunch(n, scale: float = 2.0):
    def inner(x):
        return x * scale
    return sum(inner(i) for i in range(n))


def pair(url: str, retries):
    time.sleep(0.1)


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


class Box:
    def method(self, n):
        return n


def noargs():
    return 1
`;
  const { uri } = open('targets.py', text);
  const at = (line: number, character = 8): Promise<BenchmarkTarget> =>
    connection.sendRequest('concurrencyLens/benchmarkTarget', { uri, position: { line, character } }) as Promise<BenchmarkTarget>;

  const crunch = await at(5);
  assert.ok(crunch.ok, JSON.stringify(crunch));
  assert.equal(crunch.functionName, 'crunch', 'the module-level function around a nested one');
  assert.equal(crunch.line, 3);
  assert.equal(crunch.defaultInputs, '[100_000] * 8');
  assert.deepEqual(crunch.parameters.map((p) => [p.name, p.default, p.annotation]), [['n', null, null], ['scale', '2.0', 'float']]);

  const pair = await at(10);
  assert.ok(pair.ok);
  assert.equal(pair.defaultInputs, "[('https://example.com', 3)] * 8");

  const fib = await at(14);
  assert.ok(fib.ok);
  assert.equal(fib.defaultInputs, '[25] * 8', 'recursive: small numbers');

  const method = await at(19);
  assert.equal(method.ok, false);
  assert.match(!method.ok ? method.message : '', /is a method/);

  const noargs = (await connection.sendRequest('concurrencyLens/benchmarkTarget', { uri, functionName: 'noargs' })) as BenchmarkTarget;
  assert.ok(noargs.ok);
  assert.equal(noargs.defaultInputs, '[()] * 8');

  const outside = await at(0, 0);
  assert.equal(outside.ok, false);

  const { uri: jsUri } = open('target.mjs', 'export function hash(text, rounds) {\n  return text.length * rounds;\n}\nfunction hidden(n) {\n  return n;\n}\n', 'javascript');
  const js = (await connection.sendRequest('concurrencyLens/benchmarkTarget', { uri: jsUri, position: { line: 1, character: 4 } })) as BenchmarkTarget;
  assert.ok(js.ok, JSON.stringify(js));
  assert.equal(js.functionName, 'hash');
  assert.equal(js.defaultInputs, "Array(8).fill(['lorem ipsum '.repeat(1000), 100000])");
  const hidden = (await connection.sendRequest('concurrencyLens/benchmarkTarget', { uri: jsUri, position: { line: 4, character: 4 } })) as BenchmarkTarget;
  assert.equal(hidden.ok, false);
  assert.match(!hidden.ok ? hidden.message : '', /`hidden` is not exported/);
});

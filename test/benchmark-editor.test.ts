import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { analyze } from '../src/analysis';
import { initialInputs, jsSyntaxProblem, pythonSyntaxProblem, quickInputsProblem } from '../src/extension/inputs';
import { contradiction, describeMeasurement, measurementNote } from '../src/server/measurements';
import { summarizeMeasurement } from '../src/extension/measurements';
import type { BenchResult, CellResult } from '../src/profiling/types';
import { CPU_IN_THREADS } from './support/samples';

// The editor side of the benchmark that needs no VS Code: the subject carried by CL101–CL104
// findings, the inputs checks, and the measurement summary the server cites.

test('CL101 findings carry the task function as their subject', async () => {
  const text = CPU_IN_THREADS;
  const result = await analyze({ path: '/tmp/subject.py', text });
  const [finding] = result.findings;
  assert.equal(finding.rule, 'CL101');
  assert.deepEqual(finding.subject, { functionName: 'compute', path: '/tmp/subject.py', line: 3 });
});

test('CL101 on a closure has no subject: the harness cannot import it', async () => {
  const text = `from concurrent.futures import ThreadPoolExecutor


def main():
    def compute(n):
        total = 0
        for i in range(n):
            total += i * i
        return total
    with ThreadPoolExecutor() as executor:
        return list(executor.map(compute, [10**6] * 4))
`;
  const result = await analyze({ path: '/tmp/closure.py', text });
  const cl101 = result.findings.find((f) => f.rule === 'CL101');
  assert.ok(cl101);
  assert.equal(cl101.subject, undefined);
});

test('CL104 findings name the exported function that holds the hotspot', async () => {
  const text = `import http from 'node:http';

export function crunch(n) {
  let t = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t += i * j;
  return t;
}

http.createServer((req, res) => {
  res.end(String(crunch(2000)));
}).listen(8080);
`;
  const result = await analyze({ path: '/tmp/server.mjs', text });
  const cl104 = result.findings.find((f) => f.rule === 'CL104');
  assert.ok(cl104, JSON.stringify(result.findings.map((f) => f.rule)));
  assert.deepEqual(cl104.subject, { functionName: 'crunch', path: '/tmp/server.mjs', line: 2 });
});

test('quick inputs checks: empty, unbalanced, strings and comments skipped', () => {
  assert.match(quickInputsProblem('  ', 'python') ?? '', /Enter an expression/);
  assert.equal(quickInputsProblem('[100_000] * 8', 'python'), null);
  assert.equal(quickInputsProblem("[(')', 1)] * 8  # ) in a comment", 'python'), null);
  assert.match(quickInputsProblem('[(1, 2] * 8', 'python') ?? '', /`]` at column 7 does not match `\(` at column 2/);
  assert.match(quickInputsProblem('[1, 2', 'python') ?? '', /`\[` at column 1 is never closed/);
  assert.match(quickInputsProblem('1)', 'node') ?? '', /Unexpected `\)` at column 2/);
  assert.match(quickInputsProblem("['abc", 'python') ?? '', /Unterminated string/);
  assert.equal(quickInputsProblem('Array(8).fill(`${1})`)', 'node'), null);
});

test('JS inputs are compiled, never run', () => {
  assert.equal(jsSyntaxProblem('Array(8).fill(100000)'), null);
  assert.match(jsSyntaxProblem('Array(8).fill(100000')! ?? '', /Not a valid JavaScript expression/);
  // Would throw if evaluated; compiling it is fine.
  assert.equal(jsSyntaxProblem('(() => { throw new Error("ran") })()'), null);
  // Breaking out of the wrapper compiles, but the bracket check (run first) refuses it.
  assert.match(quickInputsProblem('1); process.exit(1', 'node') ?? '', /Unexpected `\)`/);
});

const python = ['python3', 'python'].find((p) => spawnSync(p, ['--version']).status === 0);

test('Python inputs are parsed by the interpreter (ast.parse), not evaluated', { skip: !python && 'no Python on PATH' }, async () => {
  assert.equal(await pythonSyntaxProblem(python!, '[100_000] * 8'), null);
  assert.equal(await pythonSyntaxProblem(python!, "__import__('os')._exit(1)"), null, 'parsed, not run');
  assert.match((await pythonSyntaxProblem(python!, '[1, 2,, 3]')) ?? '', /Not a valid Python expression: .*column/);
  assert.match((await pythonSyntaxProblem(python!, 'x = 1')) ?? '', /Not a valid Python expression/);
  assert.match((await pythonSyntaxProblem('/nonexistent/python', '1')) ?? '', /not found/);
});

function cell(mode: CellResult['mode'], workers: number, speedup: number | null, status: CellResult['status'] = 'ok'): CellResult {
  return { mode, workers, status, speedup } as CellResult;
}

test('measurement summary: best speedup per mode, recommendation, wording and contradictions', () => {
  const result = {
    status: 'ok',
    language: 'python',
    startedAt: '2025-01-01T00:00:00.000Z',
    workload: { kind: 'cpu-bound' },
    recommendation: { mode: 'processes', workers: 2, reason: '', speedup: 1.92, speedupCi95: null },
    cells: [cell('sequential', 1, 1), cell('threads', 1, 0.98), cell('threads', 2, 1.01), cell('processes', 1, 0.9), cell('processes', 2, 1.92), cell('processes', 4, null, 'failed')],
  } as unknown as BenchResult;
  const summary = summarizeMeasurement(result);
  assert.ok(summary);
  assert.deepEqual(summary.speedups, { threads: { speedup: 1.01, workers: 2 }, processes: { speedup: 1.92, workers: 2 } });
  assert.equal(describeMeasurement(summary), 'processes 1.9× faster than sequential with 2 workers; threads 1.0×');
  assert.equal(contradiction('CL101', summary), null);
  assert.equal(contradiction('CL102', summary), 'processes were faster than threads (1.9× vs 1.0×)');
  assert.equal(measurementNote('CL103', summary), ' (measured: processes 1.9× faster than sequential with 2 workers; threads 1.0×)');

  const inline = summarizeMeasurement({ ...result, recommendation: { mode: 'sequential', workers: 1, reason: '', speedup: 1, speedupCi95: null }, cells: [cell('sequential', 1, 1), cell('threads', 2, 0.97), cell('processes', 2, 0.6)] } as BenchResult)!;
  assert.equal(describeMeasurement(inline), 'no pool beat sequential; threads 0.97×, processes 0.60×');
  assert.equal(contradiction('CL101', inline), 'threads were faster than processes (0.97× vs 0.60×)');

  assert.equal(summarizeMeasurement({ ...result, status: 'aborted' } as BenchResult), null);
  assert.equal(summarizeMeasurement({ ...result, recommendation: null } as BenchResult), null);
});

test('the inputs prompt: the last inputs, else the call site\'s arguments (named), else the signature guess', () => {
  const callSite = { inputs: 'range(1000)', path: '/w/pkg/work.py', line: 9, call: 'pool.map(square, range(1000))' };
  const fromCall = initialInputs(undefined, { defaultInputs: '[100_000] * 8', callSite }, 'python');
  assert.equal(fromCall.value, 'range(1000)');
  assert.equal(fromCall.from, 'call-site');
  assert.match(fromCall.prompt, /From the call at work\.py:10: pool\.map\(square, range\(1000\)\)/);
  const guessed = initialInputs(undefined, { defaultInputs: '[100_000] * 8', callSite: null }, 'python');
  assert.equal(guessed.value, '[100_000] * 8');
  assert.match(guessed.prompt, /Guessed from the signature/);
  assert.equal(initialInputs('[5] * 4', { defaultInputs: '[100_000] * 8', callSite }, 'python').value, '[5] * 4', 'a re-run keeps what the user typed');
  assert.equal(initialInputs(undefined, null, 'node').value, 'Array(8).fill(100000)');
});

import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { type AnalysisResult, analyze, createProjects } from '../src/analysis';
import { WORK_FLOOR, WorkBudgetExceeded, spendWork, totalWork, withWorkBudget } from '../src/analysis/core/budget';

// Analysis cost grows about linearly with the file (issue 14, the inputs of
// /work/shared/repro/reliability/ generated here): one line of chained calls, deeply nested
// lambdas, thousands of task sites on one pool. The work the models count (core/budget.ts) is
// compared between a small and a 4x larger input: linear work grows 4x, quadratic 16x. A wall
// clock bound, generous for a loaded 2-core machine, backs it up.

async function measure(text: string): Promise<{ result: AnalysisResult; work: number; ms: number }> {
  const before = totalWork();
  const started = performance.now();
  const result = await analyze({ path: '/virtual/cost.py', text }, {}, createProjects(undefined));
  return { result, work: totalWork() - before, ms: performance.now() - started };
}

const chainedCalls = (n: number): string => `x = a${'.f()'.repeat(n)}\n`;
const nestedLambdas = (n: number): string => `f = ${'lambda: '.repeat(n)}1\n`;
const taskSites = (n: number): string =>
  'def work(n):\n    t = 0\n    for i in range(n):\n        t += i * i\n    return t\n' +
  'from concurrent.futures import ThreadPoolExecutor\nex = ThreadPoolExecutor()\n' +
  'ex.submit(work, 1)\n'.repeat(n);

/** f(n-1) calls … f0, which makes a pool, called at module level: CL201 follows the whole chain. */
const callChain = (n: number): string => {
  let text = 'from multiprocessing import Pool\n\ndef f0():\n    return Pool(2)\n';
  for (let i = 1; i < n; i++) text += `\ndef f${i}():\n    return f${i - 1}()\n`;
  return `${text}\nf${n - 1}()\n`;
};

const cases: { name: string; make: (n: number) => string; small: number }[] = [
  { name: 'one line of chained calls', make: chainedCalls, small: 10_000 },
  { name: 'nested lambdas', make: nestedLambdas, small: 10_000 },
  { name: 'task sites on one executor', make: taskSites, small: 2_000 },
  { name: 'a call chain that ends in a process pool', make: callChain, small: 500 },
];

describe('analysis cost is about linear in the file', () => {
  for (const { name, make, small } of cases) {
    test(`${name}: ${small} vs ${small * 4}`, async () => {
      await measure(make(10)); // load the parser first
      const a = await measure(make(small));
      const b = await measure(make(small * 4));
      assert.equal(a.result.skipped, null, `${name} (${small}) was skipped: ${a.result.skipped}`);
      assert.equal(b.result.skipped, null, `${name} (${small * 4}) was skipped: ${b.result.skipped}`);
      assert.ok(a.work > 0, 'the models count their work');
      const ratio = b.work / a.work;
      assert.ok(ratio < 6, `work grew ${ratio.toFixed(1)}x for 4x the input (${a.work} -> ${b.work}): more than linear`);
      assert.ok(b.ms < 30_000, `${small * 4}: ${Math.round(b.ms)} ms`);
    });
  }

  test('CL201 sees a process pool at the end of a 2,000-function call chain', async () => {
    const { result } = await measure(callChain(2_000));
    assert.equal(result.skipped, null);
    assert.deepEqual(result.findings.filter((f) => f.rule === 'CL201').map((f) => f.range.start.line), [6002]);
  });

  test('the task sites of one executor share one swap fix', async () => {
    const { result } = await measure(taskSites(200));
    const cl101 = result.findings.filter((f) => f.rule === 'CL101');
    assert.equal(cl101.length, 200);
    assert.ok(cl101.every((f) => f.fix && JSON.stringify(f.fix) === JSON.stringify(cl101[0].fix)));
  });
});

describe('work budget', () => {
  test('spending past the budget throws WorkBudgetExceeded, outside a budget nothing is limited', () => {
    assert.throws(() => withWorkBudget(() => spendWork(WORK_FLOOR + 1)), WorkBudgetExceeded);
    assert.equal(withWorkBudget(() => 'done').value, 'done');
    spendWork(WORK_FLOOR * 2);
  });

  test('a large ordinary file is analyzed, not skipped: building its model is allowed for', async () => {
    // Building the model resolves every call: past the budget's floor before any rule runs.
    const { result, work } = await measure('x = f(g(h(a)))\n'.repeat(100_000));
    assert.ok(work > WORK_FLOOR, `${work} units: the input must need more than the floor to test the allowance`);
    assert.equal(result.skipped, null);
  });

  test('a file that needs superlinear work ends, analyzed or skipped with the reason', async () => {
    // f0 calls f1 ... calls f3000, which starts a process: a fixed point that finds one creator per pass.
    const lines = ['import multiprocessing'];
    for (let i = 0; i < 3000; i++) lines.push(`def f${i}():\n    f${i + 1}()\n`);
    lines.push('def f3000():\n    multiprocessing.Process(target=print).start()\n', 'f0()\n');
    const { result, ms } = await measure(lines.join('\n'));
    assert.ok(ms < 60_000, `${Math.round(ms)} ms`);
    if (result.skipped) assert.match(result.skipped, /needs more work than its budget allows/);
  });
});

describe('the JS/TS analysis charges the work budget too', () => {
  test('building a model allows work by its size, and resolving names and walking up spend it', async () => {
    const before = totalWork();
    const text = 'const fs = require("fs");\nfunction f() {\n  return () => fs.readFileSync("x");\n}\nsetInterval(f(), 10);\n';
    const result = await analyze({ path: 'charged.js', text });
    assert.equal(result.skipped, null);
    assert.ok(totalWork() > before, 'the JS analysis spent no work units');
  });

  test('a file needing far more work than its size allows is skipped with the reason', async () => {
    // Every blocking call sits 140 functions deep: each one's context walks all the way up.
    const depth = 140;
    const text = 'const shared = 1;\n' + 'const f = () => {\n'.repeat(depth) + "require('fs').readFileSync(shared);\n".repeat(6000) + '};\n'.repeat(depth);
    const result = await analyze({ path: 'deep-calls.js', text });
    assert.deepEqual(result.parseErrors, []);
    assert.deepEqual(result.findings, []);
    assert.match(result.skipped ?? '', /^analysis stopped: the file needs more work than its budget allows \(\d+ steps for its size\)$/);
  });
});

// `npm run bench:profiling`: the benchmark engine on the workloads of known physics
// (test/fixtures/bench/python), printing the same-run speedups of each and the harness's own
// overhead (start-up of each pool, an empty task through it). The figures for the README and
// release notes come from here, not from test assertions: these machines are noisy.
//
//   node --import tsx scripts/bench-profiling.ts [--max-seconds S] [--python PATH] [--json FILE]

import * as fs from 'node:fs';
import * as path from 'node:path';
import { runBenchmark } from '../src/profiling/run';
import { cellLabel, formatMs, formatX } from '../src/profiling/recommend';
import type { BenchResult } from '../src/profiling/types';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const maxSeconds = Number(flag('--max-seconds') ?? 20);
const python = flag('--python');
const jsonOut = flag('--json');

const FIXTURES = path.join(__dirname, '..', 'test', 'fixtures', 'bench', 'python');
const workloads = [
  { name: 'pure-Python loop', file: 'cpu_loop.py', inputs: '[2_000_000]*8', expect: 'processes scale, threads do not' },
  { name: 'time.sleep', file: 'sleep_io.py', inputs: '[0.1]*8', expect: 'threads overlap the waits' },
  { name: 'x + 1', file: 'trivial.py', inputs: 'range(10_000)', expect: 'every pool loses: run it inline' },
  { name: 'hashlib.sha256', file: 'hash_native.py', inputs: '[24]*8', expect: 'threads scale (GIL released)' },
];

async function main(): Promise<void> {
  const results: Record<string, BenchResult> = {};
  for (const w of workloads) {
    process.stderr.write(`${w.name} (${w.file}, ${w.inputs}) …\n`);
    const result = await runBenchmark({ file: path.join(FIXTURES, w.file), functionName: 'f', inputs: w.inputs, maxSeconds, python });
    results[w.name] = result;
    const rec = result.recommendation;
    console.log(`\n## ${w.name}: expected ${w.expect}`);
    console.log(`load average at start ${result.machine.loadAverage ?? '?'}; ${result.rounds} rounds; workload ${result.workload?.kind}`);
    for (const c of result.cells) {
      if (c.status !== 'ok') {
        console.log(`  ${cellLabel(c).padEnd(24)} ${c.status}: ${c.error?.message ?? ''}`);
        continue;
      }
      const ci = c.speedupCi95 ? `[${c.speedupCi95.low.toFixed(2)}–${c.speedupCi95.high.toFixed(2)}]` : '';
      console.log(`  ${cellLabel(c).padEnd(24)} ${formatMs(c.medianMs as number).padStart(9)}  ${formatX(c.speedup as number).padStart(6)} ${ci.padEnd(12)} cpu/wall ${c.cpuWallRatio?.toFixed(2) ?? '—'}${c.unstable ? '  (unstable)' : ''}`);
    }
    console.log(`  verdict: ${rec ? `${rec.mode} × ${rec.workers}` : 'none'}`);
    for (const warning of result.warnings) console.log(`  warning: ${warning}`);
  }
  // The harness's own overhead, from the x + 1 run (its pools are the same as everyone's).
  const overhead = results['x + 1'] ?? Object.values(results)[0];
  console.log('\n## Harness overhead (x + 1 run): pool start-up, and an empty task through each pool');
  for (const c of overhead.cells) {
    console.log(`  ${cellLabel(c).padEnd(24)} start-up ${c.startupMs !== null ? formatMs(c.startupMs).padStart(8) : '       —'}   empty task ${c.dispatchMsPerTask !== null ? formatMs(c.dispatchMsPerTask) : '—'}`);
  }
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(results, null, 2));
}

void main();

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { BenchResult, CellResult } from '../../src/profiling/types';
import { ensureBuilt as ensureBundles } from './build';

// Shared by the benchmark-engine tests (Python and Node): the bundle they need, cell look-ups,
// retries for physical assertions on noisy machines, the no-orphan check, and the Python interpreter.

/** The interpreter the Python engine tests run, and their skip reason when there is none. */
export const python = ['python3', 'python'].find((cmd) => spawnSync(cmd, ['--version']).status === 0);
export const skipPython = python ? false : 'no Python interpreter on PATH';

/** The CLI and the Python harness, which the engine tests run. */
export function ensureBuilt(): void {
  ensureBundles('dist/cli.js', 'dist/harness/python_harness.py');
}

export const cellOf = (result: BenchResult, mode: CellResult['mode'], workers: number): CellResult => {
  const cell = result.cells.find((c) => c.mode === mode && c.workers === workers);
  assert.ok(cell, `no cell ${mode} × ${workers}`);
  return cell;
};

export const speedupOf = (result: BenchResult, mode: CellResult['mode'], workers: number): number => {
  const cell = cellOf(result, mode, workers);
  assert.equal(cell.status, 'ok', `${mode} × ${workers}: ${cell.error?.message}`);
  return cell.speedup as number;
};

export /** Runs `attempt` up to three times until its assertions hold (noisy, shared machines). */
async function eventually(attempt: () => Promise<void>): Promise<void> {
  let last: unknown;
  for (let i = 0; i < 3; i++) {
    try {
      await attempt();
      return;
    } catch (error) {
      last = error;
    }
  }
  throw last;
}

export /** Processes whose process group is one of the harnesses': must be none once a run is over. */
function survivors(groups: readonly number[]): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols.length >= 2 && groups.includes(Number(cols[1])))
    .map((cols) => cols.join(' '));
}

export async function noOrphans(groups: readonly number[]): Promise<void> {
  assert.ok(groups.length > 0, 'no harness was started');
  let left: string[] = [];
  for (let i = 0; i < 20; i++) {
    left = survivors(groups);
    if (left.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.deepEqual(left, [], 'processes of the harness group outlived the benchmark');
}

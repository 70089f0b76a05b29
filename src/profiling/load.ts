import * as os from 'node:os';
import { performance } from 'node:perf_hooks';

// The machine's load around a benchmark, from the kernel's per-CPU time counters (os.cpus(),
// /proc/stat on Linux): busy time over an interval ÷ the interval = CPUs kept busy. The
// pre-flight check samples it for a moment before the harness starts; during the sampling the
// harness's own CPU time is subtracted, leaving what other programs took.

export interface CpuSnapshot {
  /** performance.now() when taken. */
  at: number;
  /** Busy CPU time of every CPU together (user, nice, sys, irq), ms. */
  busyMs: number;
  /** This process's own CPU time (the engine), ms. */
  selfMs: number;
}

export function cpuSnapshot(): CpuSnapshot {
  let busy = 0;
  for (const cpu of os.cpus()) busy += cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq;
  const self = process.cpuUsage();
  return { at: performance.now(), busyMs: busy, selfMs: (self.user + self.system) / 1000 };
}

/**
 * CPUs busy between two snapshots, less this process's own use and `excludeMs` of CPU time
 * (the harness's); null when the interval is too short to say or the counters did not move.
 */
export function busyCpusBetween(a: CpuSnapshot, b: CpuSnapshot, excludeMs = 0): number | null {
  const wall = b.at - a.at;
  if (!(wall >= 50)) return null;
  const busy = b.busyMs - a.busyMs - (b.selfMs - a.selfMs) - excludeMs;
  return Math.max(0, busy / wall);
}

/** The 1-minute load average; null on Windows, where Node reports zeros. */
export function loadAverage(): number | null {
  return process.platform === 'win32' ? null : Number(os.loadavg()[0].toFixed(2));
}

/** The pre-flight check: CPUs other programs keep busy, over `ms`. */
export async function preflightBusyCpus(ms = 250): Promise<number | null> {
  const a = cpuSnapshot();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return busyCpusBetween(a, cpuSnapshot());
}

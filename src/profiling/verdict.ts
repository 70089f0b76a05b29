import { MIN_ROUNDS } from './plan';
import { MIN_GAIN, cellLabel, formatX } from './recommend';
import type { BenchResult, CellResult, KnobNames, LoadReport, Verdict } from './types';

// Whether a run can be trusted (docs/bench.md "Inconclusive runs"). A benchmark measures the
// machine as much as the function: when other programs hold the CPUs, CPU-bound pools look
// slower than they are, and "run it inline" would be a conclusion drawn from the neighbours'
// work. The run's own numbers say when that happened, and then the verdict is inconclusive:
// shown as such (amber, with the reason and what to do), never fed to diagnostics, and never
// "run it inline".

/** The CLI's names for the knobs; the editor passes its settings instead (BenchRequest.knobs). */
export const CLI_KNOBS: KnobNames = { maxSeconds: '--max-seconds', workers: '--workers', timeout: '--timeout' };

export function knobNames(partial: Partial<KnobNames> | undefined): KnobNames {
  return { ...CLI_KNOBS, ...(partial ?? {}) };
}

/** Other programs' busy CPUs from which CPU-bound measurements are distorted: half a CPU, or a quarter of them. */
export function busyThreshold(usableCpus: number): number {
  return Math.max(0.5, 0.25 * Math.max(1, usableCpus));
}

/** A task on the CPU at most this share of its time waits whoever holds the CPUs. */
const CLEARLY_WAITING = 0.1;

/** The sequential baseline of CPU-bound work below this share of its least disturbed CPU/wall waited for a CPU. */
const BASELINE_STARVED = 0.8;

/** A cell whose CPU use shows the workers waited for CPUs (from contentionWarnings in summary.ts). */
export interface StarvedCell {
  cell: CellResult;
  expectedCpus: number;
}

/** Speedup CIs overlapping this band can flip between "a pool wins" and "run it inline". */
const DECISION_BAND = { low: 0.9, high: MIN_GAIN + 0.1 };

const overlapsDecision = (c: CellResult | null | undefined): boolean =>
  !!c?.speedupCi95 && c.speedupCi95.low < DECISION_BAND.high && c.speedupCi95.high > DECISION_BAND.low;

/**
 * The verdict of a summarised result (cells, workload and recommendation computed), given the
 * pool cells found starved and the load around the run.
 */
export function judge(result: BenchResult, starved: StarvedCell | null, load: LoadReport | undefined, knobs: KnobNames): Verdict {
  const problems: Verdict['problems'] = [];
  const usable = result.interpreter?.usableCpus ?? result.machine.usableCpus;
  const kind = result.workload?.kind ?? 'unknown';
  const share = result.workload?.cpuWallRatio ?? null;
  const staticKind = result.workload?.static?.kind ?? null;
  // Waiting work hardly notices other programs on the CPUs; computing work does. On a busy
  // machine a computing task also looks like it waits (it waits for a CPU), so only a task that
  // is on the CPU a tenth of its time or less, and that the source does not show computing,
  // counts as clearly waiting.
  const clearlyWaiting = share !== null && share <= CLEARLY_WAITING && staticKind !== 'cpu' && staticKind !== 'mixed' && staticKind !== 'native';
  const cpuSensitive = !clearlyWaiting && kind !== 'trivial';
  const sequential = result.cells.find((c) => c.mode === 'sequential' && c.status === 'ok') ?? null;
  const pools = result.cells.filter((c) => c.mode !== 'sequential' && c.status === 'ok' && c.speedup !== null);
  const fastest = pools.reduce<CellResult | null>((a, c) => (!a || (c.speedup as number) > (a.speedup as number) ? c : a), null);
  const rec = result.recommendation;
  const chosen = rec && rec.mode !== 'sequential' ? (pools.find((c) => c.mode === rec.mode && c.workers === rec.workers) ?? null) : null;
  const deciding = [sequential, chosen ?? fastest].filter((c): c is CellResult => !!c);

  if (starved) {
    const c = starved.cell;
    problems.push({
      kind: 'starved',
      message:
        `${cellLabel(c)} kept only ${(c.cpuWallRatio as number).toFixed(2)} CPUs busy on CPU-bound work (about ${starved.expectedCpus.toFixed(1)} expected): ` +
        'other programs took the CPUs, so the parallel speedups understate what this machine gives when idle',
    });
  }

  if (cpuSensitive) {
    const threshold = busyThreshold(usable);
    const during = load?.otherBusyCpusDuring ?? null;
    const before = load?.busyCpusBefore ?? null;
    const avg = load?.loadAverageBefore ?? null;
    const baselineRatio = sequential?.cpuWallRatio ?? null;
    const peak = result.workload?.cpuWallRatio ?? null;
    // A task measured as waiting may have been waiting for a CPU: said, since it changes the class.
    const looksWaiting = (kind === 'io-bound' || kind === 'mixed') && share !== null ? `, so a task's ${Math.round(share * 100)}% on the CPU may be waiting for a CPU, not for I/O` : '';
    if (during !== null && during >= threshold) {
      problems.push({ kind: 'busy', message: `other programs kept ${during.toFixed(1)} of ${usable} CPUs busy while the samples ran${looksWaiting}` });
    } else if (before !== null && before >= threshold) {
      problems.push({ kind: 'busy', message: `other programs kept ${before.toFixed(1)} of ${usable} CPUs busy when the run started${looksWaiting}` });
    } else if (avg !== null && avg >= usable * 1.5) {
      problems.push({ kind: 'busy', message: `the load average was ${avg.toFixed(2)} on ${usable} CPUs when the run started${looksWaiting}` });
    }
    if (kind === 'cpu-bound' && baselineRatio !== null && peak !== null && peak > 0 && baselineRatio < peak * BASELINE_STARVED && !problems.some((p) => p.kind === 'busy')) {
      problems.push({
        kind: 'busy',
        message: `the sequential baseline was on the CPU only ${Math.round((baselineRatio / peak) * 100)}% of the time it could be: it waited for a CPU other programs held`,
      });
    }
  }

  const few = deciding.filter((c) => c.samplesMs.length < MIN_ROUNDS);
  const unmeasured = result.cells.filter((c) => c.mode !== 'sequential' && c.status === 'not-run');
  if (pools.length === 0 && unmeasured.length > 0) {
    problems.push({ kind: 'few-samples', message: `no pool was measured (${unmeasured.map(cellLabel).join(', ')} did not run in time): there is nothing to compare sequential with` });
  } else if (few.length > 0) {
    problems.push({
      kind: 'few-samples',
      message: `${few.map((c) => `${cellLabel(c)} got ${c.samplesMs.length} sample${c.samplesMs.length === 1 ? '' : 's'}`).join(', ')} (at least ${MIN_ROUNDS} are needed for an interval)`,
    });
  }

  const decider = chosen ?? fastest;
  const noisy = deciding.filter((c) => c.unstable);
  if (noisy.length > 0 && overlapsDecision(decider)) {
    const ci = decider?.speedupCi95;
    problems.push({
      kind: 'unstable',
      message:
        `${noisy.map((c) => `${cellLabel(c)} (${c.unstableReason})`).join(' and ')} measured unstably, and ` +
        `${decider ? `${cellLabel(decider)}'s speedup interval (${ci ? `${ci.low.toFixed(2)}–${ci.high.toFixed(2)}×` : '?'})` : 'the best speedup'} straddles the ${formatX(1)}–${formatX(MIN_GAIN)} line where the verdict flips`,
    });
  }

  if (problems.length === 0) return { status: 'conclusive', reason: null, advice: null, problems };
  const order = ['starved', 'busy', 'few-samples', 'unstable'];
  problems.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''}: ${problems.slice(1).map((p) => PROBLEM_NAME[p.kind]).join(', ')})` : '';
  return { status: 'inconclusive', reason: `${capitaliseFirst(problems[0].message)}${more}.`, advice: adviceFor(problems, load, usable, knobs), problems };
}

const PROBLEM_NAME: Record<Verdict['problems'][number]['kind'], string> = {
  starved: 'starved workers',
  busy: 'a busy machine',
  'few-samples': 'too few samples',
  unstable: 'unstable samples',
};

function adviceFor(problems: Verdict['problems'], load: LoadReport | undefined, usable: number, knobs: KnobNames): string {
  const kinds = new Set(problems.map((p) => p.kind));
  const out: string[] = [];
  if (kinds.has('starved') || kinds.has('busy')) {
    const avg = load?.loadAverageAfter ?? load?.loadAverageBefore ?? null;
    out.push(
      `Close other CPU-heavy programs (builds, test runs, other benchmarks) or wait until the machine is idle${avg !== null ? ` (load average now ${avg.toFixed(2)} on ${usable} CPUs)` : ''}, then re-run.`,
    );
  }
  if (kinds.has('few-samples')) out.push(`Give the benchmark more time (${knobs.maxSeconds}), or use fewer or smaller inputs so a batch takes less time.`);
  // The budget is named once: after the few-samples advice, the unstable one only adds the quieter machine.
  if (kinds.has('unstable')) {
    out.push(kinds.has('few-samples')
      ? 'Re-run on a quieter machine: more samples on a quiet machine narrow the interval.'
      : `Re-run on a quieter machine; a longer time budget (${knobs.maxSeconds}) gives more samples and a narrower interval.`);
  }
  return out.join(' ');
}

function capitaliseFirst(text: string): string {
  // Identifiers (worker_threads × 2) keep their spelling.
  return /^[a-z]+[_-]/.test(text) ? text : text.charAt(0).toUpperCase() + text.slice(1);
}

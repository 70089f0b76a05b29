import { cellLabel, formatMs, formatX, modeLabel } from '../recommend';
import { singleCellMode } from '../plan';
import type { Mode } from '../protocol';
import type { AmdahlFit, BenchResult, CellResult, WorkloadKind } from '../types';

// What every report says about a result, as plain strings: the terminal's text (text.ts), the
// exports (export.ts) and the HTML (html.ts) put these same words and numbers in their own
// markup, so a figure reads the same wherever it is shown.

export const finite = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

/** Speedups in the one-line verdict: one decimal reads faster than the table's two ("1.9×"). */
export function shortX(x: number): string {
  if (!finite(x)) return '?×';
  if (x >= 10) return `${x.toFixed(0)}×`;
  if (x >= 0.095) return `${x.toFixed(1)}×`;
  return `${x.toFixed(2)}×`;
}

/** Upper-case first letter; identifiers (worker_threads, child_process) keep their spelling. */
export const capitalise = (text: string): string => (/^[a-z]+[_-]/.test(text) ? text : text.charAt(0).toUpperCase() + text.slice(1));
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A cell's numbers as table text; '' where there is no value. */
export interface CellTexts {
  median: string;
  medianCi: string;
  speedup: string;
  /** Empty for sequential: its ratio to itself is 1 by definition. */
  speedupCi: string;
  efficiency: string;
  karpFlatt: string;
  startup: string;
  dispatch: string;
  serialization: string;
  cpuWall: string;
  /** Samples × batches per sample. */
  samples: string;
}

/**
 * Range dashes and the samples' ×: spaced where a table may wrap (HTML, Markdown), tight in the
 * terminal's fixed-width columns.
 */
export type Spacing = 'spaced' | 'tight';

export function cellTexts(c: CellResult, spacing: Spacing = 'spaced'): CellTexts {
  const dash = spacing === 'tight' ? '–' : ' – ';
  const times = spacing === 'tight' ? '×' : ' × ';
  const ms = c.ci95Ms;
  const x = c.speedupCi95;
  return {
    median: finite(c.medianMs) ? formatMs(c.medianMs) : '',
    medianCi: ms && finite(ms.low) && finite(ms.high) ? `${formatMs(ms.low)}${dash}${formatMs(ms.high)}` : '',
    speedup: finite(c.speedup) ? formatX(c.speedup) : '',
    speedupCi: c.mode !== 'sequential' && x && finite(x.low) && finite(x.high) ? `${x.low.toFixed(2)}${dash}${x.high.toFixed(2)}×` : '',
    efficiency: finite(c.efficiency) ? `${Math.round(c.efficiency * 100)}%` : '',
    karpFlatt: finite(c.karpFlatt) ? c.karpFlatt.toFixed(3) : '',
    startup: finite(c.startupMs) ? formatMs(c.startupMs) : '',
    dispatch: finite(c.dispatchMsPerTask) ? formatMs(c.dispatchMsPerTask) : '',
    serialization: c.serialization && finite(c.serialization.msPerTask) ? `${formatMs(c.serialization.msPerTask)} (${c.serialization.bytesPerTask} B)` : '',
    cpuWall: finite(c.cpuWallRatio) ? c.cpuWallRatio.toFixed(2) : '',
    samples: `${c.samplesMs.length}${times}${c.repeat ?? 1}`,
  };
}

/** Where the batch's tasks came from, e.g. "range(8) (first: 0)". */
export function batchSource(result: Pick<BenchResult, 'inputs' | 'inputPreview'>): string {
  return `${result.inputs}${result.inputPreview ? ` (first: ${result.inputPreview})` : ''}`;
}

export const taskProfileText = (p: NonNullable<BenchResult['taskProfile']>): string => `${formatMs(p.wallMs)} wall, ${formatMs(p.cpuMs)} CPU`;

export const serializationText = (s: NonNullable<BenchResult['serialization']>): string => `${s.bytesPerTask} bytes, ${formatMs(s.msPerTask)}`;

/** An Amdahl fit is shown only through at least this many worker counts. */
export const MIN_FIT_POINTS = 3;

/** The Amdahl fit's ceiling on the speedup, when the fit says anything (0 < s < 1). */
export function amdahlCeiling(a: AmdahlFit): number | null {
  return a.maxSpeedup !== null && a.serialFraction > 0 && a.serialFraction < 1 ? a.maxSpeedup : null;
}

export function okCells(cells: readonly CellResult[]): CellResult[] {
  return cells.filter((c) => c.status === 'ok' && finite(c.speedup));
}

/** Modes in the order the benchmark ran them (settings.modes), then any others the cells name. */
export function modeOrder(result: Pick<BenchResult, 'cells' | 'settings'>): Mode[] {
  const seen = new Set<Mode>();
  for (const m of result.settings?.modes ?? []) seen.add(m);
  for (const c of result.cells) seen.add(c.mode);
  return [...seen].filter((m) => result.cells.some((c) => c.mode === m));
}

/** The best (highest-speedup) measured cell of each mode but sequential, in run order. */
function bestPerMode(result: Pick<BenchResult, 'cells' | 'settings'>): { mode: Mode; best: CellResult | null }[] {
  return modeOrder(result)
    .filter((m) => m !== 'sequential')
    .map((mode) => {
      const cells = okCells(result.cells).filter((c) => c.mode === mode);
      const best = cells.reduce<CellResult | null>((a, c) => (!a || (c.speedup as number) > (a.speedup as number) ? c : a), null);
      return { mode, best };
    });
}

/** How the verdict names a mode as the subject of a sentence ("processes are …"). */
const MODE_SUBJECT: Record<Mode, { text: string; verb: 'is' | 'are' }> = {
  sequential: { text: 'sequential', verb: 'is' },
  threads: { text: 'threads', verb: 'are' },
  processes: { text: 'processes', verb: 'are' },
  'processes-spawn': { text: 'processes (spawn)', verb: 'are' },
  interpreters: { text: 'sub-interpreters', verb: 'are' },
  worker_threads: { text: 'worker_threads', verb: 'are' },
  child_process: { text: 'child_process', verb: 'is' },
  'main-thread-async': { text: 'the main thread (async)', verb: 'is' },
};

const WORKLOAD_LABEL: Record<WorkloadKind, string | null> = {
  'cpu-bound': 'CPU-bound',
  'io-bound': 'I/O-bound',
  mixed: 'Mixed CPU and waiting',
  trivial: 'Tiny tasks',
  unknown: null,
};

/**
 * The verdict in one sentence, e.g. "CPU-bound: processes are 1.9× faster than sequential with
 * 2 workers; threads 1.0×." It restates `recommendation` (the engine's decision, which already
 * weighed the CIs) with the best speedup every other mode reached, so the comparison is in view.
 */
export function verdictSentence(result: BenchResult): string {
  const r = result.recommendation;
  const modes = bestPerMode(result);
  const speedupList = (except: Mode | null, ranOnly = false): string =>
    modes
      .filter((m) => m.mode !== except && (!ranOnly || m.best || failedWord(result, m.mode) === 'failed'))
      .map((m) => (m.best ? `${modeLabel(m.mode)} ${shortX(m.best.speedup as number)}` : `${modeLabel(m.mode)} ${failedWord(result, m.mode)}`))
      .join(', ');

  if (isInconclusive(result)) {
    // Only what was measured (or failed): a mode the budget left out says nothing about the winner.
    const list = speedupList(null, true);
    return `Inconclusive: ${inconclusiveHeadline(result)}${list ? `. As measured: ${list}` : ''}.`;
  }

  if (!r) {
    if (result.status === 'aborted') return 'The benchmark was cancelled before the sequential baseline finished: no verdict.';
    const first = result.errors[0];
    return `No verdict: the sequential baseline did not run${first ? ` (${first.message.replace(/[.\s]+$/, '')})` : ''}.`;
  }
  if (r.mode === 'sequential') {
    const measured = modes.filter((m) => m.best);
    if (measured.length === 0) return `Run it inline: no pool could be measured${result.errors.length > 0 ? ' (see the errors)' : ''}.`;
    const list = speedupList(null);
    if (measured.every((m) => (m.best!.speedup as number) < 1)) return `Run it inline: every pool was slower than sequential (${list}).`;
    return `Run it inline: no pool was clearly faster than sequential (${list}).`;
  }
  const subject = MODE_SUBJECT[r.mode] ?? { text: modeLabel(r.mode), verb: 'are' as const };
  const chosen = result.cells.find((c) => c.mode === r.mode && c.workers === r.workers);
  const x = finite(r.speedup) ? r.speedup : (chosen?.speedup ?? NaN);
  const label = result.workload ? WORKLOAD_LABEL[result.workload.kind] : null;
  const workers = singleCellMode(r.mode) ? '' : ` with ${plural(r.workers, 'worker')}`;
  const claim = `${subject.text} ${subject.verb} ${shortX(x)} faster than sequential${workers}`;
  const others = speedupList(r.mode);
  return `${label ? `${label}: ${claim}` : capitalise(claim)}${others ? `; ${others}` : ''}.`;
}

/**
 * The break-even estimate in words, with a caveat on an inconclusive run: its start-up and
 * dispatch costs were measured on a machine that was busy or noisy, so the figures are rough.
 */
export function breakEvenText(result: Pick<BenchResult, 'breakEven' | 'verdict'>): string | null {
  if (!result.breakEven) return null;
  if (!isInconclusive(result)) return result.breakEven.summary;
  return `Rough, from a run that cannot be trusted: ${result.breakEven.summary.replace(/^./, (c) => c.toLowerCase())} Re-run on a quiet machine before relying on it.`;
}

/** The run's own measurements say it cannot be trusted (verdict.ts). Results from before the verdict read as conclusive. */
export const isInconclusive = (result: Pick<BenchResult, 'verdict'>): boolean => result.verdict?.status === 'inconclusive';

/** The inconclusive verdict's first problem in a few words, for the one-line verdict. */
export function inconclusiveHeadline(result: Pick<BenchResult, 'verdict'>): string {
  switch (result.verdict?.problems[0]?.kind) {
    case 'starved':
    case 'busy':
      return 'other programs were using the CPUs, so this run cannot tell which mode wins';
    case 'few-samples':
      return 'too few samples to compare the modes';
    case 'unstable':
      return 'the samples varied too much to decide';
    default:
      return 'this run cannot be trusted';
  }
}

function failedWord(result: BenchResult, mode: Mode): string {
  const cells = result.cells.filter((c) => c.mode === mode);
  return cells.some((c) => c.status === 'failed') ? 'failed' : 'not run';
}

/** The interpreter, machine, inputs and method as label/value pairs (the panel's facts, the Markdown's list). */
export function factsList(result: BenchResult, interpreterLabel: string): [string, string][] {
  const facts: [string, string][] = [];
  const i = result.interpreter;
  facts.push(['Interpreter', interpreterLabel || (i ? `${i.implementation} ${i.version}` : 'unknown')]);
  if (i) {
    facts.push(['Version', `${i.implementation} ${i.version} (${i.executable})`]);
    if (i.language === 'python') {
      facts.push(['GIL', i.gilEnabled === false ? 'disabled (free-threaded build)' : 'enabled']);
      facts.push(['Default start method', i.defaultStartMethod ?? '—']);
      facts.push(['InterpreterPoolExecutor', i.hasInterpreterPool ? 'available (3.14+)' : 'not available']);
    }
    facts.push(['Modes available', i.modes.map(modeLabel).join(', ')]);
  }
  const m = result.machine;
  facts.push(['CPUs', `${m.cpuCount} logical, ${m.usableCpus} usable by the benchmark`]);
  facts.push(['Machine', `${m.cpuModel ? `${m.cpuModel}, ` : ''}${m.platform}/${m.arch}, ${m.totalMemoryMb} MB`]);
  const load = result.load;
  if (load) {
    const parts: string[] = [];
    if (finite(load.busyCpusBefore)) parts.push(`before the run, other programs kept ${load.busyCpusBefore.toFixed(1)} of ${m.usableCpus} CPUs busy`);
    if (finite(load.otherBusyCpusDuring)) parts.push(`during the samples, ${load.otherBusyCpusDuring.toFixed(1)}`);
    if (finite(load.loadAverageBefore)) parts.push(`load average ${load.loadAverageBefore.toFixed(2)} at the start${finite(load.loadAverageAfter) ? `, ${load.loadAverageAfter.toFixed(2)} at the end` : ''}`);
    if (parts.length > 0) facts.push(['Machine load', capitalise(parts.join('; '))]);
  } else if (finite(m.loadAverage)) facts.push(['Load average at start', `${m.loadAverage.toFixed(2)}${m.loadAverage > m.usableCpus * 0.5 ? ' (busy: expect noise)' : ''}`]);
  facts.push(['Tasks per batch', result.taskCount !== null ? `${result.taskCount} from ${batchSource(result)}` : result.inputs]);
  if (result.taskProfile) facts.push(['One task alone', taskProfileText(result.taskProfile)]);
  if (result.workload) facts.push(['Workload', result.workload.summary]);
  if (result.serialization) facts.push(['Serialisation per task', serializationText(result.serialization)]);
  for (const s of result.scaling) {
    // A fit through one or two points says nothing a reader could check: not shown.
    if (!s.amdahl || s.amdahl.points < MIN_FIT_POINTS) continue;
    const a = s.amdahl;
    const ceiling = amdahlCeiling(a);
    const share = `${Math.round(Math.min(Math.max(a.serialFraction, 0), 1) * 100)}%`;
    const cap = ceiling !== null ? `: no number of workers gets past about ${formatX(ceiling)}` : '';
    facts.push([`Scaling, ${modeLabel(s.mode)}`, `about ${share} of the work does not run in parallel${cap} (Amdahl's law fitted to ${a.points} worker counts)`]);
  }
  const breakEven = breakEvenText(result);
  if (breakEven) facts.push(['Break-even', breakEven]);
  const st = result.settings;
  facts.push([
    'Method',
    `${plural(result.rounds, 'round')} taking turns between the modes, in ${(result.durationMs / 1000).toFixed(1)} s (budget ${st.maxSeconds} s); each sample lasts at least ${st.minSampleMs} ms; ` +
      `the first run of each mode and worker count is discarded (warm-up); figures are medians with ${Math.round(st.confidence * 100)}% intervals (bootstrap, ${st.bootstrapResamples} resamples, seed ${st.seed})`,
  ]);
  if (result.budget?.note) facts.push(['Time budget', `${result.budget.maxSeconds} s after ${result.budget.startupSeconds} s of start-up: ${result.budget.note}`]);
  facts.push(['Started', result.startedAt]);
  return facts;
}

/** The measured cells whose samples varied too much to trust a close call. */
export const unstableCells = (result: Pick<BenchResult, 'cells'>): CellResult[] => result.cells.filter((c) => c.status === 'ok' && c.unstable);

// The engine's own messages (the recommendation's reason) use these too, so they live in
// recommend.ts; the reports take them from here with the rest.
export { cellLabel, formatMs, formatX, modeLabel };

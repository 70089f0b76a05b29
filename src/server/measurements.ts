import type { MeasuredMode, MeasurementSummary } from '../protocol/lsp';

// How measurements the client sent (MEASUREMENTS_NOTIFICATION) read in diagnostics and CodeLens
// titles, and when one contradicts a finding's advice.

export function formatSpeedup(x: number): string {
  return `${x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(2)}×`;
}

const MODE_LABEL: Record<string, string> = { 'processes-spawn': 'processes (spawn)', 'main-thread-async': 'async on the main thread' };
export const modeName = (mode: string): string => MODE_LABEL[mode] ?? mode;

/** "processes 1.9× faster than sequential with 2 workers; threads 1.0×" */
export function describeMeasurement(m: MeasurementSummary): string {
  const rec = m.recommendation;
  const others = Object.entries(m.speedups)
    .filter(([mode]) => mode !== rec.mode)
    .map(([mode, s]) => `${modeName(mode)} ${formatSpeedup(s.speedup)}`);
  let head: string;
  if (rec.mode === 'sequential') head = 'no pool beat sequential';
  else {
    const s = m.speedups[rec.mode]?.speedup ?? rec.speedup;
    const workers = rec.workers > 1 ? ` with ${rec.workers} workers` : '';
    head = s !== null && s !== undefined ? `${modeName(rec.mode)} ${formatSpeedup(s)} faster than sequential${workers}` : `${modeName(rec.mode)} won${workers}`;
  }
  return others.length > 0 ? `${head}; ${others.join(', ')}` : head;
}

/**
 * The benchmark CodeLens: a short title in the language's own terms (Node.js has no "threads vs
 * processes": it has the main thread, worker_threads and child_process), and the last result in
 * the tooltip rather than in the title, which stays one glance long.
 */
export function benchLensCommand(languageId: string, m: MeasurementSummary | undefined): { title: string; tooltip: string } {
  const python = languageId === 'python';
  const title = python ? 'Benchmark threads vs processes' : 'Benchmark worker_threads vs child_process';
  const modes = python ? 'sequentially, on a thread pool and on a process pool' : 'on the main thread, on worker_threads and on child_process';
  const what = `Runs this function ${modes}, across worker counts, and shows which wins.`;
  if (!citable(m)) return { title, tooltip: what };
  const when = m.measuredAt ? ` (${m.measuredAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')})` : '';
  return { title, tooltip: `Last result${when}: ${describeMeasurement(m)}. ${what}` };
}

/** Best speedup among the modes that match. */
function bestOf(m: MeasurementSummary, match: (mode: string) => boolean): MeasuredMode | null {
  let found: MeasuredMode | null = null;
  for (const [mode, s] of Object.entries(m.speedups)) if (match(mode) && mode !== 'interpreters' && (!found || s.speedup > found.speedup)) found = s;
  return found;
}

/** Ties within this fraction count as "as fast". */
const TIE = 0.05;

/**
 * Why a measurement contradicts a finding, or null. CL101 advises processes over threads for
 * CPU-bound work; CL102 advises threads over processes for I/O-bound work. The other rules'
 * advice (batching, moving work off the event loop) is not a threads-vs-processes claim the
 * benchmark can refute, so their findings only cite the measurement.
 */
export function contradiction(rule: string, m: MeasurementSummary): string | null {
  if (!citable(m)) return null;
  const threads = bestOf(m, (mode) => mode === 'threads');
  const processes = bestOf(m, (mode) => mode === 'processes' || mode === 'processes-spawn');
  if (rule === 'CL101') {
    if (threads && processes && threads.speedup >= processes.speedup * (1 - TIE)) {
      const how = threads.speedup > processes.speedup * (1 + TIE) ? 'faster than' : 'as fast as';
      return `threads were ${how} processes (${formatSpeedup(threads.speedup)} vs ${formatSpeedup(processes.speedup)})`;
    }
    if (processes && processes.speedup < 1) return `processes were slower than running it sequentially (${formatSpeedup(processes.speedup)})`;
  }
  if (rule === 'CL102') {
    if (threads && processes && processes.speedup > threads.speedup * (1 + TIE)) {
      return `processes were faster than threads (${formatSpeedup(processes.speedup)} vs ${formatSpeedup(threads.speedup)})`;
    }
  }
  return null;
}

/** A measurement the client marked inconclusive (it should not send one) is never cited. */
export const citable = (m: MeasurementSummary | undefined | null): m is MeasurementSummary => !!m && m.verdict !== 'inconclusive';

/** The text appended to a CL101–CL104 message about a measured function; '' for an untrusted run. */
export function measurementNote(rule: string, m: MeasurementSummary): string {
  if (!citable(m)) return '';
  const against = contradiction(rule, m);
  return ` (measured: ${describeMeasurement(m)}${against ? `; measurement contradicts this: ${against}` : ''})`;
}

import { cellLabel, formatMs, formatX, modeLabel } from '../recommend';
import { crossesBoundary, singleCellMode } from '../plan';
import type { Mode } from '../protocol';
import type { BenchResult, CellResult, WorkloadKind } from '../types';
import type { PanelActions } from '../../protocol/panel';

// Pure renderers of the benchmark panel's result area: HTML and SVG strings from a BenchResult.
// They run in the extension host (see benchmark-messages.ts for why) and in node:test.
//
// Constraints of the panel's CSP (`default-src 'none'`, styles only from the extension's CSS
// file): no `style="…"` attributes and no inline event handlers anywhere in this markup. Colours
// are CSS classes resolved in benchmark.css from --vscode-* variables, so light, dark and
// high-contrast themes apply without re-rendering. Every text that comes from the result (file
// names, error messages, reasons) goes through `esc`.

export const esc = (text: string): string =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string);

const finite = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

/** Speedups in the one-line verdict: one decimal reads faster than the table's two ("1.9×"). */
export function shortX(x: number): string {
  if (!finite(x)) return '?×';
  if (x >= 10) return `${x.toFixed(0)}×`;
  if (x >= 0.095) return `${x.toFixed(1)}×`;
  return `${x.toFixed(2)}×`;
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** How the verdict names a mode as the subject of a sentence ("processes are …"). */
const MODE_SUBJECT: Record<Mode, { text: string; verb: 'is' | 'are' }> = {
  sequential: { text: 'sequential', verb: 'is' },
  threads: { text: 'threads', verb: 'are' },
  processes: { text: 'processes', verb: 'are' },
  'processes-spawn': { text: 'processes (spawn)', verb: 'are' },
  interpreters: { text: 'sub-interpreters', verb: 'are' },
  worker_threads: { text: 'worker threads', verb: 'are' },
  child_process: { text: 'child processes', verb: 'are' },
  'main-thread-async': { text: 'async on the main thread', verb: 'is' },
};

const WORKLOAD_LABEL: Record<WorkloadKind, string | null> = {
  'cpu-bound': 'CPU-bound',
  'io-bound': 'I/O-bound',
  mixed: 'Mixed CPU and waiting',
  trivial: 'Tiny tasks',
  unknown: null,
};

/** Colour class per mode (benchmark.css maps them to --vscode-charts-*). */
const MODE_COLOR: Record<Mode, string> = {
  sequential: 'c-fg',
  threads: 'c-blue',
  worker_threads: 'c-blue',
  processes: 'c-red',
  child_process: 'c-red',
  'processes-spawn': 'c-orange',
  interpreters: 'c-purple',
  'main-thread-async': 'c-green',
};

/** Markers differ by shape as well as colour, so the curves stay apart without colour vision. */
const MODE_MARKER: Record<Mode, Marker> = {
  sequential: 'circle',
  threads: 'circle',
  worker_threads: 'circle',
  'main-thread-async': 'circle',
  processes: 'square',
  child_process: 'square',
  'processes-spawn': 'diamond',
  interpreters: 'triangle',
};
type Marker = 'circle' | 'square' | 'diamond' | 'triangle';

function okCells(cells: readonly CellResult[]): CellResult[] {
  return cells.filter((c) => c.status === 'ok' && finite(c.speedup));
}

/** Modes in the order the benchmark ran them (settings.modes), then any others the cells name. */
function modeOrder(result: Pick<BenchResult, 'cells' | 'settings'>): Mode[] {
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

// ---------------------------------------------------------------------------------------------
// The verdict

/**
 * The verdict in one sentence, e.g. "CPU-bound: processes are 1.9× faster than sequential with
 * 2 workers; threads 1.0×." It restates `recommendation` (the engine's decision, which already
 * weighed the CIs) with the best speedup every other mode reached, so the comparison is in view.
 */
export function verdictSentence(result: BenchResult): string {
  const r = result.recommendation;
  const modes = bestPerMode(result);
  const speedupList = (except: Mode | null): string =>
    modes
      .filter((m) => m.mode !== except)
      .map((m) => (m.best ? `${modeLabel(m.mode)} ${shortX(m.best.speedup as number)}` : `${modeLabel(m.mode)} ${failedWord(result, m.mode)}`))
      .join(', ');

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

function failedWord(result: BenchResult, mode: Mode): string {
  const cells = result.cells.filter((c) => c.mode === mode);
  return cells.some((c) => c.status === 'failed') ? 'failed' : 'not run';
}

/** What the apply button offers, and whether export/copy have something to work on. */
export function panelActions(result: BenchResult | null): PanelActions {
  const r = result?.recommendation ?? null;
  if (!result || !r) return { hasResult: !!result, canApply: false, applyLabel: 'Apply recommendation' };
  const what = r.mode === 'sequential' ? 'run inline' : singleCellMode(r.mode) ? modeLabel(r.mode) : `${modeLabel(r.mode)} × ${r.workers}`;
  return { hasResult: true, canApply: true, applyLabel: `Apply recommendation: ${what}` };
}

// ---------------------------------------------------------------------------------------------
// The speedup chart

export interface ChartOptions {
  width?: number;
  height?: number;
}

/** Round tick steps (1, 2, 2.5, 5 × 10^k) giving about `target` ticks from 0 to `max`. */
export function ticks(max: number, target = 5): number[] {
  if (!finite(max) || max <= 0) return [0];
  const raw = max / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const out: number[] = [];
  for (let k = 0; k * step <= max + step * 1e-9; k++) out.push(Number((k * step).toFixed(6)));
  return out;
}

const fmtTick = (t: number): string => `${Number(t.toFixed(2))}`;
const n1 = (v: number): string => v.toFixed(1);

/** One sentence per curve for the SVG's aria-label (the table holds every number too). */
export function chartSummary(result: Pick<BenchResult, 'cells' | 'settings'>): string {
  const parts: string[] = [];
  for (const mode of modeOrder(result)) {
    if (mode === 'sequential') continue;
    const cells = okCells(result.cells).filter((c) => c.mode === mode).sort((a, b) => a.workers - b.workers);
    if (cells.length === 0) continue;
    if (singleCellMode(mode)) parts.push(`${modeLabel(mode)}: ${shortX(cells[0].speedup as number)}`);
    else parts.push(`${modeLabel(mode)}: ${cells.map((c) => `${shortX(c.speedup as number)} with ${plural(c.workers, 'worker')}`).join(', ')}`);
  }
  if (parts.length === 0) return 'Speedup against workers: no pool was measured.';
  return `Speedup against sequential by worker count, with 95% confidence bands and the ideal linear speedup. ${parts.join('. ')}.`;
}

function markerSvg(shape: Marker, cx: number, cy: number, cls: string, title: string): string {
  const t = `<title>${esc(title)}</title>`;
  const r = 4;
  switch (shape) {
    case 'square':
      return `<rect class="${cls}" x="${n1(cx - r)}" y="${n1(cy - r)}" width="${2 * r}" height="${2 * r}">${t}</rect>`;
    case 'diamond':
      return `<path class="${cls}" d="M${n1(cx)},${n1(cy - r - 1)} L${n1(cx + r + 1)},${n1(cy)} L${n1(cx)},${n1(cy + r + 1)} L${n1(cx - r - 1)},${n1(cy)} Z">${t}</path>`;
    case 'triangle':
      return `<path class="${cls}" d="M${n1(cx)},${n1(cy - r - 1)} L${n1(cx + r + 1)},${n1(cy + r)} L${n1(cx - r - 1)},${n1(cy + r)} Z">${t}</path>`;
    default:
      return `<circle class="${cls}" cx="${n1(cx)}" cy="${n1(cy)}" r="${r}">${t}</circle>`;
  }
}

/**
 * Speedup (y) against worker count (x): one line per pool mode with its 95% CI as a band, the
 * ideal linear speedup (y = x, dashed) and sequential's 1× line. Linear x, because worker counts
 * are few and the ideal line should stay straight. Returns a note instead when nothing scaled.
 */
export function speedupChartSvg(result: Pick<BenchResult, 'cells' | 'settings'>, options: ChartOptions = {}): string {
  const W = options.width ?? 640;
  const H = options.height ?? 300;
  const pad = { left: 52, right: 170, top: 14, bottom: 44 };
  const ok = okCells(result.cells).filter((c) => c.mode !== 'sequential');
  const lines = ok.filter((c) => !singleCellMode(c.mode));
  const flats = ok.filter((c) => singleCellMode(c.mode));
  if (ok.length === 0) return '<p class="note">No pool was measured, so there is no speedup to chart.</p>';

  const maxWorkers = Math.max(1, ...lines.map((c) => c.workers));
  const maxSpeedup = Math.max(1, ...ok.map((c) => c.speedup as number));
  // CI highs can be wild on a noisy machine: they widen the axis by at most half the best speedup,
  // and bands are clipped to the plot instead of squashing every curve.
  const ciHigh = Math.max(0, ...ok.map((c) => (finite(c.speedupCi95?.high) ? c.speedupCi95!.high : 0)));
  const idealShown = Math.min(maxWorkers, Math.max(2, maxSpeedup * 1.5));
  const maxY = Math.max(1.2, maxSpeedup, Math.min(ciHigh, maxSpeedup * 1.5), maxWorkers > 1 ? idealShown : 0) * 1.08;
  const plotW = W - pad.left - pad.right;
  const plotH = H - pad.top - pad.bottom;
  const x = (n: number): number => (maxWorkers > 1 ? pad.left + ((n - 1) / (maxWorkers - 1)) * plotW : pad.left + plotW / 2);
  const y = (s: number): number => pad.top + plotH - (Math.min(Math.max(s, 0), maxY) / maxY) * plotH;
  const out: string[] = [];

  // Grid, axes, ticks.
  for (const t of ticks(maxY)) {
    out.push(`<line class="grid" x1="${pad.left}" x2="${pad.left + plotW}" y1="${n1(y(t))}" y2="${n1(y(t))}"/>`);
    out.push(`<text class="tick" x="${pad.left - 6}" y="${n1(y(t) + 4)}" text-anchor="end">${fmtTick(t)}×</text>`);
  }
  const workerTicks = [...new Set(lines.map((c) => c.workers))].sort((a, b) => a - b);
  for (const n of workerTicks.length > 0 ? workerTicks : [1]) {
    out.push(`<line class="axis" x1="${n1(x(n))}" x2="${n1(x(n))}" y1="${pad.top + plotH}" y2="${pad.top + plotH + 4}"/>`);
    out.push(`<text class="tick" x="${n1(x(n))}" y="${pad.top + plotH + 17}" text-anchor="middle">${n}</text>`);
  }
  out.push(`<line class="axis" x1="${pad.left}" x2="${pad.left + plotW}" y1="${pad.top + plotH}" y2="${pad.top + plotH}"/>`);
  out.push(`<line class="axis" x1="${pad.left}" x2="${pad.left}" y1="${pad.top}" y2="${pad.top + plotH}"/>`);
  out.push(`<text class="axis-label" x="${n1(pad.left + plotW / 2)}" y="${H - 6}" text-anchor="middle">workers</text>`);
  out.push(
    `<text class="axis-label" x="14" y="${n1(pad.top + plotH / 2)}" text-anchor="middle" transform="rotate(-90 14 ${n1(pad.top + plotH / 2)})">speedup vs sequential</text>`,
  );

  // Sequential's 1× and the ideal linear speedup.
  out.push(`<line class="baseline" x1="${pad.left}" x2="${pad.left + plotW}" y1="${n1(y(1))}" y2="${n1(y(1))}"/>`);
  if (maxWorkers > 1) {
    const top = Math.min(maxWorkers, maxY);
    out.push(`<line class="ideal" x1="${n1(x(1))}" y1="${n1(y(1))}" x2="${n1(x(top))}" y2="${n1(y(top))}"/>`);
  }

  // Bands first, so every line and marker is drawn over every band.
  const modes = modeOrder(result).filter((m) => m !== 'sequential');
  const series = modes
    .map((mode) => ({ mode, points: lines.filter((c) => c.mode === mode).sort((a, b) => a.workers - b.workers) }))
    .filter((s) => s.points.length > 0);
  for (const { mode, points } of series) {
    const withCi = points.filter((c) => finite(c.speedupCi95?.low) && finite(c.speedupCi95?.high));
    if (withCi.length >= 2) {
      const upper = withCi.map((c, k) => `${k === 0 ? 'M' : 'L'}${n1(x(c.workers))},${n1(y(c.speedupCi95!.high))}`);
      const lower = [...withCi].reverse().map((c) => `L${n1(x(c.workers))},${n1(y(c.speedupCi95!.low))}`);
      out.push(`<path class="band ${MODE_COLOR[mode]}" data-mode="${esc(mode)}" d="${upper.join(' ')} ${lower.join(' ')} Z"/>`);
    }
    // A lone point has no band width: a whisker shows its interval instead.
    if (withCi.length === 1) {
      const c = withCi[0];
      out.push(`<line class="whisker ${MODE_COLOR[mode]}" x1="${n1(x(c.workers))}" x2="${n1(x(c.workers))}" y1="${n1(y(c.speedupCi95!.low))}" y2="${n1(y(c.speedupCi95!.high))}"/>`);
    }
  }
  for (const { mode, points } of series) {
    const d = points.map((c, k) => `${k === 0 ? 'M' : 'L'}${n1(x(c.workers))},${n1(y(c.speedup as number))}`).join(' ');
    out.push(`<path class="line ${MODE_COLOR[mode]}${mode === 'processes-spawn' ? ' dashed' : ''}" data-mode="${esc(mode)}" d="${d}"/>`);
    for (const c of points) {
      const ci = c.speedupCi95 && finite(c.speedupCi95.low) && finite(c.speedupCi95.high) ? ` (95% CI ${c.speedupCi95.low.toFixed(2)}–${c.speedupCi95.high.toFixed(2)}×)` : '';
      out.push(markerSvg(MODE_MARKER[mode], x(c.workers), y(c.speedup as number), `marker ${MODE_COLOR[mode]}`, `${cellLabel(c)}: ${formatX(c.speedup as number)}${ci}${c.unstable ? ' ⚠ unstable' : ''}`));
    }
  }
  for (const c of flats) {
    out.push(`<line class="line flat ${MODE_COLOR[c.mode]}" data-mode="${esc(c.mode)}" x1="${pad.left}" x2="${pad.left + plotW}" y1="${n1(y(c.speedup as number))}" y2="${n1(y(c.speedup as number))}"/>`);
  }

  // Legend, right of the plot.
  const lx = W - pad.right + 14;
  let ly = pad.top + 10;
  const legend = (sample: string, text: string): void => {
    out.push(`<g class="legend-item">${sample}<text class="legend" x="${lx + 28}" y="${ly + 4}">${esc(text)}</text></g>`);
    ly += 20;
  };
  for (const { mode } of series) {
    legend(
      `<line class="line ${MODE_COLOR[mode]}${mode === 'processes-spawn' ? ' dashed' : ''}" x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}"/>` +
        markerSvg(MODE_MARKER[mode], lx + 11, ly, `marker ${MODE_COLOR[mode]}`, modeLabel(mode)),
      modeLabel(mode),
    );
  }
  for (const c of flats) legend(`<line class="line flat ${MODE_COLOR[c.mode]}" x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}"/>`, `${modeLabel(c.mode)} ${shortX(c.speedup as number)}`);
  if (series.length > 0) legend(`<rect class="band c-fg" x="${lx}" y="${ly - 6}" width="22" height="12"/>`, '95% CI');
  if (maxWorkers > 1) legend(`<line class="ideal" x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}"/>`, 'ideal (linear)');
  legend(`<line class="baseline" x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}"/>`, 'sequential (1×)');

  return (
    `<svg class="chart speedup-chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(chartSummary(result))}">` +
    `<title>Speedup against workers</title>${out.join('')}</svg>`
  );
}

// ---------------------------------------------------------------------------------------------
// Where the time goes

export interface CostRow {
  mode: Mode;
  workers: number;
  label: string;
  /** Pool creation, paid once per pool; not inside the batch's median. */
  startupMs: number;
  /** An empty task through the pool, times the batch's tasks. */
  dispatchMs: number;
  /** Pickling / structured clone of one task's call and result, times the batch's tasks. */
  serializationMs: number;
  /** The batch's median minus dispatch and serialisation: the tasks' own work (and anything unmeasured). */
  workMs: number;
  medianMs: number;
}

/**
 * One row per mode at the recommended worker count (the largest measured one when the verdict is
 * "run inline"), for the cost breakdown. Null when the batch's task count is unknown (the
 * per-task costs cannot be scaled to a batch) or nothing ran.
 */
export function costRows(result: BenchResult): { workers: number; rows: CostRow[] } | null {
  const tasks = result.taskCount;
  if (!finite(tasks) || tasks <= 0) return null;
  const measured = result.cells.filter((c) => c.status === 'ok' && finite(c.medianMs));
  if (measured.length === 0) return null;
  const r = result.recommendation;
  const poolWorkers = measured.filter((c) => !singleCellMode(c.mode)).map((c) => c.workers);
  const target = r && r.mode !== 'sequential' && !singleCellMode(r.mode) ? r.workers : Math.max(1, ...poolWorkers);
  const rows: CostRow[] = [];
  for (const mode of modeOrder(result)) {
    const cells = measured.filter((c) => c.mode === mode);
    if (cells.length === 0) continue;
    // The target count, else the nearest measured one (a mode may have stopped early).
    const cell = cells.reduce((a, c) => (Math.abs(c.workers - target) < Math.abs(a.workers - target) ? c : a));
    const median = cell.medianMs as number;
    const pool = mode !== 'sequential';
    const dispatch = pool && finite(cell.dispatchMsPerTask) ? cell.dispatchMsPerTask * tasks : 0;
    const serial = pool && crossesBoundary(mode) && cell.serialization && finite(cell.serialization.msPerTask) ? cell.serialization.msPerTask * tasks : 0;
    rows.push({
      mode,
      workers: cell.workers,
      label: cellLabel(cell),
      startupMs: pool && finite(cell.startupMs) ? cell.startupMs : 0,
      dispatchMs: Math.min(dispatch, median),
      serializationMs: Math.min(serial, Math.max(0, median - dispatch)),
      workMs: Math.max(0, median - dispatch - serial),
      medianMs: median,
    });
  }
  return { workers: target, rows };
}

const SEGMENTS: { key: 'startupMs' | 'dispatchMs' | 'serializationMs' | 'workMs'; label: string; cls: string }[] = [
  { key: 'startupMs', label: 'start-up (once per pool)', cls: 'seg-startup' },
  { key: 'dispatchMs', label: 'dispatch × tasks', cls: 'seg-dispatch' },
  { key: 'serializationMs', label: 'serialisation × tasks', cls: 'seg-serialization' },
  { key: 'workMs', label: 'the tasks’ own work (rest of the batch)', cls: 'seg-work' },
];

export function costBreakdownHtml(result: BenchResult): string {
  const data = costRows(result);
  if (!data) return '<p class="note">The batch’s task count is unknown, so per-task costs cannot be added up.</p>';
  const { rows } = data;
  const W = 640;
  const labelW = 150;
  const barW = W - labelW - 110;
  const rowH = 26;
  const H = rows.length * rowH + 8;
  const max = Math.max(...rows.map((r) => r.startupMs + r.medianMs), 1e-9);
  const bars: string[] = [];
  rows.forEach((row, i) => {
    const top = 4 + i * rowH;
    bars.push(`<text class="tick" x="${labelW - 8}" y="${top + 15}" text-anchor="end">${esc(row.label)}</text>`);
    let at = labelW;
    for (const seg of SEGMENTS) {
      const ms = row[seg.key];
      const w = (ms / max) * barW;
      if (!(w > 0.2)) continue;
      bars.push(`<rect class="seg ${seg.cls}" x="${n1(at)}" y="${top + 3}" width="${n1(w)}" height="${rowH - 8}"><title>${esc(`${row.label}, ${seg.label}: ${formatMs(ms)}`)}</title></rect>`);
      at += w;
    }
    bars.push(`<text class="tick" x="${n1(at + 6)}" y="${top + 15}">${esc(formatMs(row.startupMs + row.medianMs))}</text>`);
  });
  const summary = rows
    .map((r) => `${r.label}: ${SEGMENTS.filter((s) => r[s.key] > 0).map((s) => `${s.label} ${formatMs(r[s.key])}`).join(', ')}`)
    .join('. ');
  const svg = `<svg class="chart cost-chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(`Cost of one batch of ${plural(result.taskCount as number, 'task')}. ${summary}.`)}">${bars.join('')}</svg>`;
  const legend = `<ul class="legend-list">${SEGMENTS.map((s) => `<li><svg class="swatch" viewBox="0 0 12 12" aria-hidden="true"><rect class="seg ${s.cls}" width="12" height="12"/></svg>${esc(s.label)}</li>`).join('')}</ul>`;
  const head = ['Mode', 'Start-up (once)', 'Dispatch', 'Serialisation', 'Own work', 'Batch median'];
  const table =
    `<table class="cost-table"><caption>Cost of one batch of ${esc(plural(result.taskCount as number, 'task'))}</caption>` +
    `<thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>` +
    rows
      .map(
        (r) =>
          `<tr><th scope="row">${esc(r.label)}</th>${[r.mode === 'sequential' ? '—' : formatMs(r.startupMs), r.mode === 'sequential' ? '—' : formatMs(r.dispatchMs), crossesBoundary(r.mode) ? formatMs(r.serializationMs) : '—', formatMs(r.workMs), formatMs(r.medianMs)]
            .map((t) => `<td>${esc(t)}</td>`)
            .join('')}</tr>`,
      )
      .join('') +
    '</tbody></table>';
  const note =
    '<p class="note">Start-up is creating the pool and reaching every worker: paid once per pool, outside the measured batches. ' +
    'Dispatch is an empty task sent through the pool, and serialisation is pickling (or cloning) one task’s arguments and result on one thread; ' +
    'both are measured apart from the real tasks and multiplied by the task count, so the split of a batch is an estimate. ' +
    'Own work is the rest of the batch’s median: computing or waiting, whatever the tasks do.</p>';
  return `${svg}${legend}${note}<details class="cost-details"><summary>Cost numbers</summary>${table}</details>`;
}

// ---------------------------------------------------------------------------------------------
// The full table, warnings, facts

function ciMs(c: CellResult): string {
  return c.ci95Ms && finite(c.ci95Ms.low) && finite(c.ci95Ms.high) ? `${formatMs(c.ci95Ms.low)} – ${formatMs(c.ci95Ms.high)}` : '';
}

function ciX(c: CellResult): string {
  return c.mode !== 'sequential' && c.speedupCi95 && finite(c.speedupCi95.low) && finite(c.speedupCi95.high)
    ? `${c.speedupCi95.low.toFixed(2)} – ${c.speedupCi95.high.toFixed(2)}×`
    : '';
}

export const TABLE_COLUMNS = [
  'Mode',
  'Workers',
  'Median',
  'Median 95% CI',
  'Speedup',
  'Speedup 95% CI',
  'Efficiency',
  'Karp–Flatt',
  'Start-up',
  'Dispatch / task',
  'Serialisation / task',
  'CPU / wall',
  'Samples',
] as const;

/** Every cell, one row each: the numbers behind the chart. */
export function resultTableHtml(result: BenchResult): string {
  const rows = result.cells.map((c) => {
    const head = `<th scope="row">${esc(modeLabel(c.mode))}</th><td>${singleCellMode(c.mode) ? '—' : c.workers}</td>`;
    if (c.status !== 'ok') {
      const what = c.status === 'failed' ? `failed: ${c.error?.message ?? c.error?.kind ?? 'unknown error'}` : 'not run (time budget or an earlier error)';
      return `<tr class="failed">${head}<td class="message" colspan="${TABLE_COLUMNS.length - 2}">${esc(what)}</td></tr>`;
    }
    const median = finite(c.medianMs) ? formatMs(c.medianMs) : '';
    const medianCell = c.unstable
      ? `<td class="unstable">${esc(median)} <span aria-hidden="true" title="${esc(c.unstableReason ?? 'unstable')}">⚠</span><span class="visually-hidden"> (unstable: ${esc(c.unstableReason ?? '')})</span></td>`
      : `<td>${esc(median)}</td>`;
    const cols = [
      ciMs(c),
      finite(c.speedup) ? formatX(c.speedup) : '',
      ciX(c),
      finite(c.efficiency) ? `${Math.round(c.efficiency * 100)}%` : '',
      finite(c.karpFlatt) ? c.karpFlatt.toFixed(3) : '',
      finite(c.startupMs) ? formatMs(c.startupMs) : '',
      finite(c.dispatchMsPerTask) && c.mode !== 'sequential' ? formatMs(c.dispatchMsPerTask) : '',
      c.serialization && finite(c.serialization.msPerTask) ? `${formatMs(c.serialization.msPerTask)} (${c.serialization.bytesPerTask} B)` : '',
      finite(c.cpuWallRatio) ? c.cpuWallRatio.toFixed(2) : '',
      `${c.samplesMs.length} × ${c.repeat ?? 1}`,
    ];
    return `<tr${c.unstable ? ' class="unstable-row"' : ''}>${head}${medianCell}${cols.map((t) => `<td>${esc(t)}</td>`).join('')}</tr>`;
  });
  return (
    `<div class="table-scroll" tabindex="0" role="region" aria-label="All measurements (scrolls sideways)"><table class="results">` +
    `<caption>Every mode and worker count: median wall time of one batch (all ${result.taskCount ?? ''} tasks once), speedup over sequential, and the pools’ own costs</caption>` +
    `<thead><tr>${TABLE_COLUMNS.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></div>` +
    '<p class="note">Median: wall time of one batch, pool start-up excluded. Speedup: T(sequential) ÷ T(cell), with a bootstrap 95% CI of the ratio. ' +
    'Efficiency: speedup ÷ workers. Karp–Flatt: the serial fraction implied by that speedup. Dispatch: an empty task through the pool. ' +
    'CPU / wall: CPU time of the harness and its workers ÷ wall time (about the number of busy cores). ⚠ unstable: CV ≥ 10% or min / max ≥ 50% away from the median.</p>'
  );
}

/** Unstable cells (with their reason), the engine's warnings and its errors. */
export function warningsHtml(result: BenchResult): string {
  const items: string[] = [];
  for (const c of result.cells) {
    if (c.status === 'ok' && c.unstable) items.push(`<li class="warning">⚠ <strong>${esc(cellLabel(c))}</strong> measured unstably: ${esc(c.unstableReason ?? 'its samples vary widely')}.</li>`);
  }
  for (const w of result.warnings) items.push(`<li class="warning">⚠ ${esc(w)}</li>`);
  const errors = result.errors.map(
    (e) =>
      `<li class="error"><strong>${esc(e.kind)}${e.mode ? ` (${esc(e.workers !== null && !singleCellMode(e.mode) ? cellLabel({ mode: e.mode, workers: e.workers }) : modeLabel(e.mode))})` : ''}:</strong> ${esc(e.message)}` +
      `${e.detail ? `<details><summary>Details</summary><pre>${esc(e.detail)}</pre></details>` : ''}</li>`,
  );
  if (items.length === 0 && errors.length === 0) return '';
  const unstable = result.cells.some((c) => c.status === 'ok' && c.unstable);
  return (
    `<section class="warnings" aria-labelledby="warnings-h"><h2 id="warnings-h">${errors.length > 0 ? 'Errors and warnings' : 'Warnings'}</h2>` +
    `<ul>${errors.join('')}${items.join('')}</ul>` +
    (unstable ? '<p class="note">Unstable cells can move between runs: re-run on a quieter machine (close other work) before acting on a close call.</p>' : '') +
    '</section>'
  );
}

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
  if (finite(m.loadAverage)) facts.push(['Load average at start', `${m.loadAverage.toFixed(2)}${m.loadAverage > m.usableCpus * 0.5 ? ' (busy: expect noise)' : ''}`]);
  facts.push(['Tasks per batch', result.taskCount !== null ? `${result.taskCount} from ${result.inputs}${result.inputPreview ? ` (first: ${result.inputPreview})` : ''}` : result.inputs]);
  if (result.taskProfile) facts.push(['One task alone', `${formatMs(result.taskProfile.wallMs)} wall, ${formatMs(result.taskProfile.cpuMs)} CPU`]);
  if (result.workload) facts.push(['Workload', result.workload.summary]);
  if (result.serialization) facts.push(['Serialisation per task', `${result.serialization.bytesPerTask} bytes, ${formatMs(result.serialization.msPerTask)}`]);
  for (const s of result.scaling) {
    if (!s.amdahl) continue;
    const a = s.amdahl;
    const cap = a.maxSpeedup !== null && a.serialFraction > 0 && a.serialFraction < 1 ? ` (at most ${formatX(a.maxSpeedup)})` : '';
    facts.push([`Amdahl fit, ${modeLabel(s.mode)}`, `serial fraction ${a.serialFraction.toFixed(3)}${cap} from ${plural(a.points, 'point')}`]);
  }
  const st = result.settings;
  facts.push([
    'Method',
    `${result.rounds} interleaved rounds in ${(result.durationMs / 1000).toFixed(1)} s (budget ${st.maxSeconds} s), ≥ ${st.minSampleMs} ms per sample, ` +
      `${st.warmupRuns} warm-up run per cell discarded, medians with bootstrap ${Math.round(st.confidence * 100)}% CIs (${st.bootstrapResamples} resamples, seed ${st.seed})`,
  ]);
  facts.push(['Started', result.startedAt]);
  return facts;
}

/** One line under the verdict when cells were noisy: the full list sits lower, under Warnings. */
function unstableNote(result: BenchResult): string {
  const ok = result.cells.filter((c) => c.status === 'ok');
  const unstable = ok.filter((c) => c.unstable);
  if (unstable.length === 0) return '';
  return (
    `<p class="unstable-note">⚠ ${unstable.length} of ${plural(ok.length, 'measurement')} ${unstable.length === 1 ? 'was' : 'were'} unstable, ` +
    'so close calls may flip on a re-run: <a href="#warnings-h">see the warnings</a>.</p>'
  );
}

/** The whole result area of the panel. */
export function resultHtml(result: BenchResult, interpreterLabel: string): string {
  const verdict = verdictSentence(result);
  const why: string[] = [];
  if (result.workload && result.workload.kind !== 'unknown') why.push(`${capitalise(result.workload.summary)}.`);
  if (result.recommendation) why.push(result.recommendation.reason);
  const status = result.status === 'ok' ? '' : `<p class="status-note">Status: ${esc(result.status)}${result.status === 'partial' ? ' (some modes failed: see the errors)' : ''}.</p>`;
  return (
    `<section class="verdict" aria-labelledby="verdict-h"><h2 id="verdict-h" class="visually-hidden">Verdict</h2>` +
    `<p class="verdict-sentence" id="verdict">${esc(verdict)}</p>` +
    (why.length > 0 ? `<p class="verdict-why">${esc(why.join(' '))}</p>` : '') +
    status +
    unstableNote(result) +
    '</section>' +
    `<section aria-labelledby="chart-h"><h2 id="chart-h">Speedup against workers</h2><figure class="chart-figure">${speedupChartSvg(result)}` +
    '<figcaption class="note">Each line is a pool’s median speedup over sequential; its shaded band is the 95% confidence interval. ' +
    'The dashed diagonal is ideal linear scaling, the dotted line sequential (1×): below it, the pool loses.</figcaption></figure></section>' +
    warningsHtml(result) +
    `<section aria-labelledby="cost-h"><h2 id="cost-h">Where the time goes</h2>${costBreakdownHtml(result)}</section>` +
    `<section aria-labelledby="table-h"><h2 id="table-h">All measurements</h2>${resultTableHtml(result)}</section>` +
    `<section aria-labelledby="facts-h"><h2 id="facts-h">Interpreter and machine</h2><dl class="facts">` +
    factsList(result, interpreterLabel)
      .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`)
      .join('') +
    '</dl></section>'
  );
}

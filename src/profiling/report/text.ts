import * as path from 'node:path';
import { singleCellMode } from '../plan';
import type { BenchResult, CellResult } from '../types';
import { MIN_FIT_POINTS, amdahlCeiling, batchSource, breakEvenText, cellLabel, cellTexts, formatX, inconclusiveHeadline, isInconclusive, modeLabel, plural, serializationText, taskProfileText } from './format';

// The terminal report of `concurrency-lens bench`: facts, the table (mode × workers: median, CI,
// speedup, efficiency, costs), an ASCII speedup chart and the verdict. Plain text that reads the
// same in a CI log; colour only through the optional styler.

export interface Styler {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
}

const plain: Styler = { bold: (t) => t, dim: (t) => t, green: (t) => t, red: (t) => t, yellow: (t) => t };

const CHART_WIDTH = 44;

export function formatBenchText(result: BenchResult, style: Styler = plain, cwd: string = process.cwd()): string {
  const out = [...setupLines(result, style, cwd), ''];
  const measured = result.cells.filter((c) => c.status !== 'not-run' || c.error);
  if (measured.length > 0) out.push(formatTable(measured, style), '');
  const chart = formatChart(result.cells);
  if (chart) out.push(style.bold('Speedup vs sequential'), chart, '');
  const scaling = scalingLines(result);
  if (scaling.length > 0) out.push(style.bold('Scaling'), ...scaling, '');
  if (isInconclusive(result) && result.verdict) {
    const v = result.verdict;
    out.push(`${style.bold('Verdict:')} ${style.yellow(`inconclusive: ${inconclusiveHeadline(result)}`)}`, wrap(v.reason ?? '', 100, '  '));
    if (v.advice) out.push(wrap(`What to do: ${v.advice}`, 100, '  '));
    const r = result.recommendation;
    if (r && r.mode !== 'sequential') out.push(wrap(`As measured (not to be trusted yet): ${r.reason}`, 100, '  '));
    out.push('');
  } else if (result.recommendation) {
    const r = result.recommendation;
    const verdict = r.mode === 'sequential' ? 'run it inline (sequential)' : `${modeLabel(r.mode)} with ${plural(r.workers, 'worker')}`;
    out.push(`${style.bold('Verdict:')} ${style.green(verdict)}`, wrap(r.reason, 100, '  '), '');
  }
  const breakEven = breakEvenText(result);
  if (breakEven) out.push(`${style.bold('Break-even:')} ${breakEven}`, '');
  for (const error of result.errors) {
    out.push(style.red(`error${error.mode ? ` (${error.mode})` : ''}: ${error.message}`));
    if (error.detail) out.push(style.dim(indent(error.detail.trim(), '    ')));
  }
  for (const warning of result.warnings) out.push(style.yellow(`warning: ${warning}`));
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

/** What was measured, with what, on what, and how. */
function setupLines(result: BenchResult, style: Styler, cwd: string): string[] {
  const out: string[] = [];
  const file = path.relative(cwd, result.file) || result.file;
  out.push(style.bold(`Benchmark of ${result.functionName}() in ${file}`));
  if (result.taskCount !== null) out.push(`  ${plural(result.taskCount, 'task')} per batch from ${batchSource(result)}`);
  const i = result.interpreter;
  if (i) {
    const parts = [`${i.implementation} ${i.version}`];
    if (i.language === 'python') {
      parts.push(i.gilEnabled === false ? 'free-threaded (no GIL)' : 'GIL enabled');
      if (i.defaultStartMethod) parts.push(`start method ${i.defaultStartMethod}`);
      parts.push(i.hasInterpreterPool ? 'InterpreterPoolExecutor available' : 'no InterpreterPoolExecutor');
    }
    out.push(`  ${parts.join(', ')} (${i.executable})`);
  }
  const m = result.machine;
  out.push(
    `  ${plural(m.cpuCount, 'CPU')} (${m.usableCpus} usable)${m.cpuModel ? `, ${m.cpuModel}` : ''}, ${m.platform}/${m.arch}` +
      (m.loadAverage !== null ? `, load ${m.loadAverage.toFixed(2)} at start` : ''),
  );
  if (result.taskProfile) out.push(`  One task: ${taskProfileText(result.taskProfile)}`);
  if (result.workload) out.push(`  Workload: ${result.workload.summary}`);
  if (result.serialization) {
    const how = result.language === 'node' ? 'to structured-clone and back' : 'to pickle and unpickle';
    out.push(`  Serialization per task: ${serializationText(result.serialization)} ${how}`);
  }
  out.push(
    style.dim(
      `  ${plural(result.rounds, 'interleaved round')} in ${(result.durationMs / 1000).toFixed(1)} s (budget ${result.settings.maxSeconds} s` +
        `${result.budget ? ` after ${result.budget.startupSeconds.toFixed(1)} s of start-up` : ''}); ` +
        `medians with bootstrap ${Math.round(result.settings.confidence * 100)}% CIs`,
    ),
  );
  return out;
}

/** Per mode: Amdahl's serial fraction (and the ceiling it implies) and Karp–Flatt per worker count. */
function scalingLines(result: BenchResult): string[] {
  return result.scaling
    .filter((s) => (s.amdahl && s.amdahl.points >= MIN_FIT_POINTS) || s.karpFlatt.length > 0)
    .map((s) => {
      const a = s.amdahl && s.amdahl.points >= MIN_FIT_POINTS ? s.amdahl : null;
      const ceiling = a ? amdahlCeiling(a) : null;
      const kf = s.karpFlatt.map((k) => `e(${k.workers}) = ${k.value.toFixed(3)}`).join(', ');
      const parts = [
        a ? `Amdahl serial fraction ${a.serialFraction.toFixed(3)} from ${a.points} worker counts${ceiling !== null ? ` (at most ${formatX(ceiling)} with any number of workers)` : ''}` : '',
        kf ? `Karp–Flatt ${kf}` : '',
      ].filter(Boolean);
      return `  ${modeLabel(s.mode).padEnd(18)} ${parts.join('; ')}`;
    });
}

function formatTable(cells: readonly CellResult[], style: Styler): string {
  const header = ['Mode', 'Workers', 'Median', '95% CI', 'Speedup', '95% CI', 'Eff.', 'Start-up', 'Dispatch/task', 'CPU/wall', 'Samples'];
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const c of cells) {
    const workers = singleCellMode(c.mode) ? '' : String(c.workers);
    if (c.status !== 'ok') {
      rows.push([modeLabel(c.mode), workers, c.status === 'failed' ? `failed: ${c.error?.kind ?? '?'}` : 'not run', '', '', '', '', '', '', '', '']);
      continue;
    }
    if (c.unstable) notes.push(`  ! ${cellLabel(c)}: unstable (${c.unstableReason})`);
    const t = cellTexts(c, 'tight');
    rows.push([modeLabel(c.mode), workers, t.median + (c.unstable ? ' !' : ''), t.medianCi, t.speedup, t.speedupCi, t.efficiency, t.startup, t.dispatch, t.cpuWall, t.samples]);
  }
  const widths = header.map((h, col) => Math.max(h.length, ...rows.map((r) => r[col].length)));
  const right = new Set([1, 2, 4, 6, 7, 8, 9, 10]);
  const line = (cols: string[]): string => `  ${cols.map((text, col) => (right.has(col) ? text.padStart(widths[col]) : text.padEnd(widths[col]))).join('  ')}`.trimEnd();
  const lines = [style.bold(line(header)), ...rows.map(line)];
  lines.push(style.dim('  Median = wall time of one batch (every task once). Samples = samples × batches per sample.'));
  lines.push(...notes.map((n) => style.yellow(n)));
  return lines.join('\n');
}

/** Horizontal bars of each measured cell's speedup; the axis marks 1× (sequential). */
export function formatChart(cells: readonly CellResult[], width: number = CHART_WIDTH): string | null {
  const bars = cells.filter((c) => c.status === 'ok' && c.speedup !== null && c.mode !== 'sequential');
  if (bars.length === 0) return null;
  const top = Math.max(1, ...bars.map((c) => c.speedup as number)) * 1.05;
  const scale = width / top;
  const labels = bars.map((c) => cellLabel(c));
  const labelWidth = Math.max(...labels.map((l) => l.length));
  const one = Math.round(scale);
  const partial = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
  const lines = bars.map((c, index) => {
    const exact = (c.speedup as number) * scale;
    const full = Math.floor(exact);
    const eighths = Math.floor((exact - full) * 8);
    let bar = '█'.repeat(full) + partial[eighths];
    if (bar.length === 0) bar = '▏';
    return `  ${labels[index].padEnd(labelWidth)} │${bar.padEnd(width)} ${formatX(c.speedup as number)}`;
  });
  const axis = Array.from({ length: width }, (_, col) => (col === one - 1 ? '┴' : '─')).join('');
  lines.push(`  ${''.padEnd(labelWidth)} └${axis}`);
  // '0' under the corner, '1×' under the tick, the largest speedup at the end of the axis.
  const maxLabel = formatX(top / 1.05);
  const ticks = `0${' '.repeat(Math.max(0, one - 1))}1×${' '.repeat(Math.max(1, width + 1 - (one + 2) - maxLabel.length))}${maxLabel}`;
  lines.push(`  ${''.padEnd(labelWidth)} ${ticks}`);
  return lines.join('\n');
}

function wrap(text: string, width: number, prefix: string): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(prefix + line);
      line = word;
    } else line = line.length > 0 ? `${line} ${word}` : word;
  }
  if (line) lines.push(prefix + line);
  return lines.join('\n');
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}

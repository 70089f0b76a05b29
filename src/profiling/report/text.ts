import * as path from 'node:path';
import { cellLabel, formatMs, formatX, modeLabel } from '../recommend';
import { singleCellMode } from '../plan';
import type { BenchResult, CellResult } from '../types';

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
  const out: string[] = [];
  const file = path.relative(cwd, result.file) || result.file;
  out.push(style.bold(`Benchmark of ${result.functionName}() in ${file}`));
  if (result.taskCount !== null) {
    out.push(`  ${result.taskCount} task${result.taskCount === 1 ? '' : 's'} per batch from ${result.inputs}${result.inputPreview ? ` (first: ${result.inputPreview})` : ''}`);
  }
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
    `  ${m.cpuCount} CPU${m.cpuCount === 1 ? '' : 's'} (${m.usableCpus} usable)${m.cpuModel ? `, ${m.cpuModel}` : ''}, ${m.platform}/${m.arch}` +
      (m.loadAverage !== null ? `, load ${m.loadAverage.toFixed(2)} at start` : ''),
  );
  if (result.taskProfile) {
    const p = result.taskProfile;
    out.push(`  One task: ${formatMs(p.wallMs)} wall, ${formatMs(p.cpuMs)} CPU`);
  }
  if (result.workload) out.push(`  Workload: ${result.workload.summary}`);
  if (result.serialization) {
    const how = result.language === 'node' ? 'to structured-clone and back' : 'to pickle and unpickle';
    out.push(`  Serialization per task: ${result.serialization.bytesPerTask} bytes, ${formatMs(result.serialization.msPerTask)} ${how}`);
  }
  out.push(
    style.dim(
      `  ${result.rounds} interleaved round${result.rounds === 1 ? '' : 's'} in ${(result.durationMs / 1000).toFixed(1)} s (budget ${result.settings.maxSeconds} s); ` +
        `medians with bootstrap ${Math.round(result.settings.confidence * 100)}% CIs`,
    ),
  );
  out.push('');

  const measured = result.cells.filter((c) => c.status !== 'not-run' || c.error);
  if (measured.length > 0) {
    out.push(formatTable(measured, style));
    out.push('');
  }
  const chart = formatChart(result.cells);
  if (chart) {
    out.push(style.bold('Speedup vs sequential'));
    out.push(chart);
    out.push('');
  }
  const scaling = result.scaling.filter((s) => s.amdahl);
  if (scaling.length > 0) {
    out.push(style.bold('Scaling'));
    for (const s of scaling) {
      const a = s.amdahl!;
      const kf = s.karpFlatt.map((k) => `e(${k.workers}) = ${k.value.toFixed(3)}`).join(', ');
      out.push(
        `  ${modeLabel(s.mode).padEnd(18)} Amdahl serial fraction ${a.serialFraction.toFixed(3)}` +
          (a.maxSpeedup !== null && a.serialFraction > 0 && a.serialFraction < 1 ? ` (at most ${formatX(a.maxSpeedup)} with any number of workers)` : '') +
          (kf ? `; Karp–Flatt ${kf}` : ''),
      );
    }
    out.push('');
  }
  if (result.recommendation) {
    const r = result.recommendation;
    const verdict = r.mode === 'sequential' ? 'run it inline (sequential)' : `${modeLabel(r.mode)} with ${r.workers} worker${r.workers === 1 ? '' : 's'}`;
    out.push(`${style.bold('Verdict:')} ${style.green(verdict)}`);
    out.push(wrap(r.reason, 100, '  '));
    out.push('');
  }
  for (const error of result.errors) {
    out.push(style.red(`error${error.mode ? ` (${error.mode})` : ''}: ${error.message}`));
    if (error.detail) out.push(style.dim(indent(error.detail.trim(), '    ')));
  }
  for (const warning of result.warnings) out.push(style.yellow(`warning: ${warning}`));
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

function formatTable(cells: readonly CellResult[], style: Styler): string {
  const header = ['Mode', 'Workers', 'Median', '95% CI', 'Speedup', '95% CI', 'Eff.', 'Start-up', 'Dispatch/task', 'CPU/wall', 'Samples'];
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const c of cells) {
    if (c.status !== 'ok') {
      rows.push([modeLabel(c.mode), singleCellMode(c.mode) ? '' : String(c.workers), c.status === 'failed' ? `failed: ${c.error?.kind ?? '?'}` : 'not run', '', '', '', '', '', '', '', '']);
      continue;
    }
    const flag = c.unstable ? ' !' : '';
    if (c.unstable) notes.push(`  ! ${cellLabel(c)}: unstable (${c.unstableReason})`);
    rows.push([
      modeLabel(c.mode),
      singleCellMode(c.mode) ? '' : String(c.workers),
      formatMs(c.medianMs as number) + flag,
      c.ci95Ms ? `${formatMs(c.ci95Ms.low)}–${formatMs(c.ci95Ms.high)}` : '',
      c.speedup !== null ? formatX(c.speedup) : '',
      c.speedupCi95 && c.mode !== 'sequential' ? `${c.speedupCi95.low.toFixed(2)}–${c.speedupCi95.high.toFixed(2)}×` : '',
      c.efficiency !== null ? `${Math.round(c.efficiency * 100)}%` : '',
      c.startupMs !== null ? formatMs(c.startupMs) : '',
      c.dispatchMsPerTask !== null ? formatMs(c.dispatchMsPerTask) : '',
      c.cpuWallRatio !== null ? c.cpuWallRatio.toFixed(2) : '',
      `${c.samplesMs.length}×${c.repeat ?? 1}`,
    ]);
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

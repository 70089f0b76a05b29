import { singleCellMode } from '../plan';
import type { BenchResult, CellResult } from '../types';
import { cellLabel, cellTexts, factsList, modeLabel, unstableCells, verdictSentence } from './format';

// The panel's exports: JSON (the result document itself, as `bench --json` prints it), CSV (one
// row per cell, raw numbers for a spreadsheet or pandas) and Markdown (for a pull request or an
// issue: the verdict, the table, the facts). Pure functions; the panel writes or copies them.

/** The result document, unchanged: the same contract as `concurrency-lens bench --json`. */
export function benchmarkJson(result: BenchResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

export const CSV_COLUMNS = [
  'file',
  'function',
  'mode',
  'workers',
  'status',
  'median_ms',
  'median_ci_low_ms',
  'median_ci_high_ms',
  'mean_ms',
  'min_ms',
  'max_ms',
  'cv',
  'speedup',
  'speedup_ci_low',
  'speedup_ci_high',
  'efficiency',
  'karp_flatt',
  'startup_ms',
  'dispatch_ms_per_task',
  'serialization_bytes_per_task',
  'serialization_ms_per_task',
  'cpu_wall_ratio',
  'cpu_ms_per_task',
  'samples',
  'repeat',
  'unstable',
  'unstable_reason',
  'error',
] as const;

/**
 * RFC 4180 field: quoted when it holds a comma, quote or line break. Text that a spreadsheet
 * would run as a formula (=, +, -, @ first) gets a leading apostrophe; numbers are written raw.
 */
function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function benchmarkCsv(result: BenchResult): string {
  const row = (c: CellResult): (string | number | boolean | null)[] => [
    result.file,
    result.functionName,
    c.mode,
    c.workers,
    c.status,
    c.medianMs,
    c.ci95Ms?.low ?? null,
    c.ci95Ms?.high ?? null,
    c.meanMs,
    c.minMs,
    c.maxMs,
    c.cv,
    c.speedup,
    c.speedupCi95?.low ?? null,
    c.speedupCi95?.high ?? null,
    c.efficiency,
    c.karpFlatt,
    c.startupMs,
    c.dispatchMsPerTask,
    c.serialization?.bytesPerTask ?? null,
    c.serialization?.msPerTask ?? null,
    c.cpuWallRatio,
    c.cpuMsPerTask,
    c.samplesMs.length,
    c.repeat,
    c.unstable,
    c.unstableReason,
    c.error ? `${c.error.kind}: ${c.error.message}` : null,
  ];
  const lines = [CSV_COLUMNS.join(','), ...result.cells.map((c) => row(c).map(csvField).join(','))];
  // CRLF: RFC 4180's line break, which Excel expects too.
  return `${lines.join('\r\n')}\r\n`;
}

/** A table cell's text: pipes would end the cell, line breaks the row. */
const md = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

const baseName = (file: string): string => file.split(/[\\/]/).pop() || file;

export function benchmarkMarkdown(result: BenchResult, interpreterLabel: string): string {
  const out: string[] = [];
  out.push(`### Benchmark: \`${md(result.functionName)}()\` in \`${md(baseName(result.file))}\``, '');
  out.push(`**${md(verdictSentence(result))}**`, '');
  if (result.verdict?.status === 'inconclusive') {
    out.push(`${result.verdict.reason ?? ''}${result.verdict.advice ? ` **What to do:** ${result.verdict.advice}` : ''}`, '');
  } else if (result.recommendation) out.push(result.recommendation.reason, '');
  out.push('| Mode | Workers | Median | 95% CI | Speedup | 95% CI | Efficiency | Start-up | Dispatch / task | CPU / wall |');
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const c of result.cells) {
    const workers = singleCellMode(c.mode) ? '—' : String(c.workers);
    if (c.status !== 'ok') {
      const what = c.status === 'failed' ? `failed: ${c.error?.message ?? c.error?.kind ?? ''}` : 'not run';
      out.push(`| ${md(modeLabel(c.mode))} | ${workers} | ${md(what)} | | | | | | | |`);
      continue;
    }
    const t = cellTexts(c);
    const dispatch = c.mode !== 'sequential' ? t.dispatch : '';
    const cols = [modeLabel(c.mode), workers, `${t.median}${c.unstable ? ' ⚠' : ''}`, t.medianCi, t.speedup, t.speedupCi, t.efficiency, t.startup, dispatch, t.cpuWall];
    out.push(`| ${cols.map(md).join(' | ')} |`);
  }
  out.push('');
  const notes = [
    ...unstableCells(result).map((c) => `⚠ ${cellLabel(c)} is unstable: ${c.unstableReason ?? 'its samples vary widely'}.`),
    ...result.warnings.map((w) => `⚠ ${w}`),
    ...result.errors.map((e) => `✖ ${e.kind}${e.mode ? ` (${modeLabel(e.mode)})` : ''}: ${e.message}`),
  ];
  if (notes.length > 0) out.push(...notes.map((n) => `- ${n}`), '');
  const keep = new Set(['Interpreter', 'GIL', 'Default start method', 'CPUs', 'Machine', 'Machine load', 'Tasks per batch', 'Workload', 'Break-even', 'Time budget', 'Method']);
  out.push(
    ...factsList(result, interpreterLabel)
      .filter(([k]) => keep.has(k))
      .map(([k, v]) => `- **${k}:** ${v}`),
  );
  out.push('', '_Median wall time of one batch (every task once), pool start-up excluded; speedup = T(sequential) ÷ T(cell) with bootstrap 95% CIs. Measured with Concurrency Lens._', '');
  return out.join('\n');
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { SingleBar } from 'cli-progress';
import { InvalidArgumentError } from 'commander';
import type { Mode } from '../profiling/protocol';
import { formatRefusal } from '../profiling/preflight';
import { formatBenchHtml } from '../profiling/report/html';
import { formatBenchText } from '../profiling/report/text';
import { runBenchmark } from '../profiling/run';
import type { BenchResult, ProgressEvent } from '../profiling/types';
import { colorsFor } from './format-text';

// `concurrency-lens bench FILE --function NAME --inputs EXPR`: runs the engine's benchmark
// (src/profiling) and prints the table, chart and verdict, or the JSON document (docs/bench.md,
// "The JSON document"), or writes an HTML report. Exit 0 when the benchmark ran,
// 2 on a usage error, when the user's code failed in any mode (the message names the cause and
// the mode), or when the module was refused because importing it does work (`refusal` in the
// JSON; the text names the line and the fix), 130 when cancelled with Ctrl+C.

export const EXIT_BENCH_OK = 0;
export const EXIT_BENCH_ERROR = 2;
export const EXIT_BENCH_CANCELLED = 130;

/**
 * Set to 1 to accept worker counts above the engine's caps (plan.ts `workerCap`). An environment
 * variable so that going past the caps takes a deliberate step apart from the --workers list;
 * the `allowManyWorkers` option is the same switch for a caller that registers a flag for it.
 */
export const ALLOW_MANY_WORKERS_ENV = 'CONCURRENCY_LENS_ALLOW_MANY_WORKERS';

/** The user's prints are forwarded to stderr up to this much; a chatty function must not flood the terminal. */
const OUTPUT_CAP = 64 * 1024;

export interface BenchCommandOptions {
  function: string;
  inputs: string;
  json?: boolean;
  html?: string;
  maxSeconds?: number;
  workers?: number[];
  allowManyWorkers?: boolean;
  modes?: string[];
  timeout?: number;
  python?: string;
  node?: string;
  seed?: number;
  progress?: boolean;
  color?: boolean;
}

export interface BenchIo {
  cwd: string;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

export async function runBenchCommand(file: string, options: BenchCommandOptions, io: BenchIo): Promise<number> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    // The first Ctrl+C cancels cleanly (the engine kills the harness's process tree); a second
    // one exits at once, and the exit hook still kills the tree.
    if (interrupts > 1) process.exit(EXIT_BENCH_CANCELLED);
    controller.abort();
  };
  process.on('SIGINT', onSigint);

  const bar = startBar(io.stderr, options.progress !== false);
  let forwarded = 0;
  const onProgress = (event: ProgressEvent): void => {
    if (event.type === 'progress') bar?.update(Math.round(event.fraction * 100), { message: event.message });
    else if (event.type === 'first-call') {
      // Said at once when the inputs do not fit the budget (the run goes on; --json carries `firstCall`).
      if (!event.advice.proposal) return;
      if (bar) bar.clearLine();
      io.stderr.write(`${event.advice.message}${event.advice.proposal.inputs ? `\n  smaller inputs: --inputs ${JSON.stringify(event.advice.proposal.inputs)}` : ''}\n`);
    } else if (event.type === 'output') {
      if (forwarded >= OUTPUT_CAP) return;
      const text = event.text.slice(0, OUTPUT_CAP - forwarded);
      forwarded += text.length;
      // stderr, not stdout: with --json, stdout carries the document.
      if (bar) bar.clearLine();
      io.stderr.write(text);
      if (forwarded >= OUTPUT_CAP) io.stderr.write('\n[concurrency-lens: further output of the benchmarked code is not shown]\n');
    }
  };

  let result: BenchResult;
  try {
    result = await runBenchmark(
      {
        file,
        functionName: options.function,
        inputs: options.inputs,
        modes: options.modes as Mode[] | undefined,
        workers: options.workers,
        allowManyWorkers: options.allowManyWorkers ?? isSet(process.env[ALLOW_MANY_WORKERS_ENV]),
        maxSeconds: options.maxSeconds,
        timeoutSeconds: options.timeout,
        python: options.python,
        node: options.node,
        seed: options.seed,
        cwd: io.cwd,
      },
      onProgress,
      controller.signal,
    );
  } finally {
    bar?.stop();
    process.removeListener('SIGINT', onSigint);
  }

  if (options.html) {
    const target = path.resolve(io.cwd, options.html);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, formatBenchHtml(result, io.cwd));
  }
  if (options.json) {
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    // The document carries the errors; a human watching the terminal still gets one line each.
    for (const error of result.errors) io.stderr.write(`error${error.mode ? ` (${error.mode})` : ''}: ${error.message}\n`);
  } else {
    const usageOnly = result.errors.length > 0 && result.errors.every((e) => e.kind === 'usage' || e.kind === 'spawn');
    if (result.refusal) {
      // Nothing was measured: the refusal alone, with its place and fix (no empty table).
      io.stderr.write(formatRefusal(result.refusal, result.functionName, (p) => path.relative(io.cwd, p) || p));
    } else if (usageOnly) {
      for (const error of result.errors) io.stderr.write(`error: ${error.message}\n`);
    } else {
      const c = colorsFor(io.stdout, options.color);
      io.stdout.write(formatBenchText(result, c, io.cwd));
    }
  }
  if (options.html && !options.json) io.stderr.write(`HTML report written to ${options.html}\n`);
  if (result.status === 'aborted') return EXIT_BENCH_CANCELLED;
  return result.status === 'ok' ? EXIT_BENCH_OK : EXIT_BENCH_ERROR;
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

interface Bar {
  update(value: number, payload: { message: string }): void;
  clearLine(): void;
  stop(): void;
}

function startBar(stream: NodeJS.WriteStream, wanted: boolean): Bar | null {
  // Only in a terminal: CI logs and pipes would fill with redraws.
  if (!wanted || !stream.isTTY || process.env.CI) return null;
  const bar = new SingleBar({
    stream,
    format: 'Benchmark [{bar}] {percentage}% | {duration_formatted} | {message}',
    barsize: 30,
    hideCursor: true,
    clearOnComplete: true,
    fps: 10,
  });
  bar.start(100, 0, { message: 'starting' });
  return {
    update: (value, payload) => bar.update(value, payload),
    clearLine: () => {
      stream.clearLine?.(0);
      stream.cursorTo?.(0);
    },
    stop: () => bar.stop(),
  };
}

/** `--workers 1,2,4` */
export function parseWorkerList(value: string): number[] {
  const counts = value.split(',').map((part) => part.trim()).filter(Boolean).map(Number);
  if (counts.length === 0 || counts.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new InvalidArgumentError('expected worker counts like 1,2,4 (whole numbers ≥ 1)');
  }
  return counts;
}

/** `--modes threads,processes` (validated against the language's modes by the engine). */
export function parseModeList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((m) => m.trim()).filter(Boolean)];
}

export function parsePositiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

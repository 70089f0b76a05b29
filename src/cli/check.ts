import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { DEFAULT_MAX_FILE_SIZE, initLanguage, isCheckablePath, isNotebookPath, languageOf, type AnalysisResult, type AnalyzeOptions } from '../analysis';
import { ConfigResolver, checkRulePattern, mergeOptions, namedRoots } from '../workspace/config';
import { fixFile, fixText, newFixContext } from './fix-apply';
import { formatJson } from './format-json';
import { formatSarif } from './format-sarif';
import { colorsFor, formatNotes, formatSummary, formatText, unreadableConfigWarning } from './format-text';
import { type LintRun, lintFiles } from './lint-pool';
import { lintText } from '../workspace/lint-file';
import { startProgress } from './progress';
import { type CheckReport, type FileReport, isInternalError, summarize } from './report';
import { UsageError } from './errors';
import { escapeControls, escapePathIn } from './escape';
import { collectFiles, type FileEntry } from '../workspace/walk';
import { readStreamBounded } from '../workspace/read-source';

// `concurrency-lens check`: find the files, analyze them (in parallel when there are many),
// optionally fix them, print the report, and turn it into the exit code of the CLI contract.

export type OutputFormat = 'text' | 'json' | 'sarif';

export interface CheckFlags {
  format: OutputFormat;
  select?: string[];
  ignore?: string[];
  config?: string;
  stdinFilename?: string;
  fix?: boolean;
  unsafeFixes?: boolean;
  jobs?: number;
  quiet?: boolean;
  forceExclude?: boolean;
  color?: boolean;
  outputFile?: string;
  /** Report how the files were analyzed (file count, worker threads) on stderr. */
  verbose?: boolean;
}

export interface CheckIO {
  cwd: string;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: Readable;
}

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

/** Splits `--select CL101,CL102 --select CL3` into codes and rejects unknown ones (exit 2). */
export function parseRuleList(values: readonly string[] | undefined, flag: string): string[] | undefined {
  if (!values) return undefined;
  const list = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  for (const pattern of list) {
    const problem = checkRulePattern(pattern);
    if (problem) throw new UsageError(`${flag}: ${problem}`);
  }
  return list;
}

export async function runCheck(paths: readonly string[], flags: CheckFlags, io: CheckIO): Promise<number> {
  const started = performance.now();
  const overrides: AnalyzeOptions = {};
  const select = parseRuleList(flags.select, '--select');
  const ignore = parseRuleList(flags.ignore, '--ignore');
  if (select) overrides.select = select;
  if (ignore) overrides.ignore = ignore;
  const colors = colorsFor(io.stderr, flags.color);
  const configs = new ConfigResolver(flags.config, io.cwd, namedRoots(paths, io.cwd), (file, reason) =>
    io.stderr.write(unreadableConfigWarning(file, reason, io.cwd, colors)),
  );
  const optionsFor = (absolute: string): AnalyzeOptions => configs.configFor(absolute).optionsFor(absolute, overrides);

  const stdinMode = flags.stdinFilename !== undefined || paths.includes('-');
  if (stdinMode) return checkStdin(paths, flags, io, configs, optionsFor, started);

  const warnings: string[] = [];
  const entries = collectFiles(paths.length > 0 ? paths : ['.'], io.cwd, {
    configs,
    forceExclude: flags.forceExclude,
    onWarning: (message) => warnings.push(message),
  });
  // Walk warnings name folders and ignore files: escaped like every path of the text output.
  for (const message of warnings) io.stderr.write(`${colors.yellow('warning')}: ${escapeControls(message)}\n`);

  const requests = entries.map((entry) => ({ path: entry.absolute, options: optionsFor(entry.absolute) }));
  const progress = flags.quiet ? startProgress(0, io.stderr) : startProgress(requests.length, io.stderr);
  let run: LintRun;
  try {
    run = await lintFiles(requests, { jobs: flags.jobs, onProgress: (done) => progress.update(done) });
  } finally {
    progress.stop();
  }
  const results = run.results;
  if (flags.verbose) {
    const where = run.workers > 0 ? `on ${run.workers} worker threads` : 'in the main thread';
    io.stderr.write(`checked ${entries.length} files ${where} in ${Math.round(performance.now() - started)} ms\n`);
  }

  const files: FileReport[] = entries.map((entry: FileEntry, i) => ({
    display: entry.display,
    absolute: entry.absolute,
    result: results[i],
    fixed: 0,
  }));
  if (flags.fix) {
    const context = newFixContext(entries.map((e) => e.absolute));
    const fixOptions = { unsafe: Boolean(flags.unsafeFixes) };
    for (const [i, file] of files.entries()) {
      if (file.result.skipped) continue;
      const outcome = await fixFile(file.absolute, file.result, requests[i].options, fixOptions, context);
      file.result = outcome.result;
      file.fixed = outcome.fixed;
    }
  }
  const report: CheckReport = { files, cwd: io.cwd, durationMs: performance.now() - started };
  if (entries.length === 0 && !flags.quiet) {
    io.stderr.write(`${colors.yellow('warning')}: no Python, JavaScript, TypeScript or notebook files found in ${escapeControls(paths.join(', ')) || '.'}\n`);
  }
  return emit(report, flags, io, io.stdout);
}

async function checkStdin(
  paths: readonly string[],
  flags: CheckFlags,
  io: CheckIO,
  configs: ConfigResolver,
  optionsFor: (absolute: string) => AnalyzeOptions,
  started: number,
): Promise<number> {
  if (paths.some((p) => p !== '-')) throw new UsageError('paths cannot be combined with stdin input (--stdin-filename or -)');
  const display = flags.stdinFilename;
  if (display === undefined) throw new UsageError('reading from stdin (-) needs --stdin-filename PATH to know the language');
  if (!isCheckablePath(display)) {
    throw new UsageError(`--stdin-filename ${display}: not a Python, JavaScript, TypeScript or notebook file name`);
  }
  const absolute = path.resolve(io.cwd, display);
  const options = optionsFor(absolute);
  const read = await readStreamBounded(io.stdin, options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE);
  const excluded = flags.forceExclude && configs.configFor(absolute).isExcluded(absolute);
  if ('skipped' in read) {
    // Skipped unread: `--fix` still owes stdout the source unchanged, passed through without
    // holding it (an editor replaces the buffer with it); otherwise the rest is never read.
    if (flags.fix) {
      for (const chunk of read.head) io.stdout.write(chunk);
      await passThrough(io.stdin, io.stdout);
    } else {
      io.stdin.destroy();
    }
    if (excluded) return EXIT_CLEAN;
    const result: AnalysisResult = { path: absolute, language: null, findings: [], parseErrors: [], lines: 0, skipped: read.skipped };
    const report: CheckReport = { files: [{ display, absolute, result, fixed: 0 }], cwd: io.cwd, durationMs: performance.now() - started };
    return emit(report, flags, io, flags.fix ? io.stderr : io.stdout);
  }
  const input = read.bytes;
  if (excluded) {
    if (flags.fix) io.stdout.write(input);
    return EXIT_CLEAN;
  }
  // lintText is synchronous and needs the language's parser loaded (only Python's needs an await).
  const language = isNotebookPath(absolute) ? 'python' : languageOf({ path: absolute });
  if (language) await initLanguage(language);
  const context = newFixContext([absolute]);
  let result: AnalysisResult;
  let text: string | null = null;
  if (input.subarray(0, 8192).includes(0)) {
    result = { path: absolute, language: null, findings: [], parseErrors: [], lines: 0, skipped: 'binary file' };
  } else {
    text = input.toString('utf8');
    result = lintText(absolute, text, options, context);
  }
  const file: FileReport = { display, absolute, result, fixed: 0 };
  if (flags.fix && text !== null && !result.skipped) {
    // The fixed text goes to stdout: a fix that would also create a file next to it is not applied.
    const outcome = await fixText(absolute, text, result, options, { unsafe: Boolean(flags.unsafeFixes) }, context, false);
    file.result = outcome.result;
    file.fixed = outcome.fixed;
    text = outcome.text ?? text;
  }
  const report: CheckReport = { files: [file], cwd: io.cwd, durationMs: performance.now() - started };
  if (flags.fix) {
    // As ruff does: the fixed source goes to stdout (editors and formatters pipe it back), the
    // report to stderr.
    io.stdout.write(text ?? input);
    return emit(report, flags, io, io.stderr);
  }
  return emit(report, flags, io, io.stdout);
}

/** The rest of `from` to `to`, a chunk at a time, waiting for `to` to drain: memory stays bounded. */
async function passThrough(from: Readable, to: NodeJS.WritableStream): Promise<void> {
  for await (const chunk of from) {
    if (!to.write(chunk as Buffer)) await new Promise<void>((resolve) => to.once('drain', resolve));
  }
}

function emit(report: CheckReport, flags: CheckFlags, io: CheckIO, out: NodeJS.WriteStream): number {
  const summary = summarize(report);
  const errColors = colorsFor(io.stderr, flags.color);
  let body: string;
  if (flags.format === 'json') body = formatJson(report);
  else if (flags.format === 'sarif') body = formatSarif(report);
  else {
    const toFile = flags.outputFile !== undefined;
    const stream = toFile ? undefined : out;
    body = formatText(report, {
      colors: colorsFor(stream ?? ({ isTTY: false } as NodeJS.WriteStream), toFile ? false : flags.color),
      showRelated: Boolean(stream?.isTTY),
    });
  }
  if (flags.outputFile !== undefined) {
    fs.mkdirSync(path.dirname(path.resolve(io.cwd, flags.outputFile)), { recursive: true });
    fs.writeFileSync(path.resolve(io.cwd, flags.outputFile), body);
  } else {
    out.write(body);
  }
  if (!flags.quiet) {
    io.stderr.write(formatNotes(report, errColors));
    if (flags.format === 'text') io.stderr.write(formatSummary(summary, errColors, Boolean(flags.fix)));
    else if (flags.fix && summary.fixed > 0) io.stderr.write(`Fixed ${summary.fixed} problem${summary.fixed === 1 ? '' : 's'}.\n`);
  } else {
    // Internal errors change the exit code, so they are explained even when quiet.
    for (const file of report.files) {
      if (isInternalError(file.result)) {
        io.stderr.write(`error: ${escapeControls(file.display)}: ${escapePathIn(file.result.skipped ?? '', file.absolute)}\n`);
      }
    }
  }
  if (summary.internalErrors > 0) return EXIT_ERROR;
  return summary.findings > 0 ? EXIT_FINDINGS : EXIT_CLEAN;
}

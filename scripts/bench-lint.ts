// Lint benchmark (`npm run bench:lint`): lines per second of our engine over the Python standard
// library installed on this machine, and of Ruff (@astral-sh/ruff-wasm-nodejs, in-process wasm) over
// the same texts in the same run and order, with the ratio. Not a test: a figure for the README.
// Only ratios measured in one run are comparable; nothing here asserts on timing.
//
//   node dist/bench-lint.js [--limit N] [--rounds N] [--json]
//   env: BENCH_LINT_LIMIT=N, BENCH_LINT_ROUNDS=N
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyzeLoaded, createProjects, initEngine } from '../src/analysis/index';
import { benchJs, printJs } from './bench-lint-js';

export interface BenchOptions {
  /** Cap on the number of files (after sorting); 0 = all. */
  limit: number;
  /** Measured passes per linter, alternating ours/ruff; the median is reported. */
  rounds: number;
  /** Progress and notes on stderr. */
  log: (message: string) => void;
}

export interface PythonBenchResult {
  language: 'python';
  root: string;
  files: number;
  lines: number;
  bytes: number;
  rounds: number;
  ours: {
    seconds: number;
    secondsPerRound: number[];
    linesPerSecond: number;
    findings: number;
    filesWithParseErrors: number;
    skipped: number;
    crashed: { path: string; error: string }[];
    slowest: { path: string; lines: number; ms: number }[];
  };
  ruff: {
    version: string;
    select: string[];
    seconds: number;
    secondsPerRound: number[];
    linesPerSecond: number;
    diagnostics: number;
    filesWithSyntaxErrors: number;
    crashed: { path: string; error: string }[];
  };
  /** ours lines/s divided by ruff lines/s (> 1: we are faster). */
  ratio: number;
}

// Ruff's own CLI default selection (the wasm package's defaultSettings() is the playground's much
// larger selection, which is not what a user running `ruff check` gets).
const RUFF_SELECT = ['E4', 'E7', 'E9', 'F'];
const WARMUP_FILES = 40;

interface SourceFile {
  path: string;
  text: string;
  lines: number;
}

function pythonStdlib(log: (m: string) => void): string | null {
  try {
    const out = execFileSync('python3', ['-c', "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    }).trim();
    if (!out || !fs.existsSync(out)) {
      log(`python3 reported a standard library at "${out}", which does not exist`);
      return null;
    }
    return out;
  } catch (error) {
    log(`python3 is not available (${(error as Error).message.split('\n')[0]})`);
    return null;
  }
}

function collectPythonFiles(root: string): string[] {
  const files: string[] = [];
  const visit = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      // Symlinked directories are not followed (no cycles, no files outside the stdlib).
      if (entry.isDirectory()) {
        if (entry.name === 'site-packages' || entry.name === 'dist-packages' || entry.name === '__pycache__') continue;
        visit(full);
      } else if (entry.isFile() && entry.name.endsWith('.py')) {
        files.push(full);
      }
    }
  };
  visit(root);
  return files.sort();
}

function countLines(text: string): number {
  if (text.length === 0) return 0;
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return text.endsWith('\n') ? lines - 1 : lines;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function message(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

interface OursPass {
  seconds: number;
  findings: number;
  filesWithParseErrors: number;
  skipped: number;
  crashed: { path: string; error: string }[];
  perFileMs: Float64Array;
}

function runOurs(files: SourceFile[]): OursPass {
  // A fresh project per pass: the project caches models by path and text, so a shared one would
  // turn later passes into cache hits. Each model is dropped after its file (no cross-file
  // sources are given, so nothing would read it again) to keep memory flat over the stdlib.
  const project = createProjects(undefined);
  const pass: OursPass = { seconds: 0, findings: 0, filesWithParseErrors: 0, skipped: 0, crashed: [], perFileMs: new Float64Array(files.length) };
  const start = performance.now();
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    const t0 = performance.now();
    try {
      const result = analyzeLoaded({ path: file.path, text: file.text }, {}, project);
      pass.findings += result.findings.length;
      if (result.parseErrors.length > 0) pass.filesWithParseErrors++;
      if (result.skipped) pass.skipped++;
    } catch (error) {
      pass.crashed.push({ path: file.path, error: message(error) });
    }
    project.invalidate(file.path);
    pass.perFileMs[i] = performance.now() - t0;
  }
  pass.seconds = (performance.now() - start) / 1000;
  return pass;
}

interface RuffPass {
  seconds: number;
  diagnostics: number;
  filesWithSyntaxErrors: number;
  crashed: { path: string; error: string }[];
}

type RuffModule = typeof import('@astral-sh/ruff-wasm-nodejs');
type RuffWorkspace = InstanceType<RuffModule['Workspace']>;

function runRuff(workspace: RuffWorkspace, files: SourceFile[]): RuffPass {
  const pass: RuffPass = { seconds: 0, diagnostics: 0, filesWithSyntaxErrors: 0, crashed: [] };
  const start = performance.now();
  for (const file of files) {
    try {
      const diagnostics = workspace.check(file.text) as { code: string | null }[];
      pass.diagnostics += diagnostics.length;
      if (diagnostics.some((d) => d.code === 'invalid-syntax' || d.code === null)) pass.filesWithSyntaxErrors++;
    } catch (error) {
      pass.crashed.push({ path: file.path, error: message(error) });
    }
  }
  pass.seconds = (performance.now() - start) / 1000;
  return pass;
}

export async function benchPython(options: BenchOptions): Promise<PythonBenchResult | null> {
  const { log } = options;
  const root = pythonStdlib(log);
  if (!root) {
    log('no Python standard library found: skipping the Python lint benchmark');
    return null;
  }
  let paths = collectPythonFiles(root);
  if (options.limit > 0) paths = paths.slice(0, options.limit);
  const files: SourceFile[] = [];
  let bytes = 0;
  for (const p of paths) {
    // Read up front: the benchmark measures linting, not the disk. A few stdlib test files are
    // deliberately not UTF-8; both linters get the same decoded text.
    const text = fs.readFileSync(p, 'utf8');
    bytes += Buffer.byteLength(text);
    files.push({ path: p, text, lines: countLines(text) });
  }
  const lines = files.reduce((sum, f) => sum + f.lines, 0);
  log(`python: ${files.length} files, ${lines} lines under ${root}`);

  await initEngine();
  let ruff: RuffModule;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ruff = require('@astral-sh/ruff-wasm-nodejs') as RuffModule;
  } catch (error) {
    log(`@astral-sh/ruff-wasm-nodejs is not installed (${message(error)}); run npm install`);
    return null;
  }
  const workspace = new ruff.Workspace({ lint: { select: RUFF_SELECT } }, ruff.PositionEncoding.Utf16);

  // Warm-up: JIT and wasm tiers for both, on a spread of files.
  const step = Math.max(1, Math.floor(files.length / WARMUP_FILES));
  const warmup = files.filter((_, i) => i % step === 0).slice(0, WARMUP_FILES);
  runOurs(warmup);
  runRuff(workspace, warmup);

  const ours: OursPass[] = [];
  const ruffs: RuffPass[] = [];
  for (let round = 0; round < options.rounds; round++) {
    // Alternate which linter goes first so drift (thermal, GC, other load) does not favour one.
    const order = round % 2 === 0 ? ['ours', 'ruff'] : ['ruff', 'ours'];
    for (const which of order) {
      if (which === 'ours') {
        const pass = runOurs(files);
        ours.push(pass);
        log(`  round ${round + 1}: ours ${pass.seconds.toFixed(2)} s`);
      } else {
        const pass = runRuff(workspace, files);
        ruffs.push(pass);
        log(`  round ${round + 1}: ruff ${pass.seconds.toFixed(2)} s`);
      }
    }
  }
  workspace.free();

  // Slowest files by the per-file median over rounds.
  const perFile = files.map((file, i) => ({ path: file.path, lines: file.lines, ms: median(ours.map((p) => p.perFileMs[i])) }));
  const slowest = perFile.sort((a, b) => b.ms - a.ms).slice(0, 5).map((f) => ({ ...f, ms: Math.round(f.ms * 10) / 10 }));

  const oursSeconds = median(ours.map((p) => p.seconds));
  const ruffSeconds = median(ruffs.map((p) => p.seconds));
  const oursLps = lines / oursSeconds;
  const ruffLps = lines / ruffSeconds;
  return {
    language: 'python',
    root,
    files: files.length,
    lines,
    bytes,
    rounds: options.rounds,
    ours: {
      seconds: oursSeconds,
      secondsPerRound: ours.map((p) => p.seconds),
      linesPerSecond: oursLps,
      findings: ours[0].findings,
      filesWithParseErrors: ours[0].filesWithParseErrors,
      skipped: ours[0].skipped,
      crashed: ours[0].crashed,
      slowest,
    },
    ruff: {
      version: ruff.Workspace.version(),
      select: RUFF_SELECT,
      seconds: ruffSeconds,
      secondsPerRound: ruffs.map((p) => p.seconds),
      linesPerSecond: ruffLps,
      diagnostics: ruffs[0].diagnostics,
      filesWithSyntaxErrors: ruffs[0].filesWithSyntaxErrors,
      crashed: ruffs[0].crashed,
    },
    ratio: oursLps / ruffLps,
  };
}

function printPython(result: PythonBenchResult): void {
  const n = (value: number) => Math.round(value).toLocaleString('en-US');
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`Python standard library: ${result.root}`);
  out(`  files              ${n(result.files)}`);
  out(`  lines              ${n(result.lines)}`);
  out(
    `  ours               ${n(result.ours.linesPerSecond)} lines/s  (median of ${result.rounds}: ${result.ours.seconds.toFixed(2)} s; ` +
      `${result.ours.findings} findings, ${result.ours.filesWithParseErrors} files with parse errors, ${result.ours.skipped} skipped, ${result.ours.crashed.length} crashed)`,
  );
  out(
    `  ruff ${result.ruff.version.padEnd(13)} ${n(result.ruff.linesPerSecond)} lines/s  (median of ${result.rounds}: ${result.ruff.seconds.toFixed(2)} s; ` +
      `select ${result.ruff.select.join(',')}; ${result.ruff.diagnostics} diagnostics, ${result.ruff.filesWithSyntaxErrors} files with syntax errors)`,
  );
  out(`  ratio ours/ruff    ${result.ratio.toFixed(2)}`);
  out(`  slowest files (ours): ${result.ours.slowest.map((f) => `${path.relative(result.root, f.path)} ${f.ms} ms/${f.lines} lines`).join('; ')}`);
  for (const crash of result.ours.crashed) out(`  ours crashed on ${crash.path}: ${crash.error}`);
  for (const crash of result.ruff.crashed) out(`  ruff crashed on ${crash.path}: ${crash.error}`);
}

function intOption(argv: string[], flag: string, env: string | undefined, fallback: number): number {
  const i = argv.indexOf(flag);
  const raw = i !== -1 ? argv[i + 1] : (argv.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1) ?? env);
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`${flag} expects a non-negative integer, got "${raw}"\n`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const json = argv.includes('--json');
  const options: BenchOptions = {
    limit: intOption(argv, '--limit', process.env.BENCH_LINT_LIMIT, 0),
    rounds: Math.max(1, intOption(argv, '--rounds', process.env.BENCH_LINT_ROUNDS, 3)),
    log: (m) => process.stderr.write(`${m}\n`),
  };

  const python = await benchPython(options);
  if (python) {
    printPython(python);
    if (json) process.stdout.write(`${JSON.stringify({ bench: 'lint', ...python })}\n`);
  }

  // JS/TS: our engine against ESLint (a few core rules) on the same files, in the same run.
  const js = await benchJs({ limit: options.limit || undefined });
  printJs(js);
  if (json) process.stdout.write(`${JSON.stringify({ bench: 'lint-js', ...js })}\n`);
}

main().catch((error) => {
  process.stderr.write(`bench-lint failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

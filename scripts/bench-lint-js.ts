import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeLoaded, createProjects, initEngine } from '../src/analysis';

// The JS/TS half of `npm run bench:lint`: our analyzer against ESLint running a few core rules on
// the same real files, in the same process, both from text already in memory. The tree is the
// JavaScript installed in node_modules (pinned by package-lock.json, so the same on every machine).
// Only .js/.mjs/.cjs files are used: ESLint's default parser does not read TypeScript, and both tools
// must see exactly the same files. Minified and huge bundles are left out: they measure the parser
// on one line, not a linter on code people write.

export interface JsBenchResult {
  files: number;
  lines: number;
  oursSeconds: number;
  eslintSeconds: number;
  /** Our lines/s over ESLint's lines/s (above 1: we are faster). */
  ratio: number;
}

export interface JsBenchOptions {
  /** Folder to take files from (default: the project's node_modules). */
  root?: string;
  /** How many files at most (default 3000), taken in sorted path order. */
  limit?: number;
}

const MAX_FILE_CHARS = 300_000;
const MAX_LINE_CHARS = 1000;
const WARM_UP_FILES = 25;

// Node's globals for `no-undef` (ESLint 9 has no environments; this keeps the rule's work realistic).
const NODE_GLOBALS = [
  'require', 'module', 'exports', '__dirname', '__filename', 'process', 'console', 'Buffer', 'global', 'globalThis',
  'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'queueMicrotask',
  'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder', 'structuredClone', 'fetch', 'AbortController', 'AbortSignal',
  'performance', 'WebAssembly', 'SharedArrayBuffer', 'Atomics', 'BigInt', 'Symbol', 'Promise', 'Proxy', 'Reflect',
  'WeakRef', 'FinalizationRegistry', 'Intl', 'Map', 'Set', 'WeakMap', 'WeakSet', 'Event', 'EventTarget',
  'MessageChannel', 'MessagePort', 'BroadcastChannel', 'Blob', 'crypto', 'navigator', 'window', 'document', 'self',
];

function collect(root: string, limit: number): string[] {
  const out: string[] = [];
  const visit = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (out.length >= limit) return;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile() && /\.[cm]?js$/.test(entry.name) && !/\.min\.[cm]?js$/.test(entry.name)) out.push(full);
    }
  };
  visit(root);
  return out;
}

function usable(text: string): boolean {
  if (text.length > MAX_FILE_CHARS || text.includes('\u0000')) return false;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); ; i = text.indexOf('\n', i + 1)) {
    const end = i === -1 ? text.length : i;
    if (end - lineStart > MAX_LINE_CHARS) return false;
    if (i === -1) return true;
    lineStart = i + 1;
  }
}

/** ES module or CommonJS, the way Node decides for these files (extension, then syntax). */
function isModule(file: string, text: string): boolean {
  if (file.endsWith('.mjs')) return true;
  if (file.endsWith('.cjs')) return false;
  return /^\s*(import\s*[\w{*'"]|export\s)/m.test(text);
}

export async function benchJs(options: JsBenchOptions = {}): Promise<JsBenchResult> {
  const root = options.root ?? path.join(__dirname, '..', 'node_modules');
  const limit = options.limit ?? 3000;
  const candidates = collect(root, limit * 2);
  const docs: { path: string; text: string; module: boolean }[] = [];
  for (const file of candidates) {
    if (docs.length >= limit) break;
    const text = fs.readFileSync(file, 'utf8');
    if (usable(text)) docs.push({ path: file, text, module: isModule(file, text) });
  }
  const lines = docs.reduce((n, d) => n + d.text.split('\n').length, 0);

  // ESLint warns (once per file) about legacy `/* eslint-env */` comments in these packages: noise here.
  // Its warning service keeps the `process.emitWarning` it finds when an instance is made, so filter first.
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const kind = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (kind === 'ESLintEnvWarning') return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return await timeBoth(root, docs, lines);
  } finally {
    process.emitWarning = emitWarning;
  }
}

async function timeBoth(root: string, docs: { path: string; text: string; module: boolean }[], lines: number): Promise<JsBenchResult> {
  // ESLint is loaded lazily: it is a devDependency and the bundled CLI keeps it external.
  const { ESLint } = (await import('eslint')) as typeof import('eslint');
  const rules = {
    'no-unused-vars': 'error',
    'no-undef': 'error',
    eqeqeq: 'error',
    'no-constant-condition': 'error',
  } as const;
  const globals = Object.fromEntries(NODE_GLOBALS.map((g) => [g, 'readonly' as const]));
  const eslintFor = (sourceType: 'module' | 'commonjs') =>
    new ESLint({
      cwd: root,
      overrideConfigFile: true,
      overrideConfig: [
        {
          files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
          languageOptions: { ecmaVersion: 'latest', sourceType, globals },
          linterOptions: { reportUnusedDisableDirectives: 'off' },
          rules,
        },
      ],
      // Files under node_modules are ignored by default; this bench lints them on purpose.
      ignore: false,
    });
  const eslintModule = eslintFor('module');
  const eslintCommonJs = eslintFor('commonjs');

  await initEngine();
  const runOurs = async (batch: typeof docs): Promise<void> => {
    const project = createProjects(undefined, batch.map((d) => d.path));
    for (const d of batch) analyzeLoaded({ path: d.path, text: d.text }, {}, project);
  };
  const runEslint = async (batch: typeof docs): Promise<void> => {
    for (const d of batch) await (d.module ? eslintModule : eslintCommonJs).lintText(d.text, { filePath: d.path });
  };

  // Warm both up (module loading, JIT) on a few files, then time each over the whole set.
  await runOurs(docs.slice(0, WARM_UP_FILES));
  await runEslint(docs.slice(0, WARM_UP_FILES));
  let start = performance.now();
  await runOurs(docs);
  const oursSeconds = (performance.now() - start) / 1000;
  start = performance.now();
  await runEslint(docs);
  const eslintSeconds = (performance.now() - start) / 1000;
  return { files: docs.length, lines, oursSeconds, eslintSeconds, ratio: eslintSeconds / oursSeconds };
}

export function printJs(r: JsBenchResult): void {
  const rate = (s: number): string => `${Math.round(r.lines / s).toLocaleString('en-US')} lines/s`;
  console.log(`JS/TS: ${r.files} files, ${r.lines.toLocaleString('en-US')} lines`);
  console.log(`  concurrency-lens  ${r.oursSeconds.toFixed(2)} s  ${rate(r.oursSeconds)}`);
  console.log(`  eslint (4 rules)  ${r.eslintSeconds.toFixed(2)} s  ${rate(r.eslintSeconds)}`);
  console.log(`  ratio             ${r.ratio.toFixed(2)}x ${r.ratio >= 1 ? 'faster' : 'slower'} than ESLint (lines/s, same run)`);
}

// `npx tsx scripts/bench-lint-js.ts [limit]` runs it alone; `npm run bench:lint` runs it after Python.
if (/bench-lint-js\.[tj]s$/.test(process.argv[1] ?? '')) {
  const limit = process.argv[2] ? Number(process.argv[2]) : undefined;
  benchJs({ limit }).then(printJs, (error) => {
    console.error(error);
    process.exit(2);
  });
}

// Bundles the engine's entry points with esbuild into dist/ and copies the parser wasm files
// beside them (docs/architecture.md: one universal package, no native modules).
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');

// `sharedParser`: the bundle loads the JS/TS parser from dist/typescript-estree.js and
// dist/typescript.js (below) instead of carrying its own 10 MB copy. A thread pays for a script's
// whole source when it loads it, used or not (about 60 MB of memory for `typescript`): the CLI's
// main thread, which only coordinates a pool run, then never loads it, and a Python-only process
// neither.
const entries = [
  { in: 'src/cli/main.ts', out: 'cli', banner: '#!/usr/bin/env node', sharedParser: true },
  { in: 'src/cli/lint-worker.ts', out: 'lint-worker', sharedParser: true },
  { in: 'src/extension/extension.ts', out: 'extension', external: ['vscode'] },
  { in: 'src/server/server.ts', out: 'server', sharedParser: true },
  // The ESLint plugin (docs/eslint-plugin.md): ESLint itself is the host, never bundled.
  { in: 'src/eslint-plugin/index.ts', out: 'eslint-plugin', external: ['eslint'], sharedParser: true },
  // The server's analysis workers (src/server/analysis-pool.ts loads it from beside server.js).
  { in: 'src/server/analysis-worker.ts', out: 'server-worker', sharedParser: true },
  // The parser the bundles above share, loaded with the JS/TS front end (its first file).
  { in: require.resolve('typescript'), out: 'typescript' },
  { in: require.resolve('@typescript-eslint/typescript-estree'), out: 'typescript-estree', sharedParser: true },
  // The benchmark engine for the extension host, loaded only when a benchmark runs. It carries the
  // Python analyzer (for the static workload it reports) but not the JS/TS one and `typescript`.
  { in: 'src/profiling/run.ts', out: 'profiling', withoutJsAnalyzer: true },
  { in: 'scripts/bench-server.ts', out: 'bench-server' },
  { in: 'scripts/bench-lint.ts', out: 'bench-lint', external: ['@astral-sh/ruff-wasm-nodejs', 'eslint'], sharedParser: true },
  { in: 'src/profiling/harness/node-harness.ts', out: 'harness/node-harness' },
  { in: 'src/profiling/harness/node-worker.ts', out: 'harness/node-worker' },
  { in: 'src/profiling/harness/node-ts.ts', out: 'harness/node-ts' },
  // The benchmark panel's page: browser code (an IIFE loaded by nonce) and its stylesheet.
  { in: 'src/webview/benchmark/main.ts', out: 'webview/benchmark', platform: 'browser', format: 'iife', target: 'es2022' },
  { in: 'src/webview/benchmark/benchmark.css', out: 'webview/benchmark', platform: 'browser', target: 'es2022' },
].filter((e) => existsSync(e.in));

const SHARED_PARSER = {
  typescript: './typescript.js',
  // typescript 5.x's tsserverlibrary.js is only `module.exports = require("./typescript.js")`.
  'typescript/lib/tsserverlibrary': './typescript.js',
  '@typescript-eslint/typescript-estree': './typescript-estree.js',
};

mkdirSync('dist', { recursive: true });
const wasm = [
  require.resolve('web-tree-sitter/tree-sitter.wasm'),
  join(dirname(require.resolve('tree-sitter-python/package.json')), 'tree-sitter-python.wasm'),
];
for (const file of wasm) copyFileSync(file, join('dist', file.split(/[\\/]/).pop()));
// The Python benchmark harness ships as source: the engine runs it with the user's interpreter.
mkdirSync(join('dist', 'harness'), { recursive: true });
for (const file of readdirSync(join('src', 'profiling', 'harness')).filter((f) => f.endsWith('.py'))) {
  copyFileSync(join('src', 'profiling', 'harness', file), join('dist', 'harness', file));
}

// The engine loads each language's front end with require('./<language>') from
// src/analysis/front-ends.ts; this plugin points the JS/TS one at a stand-in that offers nothing.
const withoutJsAnalyzer = {
  name: 'without-js-analyzer',
  setup(build) {
    build.onResolve({ filter: /^\.\/javascript$/ }, (args) =>
      args.importer.endsWith(join('src', 'analysis', 'front-ends.ts'))
        ? { path: join(dirname(args.importer), 'javascript', 'absent.ts') }
        : undefined,
    );
  },
};

// Points the bundle's imports of the shared parser's packages at the files in dist/.
const sharedParser = (out) => ({
  name: 'shared-parser',
  setup(build) {
    build.onResolve({ filter: /^(typescript(\/lib\/tsserverlibrary)?|@typescript-eslint\/typescript-estree)$/ }, (args) =>
      SHARED_PARSER[args.path] === `./${out}.js` ? undefined : { path: SHARED_PARSER[args.path], external: true },
    );
  },
});

const contexts = await Promise.all(
  entries.map((entry) =>
    esbuild.context({
      entryPoints: [{ in: entry.in, out: entry.out }],
      outdir: 'dist',
      bundle: true,
      // Node (CommonJS) unless the entry says otherwise, e.g. the webview's browser bundle.
      platform: entry.platform ?? 'node',
      target: entry.target ?? 'node20',
      format: entry.format ?? 'cjs',
      sourcemap: true,
      external: entry.external ?? [],
      banner: entry.banner ? { js: entry.banner } : undefined,
      plugins: [...(entry.withoutJsAnalyzer ? [withoutJsAnalyzer] : []), ...(entry.sharedParser ? [sharedParser(entry.out)] : [])],
      logLevel: 'warning',
    }),
  ),
);
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}

// Stages the npm package of the CLI, the language server and the ESLint plugin in build/npm/ and
// packs it (docs/architecture.md: everything is bundled into dist/, so the package has no runtime
// dependencies and installs offline from its tarball). The VS Code manifest in the root
// package.json is not that package's manifest: this script writes its own package.json.
//
//   node scripts/pack-cli.mjs                 build, stage build/npm/ and `npm pack` it into build/
//   node scripts/pack-cli.mjs --no-build      use the dist/ already built
//   node scripts/pack-cli.mjs --stage-only    stage build/npm/ without packing
//   node scripts/pack-cli.mjs --out DIR       stage in DIR/npm/ and pack into DIR/ (the tests)
//
// Prints the tarball's path on the last line of stdout.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const outArg = outAt >= 0 ? args.splice(outAt, 2)[1] : undefined;
if (outAt >= 0 && (!outArg || outArg.startsWith('--'))) {
  console.error('pack-cli: --out needs a folder');
  process.exit(2);
}
const OUT = outArg ? resolve(outArg) : join(ROOT, 'build');
const STAGE = join(OUT, 'npm');
const unknown = args.find((a) => !['--no-build', '--stage-only'].includes(a));
if (unknown) {
  console.error(`pack-cli: unknown option ${unknown}`);
  process.exit(2);
}

function run(command, commandArgs, cwd) {
  const result = spawnSync(command, commandArgs, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) {
    console.error(`pack-cli: ${command} ${commandArgs.join(' ')} failed (${result.status ?? result.signal})`);
    process.exit(1);
  }
  return result.stdout;
}

if (!args.includes('--no-build')) run(process.execPath, ['scripts/build.mjs'], ROOT);

// What the bundles load at run time, relative to dist/: the CLI starts lint-worker.js for large
// runs (src/cli/lint-pool.ts) and the harnesses for `bench` (src/profiling/launch.ts); the server
// starts server-worker.js (src/server/analysis-pool.ts); the Python parser loads both wasm files
// from beside the bundle (src/analysis/python/syntax.ts); the bundles with the JS/TS analyzer load
// its parser from typescript-estree.js and typescript.js (scripts/build.mjs). The ESLint plugin's
// bundle ships when the build made it. No source maps, no extension or benchmark bundles.
const DIST_FILES = [
  'cli.js',
  'lint-worker.js',
  'server.js',
  'server-worker.js',
  'typescript-estree.js',
  'typescript.js',
  'tree-sitter.wasm',
  'tree-sitter-python.wasm',
  'harness/python_harness.py',
  'harness/node-harness.js',
  'harness/node-worker.js',
  'harness/node-ts.js',
];
const OPTIONAL_DIST_FILES = ['eslint-plugin.js'];

for (const file of DIST_FILES) {
  if (!existsSync(join(ROOT, 'dist', file))) {
    console.error(`pack-cli: dist/${file} is missing; run npm run build`);
    process.exit(1);
  }
}

rmSync(STAGE, { recursive: true, force: true });
mkdirSync(join(STAGE, 'dist', 'harness'), { recursive: true });
for (const file of [...DIST_FILES, ...OPTIONAL_DIST_FILES.filter((f) => existsSync(join(ROOT, 'dist', f)))]) {
  const from = join(ROOT, 'dist', file);
  const to = join(STAGE, 'dist', file);
  if (file === 'server.js') {
    // The server is a bin of its own: it starts when it is the main module
    // (`require.main === module` in src/server/server.ts), so it needs the shebang itself.
    const body = readFileSync(from, 'utf8');
    writeFileSync(to, body.startsWith('#!') ? body : `#!/usr/bin/env node\n${body}`);
  } else {
    copyFileSync(from, to);
  }
}
chmodSync(join(STAGE, 'dist', 'cli.js'), 0o755);
chmodSync(join(STAGE, 'dist', 'server.js'), 0o755);

// `concurrency-lens explain` and the server's docs links read docs/rules/ one folder above dist/
// (src/cli/rule-docs.ts, src/server/diagnostics.ts).
mkdirSync(join(STAGE, 'docs', 'rules'), { recursive: true });
for (const file of readdirSync(join(ROOT, 'docs', 'rules')).filter((f) => f.endsWith('.md'))) {
  copyFileSync(join(ROOT, 'docs', 'rules', file), join(STAGE, 'docs', 'rules', file));
}
for (const file of ['LICENSE', 'README.md']) copyFileSync(join(ROOT, file), join(STAGE, file));

const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const hasPlugin = existsSync(join(STAGE, 'dist', 'eslint-plugin.js'));
const manifest = {
  name: root.name,
  version: root.version,
  description: root.description,
  license: root.license,
  repository: root.repository,
  homepage: `${root.repository.url}#readme`,
  keywords: [...root.keywords, 'cli', 'language-server', 'lsp', ...(hasPlugin ? ['eslint', 'eslintplugin', 'eslint-plugin'] : [])],
  engines: { node: root.engines.node },
  bin: {
    'concurrency-lens': 'dist/cli.js',
    'concurrency-lens-server': 'dist/server.js',
  },
  ...(hasPlugin
    ? {
        main: './dist/eslint-plugin.js',
        exports: {
          '.': './dist/eslint-plugin.js',
          './eslint-plugin': './dist/eslint-plugin.js',
          './package.json': './package.json',
        },
        peerDependencies: { eslint: '>=9' },
        peerDependenciesMeta: { eslint: { optional: true } },
      }
    : {}),
  files: ['dist', 'docs', 'LICENSE', 'README.md'],
};
writeFileSync(join(STAGE, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

if (args.includes('--stage-only')) {
  console.log(STAGE);
} else {
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', OUT], STAGE));
  console.log(join(OUT, packed[0].filename));
}

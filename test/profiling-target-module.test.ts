import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exportedSubpath, isPythonIdentifier, nodeImportTarget, pythonImportTarget } from '../src/profiling/target-module';
import type { BenchResult } from '../src/profiling/types';
import { ensureBuilt, python, skipPython } from './support/bench';

// How the benchmark imports a module (src/profiling/target-module.ts): the look-ups on temp
// project layouts, then the real CLI on them, in every Python pool mode, so that relative
// imports, absolute intra-project imports and pickling by reference (the child processes import
// the module by the same dotted name) all work. Timings are never asserted.

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

let tmp = '';
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clens-target-'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Writes `files` (relative path → content) under a fresh folder; returns it. */
function layout(name: string, files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const WORK = (importLine: string): string => `${importLine}\n\n\ndef work(n):\n    return sum(square(i) for i in range(n))\n`;
const UTIL = 'def square(x):\n    return x * x\n';

describe('pythonImportTarget', () => {
  test('a flat package: the __init__.py chain gives the dotted name, its parent goes on sys.path', () => {
    const dir = layout('flat', { 'pkg/__init__.py': '', 'pkg/sub/__init__.py': '', 'pkg/sub/work.py': '', 'pkg/util.py': '' });
    const target = pythonImportTarget(path.join(dir, 'pkg', 'sub', 'work.py'));
    assert.equal(target.module, 'pkg.sub.work');
    assert.equal(target.layout, 'package');
    assert.deepEqual(target.sysPath, [dir]);
    assert.equal(target.projectRoot, null);
    assert.equal(pythonImportTarget(path.join(dir, 'pkg', '__init__.py')).module, 'pkg');
  });

  test('a project root adds itself (and src/) after the package root', () => {
    const dir = layout('rooted', { 'pyproject.toml': '[project]\nname = "x"\n', 'app/__init__.py': '', 'app/core.py': '', 'src/.keep': '' });
    const target = pythonImportTarget(path.join(dir, 'app', 'core.py'));
    assert.equal(target.module, 'app.core');
    assert.deepEqual(target.sysPath, [dir, path.join(dir, 'src')]);
    assert.equal(target.projectRoot, dir);
  });

  test('a src/ layout: named relative to src/, namespace packages included', () => {
    const dir = layout('srclayout', {
      'setup.cfg': '[metadata]\nname = x\n',
      'src/lib/__init__.py': '',
      'src/lib/work.py': '',
      'src/ns/mod.py': '',
    });
    const regular = pythonImportTarget(path.join(dir, 'src', 'lib', 'work.py'));
    assert.equal(regular.module, 'lib.work');
    assert.equal(regular.layout, 'src-layout');
    assert.deepEqual(regular.sysPath, [path.join(dir, 'src'), dir]);
    const namespace = pythonImportTarget(path.join(dir, 'src', 'ns', 'mod.py'));
    assert.equal(namespace.module, 'ns.mod');
    assert.equal(namespace.layout, 'src-layout');
  });

  test('a script in no package: its folder first, the project root after it', () => {
    const dir = layout('scripts', { 'setup.py': '', 'tools/bench.py': '' });
    const target = pythonImportTarget(path.join(dir, 'tools', 'bench.py'));
    assert.equal(target.module, 'bench');
    assert.equal(target.layout, 'script');
    assert.deepEqual(target.sysPath, [path.join(dir, 'tools'), dir]);
  });

  test('a file name that is no identifier has no dotted name', () => {
    const dir = layout('dashed', { 'pkg/__init__.py': '', 'pkg/my-work.py': '' });
    const target = pythonImportTarget(path.join(dir, 'pkg', 'my-work.py'));
    assert.equal(target.module, null);
    assert.equal(target.layout, 'script');
    assert.ok(!isPythonIdentifier('my-work') && !isPythonIdentifier('class') && isPythonIdentifier('données'));
  });
});

describe('nodeImportTarget', () => {
  test('package exports name the file; type: module makes .js ESM', () => {
    const dir = layout('esm', {
      'package.json': JSON.stringify({ name: 'esm-pkg', type: 'module', exports: { '.': './src/index.js', './work': { import: './src/work.js', require: './cjs/work.cjs' }, './lib/*': './src/lib/*.js' } }),
      'src/work.js': '',
      'src/lib/deep.js': '',
      'src/private.js': '',
    });
    const work = nodeImportTarget(path.join(dir, 'src', 'work.js'));
    assert.equal(work.format, 'module');
    assert.equal(work.specifier, 'esm-pkg/work');
    assert.equal(work.packageRoot, dir);
    assert.equal(nodeImportTarget(path.join(dir, 'src', 'lib', 'deep.js')).specifier, 'esm-pkg/lib/deep');
    assert.equal(nodeImportTarget(path.join(dir, 'src', 'private.js')).specifier, null);
  });

  test('CommonJS by default, .mjs / .cjs by extension, TypeScript transpiled', () => {
    const dir = layout('cjs', { 'package.json': JSON.stringify({ name: 'cjs-pkg', main: 'index.js' }), 'index.js': '', 'a.mjs': '', 'b.ts': '' });
    const main = nodeImportTarget(path.join(dir, 'index.js'));
    assert.equal(main.format, 'commonjs');
    assert.equal(main.specifier, 'cjs-pkg');
    assert.equal(nodeImportTarget(path.join(dir, 'a.mjs')).format, 'module');
    assert.equal(nodeImportTarget(path.join(dir, 'b.ts')).format, 'typescript');
  });

  test('exportedSubpath: a string, conditions, and patterns', () => {
    assert.equal(exportedSubpath('./index.js', './index.js'), '.');
    assert.equal(exportedSubpath({ node: './n.js', default: './d.js' }, './d.js'), '.');
    assert.equal(exportedSubpath({ './*': './src/*.js' }, './src/a/b.js'), './a/b');
    assert.equal(exportedSubpath(undefined, './x.js'), null);
  });
});

/** `node dist/cli.js bench ... --json` in `cwd`. */
function bench(cwd: string, file: string, fn: string, inputs: string, extra: string[] = []): { status: number | null; result: BenchResult; stderr: string } {
  const run = spawnSync(
    process.execPath,
    [CLI, 'bench', file, '--function', fn, '--inputs', inputs, '--json', '--max-seconds', '4', '--workers', '1', '--no-progress', ...(python ? ['--python', python] : []), ...extra],
    { cwd, encoding: 'utf8', timeout: 120_000 },
  );
  assert.ok(run.stdout, `no JSON on stdout; stderr:\n${run.stderr}`);
  return { status: run.status, result: JSON.parse(run.stdout) as BenchResult, stderr: run.stderr };
}

/** Every cell ran (none failed: the import, the relative imports and pickling worked in each mode). */
function assertEveryModeRan(result: BenchResult): void {
  assert.deepEqual(result.errors, []);
  const failed = result.cells.filter((c) => c.status === 'failed');
  assert.deepEqual(failed.map((c) => `${c.mode}: ${c.error?.message}`), []);
  for (const mode of ['sequential', 'threads', 'processes', 'processes-spawn']) {
    const cell = result.cells.find((c) => c.mode === mode);
    assert.ok(cell, `no ${mode} cell`);
    // A spawned worker imports the module afresh: ok means the dotted import and the pickled
    // function worked there. A busy machine may make the budget skip a cell; that is no failure.
    const skipped = (result as { budget?: { skipped?: { mode: string }[] } }).budget?.skipped?.some((s) => s.mode === mode);
    if (!skipped) assert.equal(cell.status, 'ok', `${mode}: ${cell.status}`);
  }
}

describe('bench imports a module like its project does (real CLI)', { skip: skipPython }, () => {
  before(ensureBuilt);
  const MODES = ['--modes', 'threads,processes,processes-spawn'];

  test('a flat package with relative imports (from .util import square)', () => {
    const dir = layout('run-relative', { 'pkg/__init__.py': '', 'pkg/util.py': UTIL, 'pkg/work.py': WORK('from .util import square') });
    const { result } = bench(dir, path.join('pkg', 'work.py'), 'work', '[2000] * 4', MODES);
    assert.equal(result.target?.language, 'python');
    assert.equal(result.target?.importedAs, 'pkg.work');
    assertEveryModeRan(result);
  });

  test('absolute intra-project imports from a flat layout (from pkg.util import square), run from a sub-folder', () => {
    const dir = layout('run-absolute', {
      'pyproject.toml': '[project]\nname = "demo"\n',
      'pkg/__init__.py': '',
      'pkg/util.py': UTIL,
      'pkg/work.py': WORK('from pkg.util import square'),
      // A script outside any package that imports the project's package.
      'scripts/driver.py': WORK('from pkg.util import square'),
    });
    const inPackage = bench(path.join(dir, 'scripts'), path.join('..', 'pkg', 'work.py'), 'work', '[2000] * 4', MODES);
    assert.equal(inPackage.result.target?.importedAs, 'pkg.work');
    assertEveryModeRan(inPackage.result);
    const script = bench(dir, path.join('scripts', 'driver.py'), 'work', '[2000] * 4', ['--modes', 'processes-spawn']);
    assert.equal(script.result.target?.language === 'python' && script.result.target.layout, 'script');
    assert.deepEqual(script.result.errors, []);
  });

  test('a src/ layout (src/lib with relative and absolute imports)', () => {
    const dir = layout('run-src', {
      'pyproject.toml': '[project]\nname = "lib"\n',
      'src/lib/__init__.py': '',
      'src/lib/util.py': UTIL,
      'src/lib/mid.py': 'from lib.util import square\n',
      'src/lib/work.py': WORK('from .mid import square'),
    });
    const { result } = bench(dir, path.join('src', 'lib', 'work.py'), 'work', '[2000] * 4', MODES);
    assert.equal(result.target?.importedAs, 'lib.work');
    assert.equal(result.target?.language === 'python' && result.target.layout, 'src-layout');
    assertEveryModeRan(result);
  });

  test('a JS/TS package with relative imports (ESM type: module, TypeScript with ./x.js specifiers)', () => {
    const dir = layout('run-node', {
      'package.json': JSON.stringify({ name: 'demo', type: 'module', exports: { './work': './src/work.js' } }),
      'src/util.js': 'export const square = (x) => x * x;\n',
      'src/work.js': "import { square } from './util.js';\nexport function work(n) { let s = 0; for (let i = 0; i < n; i++) s += square(i); return s; }\n",
      'src/util2.ts': 'export const square = (x: number): number => x * x;\n',
      'src/work2.ts': "import { square } from './util2.js';\nexport function work(n: number): number { let s = 0; for (let i = 0; i < n; i++) s += square(i); return s; }\n",
    });
    for (const file of ['work.js', 'work2.ts']) {
      const { result } = bench(dir, path.join('src', file), 'work', '[2000, 2000]', ['--modes', 'worker_threads,child_process']);
      assert.deepEqual(result.errors, [], file);
      assert.equal(result.target?.language, 'node');
      assert.ok(result.cells.every((c) => c.status !== 'failed'), file);
    }
  });
});

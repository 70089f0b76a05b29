import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { type AnalysisResult, type SourceProvider, analyze, createProjects } from '../src/analysis';
import { ensureBuilt } from './support/build';

// Memory of a batch run (issue 13/14): what the cross-file facts keep between files, what each
// thread of a pool loads, and that a pool still gives exactly the one-thread results. Asserted on
// what is retained and loaded, never on RSS or time.

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const CL407 = path.join(__dirname, 'fixtures', 'javascript', 'CL407');
const read = (file: string): string => fs.readFileSync(file, 'utf8');

const temp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'clens-memory-')));
after(() => fs.rmSync(temp, { recursive: true, force: true }));

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Sources from a map of absolute paths, counting the reads of each. */
function sourcesOf(files: Map<string, string>): SourceProvider & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    readFile(file: string) {
      reads.push(path.resolve(file));
      return files.get(path.resolve(file));
    },
  };
}

// A spawner that shares an Int32Array with its worker, and a worker that counts in it: the
// worker's CL407 finding knows the array type (hence `Atomics.add`) only from the spawner's file.
const spawner = read(path.join(CL407, 'counter-main.js'));
const worker = read(path.join(CL407, 'counter-worker.js'));
// A worker script known as one only because main.js starts it: its blocking read is not CL105.
const starter = "const { Worker } = require('node:worker_threads');\nconst w = new Worker(__dirname + '/task.js');\nw.on('error', (e) => console.error(e));\n";
const task = "const fs = require('node:fs');\n\nsetInterval(() => {\n  fs.readFileSync('/etc/hostname', 'utf8');\n}, 1000);\n";

const summary = (r: AnalysisResult): string[] => r.findings.map((f) => `${f.range.start.line + 1}:${f.rule}:${f.message}`);

describe('the spawn index keeps where spawn sites are, not the models of the files', () => {
  const dir = path.join(temp, 'index');
  const main = path.join(dir, 'counter-main.js');
  const work = path.join(dir, 'counter-worker.js');
  const files = new Map([
    [main, spawner],
    [work, worker],
  ]);

  test("a spawner's model is collectable once the cache drops it, and the worker still sees what it sends", async () => {
    const projects = createProjects(sourcesOf(files), files.keys());
    let model = projects.jsProject.load(main, spawner).model;
    assert.ok(model);
    const ref = new WeakRef(model);
    model = null;
    const first = await analyze({ path: work, text: worker }, {}, projects);
    assert.match(summary(first).join('\n'), /Atomics\.add\(counts, i % 16, 1\)/);
    projects.releaseModels(0);
    // The finalisation of a WeakRef target waits for the end of the job that created the ref.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    assert.equal(ref.deref(), undefined, 'something still holds the spawner’s model');
    // Analyzed again after the drop: the spawner is re-read, and the finding is the same.
    projects.invalidate(work);
    assert.deepEqual(summary(await analyze({ path: work, text: worker + '\n' }, {}, projects)), summary(first));
  });

  test('parts built by two projects, adopted by a third, give the whole index without reading those files again', async () => {
    const tree = new Map<string, string>();
    for (let i = 0; i < 6; i++) {
      tree.set(path.join(dir, `p${i}`, 'counter-main.js'), spawner);
      tree.set(path.join(dir, `p${i}`, 'counter-worker.js'), worker);
      tree.set(path.join(dir, `p${i}`, 'main.js'), starter);
      tree.set(path.join(dir, `p${i}`, 'task.js'), task);
    }
    const parts = [0, 1].map((part) => createProjects(sourcesOf(tree), tree.keys()).buildIndex(part, 2));
    assert.deepEqual(parts.map((p) => p.javascript?.files.length), [12, 12]);
    const sources = sourcesOf(tree);
    const adopted = createProjects(sources, tree.keys());
    for (const part of parts) adopted.addIndex(part);
    const whole = createProjects(sourcesOf(tree), tree.keys());
    for (let i = 0; i < 6; i++) {
      const taskPath = path.join(dir, `p${i}`, 'task.js');
      const workerPath = path.join(dir, `p${i}`, 'counter-worker.js');
      assert.deepEqual(adopted.jsProject.spawnersOf(taskPath), whole.jsProject.spawnersOf(taskPath));
      assert.deepEqual(adopted.jsProject.spawnersOf(workerPath), whole.jsProject.spawnersOf(workerPath));
      assert.equal(adopted.jsProject.spawnersOf(taskPath).length, 1);
    }
    assert.deepEqual(sources.reads, [], 'the adopted parts were scanned again');
    const taskPath = path.join(dir, 'p3', 'task.js');
    assert.deepEqual(summary(await analyze({ path: taskPath, text: task }, {}, adopted)), []);
  });
});

describe('the CLI on a pool', () => {
  before(() => ensureBuilt('dist/cli.js', 'dist/lint-worker.js'));

  function check(args: string[], cwd: string): { code: number | null; stderr: string; findings: unknown[] } {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.FORCE_COLOR;
    const run = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', '-v', ...args, '.'], { cwd, input: '', encoding: 'utf8', env, timeout: 120_000 });
    return { code: run.status, stderr: run.stderr, findings: run.status === 2 ? [] : (JSON.parse(run.stdout) as { findings: unknown[] }).findings };
  }

  test('gives the one-thread results on 2 and 3 workers, cross-file facts included', () => {
    const root = path.join(temp, 'pool');
    for (let i = 0; i < 12; i++) {
      const dir = path.join(root, `p${i}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'counter-main.js'), spawner);
      fs.writeFileSync(path.join(dir, 'counter-worker.js'), worker);
      fs.writeFileSync(path.join(dir, 'main.js'), starter);
      fs.writeFileSync(path.join(dir, 'task.js'), task);
    }
    const one = check(['-j', '1'], root);
    assert.equal(one.code, 1, one.stderr);
    assert.match(one.stderr, /checked 48 files in the main thread/);
    const text = JSON.stringify(one.findings);
    assert.match(text, /Atomics\.add\(counts, i % 16, 1\)/);
    assert.doesNotMatch(text, /task\.js/);
    for (const jobs of ['2', '3']) {
      const pooled = check(['-j', jobs], root);
      assert.match(pooled.stderr, new RegExp(`checked 48 files on ${jobs} worker threads`));
      assert.deepEqual(pooled.findings, one.findings);
    }
  });

  test('the CLI and its workers load the JS/TS parser from one shared file, not each its own copy', () => {
    for (const bundle of ['cli.js', 'lint-worker.js', 'server-worker.js']) {
      const text = read(path.join(ROOT, 'dist', bundle));
      assert.ok(text.length < 3_000_000, `${bundle} carries typescript (${text.length} characters)`);
      assert.match(text, /require\("\.\/typescript-estree\.js"\)/);
    }
    assert.doesNotMatch(read(path.join(ROOT, 'dist', 'typescript-estree.js')).slice(0, 2_000_000), /var ts = \{\};/);
  });
});

test('a JS/TS-only run loads no Python parser (a Python-only one no typescript)', () => {
  const probe = (file: string): string[] => {
    const script = `
      const { lintFiles } = require(${JSON.stringify(path.join(ROOT, 'src', 'cli', 'lint-pool.ts'))});
      const { loadedLanguages } = require(${JSON.stringify(path.join(ROOT, 'src', 'analysis', 'index.ts'))});
      lintFiles([{ path: ${JSON.stringify(file)}, options: {} }], { jobs: 1 }).then(() => console.log(JSON.stringify(loadedLanguages())));
    `;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout.trim().split('\n').pop()!) as string[];
  };
  const dir = path.join(temp, 'languages');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'a.js'), task);
  fs.writeFileSync(path.join(dir, 'a.py'), 'import time\ntime.sleep(1)\n');
  assert.deepEqual(probe(path.join(dir, 'a.js')), ['javascript']);
  assert.deepEqual(probe(path.join(dir, 'a.py')), ['python']);
});

describe('a fix shared by many findings is listed once in JSON and SARIF', () => {
  before(() => ensureBuilt('dist/cli.js', 'dist/lint-worker.js'));

  // One pool, many tasks: the CL101 executor swap is one fix for all of them, with a main-guard
  // follow-up that re-indents the module (its edits grow with the file).
  const tasks = (n: number): string =>
    'def work(n):\n    t = 0\n    for i in range(n):\n        t += i * i\n    return t\n' +
    'from concurrent.futures import ThreadPoolExecutor\nex = ThreadPoolExecutor()\n' +
    'ex.submit(work, 1)\n'.repeat(n);

  function report(n: number, format: 'json' | 'sarif'): { size: number; document: any } {
    const dir = path.join(temp, `shared-${format}-${n}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'tasks.py'), tasks(n));
    const run = spawnSync(process.execPath, [CLI, 'check', '--format', format, '--select', 'CL101', 'tasks.py'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 1, run.stderr);
    return { size: run.stdout.length, document: JSON.parse(run.stdout) };
  }

  test('JSON: the edits on the first finding, `sharedWith` its position on the others; size linear in the tasks', () => {
    const small = report(100, 'json');
    const findings = small.document.findings as { line: number; column: number; fix: { edits: unknown[]; sharedWith?: { line: number; column: number } } | null }[];
    assert.equal(findings.length, 100);
    const [first, ...rest] = findings;
    assert.ok(first.fix && first.fix.edits.length > 0 && first.fix.sharedWith === undefined);
    for (const f of rest) assert.deepEqual(f.fix?.sharedWith, { line: first.line, column: first.column });
    for (const f of rest) assert.deepEqual(f.fix?.edits, []);
    // Repeated edits grew as tasks × module size; listed once, the report grows with the tasks.
    assert.ok(report(400, 'json').size < small.size * 6, 'the JSON report grows faster than the file');
  });

  test('SARIF: the fix on the first result only, the others name it', () => {
    const sarif = report(100, 'sarif').document;
    const results = sarif.runs[0].results as { fixes?: unknown[]; properties?: { fixSharedWith?: unknown } }[];
    assert.equal(results.length, 100);
    assert.equal(results.filter((r) => r.fixes).length, 1);
    assert.equal(results.filter((r) => r.properties?.fixSharedWith).length, 99);
  });
});

import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureBuilt } from './support/build';

// Bad input on the CLI's side (the built bundle, as CI runs it): a large `--fix` run on the
// worker pool, files that are not regular files or are too large, and file names that carry
// control characters. Each must end quickly with a correct result or a clear message.

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

before(() => ensureBuilt('dist/cli.js', 'dist/lint-worker.js'));

const temp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'clens-reliability-')));
after(() => fs.rmSync(temp, { recursive: true, force: true }));

let counter = 0;
function folder(): string {
  const dir = path.join(temp, `t${counter++}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  millis: number;
}

function cli(args: string[], cwd: string, timeout = 60_000): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  const started = Date.now();
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, input: '', encoding: 'utf8', env, timeout });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, millis: Date.now() - started };
}

const CPU_COUNT_TIMES_TWO = 'import os\nn = os.cpu_count() * 2\n';

test('check --fix on 40 files fixes all of them on the worker pool, as with -j 1', () => {
  for (const jobs of ['4', '1']) {
    const dir = folder();
    for (let i = 0; i < 40; i++) fs.writeFileSync(path.join(dir, `m${i}.py`), CPU_COUNT_TIMES_TWO);
    const run = cli(['check', '--fix', '--verbose', '-j', jobs, '.'], dir);
    if (jobs !== '1') assert.match(run.stderr, /on \d+ worker threads/, 'the run used the pool');
    const unfixed = fs.readdirSync(dir).filter((f) => fs.readFileSync(path.join(dir, f), 'utf8') === CPU_COUNT_TIMES_TWO);
    assert.deepEqual(unfixed, [], `-j ${jobs}: every file fixed\n${run.stderr}`);
    assert.match(run.stderr, /Fixed 40 problems/, run.stderr);
    assert.equal(run.code, 0, run.stderr);
  }
});

test('check --fix on 40 files with the default pool size fixes all of them', () => {
  const dir = folder();
  for (let i = 0; i < 40; i++) fs.writeFileSync(path.join(dir, `m${i}.py`), CPU_COUNT_TIMES_TWO);
  const run = cli(['check', '--fix', '.'], dir);
  assert.match(run.stderr, /Fixed 40 problems/, run.stderr);
  assert.equal(run.code, 0, run.stderr);
});

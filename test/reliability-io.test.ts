import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureBuilt } from './support/build';
import { readSource } from '../src/workspace/read-source';
import { escapeControls } from '../src/cli/escape';

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

const canMakeFifo = process.platform !== 'win32';

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

test('a FIFO named on the command line is skipped with its reason, without blocking', { skip: !canMakeFifo }, () => {
  const dir = folder();
  execFileSync('mkfifo', [path.join(dir, 'pipe.py')]);
  fs.writeFileSync(path.join(dir, 'ok.py'), CPU_COUNT_TIMES_TWO);
  for (const jobs of ['1', '2']) {
    const run = cli(['check', '-j', jobs, 'pipe.py', 'ok.py'], dir, 20_000);
    assert.notEqual(run.code, null, `-j ${jobs}: the run ended (${run.millis} ms)`);
    assert.match(run.stderr, /skipped pipe\.py: not a regular file \(a FIFO\)/, run.stderr);
    assert.match(run.stdout, /ok\.py:2:5: CL303/);
    assert.equal(run.code, 1, run.stderr);
  }
  // Configuration files are read the same bounded way.
  execFileSync('mkfifo', [path.join(dir, 'config.toml')]);
  const config = cli(['check', '--config', 'config.toml', 'ok.py'], dir, 20_000);
  assert.notEqual(config.code, null, `the run ended (${config.millis} ms)`);
  assert.match(config.stderr, /config\.toml: cannot read configuration: not a regular file \(a FIFO\)/, config.stderr);
  assert.equal(config.code, 2);
});

test('an import of a link to /dev/zero or to a folder is not read; the link named is skipped with its reason', { skip: !canMakeFifo }, () => {
  const dir = folder();
  fs.symlinkSync('/dev/zero', path.join(dir, 'zero.py'));
  fs.symlinkSync(dir, path.join(dir, 'folder.py'));
  execFileSync('mkfifo', [path.join(dir, 'pipe.py')]);
  // The imported names run as tasks, so the analysis resolves (reads) the modules they come from.
  const main = [
    'from concurrent.futures import ThreadPoolExecutor',
    'from zero import x',
    'from folder import y',
    'from pipe import z',
    'import os',
    'n = os.cpu_count() * 2',
    '',
    '',
    'def main():',
    '    with ThreadPoolExecutor() as ex:',
    '        return list(ex.map(x, [1])) + list(ex.map(y, [1])) + list(ex.map(z, [1]))',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'main.py'), main);
  // Reading /dev/zero without a bound took gigabytes within seconds and never ended.
  const walked = cli(['check', '.'], dir, 20_000);
  assert.notEqual(walked.code, null, `the run ended (${walked.millis} ms)`);
  assert.equal(walked.code, 1, walked.stderr);
  assert.match(walked.stdout, /^main\.py:6:5: CL303/m);
  assert.doesNotMatch(walked.stderr, /error:/);

  const named = cli(['check', 'zero.py', 'main.py'], dir, 20_000);
  assert.notEqual(named.code, null, `the run ended (${named.millis} ms)`);
  assert.match(named.stderr, /skipped zero\.py: not a regular file \(a device\)/, named.stderr);
  assert.equal(named.code, 1, named.stderr);
});

test('a discovered pyproject.toml or concurrency-lens.json that is a FIFO or a link to /dev/zero: one warning each, then the defaults', { skip: !canMakeFifo }, () => {
  const dir = folder();
  fs.mkdirSync(path.join(dir, 'sub'));
  execFileSync('mkfifo', [path.join(dir, 'sub', 'pyproject.toml')]);
  fs.symlinkSync('/dev/zero', path.join(dir, 'concurrency-lens.json'));
  fs.writeFileSync(path.join(dir, 'sub', 'a.py'), CPU_COUNT_TIMES_TWO);
  fs.writeFileSync(path.join(dir, 'sub', 'b.py'), CPU_COUNT_TIMES_TWO);
  const fifoWarning = /^warning: sub\/pyproject\.toml: cannot read configuration: not a regular file \(a FIFO\); ignored, as if absent$/gm;
  const zeroWarning = /^warning: concurrency-lens\.json: cannot read configuration: not a regular file \(a device\); ignored, as if absent$/gm;
  for (const args of [['check', '.'], ['workloads', '.']]) {
    const run = cli(args, dir, 20_000);
    assert.equal(run.stderr.match(fifoWarning)?.length, 1, `${args[0]}: once, not per file\n${run.stderr}`);
    assert.equal(run.stderr.match(zeroWarning)?.length, 1, run.stderr);
    assert.notEqual(run.code, 2, run.stderr);
  }
  const checked = cli(['check', '.'], dir, 20_000);
  assert.equal(checked.stdout.match(/CL303/g)?.length, 2, 'both files analyzed with the defaults');
  // Standard input under the same folders resolves the same configuration, and says so too.
  const piped = spawnSync(process.execPath, [CLI, 'check', '--stdin-filename', 'sub/c.py', '-'], { cwd: dir, input: CPU_COUNT_TIMES_TWO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 20_000 });
  assert.equal(piped.stderr.match(fifoWarning)?.length, 1, piped.stderr);
  assert.match(piped.stdout, /CL303/);
});

test('the path in an unreadable configuration warning is escaped', { skip: !canMakeFifo }, () => {
  const dir = folder();
  const sub = path.join(dir, 'x\u001b[2Jy');
  fs.mkdirSync(sub);
  execFileSync('mkfifo', [path.join(sub, 'pyproject.toml')]);
  fs.writeFileSync(path.join(sub, 'a.py'), CPU_COUNT_TIMES_TWO);
  const run = cli(['check', '.'], dir, 20_000);
  assert.ok(run.stderr.includes('warning: x\\x1b[2Jy/pyproject.toml: cannot read configuration: not a regular file (a FIFO)'), run.stderr);
  assert.ok(!run.stderr.includes('\u001b'), 'no raw escape reaches the terminal');
});

test('a file over the size limit is skipped with its size and the limit', () => {
  const dir = folder();
  fs.writeFileSync(path.join(dir, 'big.py'), `x = 1\n${'#'.repeat(9 * 1024 * 1024)}\n`);
  const run = cli(['check', 'big.py'], dir, 20_000);
  assert.match(run.stderr, /skipped big\.py: file is too large to analyze \(9\.0 MB, limit 8\.0 MB\)/, run.stderr);
  // Nothing was checked: the summary must not say all checks passed.
  assert.doesNotMatch(run.stderr, /All checks passed/);
  assert.match(run.stderr, /No problems found \(0 files, 0 lines\), but 1 file was skipped\./);
  assert.equal(run.code, 0, run.stderr);
});

interface PipedRun {
  code: number | null;
  stdout: Buffer;
  stderr: string;
  /** Bytes the test wrote before the CLI closed its standard input or ended. */
  written: number;
}

/**
 * Runs the CLI with `chunks` written to its stdin through a pipe, as fast as the pipe takes
 * them, until the chunks run out (the input ends) or the CLI stops reading and closes the pipe.
 */
function cliPiped(args: string[], cwd: string, chunks: Iterable<Buffer>): Promise<PipedRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  let written = 0;
  let closed = false;
  // EPIPE once the CLI has stopped reading: the expected end of an endless input.
  child.stdin.on('error', () => (closed = true));
  child.stdin.on('close', () => (closed = true));
  const feed = async (): Promise<void> => {
    for (const chunk of chunks) {
      if (closed) return;
      written += chunk.length;
      if (!child.stdin.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            child.stdin.off('drain', done);
            child.stdin.off('close', done);
            resolve();
          };
          child.stdin.on('drain', done);
          child.stdin.on('close', done);
        });
      }
    }
    if (!closed) child.stdin.end();
  };
  void feed();
  return new Promise((resolve) => {
    child.on('close', (code) => {
      closed = true;
      resolve({ code, stdout: Buffer.concat(out), stderr: err, written });
    });
  });
}

const LIMIT = 8 * 1024 * 1024;
const COMMENT_CHUNK = Buffer.from(`${'#'.repeat(64 * 1024 - 1)}\n`);

function* commentChunks(total: number | null): Generator<Buffer> {
  for (let sent = 0; total === null || sent < total; sent += COMMENT_CHUNK.length) yield COMMENT_CHUNK;
}

test('an endless standard input is read no further than the size limit, then skipped with the reason', { timeout: 120_000 }, async () => {
  const run = await cliPiped(['check', '--stdin-filename', 'a.py', '-'], folder(), commentChunks(null));
  assert.match(run.stderr, /skipped a\.py: file is too large to analyze \(limit 8\.0 MB\)/, run.stderr);
  assert.match(run.stderr, /No problems found \(0 files, 0 lines\), but 1 file was skipped\./);
  assert.equal(run.code, 0, run.stderr);
  // What the pipe and the reader hold past the limit, not the whole stream: it never ends.
  assert.ok(run.written < 4 * LIMIT, `${run.written} bytes were taken from the pipe`);
});

test('standard input over the size limit is skipped; with --fix it comes back unchanged, passed through', { timeout: 120_000 }, async () => {
  const total = LIMIT + 16 * COMMENT_CHUNK.length;
  const checked = await cliPiped(['check', '--stdin-filename', 'a.py', '-'], folder(), commentChunks(total));
  assert.match(checked.stderr, /skipped a\.py: file is too large to analyze \(limit 8\.0 MB\)/, checked.stderr);
  assert.equal(checked.code, 0, checked.stderr);
  assert.ok(checked.written < total, 'the CLI closed its input before the end instead of reading it whole');

  const fixed = await cliPiped(['check', '--fix', '--stdin-filename', 'a.py', '-'], folder(), commentChunks(total));
  assert.match(fixed.stderr, /skipped a\.py: file is too large to analyze \(limit 8\.0 MB\)/, fixed.stderr);
  assert.equal(fixed.written, total);
  assert.equal(fixed.stdout.length, total, 'stdout holds the whole source, not its first 8 MB');
  assert.ok(fixed.stdout.equals(Buffer.concat([...commentChunks(total)])), 'and unchanged');
  assert.equal(fixed.code, 0, fixed.stderr);
});

test('reading stops one byte past the limit whatever the file reports as its size', { skip: process.platform !== 'linux' }, () => {
  // /proc files are regular files that report size 0 and still have content.
  assert.equal(fs.statSync('/proc/self/maps').size, 0);
  const read = readSource('/proc/self/maps', 64);
  assert.ok('skipped' in read, 'skipped, not read whole');
  assert.match(read.skipped, /^file is too large to analyze \(limit 64 bytes\)$/);
  const whole = readSource('/proc/self/maps', 1024 * 1024);
  assert.ok('text' in whole && whole.text.length > 64, 'within the limit it is read to its end');
});

test('text output escapes newlines, CRs and ANSI escapes in file names; JSON keeps the names as they are', { skip: process.platform === 'win32' }, () => {
  const dir = folder();
  const names = {
    newline: 'a\nfake.py:1:1: CL999 [injected] not a finding\nb.py',
    cr: 'c\rd.py',
    ansi: 'e\u001b[2K\u001b[31mf.py',
  };
  for (const name of Object.values(names)) fs.writeFileSync(path.join(dir, name), CPU_COUNT_TIMES_TWO);
  fs.writeFileSync(path.join(dir, 'bin\nary.py'), Buffer.from([0x61, 0x00, 0x62]));
  fs.writeFileSync(path.join(dir, 'syn\rtax.py'), 'def f(:\n    pass\n');
  const run = cli(['check', '.'], dir);
  assert.equal(run.code, 1, run.stderr);
  const raw = /[\r\u001b]/;
  assert.doesNotMatch(run.stdout, raw, 'no raw CR or ESC on stdout');
  assert.doesNotMatch(run.stderr, raw, 'no raw CR or ESC on stderr');
  const lines = run.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 3, run.stdout);
  for (const line of lines) assert.match(line, /:2:5: CL303 \[cpu-count-may-be-none\] /);
  assert.ok(lines.some((l) => l.startsWith('a\\nfake.py:1:1: CL999 [injected] not a finding\\nb.py:2:5: CL303')), run.stdout);
  assert.ok(lines.some((l) => l.startsWith('c\\rd.py:2:5: CL303')), run.stdout);
  assert.ok(lines.some((l) => l.startsWith('e\\x1b[2K\\x1b[31mf.py:2:5: CL303')), run.stdout);
  assert.match(run.stderr, /^skipped bin\\nary\.py: binary file$/m);
  assert.match(run.stderr, /^warning: syn\\rtax\.py:1:\d+: Syntax error/m);

  const json = JSON.parse(cli(['check', '--format', 'json', '.'], dir).stdout) as { findings: { path: string }[] };
  assert.deepEqual(json.findings.map((f) => f.path).sort(), Object.values(names).sort());
});

test('paths in warnings and errors of the text output are escaped too', { skip: process.platform === 'win32' }, () => {
  const dir = folder();
  fs.mkdirSync(path.join(dir, 'empty\nfolder'));
  const empty = cli(['check', 'empty\nfolder'], dir);
  assert.match(empty.stderr, /^warning: no Python, JavaScript, TypeScript or notebook files found in empty\\nfolder$/m, empty.stderr);
  const missing = cli(['check', 'gone\u001b[31m.py'], dir);
  assert.equal(missing.code, 2);
  assert.doesNotMatch(missing.stderr, /\u001b/);
  assert.match(missing.stderr, /gone\\x1b\[31m\.py/, missing.stderr);
});

test('escapeControls shows each control character, and bidirectional overrides, as a visible escape', () => {
  assert.equal(escapeControls('a\nb\rc\td\u001be\u0000f\u007fg\u009bh'), 'a\\nb\\rc\\td\\x1be\\x00f\\x7fg\\x9bh');
  assert.equal(escapeControls('left\u202eright\u2028'), 'left\\u202eright\\u2028');
  assert.equal(escapeControls('plain/päth ü.py'), 'plain/päth ü.py');
});

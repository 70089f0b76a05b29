import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatRefusal, preflight } from '../src/profiling/preflight';
import type { BenchResult } from '../src/profiling/types';
import { ensureBuilt, python, skipPython } from './support/bench';

// The benchmark's pre-flight (src/profiling/preflight.ts): modules that do work when imported are
// refused before anything runs, from the analyzer's facts (CL201, CL203, the JS import effects),
// and the harnesses' import guards stop what the analyzer cannot see. Then the CLI's output: a
// clear message with the line and the fix, exit 2, and `refusal` in the JSON.

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

let tmp = '';
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clens-preflight-'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const file = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

describe('preflight (static)', () => {
  test('Python: a module-level Pool without a main guard is refused with CL201 and its fix', async () => {
    const file = write('py/pool.py', 'from multiprocessing import Pool\n\n\ndef square(n):\n    return n * n\n\n\nwith Pool(4) as pool:\n    print(pool.map(square, [1, 2]))\n');
    const refusal = await preflight(file, 'python');
    assert.ok(refusal);
    assert.equal(refusal.stage, 'static');
    assert.equal(refusal.rule, 'CL201');
    assert.equal(refusal.reason, 'process-at-import');
    assert.equal(refusal.line, 8);
    assert.match(refusal.fix, /__name__ == "__main__"/);
    assert.match(refusal.fix, /CL201/);
  });

  test('Python: the same code under a main guard, or a pool inside a function, is not refused', async () => {
    const guarded = write('py/guarded.py', 'from multiprocessing import Pool\n\n\ndef square(n):\n    return n * n\n\n\nif __name__ == "__main__":\n    with Pool(4) as pool:\n        pool.map(square, [1])\n');
    assert.equal(await preflight(guarded, 'python'), null);
    const inFunction = write('py/func.py', 'from concurrent.futures import ProcessPoolExecutor\n\n\ndef run(xs):\n    with ProcessPoolExecutor() as ex:\n        return list(ex.map(abs, xs))\n');
    assert.equal(await preflight(inFunction, 'python'), null);
  });

  test('Python: a server started at module level is refused; under the main guard or an if, it is not', async () => {
    const flask = write('py/app.py', 'from flask import Flask\n\napp = Flask(__name__)\n\n\ndef handle(x):\n    return x\n\n\napp.run()\n');
    const refusal = await preflight(flask, 'python');
    assert.equal(refusal?.reason, 'server-at-import');
    assert.equal(refusal?.line, 10);
    assert.equal(refusal?.rule, null);
    const http = write('py/http.py', 'from http.server import HTTPServer, BaseHTTPRequestHandler\n\nserver = HTTPServer(("", 0), BaseHTTPRequestHandler)\nserver.serve_forever()\n');
    assert.equal((await preflight(http, 'python'))?.line, 4);
    const guarded = write('py/guarded_app.py', 'from flask import Flask\n\napp = Flask(__name__)\n\nif __name__ == "__main__":\n    app.run()\n');
    assert.equal(await preflight(guarded, 'python'), null);
    const conditional = write('py/cond_app.py', 'import os\nfrom flask import Flask\n\napp = Flask(__name__)\nif os.environ.get("SERVE"):\n    app.run()\n');
    assert.equal(await preflight(conditional, 'python'), null);
  });

  test('JS: a self-spawning worker (CL203), a server that listens and worker code at load are refused', async () => {
    const selfSpawn = write(
      'js/self.js',
      "const { Worker } = require('node:worker_threads');\nnew Worker(__filename);\nexports.work = (n) => n * 2;\n",
    );
    const spawnRefusal = await preflight(selfSpawn, 'node');
    assert.equal(spawnRefusal?.rule, 'CL203');
    assert.equal(spawnRefusal?.reason, 'self-spawning-worker');
    assert.equal(spawnRefusal?.line, 2);

    const server = write('js/server.js', "const http = require('node:http');\nconst server = http.createServer(() => {});\nserver.listen(8080);\nexports.work = (n) => n + 1;\n");
    const serverRefusal = await preflight(server, 'node');
    assert.equal(serverRefusal?.reason, 'server-at-import');
    assert.equal(serverRefusal?.line, 3);

    const worker = write('js/worker.mjs', "import { parentPort } from 'node:worker_threads';\nexport const work = (n) => n * 2;\nparentPort.on('message', (n) => parentPort.postMessage(work(n)));\n");
    const workerRefusal = await preflight(worker, 'node');
    assert.equal(workerRefusal?.reason, 'worker-script');
    assert.equal(workerRefusal?.line, 3);
  });

  test('JS: a server started only when run directly, or inside a function, is not refused', async () => {
    const guarded = write(
      'js/guarded.js',
      "const http = require('node:http');\nfunction start() { http.createServer(() => {}).listen(0); }\nif (require.main === module) start();\nif (require.main === module) http.createServer(() => {}).listen(0);\nexports.work = (n) => n + 1;\n",
    );
    assert.equal(await preflight(guarded, 'node'), null);
    const guardedWorker = write(
      'js/guarded-worker.js',
      "const { parentPort, isMainThread } = require('node:worker_threads');\nexports.work = (n) => n * 2;\nif (!isMainThread) parentPort.on('message', (n) => parentPort.postMessage(n));\n",
    );
    assert.equal(await preflight(guardedWorker, 'node'), null);
  });

  test('formatRefusal: the line, the rule and the fix on lines of their own', async () => {
    const file = write('py/fmt.py', 'import multiprocessing\n\n\ndef f(x):\n    return x\n\n\np = multiprocessing.Process(target=f, args=(1,))\np.start()\n');
    const refusal = await preflight(file, 'python');
    assert.ok(refusal);
    const text = formatRefusal(refusal, 'f', (p) => path.relative(tmp, p));
    const lines = text.trimEnd().split('\n');
    assert.match(lines[0], /^f\(\) was not benchmarked/);
    assert.match(lines[1], /^ {2}py\/fmt\.py:8:\d+ \(CL201\): /);
    assert.match(lines[3], /^ {2}fix: /);
  });
});

/** `node dist/cli.js bench` with a tiny budget; the JSON document when `--json` is among `extra`. */
function bench(cwd: string, file: string, fn: string, extra: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(
    process.execPath,
    [CLI, 'bench', file, '--function', fn, '--inputs', '[3] * 4', '--max-seconds', '1', '--workers', '1', '--no-progress', ...(python ? ['--python', python] : []), ...extra],
    // The timeout is a safety net: a refusal ends long before it (the hang it prevents lasted 60 s).
    { cwd, encoding: 'utf8', timeout: 90_000 },
  );
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('bench refuses modules that do work at import (real CLI)', { skip: skipPython }, () => {
  before(ensureBuilt);

  test('examples/python/pool_without_guard.py: refused before running, exit 2, the line and the CL201 fix', () => {
    const text = bench(ROOT, 'examples/python/pool_without_guard.py', 'square', []);
    assert.equal(text.status, 2);
    assert.match(text.stderr, /square\(\) was not benchmarked/);
    assert.match(text.stderr, /examples\/python\/pool_without_guard\.py:10:\d+ \(CL201\)/);
    assert.match(text.stderr, /fix: .*__name__ == "__main__"/);
    assert.equal(text.stdout, '', 'no empty table');

    const json = bench(ROOT, 'examples/python/pool_without_guard.py', 'square', ['--json']);
    assert.equal(json.status, 2);
    const result = JSON.parse(json.stdout) as BenchResult;
    assert.equal(result.status, 'failed');
    assert.equal(result.refusal?.stage, 'static');
    assert.equal(result.refusal?.rule, 'CL201');
    assert.equal(result.refusal?.line, 10);
    assert.deepEqual(result.errors.map((e) => e.kind), ['refused']);
    assert.equal(result.interpreter, null, 'no harness was started');
  });

  test('a pool started by a helper of another module: the import guard stops it, blaming the module-level line', () => {
    write('guard/pkg/__init__.py', '');
    write('guard/pkg/helper.py', 'import multiprocessing\n\n\ndef start_pool():\n    return multiprocessing.Pool(2)\n');
    write('guard/pkg/hidden.py', 'from pkg.helper import start_pool\n\n\ndef square(n):\n    return n * n\n\n\nPOOL = start_pool()\n');
    const run = bench(path.join(tmp, 'guard'), path.join('pkg', 'hidden.py'), 'square', ['--json', '--modes', 'processes-spawn']);
    assert.equal(run.status, 2);
    const result = JSON.parse(run.stdout) as BenchResult;
    assert.equal(result.refusal?.stage, 'import');
    assert.equal(result.refusal?.reason, 'process-at-import');
    assert.equal(result.refusal && path.basename(result.refusal.path), 'hidden.py');
    assert.equal(result.refusal?.line, 8);
    assert.deepEqual(result.errors.map((e) => e.kind), ['refused']);
  });

  test('a Python socket server the analyzer cannot see: the import guard stops it at listen()', () => {
    write('pysrv/start.py', 'import socketserver\n\n\ndef serve():\n    return socketserver.TCPServer(("127.0.0.1", 0), socketserver.BaseRequestHandler)\n');
    write('pysrv/app.py', 'from start import serve\n\n\ndef handle(n):\n    return n + 1\n\n\nSERVER = serve()\n');
    const run = bench(path.join(tmp, 'pysrv'), 'app.py', 'handle', ['--json']);
    assert.equal(run.status, 2);
    const result = JSON.parse(run.stdout) as BenchResult;
    assert.equal(result.refusal?.stage, 'import');
    assert.equal(result.refusal?.reason, 'server-at-import');
    assert.equal(result.refusal && path.basename(result.refusal.path), 'app.py');
    assert.equal(result.refusal?.line, 8);
  });

  test('a JS server started by a helper at import: the Node import guard stops it', () => {
    write('srv/start.js', "const http = require('node:http');\nexports.helper = () => http.createServer(() => {}).listen(0);\n");
    write('srv/app.js', "const { helper } = require('./start');\nexports.work = (n) => n + 1;\nhelper();\n");
    const run = bench(path.join(tmp, 'srv'), 'app.js', 'work', ['--json']);
    assert.equal(run.status, 2);
    const result = JSON.parse(run.stdout) as BenchResult;
    assert.equal(result.refusal?.stage, 'import');
    assert.equal(result.refusal?.reason, 'server-at-import');
    assert.equal(result.refusal?.line, 3);
  });
});

describe('self-spawning JS workers the analyzer cannot see: the Node import guard refuses them', () => {
  before(ensureBuilt);

  function refused(dir: string, file: string): BenchResult {
    const run = bench(path.join(tmp, dir), file, 'fib', ['--json']);
    assert.equal(run.status, 2, run.stderr);
    const result = JSON.parse(run.stdout) as BenchResult;
    assert.equal(result.refusal?.stage, 'import');
    assert.equal(result.refusal?.reason, 'self-spawning-worker');
    assert.deepEqual(result.errors.map((e) => e.kind), ['refused']);
    return result;
  }

  test('`new Worker(require.resolve("./self"))` through a helper function, under `isMainThread`', () => {
    write(
      'sw1/self.js',
      "const { Worker, isMainThread, parentPort } = require('node:worker_threads');\n" +
        'function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }\nexports.fib = fib;\n' +
        "function startSelf() { return new Worker(require.resolve('./self')); }\n" +
        "if (isMainThread) startSelf();\nelse parentPort.on('message', (n) => parentPort.postMessage(fib(n)));\n",
    );
    const result = refused('sw1', 'self.js');
    assert.equal(path.basename(result.refusal!.path), 'self.js');
    assert.equal(result.refusal?.line, 5, 'the module-level call that starts it');
    assert.match(result.refusal!.message, /self\.js creates a worker thread of itself while it is imported: `new Worker\(\)` of self\.js/);
    assert.match(result.refusal!.fix, /require\.main === module/);
  });

  test('`new Worker(path.join(__dirname, …))` built in a helper of another module', () => {
    write('sw2/helper.js', "const { Worker } = require('node:worker_threads');\nconst path = require('node:path');\nexports.spawn = (dir, name) => new Worker(path.join(dir, name));\n");
    write(
      'sw2/app.js',
      "const { isMainThread, parentPort } = require('node:worker_threads');\nconst { spawn } = require('./helper');\n" +
        'exports.fib = (n) => (n < 2 ? n : exports.fib(n - 1) + exports.fib(n - 2));\n' +
        "if (isMainThread) spawn(__dirname, 'app.js');\nelse parentPort.on('message', (n) => parentPort.postMessage(exports.fib(n)));\n",
    );
    const result = refused('sw2', 'app.js');
    assert.equal(path.basename(result.refusal!.path), 'app.js', 'blames the module, not the helper');
    assert.equal(result.refusal?.line, 4);
  });

  test('ESM `fork(fileURLToPath(import.meta.url))` and `cluster.fork()` at import', () => {
    write(
      'sw3/forker.mjs',
      "import { fork } from 'node:child_process';\nimport { fileURLToPath } from 'node:url';\n" +
        'export function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }\n' +
        "if (!process.send) fork(fileURLToPath(import.meta.url));\nelse process.on('message', (n) => process.send(fib(n)));\n",
    );
    const forked = refused('sw3', 'forker.mjs');
    assert.equal(forked.refusal?.line, 4);
    assert.match(forked.refusal!.message, /forks a child process of itself .*`child_process\.fork\(\)`/);
    write(
      'sw3/clus.js',
      "const cluster = require('node:cluster');\nexports.fib = (n) => (n < 2 ? n : exports.fib(n - 1) + exports.fib(n - 2));\n" +
        "if (cluster.isPrimary) cluster.fork();\nelse require('node:http').createServer((q, r) => r.end('x')).listen(0);\n",
    );
    const clustered = refused('sw3', 'clus.js');
    assert.equal(clustered.refusal?.line, 3);
    assert.match(clustered.refusal!.message, /`cluster\.fork\(\)`/);
  });

  test('a worker running other code at import is not refused', () => {
    write(
      'sw4/ok.js',
      "const { Worker } = require('node:worker_threads');\nnew Worker('0', { eval: true });\n" +
        'exports.fib = (n) => (n < 2 ? n : exports.fib(n - 1) + exports.fib(n - 2));\n',
    );
    const run = bench(path.join(tmp, 'sw4'), 'ok.js', 'fib', ['--json', '--modes', 'sequential,worker_threads', '--inputs', 'Array(4).fill(3)']);
    const result = JSON.parse(run.stdout) as BenchResult;
    assert.equal(result.refusal, undefined, run.stderr);
    assert.notEqual(result.status, 'failed', JSON.stringify(result.errors));
  });
});

describe('reading the benchmarked module and its imports', () => {
  // The static class shown beside the measured one resolves the modules the function imports; it
  // read them with a plain readFileSync, which blocks for ever on a FIFO (and fills memory from a
  // link to /dev/zero). Run in a child so a blocking read cannot hang the test runner itself.
  test('an import of a FIFO or of a link to /dev/zero neither blocks nor is read', { skip: process.platform === 'win32', timeout: 60_000 }, () => {
    const dir = path.join(tmp, 'bounded');
    fs.mkdirSync(dir, { recursive: true });
    spawnSync('mkfifo', [path.join(dir, 'pipe.py')]);
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.py'));
    const main = write('bounded/main.py', 'import time\nfrom pipe import helper\nfrom zero import other\n\n\ndef wait(n):\n    helper(n)\n    other(n)\n    time.sleep(n)\n');
    const script = [
      `const { staticWorkloadOf } = require(${JSON.stringify(path.join(ROOT, 'src/profiling/static-class.ts'))});`,
      `const { preflight } = require(${JSON.stringify(path.join(ROOT, 'src/profiling/preflight.ts'))});`,
      `(async () => {`,
      `  const s = await staticWorkloadOf(${JSON.stringify(main)}, 'wait');`,
      `  const p = await preflight(${JSON.stringify(path.join(dir, 'pipe.py'))}, 'python');`,
      `  console.log(JSON.stringify({ kind: s && s.kind, refusal: p }));`,
      `})();`,
    ].join('\n');
    const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 30_000, cwd: ROOT });
    assert.equal(run.signal, null, `the child ended by itself (stderr: ${run.stderr})`);
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as { kind: string | null; refusal: unknown };
    // What the function itself does is still seen (the sleep); the unreadable modules add nothing.
    assert.equal(out.kind, 'io');
    assert.equal(out.refusal, null);
  });
});

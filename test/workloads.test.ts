import { before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ensureBuilt } from './support/build';
import { treeMaker } from './support/temp-tree';

// `concurrency-lens workloads` on the BUILT bundle: every task site with its executor, family,
// target function, workload class and evidence, as a user reads it to see why CL101/CL102/CL103
// fired or stayed silent. The JSON document is a stable interface.

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

before(() => ensureBuilt('dist/cli.js'));

const tree = treeMaker('clens-workloads-');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], cwd: string): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env, timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Task {
  path: string;
  line: number;
  column: number;
  executor: string;
  family: string;
  function: string | null;
  workload: string;
  evidence: { path: string; line: number; reason: string }[];
}

function tasksOf(root: string, ...paths: string[]): Task[] {
  const run = cli(['workloads', '--format', 'json', ...(paths.length > 0 ? paths : ['.'])], root);
  assert.equal(run.code, 0, run.stderr);
  const document = JSON.parse(run.stdout) as { version: number; tasks: Task[] };
  assert.equal(document.version, 1);
  assert.deepEqual(Object.keys(document), ['version', 'tasks']);
  return document.tasks;
}

function byFunction(tasks: Task[], name: string | null): Task {
  const found = tasks.find((t) => t.function === name);
  assert.ok(found, `no task runs ${name}: ${tasks.map((t) => t.function).join(', ')}`);
  return found;
}

const APP = `import logging
import os
import queue
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import requests

log = logging.getLogger(__name__)
done = queue.Queue()
slots = threading.Semaphore(4)
KEYS = ("hits", "misses")


def fetch(url, folder):
    if not url:
        raise ValueError("no URL")
    log.info("fetching %s", url)
    text = requests.get(url, timeout=10).text
    done.put(url)
    slots.release()
    return os.path.join(folder, tidy(text))


def crunch(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def invert(matrix):
    return np.linalg.inv(matrix)


def count_hits(cache):
    hits = 0
    for key in KEYS:
        if key in cache:
            hits += 1
    return hits


def apply_all(items):
    return [transform(item) for item in items]


def main(urls, matrices, cache, items):
    with ThreadPoolExecutor() as threads:
        threads.submit(fetch, urls[0], "/tmp").result()
        list(threads.map(crunch, [10] * 4))
        list(threads.map(invert, matrices))
        list(threads.map(apply_all, [items]))
        threads.submit(lambda: None).result()
        threads.submit(getattr(cache, "clear")).result()
    with ProcessPoolExecutor() as processes:
        list(processes.map(count_hits, [cache] * 4, chunksize=64))


if __name__ == "__main__":
    main([], [], {}, [])
`;

describe('concurrency-lens workloads', () => {
  test('JSON: every task site, its executor, family, function, class and evidence (1-based positions)', () => {
    const root = tree({ 'app.py': APP });
    const tasks = tasksOf(root);
    assert.equal(tasks.length, 7);
    for (const task of tasks) {
      assert.deepEqual(Object.keys(task), ['path', 'line', 'column', 'executor', 'family', 'function', 'workload', 'evidence']);
      for (const e of task.evidence) assert.deepEqual(Object.keys(e), ['path', 'line', 'reason']);
    }
    const fetch = byFunction(tasks, 'fetch');
    assert.deepEqual(
      { path: fetch.path, line: fetch.line, column: fetch.column, executor: fetch.executor, family: fetch.family, workload: fetch.workload },
      { path: 'app.py', line: 51, column: 9, executor: 'concurrent.futures.ThreadPoolExecutor', family: 'thread', workload: 'io' },
    );
    // The request decides; the cheap calls around it and the one helper it cannot see do not.
    assert.deepEqual(fetch.evidence[0], { path: 'app.py', line: 20, reason: '`requests.get` blocks on I/O (line 20)' });
    assert.ok(fetch.evidence.some((e) => e.reason.includes('`tidy`')), JSON.stringify(fetch.evidence));
    assert.equal(byFunction(tasks, 'crunch').workload, 'cpu');
    assert.equal(byFunction(tasks, 'crunch').evidence[0].reason, 'loop at line 28 does pure-Python arithmetic on every item');
    assert.equal(byFunction(tasks, 'invert').workload, 'native');
    // Unseen work on every item: the decisive work is in code the analyzer cannot see.
    const applyAll = byFunction(tasks, 'apply_all');
    assert.equal(applyAll.workload, 'unknown');
    assert.match(applyAll.evidence[0].reason, /`transform`.*every pass of the loop at line 46/);
    assert.equal(byFunction(tasks, '<lambda>').workload, 'trivial');
    // Counting over a few keys is not computing.
    const hits = byFunction(tasks, 'count_hits');
    assert.deepEqual([hits.family, hits.executor, hits.workload], ['process', 'concurrent.futures.ProcessPoolExecutor', 'trivial']);
    const unresolved = byFunction(tasks, null);
    assert.equal(unresolved.workload, 'unknown');
    assert.match(unresolved.evidence[0].reason, /does not resolve to a function/);
  });

  test('receiver types, self methods of base classes, and evidence in other files', () => {
    const root = tree({
      'pkg/__init__.py': '',
      'pkg/net.py': `import socket


class Client:
    def ping(self, host):
        sock = socket.create_connection((host, 80), timeout=5)
        sock.sendall(b"ping")
        data = sock.recv(64)
        sock.close()
        return data
`,
      'pkg/work.py': `import multiprocessing
from multiprocessing.connection import Connection

from .net import Client


class Pinger(Client):
    def check(self, hosts, conn: Connection):
        for host in hosts:
            conn.send(self.ping(host))


def start(hosts, conn):
    p = multiprocessing.Process(target=Pinger().check, args=(hosts, conn))
    p.start()
    p.join()
`,
    });
    const [task] = tasksOf(root, 'pkg/work.py');
    assert.deepEqual([task.path, task.line, task.family, task.executor, task.function, task.workload], [path.join('pkg', 'work.py'), 14, 'process', 'multiprocessing.Process', 'check', 'io']);
    const where = new Set(task.evidence.map((e) => e.path));
    assert.ok(where.has(path.join('pkg', 'net.py')), JSON.stringify(task.evidence));
    assert.ok(task.evidence.some((e) => e.reason === '`conn.send` blocks on I/O (line 10)'), JSON.stringify(task.evidence));
  });

  test('a callback a helper runs is chosen by its caller; a worker that calls Thread.run runs its target', () => {
    const root = tree({
      'pump.py': `import os
import threading


def schedule(f):
    f()


def flush():
    pass


def pump(fd):
    data = os.read(fd, 1000)
    while data:
        schedule(flush)
        data = os.read(fd, 1000)


class Logged(threading.Thread):
    def run(self):
        try:
            threading.Thread.run(self)
        finally:
            print("done")


def start(fd, work):
    threading.Thread(target=pump, args=(fd,)).start()
    Logged(target=work).start()
`,
    });
    const tasks = tasksOf(root);
    const pump = byFunction(tasks, 'pump');
    assert.equal(pump.workload, 'io', JSON.stringify(pump.evidence));
    const logged = byFunction(tasks, 'run');
    assert.equal(logged.workload, 'unknown');
    assert.match(logged.evidence[0].reason, /runs the target the thread or process was given/);
  });

  test('what an instance was constructed with: self.action = action, super().__init__(self._run), target= through __init__', () => {
    const root = tree({
      'app.py': `import functools
import threading
import time
import urllib.request


class WrappedThread(threading.Thread):
    def __init__(self, action):
        super().__init__()
        self.action = action
        self.result = None

    def run(self):
        self.result = self.action()


class ReaderThread(WrappedThread):
    def __init__(self, url):
        super().__init__(self._run)
        self.url = url

    def _run(self):
        return urllib.request.urlopen(self.url).read()


class Named(threading.Thread):
    def __init__(self, fn):
        threading.Thread.__init__(self, target=fn, name="named")

    def run(self):
        threading.Thread.run(self)


def waiter(seconds):
    time.sleep(seconds)


def fetch(url):
    return urllib.request.urlopen(url).read()


def main(opaque):
    WrappedThread(functools.partial(waiter, 3)).start()
    ReaderThread("http://example.com").start()
    Named(fetch).start()
    WrappedThread(opaque).start()
`,
    });
    const tasks = tasksOf(root);
    const at = (line: number): Task => tasks.find((t) => t.line === line)!;
    // partial(waiter, 3) stored as `self.action`, called by run().
    assert.deepEqual([at(43).workload, at(43).evidence[0].reason], ['io', '`time.sleep` blocks on I/O (line 35)']);
    // The subclass hands the base its own method.
    assert.equal(at(44).workload, 'io');
    assert.match(at(44).evidence[0].reason, /urlopen/);
    // `Thread.__init__(self, target=fn)` in the subclass: Thread.run runs `fetch`.
    assert.equal(at(45).workload, 'io');
    assert.match(at(45).evidence[0].reason, /urlopen.*line 39/);
    // A callable the caller was handed itself: still the caller's choice.
    assert.equal(at(46).workload, 'unknown');
    assert.match(at(46).evidence[0].reason, /`self\.action`, a callable the object was given/);
  });

  test('a light pass over the input beside I/O or native work does not hide it; repeated or alone it stays unknown', () => {
    const root = tree({
      'passes.py': `from concurrent.futures import ThreadPoolExecutor

import numpy as np


def pick(items, keys):
    return [items[k] for k in keys]


def load(path, keys):
    with open(path) as f:
        rows = f.read().split()
    return pick(rows, keys)


def solve(matrix, rows, keys):
    chosen = pick(rows, keys)
    return np.linalg.inv(matrix), chosen


def only_pick(items, keys):
    return pick(items, keys)


def pick_each(matrix, groups, keys):
    inverse = np.linalg.inv(matrix)
    out = []
    for group in groups:
        out.append(pick(group, keys))
    return inverse, out


def main(m, rows, keys, groups):
    with ThreadPoolExecutor() as pool:
        pool.submit(load, "data.txt", keys)
        pool.submit(solve, m, rows, keys)
        pool.submit(only_pick, rows, keys)
        pool.submit(pick_each, m, groups, keys)
`,
    });
    const tasks = tasksOf(root);
    const load = byFunction(tasks, 'load');
    assert.equal(load.workload, 'io', JSON.stringify(load.evidence));
    assert.match(load.evidence[0].reason, /`open` blocks on I\/O|on a file does I\/O/);
    const solve = byFunction(tasks, 'solve');
    assert.equal(solve.workload, 'native', JSON.stringify(solve.evidence));
    // Alone, a light pass is neither CPU-bound nor trivial.
    const alone = byFunction(tasks, 'only_pick');
    assert.equal(alone.workload, 'unknown');
    assert.match(alone.evidence[0].reason, /little work per item/);
    // Repeated for every group, the passes multiply: they may outweigh the native call.
    const repeated = byFunction(tasks, 'pick_each');
    assert.equal(repeated.workload, 'unknown', JSON.stringify(repeated.evidence));
    assert.match(repeated.evidence[0].reason, /on every pass of the loop at line 28/);
  });

  test('methods a test case inherits from unittest.TestCase are its checks; the callable form of assertRaises runs what it is given', () => {
    const root = tree({
      'test_files.py': `import threading
import unittest

from parsers import parse


class FileTest(unittest.TestCase):
    def check_file(self, path):
        with open(path) as f:
            self.assertEqual(f.read(), "x")

    def check_parse(self, path):
        with open(path) as f:
            data = f.read()
        self.assertRaises(ValueError, parse, data)

    def test_threads(self):
        threading.Thread(target=self.check_file, args=("a",)).start()
        threading.Thread(target=self.check_parse, args=("b",)).start()


class ReadChecks:
    def test_mixed_in(self):
        def read_back(path):
            with open(path) as f:
                self.assertIn("x", f.read())

        def parse_back(path):
            with open(path) as f:
                self.assertRaises(ValueError, parse, f.read())

        threading.Thread(target=read_back, args=("c",)).start()
        threading.Thread(target=parse_back, args=("d",)).start()


class ReadTest(ReadChecks, unittest.TestCase):
    pass
`,
    });
    const tasks = tasksOf(root);
    const plain = byFunction(tasks, 'check_file');
    assert.equal(plain.workload, 'io', JSON.stringify(plain.evidence));
    const runs = byFunction(tasks, 'check_parse');
    assert.equal(runs.workload, 'unknown', JSON.stringify(runs.evidence));
    // The check runs `parse(data)`: the unseen work is that call's.
    assert.match(runs.evidence[0].reason, /calls `parse`, which the analyzer cannot see into \(line 15\)/);
    // In a mixin the TestCase base comes with the subclass: the name alone says it is a check.
    assert.equal(byFunction(tasks, 'read_back').workload, 'io');
    assert.equal(byFunction(tasks, 'parse_back').workload, 'unknown');
  });

  test('catalogue: asyncore.loop waits on the network, fcntl.lockf on another process, os.waitstatus_to_exitcode is cheap', () => {
    const root = tree({
      'loops.py': `import asyncore
import fcntl
import os
import threading


def serve(count):
    asyncore.loop(timeout=0.1, count=count)


def locked(fd, path):
    fcntl.lockf(fd, fcntl.LOCK_EX)
    os.path.exists(path)
    fcntl.lockf(fd, fcntl.LOCK_UN)


def reap(pid):
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def main(fd, pid):
    threading.Thread(target=serve, args=(10,)).start()
    threading.Thread(target=locked, args=(fd, "x")).start()
    threading.Thread(target=reap, args=(pid,)).start()
`,
    });
    const tasks = tasksOf(root);
    assert.equal(byFunction(tasks, 'serve').workload, 'io');
    const locked = byFunction(tasks, 'locked');
    assert.equal(locked.workload, 'io', JSON.stringify(locked.evidence));
    assert.ok(locked.evidence.some((e) => /`fcntl\.lockf` waits for another thread or process/.test(e.reason)), JSON.stringify(locked.evidence));
    const reap = byFunction(tasks, 'reap');
    assert.equal(reap.workload, 'io', JSON.stringify(reap.evidence));
    assert.ok(!reap.evidence.some((e) => /waitstatus_to_exitcode/.test(e.reason)), JSON.stringify(reap.evidence));
  });

  test('an instance of a subclass of a catalogued library class: the methods it inherits are the library\'s', () => {
    const root = tree({
      'api.py': `import logging
import threading

import requests


class Api(requests.Session):
    def __init__(self, token):
        super().__init__()
        self.token = token

    def headers_for(self, name):
        return {"Authorization": self.token, "X-Name": name}


def fetch(url):
    api = Api("t")
    return api.get(url, timeout=5)


def retarget(handler, loop, done):
    handler.setTarget(None)
    loop.call_soon_threadsafe(done)


def main(url, handler, loop, done):
    threading.Thread(target=fetch, args=(url,)).start()
    threading.Thread(target=retarget, args=(handler, loop, done)).start()
`,
    });
    const tasks = tasksOf(root);
    const fetch = byFunction(tasks, 'fetch');
    assert.equal(fetch.workload, 'io', JSON.stringify(fetch.evidence));
    assert.match(fetch.evidence[0].reason, /`api\.get` blocks on I\/O/);
    // Reconfiguring a log handler and scheduling on an event loop do next to nothing.
    assert.equal(byFunction(tasks, 'retarget').workload, 'trivial');
  });

  test('a parameter annotated as a file (typing.IO[bytes], t.BinaryIO) is a file, not its type parameter', () => {
    const root = tree({
      'pipes.py': `import threading
import typing as t
from typing import IO, Optional


class Pump(threading.Thread):
    def __init__(self, handle: t.IO[bytes], sink: Optional[t.BinaryIO]) -> None:
        super().__init__()
        self.handle = handle
        self.sink = sink

    def run(self) -> None:
        for line in self.handle:
            self.sink.write(line)


def drain(stream: IO[str]) -> int:
    return len(stream.read())


def main(proc):
    Pump(proc.stdout, None).start()
    threading.Thread(target=drain, args=(proc.stderr,)).start()
`,
    });
    const tasks = tasksOf(root);
    const pump = byFunction(tasks, 'run');
    assert.equal(pump.workload, 'io', JSON.stringify(pump.evidence));
    assert.match(pump.evidence[0].reason, /`\.write\(\)` on a file does I\/O \(line 14\)/);
    const drain = byFunction(tasks, 'drain');
    assert.equal(drain.workload, 'io', JSON.stringify(drain.evidence));
  });

  test('a range bounded by a literal unpacked into a name (n, m = 5, 7) is a short loop, not work on the input', () => {
    const root = tree({
      'rounds.py': `import threading

ROUNDS, WORKERS = 7, 5
gate = threading.Barrier(WORKERS)


def rounds(results):
    for i in range(ROUNDS):
        gate.wait(10)
        results.append(3 * i)


def spins(results, n):
    for i in range(n):
        results.append(3 * i + 1)


def main(results, n):
    for _ in range(WORKERS):
        threading.Thread(target=rounds, args=(results,)).start()
    threading.Thread(target=spins, args=(results, n)).start()
`,
    });
    const tasks = tasksOf(root);
    const rounds = byFunction(tasks, 'rounds');
    assert.equal(rounds.workload, 'io', JSON.stringify(rounds.evidence));
    assert.ok(!rounds.evidence.some((e) => /arithmetic/.test(e.reason)), JSON.stringify(rounds.evidence));
    // A range the caller sizes is still the work.
    assert.equal(byFunction(tasks, 'spins').workload, 'cpu');
  });

  test('target= reaching Thread.__init__ through a subclass that passes on *args and **kwargs', () => {
    const root = tree({
      'named.py': `import threading
import urllib.request


class Labelled(threading.Thread):
    def __init__(self, label, *args, **kwargs):
        self.label = label
        super().__init__(*args, **kwargs)

    def run(self):
        super().run()


class Positional(threading.Thread):
    def __init__(self, label, *args):
        self.label = label
        threading.Thread.__init__(self, *args)

    def run(self):
        threading.Thread.run(self)


def fetch(url):
    return urllib.request.urlopen(url).read()


def main():
    Labelled("a", target=fetch, args=("http://example.com",)).start()
    Positional("b", None, fetch).start()
`,
    });
    const tasks = tasksOf(root);
    const at = (line: number): Task => tasks.find((t) => t.line === line)!;
    assert.equal(at(28).workload, 'io', JSON.stringify(at(28).evidence));
    assert.match(at(28).evidence[0].reason, /urlopen.*line 24/);
    assert.equal(at(29).workload, 'io', JSON.stringify(at(29).evidence));
  });

  test('argument types from the task site: submit(f, session), args=(q,), passed on to helpers', () => {
    const root = tree({
      'app.py': `import queue
import threading
from concurrent.futures import ThreadPoolExecutor

import requests


def fetch_one(session, url):
    return session.get(url, timeout=5).content


def download(session, urls):
    return [fetch_one(session, u) for u in urls]


def drain(q, out):
    while True:
        item = q.get()
        if item is None:
            return
        out.append(item)


def main(urls, unknown_session):
    session = requests.Session()
    with ThreadPoolExecutor(4) as pool:
        pool.submit(download, session, urls)
        pool.submit(download, unknown_session, urls)
    q = queue.Queue()
    threading.Thread(target=drain, args=(q, [])).start()
    Reader().start(open("log.txt"), [])


class Reader:
    def _read(self, fh, out):
        out.append(fh.read())

    def start(self, fh, out):
        threading.Thread(target=self._read, args=(fh, [])).start()
`,
    });
    const tasks = tasksOf(root);
    const at = (line: number): Task => tasks.find((t) => t.line === line)!;
    assert.equal(at(27).workload, 'io');
    assert.deepEqual(at(27).evidence[0], { path: 'app.py', line: 9, reason: '`session.get` blocks on I/O (line 9)' });
    // The same function handed an object the analyzer cannot see: `get` may be a dict's.
    assert.equal(at(28).workload, 'unknown');
    assert.equal(at(30).workload, 'io');
    assert.match(at(30).evidence[0].reason, /`q\.get` waits for another thread/);
    // A bound method's first parameter is the instance: `fh` is the first argument, not the list.
    assert.notEqual(at(39).workload, 'trivial');
  });

  test('compiled extension modules of the package are native; long straight-line helpers are cheap calls', () => {
    const root = tree({
      'pkg/__init__.py': 'from .helpers import prepare\n',
      'pkg/helpers.py': `def prepare(X):
    shape = X.shape
    rows = shape[0]
    cols = shape[1]
    if rows == 0:
        raise ValueError("empty")
    if cols == 0:
        raise ValueError("no columns")
    dtype = X.dtype
    return rows, cols, dtype
`,
      'pkg/fit.py': `from joblib import Parallel, delayed

from . import _fast
from . import helpers
from ._trees import TreeBuilder
from .helpers import prepare


def _fit_one(X, y, alpha):
    prepare(X)
    return _fast.coordinate_descent(X, y, alpha)


def _grow(X, y):
    builder = TreeBuilder(X)
    return builder.build(y)


def _long(X):
    return prepare(X)


def _source_module(X):
    return helpers.unknown_name(X)


def fit_all(X, y, alphas):
    a = Parallel(n_jobs=2)(delayed(_fit_one)(X, y, a) for a in alphas)
    b = Parallel(n_jobs=2)(delayed(_grow)(X, y) for a in alphas)
    c = Parallel(n_jobs=2)(delayed(_long)(X) for a in alphas)
    d = Parallel(n_jobs=2)(delayed(_source_module)(X) for a in alphas)
    e = Parallel(n_jobs=2)(delayed(prepare)(X) for a in alphas)
    return a, b, c, d, e
`,
    });
    const tasks = tasksOf(root, 'pkg/fit.py');
    const fitOne = byFunction(tasks, '_fit_one');
    assert.deepEqual([fitOne.workload, fitOne.evidence[0].reason], ['native', '`_fast.coordinate_descent` runs in native code that releases the GIL (line 11)']);
    const grow = byFunction(tasks, '_grow');
    assert.equal(grow.workload, 'native');
    assert.deepEqual(
      grow.evidence.map((e) => e.reason),
      ['`TreeBuilder` runs in native code that releases the GIL (line 15)', '`builder.build` runs in native code that releases the GIL (line 16)'],
    );
    // Called, long straight-line code does bounded work: a cheap call, so `_long` is trivial...
    assert.equal(byFunction(tasks, '_long').workload, 'trivial');
    // ...but run on its own it is not trivial (CL103 would call it too small to pay off).
    assert.match(byFunction(tasks, 'prepare').evidence[0].reason, /more than 5 statements: too long to call trivial/);
    assert.equal(byFunction(tasks, 'prepare').workload, 'unknown');
    // A module with source is read, not assumed native.
    assert.equal(byFunction(tasks, '_source_module').workload, 'unknown');
  });

  test('a tree that is the catalogued library itself: its clone() is an estimator, fit is native', () => {
    const files = (pkg: string): Record<string, string> => ({
      [`${pkg}/__init__.py`]: '',
      [`${pkg}/base.py`]: `import copy


def clone(estimator):
    klass = estimator.__class__
    params = estimator.get_params()
    for name, value in params.items():
        params[name] = copy.deepcopy(value)
    return klass(**params)
`,
      [`${pkg}/multi.py`]: `from joblib import Parallel, delayed

from .base import clone
from .utils import check_random_state


def _fit_one(estimator, X, y):
    estimator = clone(estimator)
    estimator.fit(X, y)
    return estimator


def _score(estimator, X, y):
    estimator = estimator.set_params(alpha=1.0)
    estimator.fit(X, y)
    return estimator.score(X, y)


def _draw(seed, n):
    rng = check_random_state(seed)
    return rng.randint(0, n, n)


def fit_all(estimator, X, Ys):
    fitted = Parallel(n_jobs=2)(delayed(_fit_one)(estimator, X, y) for y in Ys)
    scores = Parallel(n_jobs=2)(delayed(_score)(clone(estimator), X, y) for y in Ys)
    draws = Parallel(n_jobs=2)(delayed(_draw)(i, 10) for i in range(4))
    return fitted, scores, draws
`,
      [`${pkg}/utils.py`]: `import numbers

import numpy as np


def check_random_state(seed):
    if seed is None:
        return np.random.mtrand._rand
    if isinstance(seed, numbers.Integral):
        return np.random.RandomState(seed)
    return seed
`,
    });
    const library = tasksOf(tree(files('sklearn')));
    assert.deepEqual(library.map((t) => [t.function, t.workload]), [['_fit_one', 'native'], ['_score', 'native'], ['_draw', 'native']]);
    assert.equal(byFunction(library, '_fit_one').evidence[0].reason, '`estimator.fit` runs in native code that releases the GIL (line 9)');
    // The same code in a package the catalogue does not describe: the estimator is unseen code.
    const other = tasksOf(tree(files('mylib')));
    assert.deepEqual(other.map((t) => [t.function, t.workload]), [['_fit_one', 'unknown'], ['_score', 'unknown'], ['_draw', 'unknown']]);
  });

  test('interpreter pools are their own family', () => {
    const root = tree({
      'interp.py': `from concurrent.futures import InterpreterPoolExecutor


def square(n):
    return n * n


def main():
    with InterpreterPoolExecutor() as pool:
        return list(pool.map(square, range(10), chunksize=5))
`,
    });
    const [task] = tasksOf(root);
    assert.deepEqual([task.family, task.executor, task.workload], ['interpreter', 'concurrent.futures.InterpreterPoolExecutor', 'trivial']);
  });

  test('text: one readable line per task; a missing path is a usage error', () => {
    const root = tree({ 'app.py': APP });
    const run = cli(['workloads', 'app.py'], root);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 7);
    assert.ok(lines.some((l) => l.startsWith('app.py:51:9: fetch [thread, ThreadPoolExecutor] io: `requests.get` blocks on I/O (line 20); +')), run.stdout);
    assert.ok(lines.some((l) => l.startsWith('app.py:') && l.includes('(unresolved) [thread, ThreadPoolExecutor] unknown: ')), run.stdout);
    assert.match(run.stderr, /7 task sites in 1 Python file/);
    const missing = cli(['workloads', 'nope.py'], root);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /path not found: nope\.py/);
  });
});

describe('a library callable handed over as the task', () => {
  test('its class is the catalogue effect of that one call; builtins and CPU calls stay unknown', () => {
    const root = tree({
      'lib.py': `import os
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import anyio


class AsyncFile:
    def __init__(self, name):
        self._fp = open(name, "rb")

    async def read(self, size=-1):
        return await anyio.to_thread.run_sync(self._fp.read, size)


def copy_all(pairs):
    with ThreadPoolExecutor() as ex:
        for a, b in pairs:
            ex.submit(os.link, a, b)
        ex.submit(Path("x").read_bytes)
        ex.submit(len, "abc")
        ex.submit(sorted, [3, 1])


def listen(addr):
    sock = socket.create_connection(addr)
    threading.Thread(target=sock.recv, args=(10,)).start()
`,
    });
    const tasks = tasksOf(root, 'lib.py');
    assert.deepEqual(
      tasks.map((t) => [t.line, t.function, t.workload]),
      [
        [15, 'self._fp.read', 'io'],
        [21, 'os.link', 'io'],
        [22, 'Path("x").read_bytes', 'io'],
        [23, null, 'unknown'],
        [24, null, 'unknown'],
        [29, 'sock.recv', 'io'],
      ],
    );
    assert.match(tasks[1].evidence[0].reason, /the task is `os\.link` itself, which asks the file system/);
  });
});

describe('modules and attributes a helper of the tree hands back', () => {
  test('import_module(name) and getattr(obj, name) wrappers, also called as pkg.mod.f after `import pkg.mod`', () => {
    const root = tree({
      'support/__init__.py': '',
      'support/helpers.py': `import importlib


def load_optional(name):
    try:
        return importlib.import_module(name)
    except ImportError:
        raise SystemExit("missing " + name)


def attribute_or_skip(obj, name):
    try:
        found = getattr(obj, name)
    except AttributeError:
        raise SystemExit(name)
    else:
        return found


def first_of(names):
    return importlib.import_module(names[0])
`,
      'app.py': `import signal
import socket
import threading

import support.helpers
from support.helpers import first_of, load_optional

select = load_optional("select")
asyncore_like = first_of(["select"])
kill = support.helpers.attribute_or_skip(signal, "pthread_kill")
poll = load_optional("asyncore").poll2


def pump(n):
    while n > 0:
        poll(0.1)
        n -= 1


def wait_ready(fds):
    while True:
        select.select(fds, [], [], 1.0)


def wait_guess(fds):
    while True:
        asyncore_like.select(fds, [], [], 1.0)


def ping_and_interrupt(addr, ident, count):
    sock = socket.create_connection(addr)
    for _ in range(count):
        kill(ident, signal.SIGUSR1)
    sock.close()


def start(fds, addr):
    threading.Thread(target=pump, args=(10,)).start()
    threading.Thread(target=wait_ready, args=(fds,)).start()
    threading.Thread(target=wait_guess, args=(fds,)).start()
    threading.Thread(target=ping_and_interrupt, args=(addr, threading.get_ident(), 3)).start()
`,
    });
    const tasks = tasksOf(root, 'app.py');
    assert.deepEqual(
      tasks.map((t) => [t.function, t.workload]),
      [
        // One round of asyncore's loop: a poll of its sockets.
        ['pump', 'io'],
        ['wait_ready', 'io'],
        // A module chosen by an expression the analyzer does not evaluate stays unknown.
        ['wait_guess', 'unknown'],
        ['ping_and_interrupt', 'io'],
      ],
    );
    assert.match(byFunction(tasks, 'wait_ready').evidence[0].reason, /`select\.select` blocks on I\/O/);
  });
});

describe('instances of classes of the tree handed to the task', () => {
  test('args=(self,) and a local instance: the parameter\'s methods and attributes are that class\'s', () => {
    const root = tree({
      'sched.py': `import importlib
import logging
import time
from multiprocessing import Process

import requests


class Poller:
    def __init__(self, url, interval, plugins):
        self.url = url
        self.interval = interval
        self.plugins = plugins
        self.log = logging.getLogger("poller")

    def load_plugins(self):
        for name in self.plugins:
            importlib.import_module(name)

    def poll_once(self):
        return requests.get(self.url, timeout=5).status_code

    def work(self):
        self.load_plugins()
        while True:
            self.log.info("status %s", self.poll_once())
            time.sleep(self.interval)

    def start(self):
        proc = Process(target=run, args=(self,))
        proc.start()
        return proc


def run(poller):
    poller.log.info("started")
    poller.work()


def launch(url, plugins):
    p = Poller(url, 10, plugins)
    proc = Process(target=run, args=(p,))
    proc.start()
    other = Process(target=run, args=(url,))
    other.start()
`,
    });
    const tasks = tasksOf(root, 'sched.py');
    assert.deepEqual(
      tasks.map((t) => [t.line, t.workload]),
      [
        [30, 'io'],
        [42, 'io'],
        // A string has no `work` the analyzer can see.
        [44, 'unknown'],
      ],
    );
    assert.match(tasks[0].evidence[0].reason, /`requests\.get` blocks on I\/O/);
  });
});

describe('threads that read a child\'s pipe, log to syslog, or spin', () => {
  test('a file attribute wrapped in TextIOWrapper; syslog.syslog; a flag-polling loop is not paced by the wait before it', () => {
    const root = tree({
      'child.py': `import io
import os
import syslog
import threading


class Child:
    def __init__(self, fd, text):
        self.out = None
        self.out = io.open(fd, "rb")
        if text:
            self.out = io.TextIOWrapper(self.out, encoding="utf-8")
        self.chunks = []

    def _reader(self, fh, sink):
        sink.append(fh.read())
        fh.close()

    def collect(self):
        t = threading.Thread(target=self._reader, args=(self.out, self.chunks))
        t.start()
        return t


def report(ready, messages):
    ready.wait(5)
    for message in messages:
        syslog.syslog(message)


def spin(ready, flags):
    ready.wait(5)
    n = 0
    while not flags:
        os.getpid()
        n += 1


def start(ready, messages, flags):
    threading.Thread(target=report, args=(ready, messages)).start()
    threading.Thread(target=spin, args=(ready, flags)).start()
`,
    });
    const tasks = tasksOf(root, 'child.py');
    assert.deepEqual(
      tasks.map((t) => [t.function, t.workload]),
      [
        ['_reader', 'io'],
        ['report', 'io'],
        ['spin', 'unknown'],
      ],
    );
    assert.match(tasks[0].evidence[0].reason, /`fh\.read` blocks on I\/O/);
    assert.match(tasks[2].evidence[0].reason, /loop at line 34 spins until something stops it/);
  });
});

describe('catalogue facts about libraries, also inside their own trees', () => {
  test('a traitlets Config is bookkeeping: a task that only builds one is trivial, not out of sight', () => {
    const root = tree({
      'settings.py': `from concurrent.futures import ProcessPoolExecutor

from traitlets.config.loader import Config


def configure(name):
    c = Config()
    c.name = name
    return c


def configure_all(names):
    with ProcessPoolExecutor() as ex:
        return list(ex.map(configure, names))
`,
    });
    assert.deepEqual(
      tasksOf(root, 'settings.py').map((t) => [t.function, t.workload]),
      [['configure', 'trivial']],
    );
  });

  test('scikit-learn input validation is numpy work; asyncio.events hands out an event loop', () => {
    const root = tree({
      'sklearn/__init__.py': '',
      'sklearn/utils/__init__.py': '',
      'sklearn/utils/validation.py': `def check_array(array, checks):
    for check in checks:
        check.run(array)
    return array
`,
      'sklearn/fitting.py': `from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .utils.validation import check_array


def fit_one(X, y, checks):
    X = check_array(X, checks)
    return np.linalg.lstsq(X, y)


def fit_all(parts, checks):
    with ThreadPoolExecutor() as ex:
        for X, y in parts:
            ex.submit(fit_one, X, y, checks)
`,
      'reaper.py': `import os
import threading
from asyncio.events import get_running_loop


def wait_child(loop, pid, done):
    _, status = os.waitpid(pid, 0)
    if loop.is_closed():
        return
    loop.call_soon_threadsafe(done, status)


def reap(pid, done):
    loop = get_running_loop()
    threading.Thread(target=wait_child, args=(loop, pid, done)).start()
`,
    });
    const tasks = tasksOf(root, 'sklearn/fitting.py', 'reaper.py');
    assert.deepEqual(
      tasks.map((t) => [t.function, t.workload]),
      [
        ['fit_one', 'native'],
        ['wait_child', 'io'],
      ],
    );
  });
});

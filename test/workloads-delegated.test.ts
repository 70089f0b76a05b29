import { before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ensureBuilt } from './support/build';
import { treeMaker } from './support/temp-tree';

// Work a call hands to something else, for `concurrency-lens workloads` on the BUILT bundle: a
// bound method taken into a local first (`wait = cond.wait`), a Cython fused function
// specialized by a subscript, an object a compiled extension made handed over as an argument, a
// check that runs the callable it is given (`assertRaises(E, f, x)`), and scipy's solvers, whose
// work is the operator's they are handed.

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

before(() => ensureBuilt('dist/cli.js'));

const tree = treeMaker('clens-delegated-');

interface Task {
  line: number;
  function: string | null;
  workload: string;
  evidence: { path: string; line: number; reason: string }[];
}

function tasksOf(root: string): Task[] {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  const run = spawnSync(process.execPath, [CLI, 'workloads', '--format', 'json', '.'], { cwd: root, encoding: 'utf8', env, timeout: 120_000 });
  assert.equal(run.status, 0, run.stderr);
  return (JSON.parse(run.stdout) as { tasks: Task[] }).tasks;
}

const summary = (tasks: Task[]): [number, string | null, string][] => tasks.map((t) => [t.line, t.function, t.workload]);

describe('a local alias of a method', () => {
  test('is the method of the object it was taken from; an alias bound twice is not followed', () => {
    const root = tree({
      'feed.py': `import threading
from concurrent.futures import ThreadPoolExecutor


def feed(items, out):
    cond = threading.Condition()
    wait = cond.wait
    while not items:
        wait()
    out.extend(items)


def either(items, flag):
    cond = threading.Condition()
    wait = cond.wait
    if flag:
        wait = items.pop
    wait()


def main(items, out):
    with ThreadPoolExecutor() as ex:
        ex.submit(feed, items, out)
        ex.submit(either, items, True)
`,
    });
    const tasks = tasksOf(root);
    assert.deepEqual(summary(tasks), [
      [23, 'feed', 'io'],
      [24, 'either', 'unknown'],
    ]);
    assert.match(tasks[0].evidence[0].reason, /`wait` waits for another thread or process \(line 9\)/);
  });

  test('a fused function of a compiled extension, specialized by a subscript, is native', () => {
    const root = tree({
      'pkg/__init__.py': '',
      'pkg/update.py': `from joblib import Parallel, delayed

from ._fast import mean_change as cy_mean_change


def update(rows, ctype):
    mean_change = cy_mean_change[ctype]
    for row in rows:
        if mean_change(row, row) < 0.1:
            break


def main(chunks):
    Parallel(n_jobs=2)(delayed(update)(rows, "double") for rows in chunks)
`,
    });
    const [task] = tasksOf(root);
    assert.equal(task.workload, 'native', JSON.stringify(task.evidence));
    assert.match(task.evidence[0].reason, /`mean_change` runs in native code/);
  });
});

describe('an object a compiled extension made, handed to the task', () => {
  test('its methods are native, also when handed on; an object of unknown make stays unknown', () => {
    const root = tree({
      'pkg/__init__.py': '',
      'pkg/nn.py': `from joblib import Parallel, delayed

from ._kd_tree import KDTree


def _query(tree, X, k):
    return tree.query(X, k)


def _query_via(tree, X, k):
    return _query(tree, X, k)


def _query_plain(tree, X, k):
    return tree.query(X, k)


class Neighbors:
    def fit(self, X):
        self._tree = KDTree(X)
        return self

    def kneighbors(self, chunks, k):
        Parallel(n_jobs=2, prefer="threads")(delayed(_query)(self._tree, X, k) for X in chunks)
        Parallel(n_jobs=2, prefer="threads")(delayed(_query_via)(self._tree, X, k) for X in chunks)

    def other(self, trees, X, k):
        Parallel(n_jobs=2, prefer="threads")(delayed(_query_plain)(t, X, k) for t in trees)
`,
    });
    const tasks = tasksOf(root);
    assert.deepEqual(summary(tasks), [
      [24, '_query', 'native'],
      [25, '_query_via', 'native'],
      [28, '_query_plain', 'unknown'],
    ]);
    assert.match(tasks[1].evidence[0].reason, /`tree\.query` runs in native code/);
  });
});

describe('a check that runs the callable it is given', () => {
  test('assertRaises(E, f, x) does what f(x) does; an unseen callable stays unknown', () => {
    const root = tree({
      'test_net.py': `import socket
import threading
import unittest


def fetch(host):
    return socket.create_connection((host, 80)).recv(10)


class T(unittest.TestCase):
    def test_fetch(self):
        def f():
            self.assertRaises(OSError, fetch, "example.invalid")

        threading.Thread(target=f).start()

    def test_method(self):
        def g():
            sock = socket.socket()
            self.assertRaises(OSError, sock.connect, ("example.invalid", 80))

        threading.Thread(target=g).start()

    def test_unseen(self, thing):
        def h():
            self.assertRaises(OSError, thing.poke)

        threading.Thread(target=h).start()
`,
    });
    const tasks = tasksOf(root);
    assert.deepEqual(summary(tasks), [
      [15, 'f', 'io'],
      [22, 'g', 'io'],
      [28, 'h', 'unknown'],
    ]);
    assert.match(tasks[1].evidence[0].reason, /`sock\.connect` blocks on I\/O/);
  });
});

describe('scipy solvers that apply the operator they are given', () => {
  test('their class is the operator\'s: its functions, an array a native call made, else unknown', () => {
    const root = tree({
      'solve.py': `import numpy as np
import scipy.sparse as sp
from scipy import sparse
from scipy.sparse.linalg import lsqr, eigsh
from joblib import Parallel, delayed


def fit_native_operator(X, Y):
    def matvec(b):
        return X.dot(b)

    def rmatvec(b):
        return X.T.dot(b)

    op = sparse.linalg.LinearOperator(shape=X.shape, matvec=matvec, rmatvec=rmatvec)
    return Parallel(n_jobs=2)(delayed(lsqr)(op, Y[:, j]) for j in range(Y.shape[1]))


def fit_python_operator(X, Y):
    def matvec(b):
        out = []
        for row in X:
            total = 0.0
            for a, c in zip(row, b):
                total += a * c
            out.append(total)
        return out

    op = sparse.linalg.LinearOperator(shape=X.shape, matvec=matvec)
    return Parallel(n_jobs=2)(delayed(lsqr)(op, Y[:, j]) for j in range(Y.shape[1]))


def fit_given(A, Y):
    return Parallel(n_jobs=2)(delayed(lsqr)(A, Y[:, j]) for j in range(Y.shape[1]))


def fit_matrix(X, Y):
    A = sp.csr_matrix(X)
    return Parallel(n_jobs=2)(delayed(lsqr)(A, Y[:, j]) for j in range(Y.shape[1]))


def spectrum(A, k):
    vals, vecs = eigsh(A, k)
    return vals


def spectrum_of_gram(X, k):
    vals, vecs = eigsh(np.dot(X, X.T), k)
    return vals


def main(As, X):
    Parallel(n_jobs=2)(delayed(spectrum)(A, 3) for A in As)
    Parallel(n_jobs=2)(delayed(spectrum_of_gram)(X, k) for k in range(3))
`,
    });
    const tasks = tasksOf(root);
    assert.deepEqual(summary(tasks), [
      [16, 'lsqr', 'native'],
      [30, 'lsqr', 'cpu'],
      [34, 'lsqr', 'unknown'],
      [39, 'lsqr', 'native'],
      [53, 'spectrum', 'unknown'],
      [54, 'spectrum_of_gram', 'native'],
    ]);
    assert.match(tasks[0].evidence[0].reason, /applies the operator's functions on every step/);
    assert.match(tasks[0].evidence[1].reason, /`X\.dot` runs in native code/);
    assert.match(tasks[2].evidence[0].reason, /the work is that operator's, which the analyzer cannot tell/);
    assert.match(tasks[4].evidence[0].reason, /`eigsh` applies the operator it is given on every step \(line 43\)/);
  });
});

describe('a task that runs a pool of its own', () => {
  test("does the work of the pool's target, which it waits for: an executor's map, joblib's Parallel", () => {
    const root = tree({
      'batches.py': `import time
import urllib.request
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from joblib import Parallel, delayed


def fetch(url):
    with urllib.request.urlopen(url) as r:
        return r.read()


def fetch_batch(urls):
    with ThreadPoolExecutor(8) as ex:
        return list(ex.map(fetch, urls))


def nap(x):
    time.sleep(x)


def naps(xs):
    return Parallel(n_jobs=2)(delayed(nap)(x) for x in xs)


def main(batches):
    with ProcessPoolExecutor() as pp:
        list(pp.map(fetch_batch, batches))
        list(pp.map(naps, batches))
`,
    });
    const outer = summary(tasksOf(root)).filter(([line]) => line >= 27);
    assert.deepEqual(outer, [
      [27, 'fetch_batch', 'io'],
      [28, 'naps', 'io'],
    ]);
  });
});

describe("a contextvars Context's run()", () => {
  test('calls the function it is given: the work is that call\'s (a callable passed in stays unknown)', () => {
    const root = tree({
      'ctx.py': `import contextvars
import time
from concurrent.futures import ThreadPoolExecutor

ex = ThreadPoolExecutor(2)


def nap():
    time.sleep(1)


def offload(fn, *args):
    ctx = contextvars.copy_context()
    return ex.submit(lambda: ctx.run(fn, *args))


def napping():
    ctx = contextvars.copy_context()
    return ex.submit(lambda: ctx.run(nap))
`,
    });
    assert.deepEqual(summary(tasksOf(root)), [
      [14, '<lambda>', 'unknown'],
      [19, '<lambda>', 'io'],
    ]);
  });
});

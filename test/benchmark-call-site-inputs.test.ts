import { before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type BenchmarkTarget, benchmarkTarget, createProjects, initLanguage } from '../src/analysis';
import { python } from './support/bench';

// Inputs pre-filled from a real call of the function (src/analysis/python/services/call-site-inputs.ts,
// src/analysis/javascript/services/call-site-inputs.ts): the engine offers the call's own
// arguments when the harness can evaluate them in the module, else nothing (the signature's guess
// stays). The Python cases then evaluate the offered expression in the module, as the harness
// does, so an offer that would fail at run time fails here.

const ROOT = '/project';

function target(file: string, text: string, functionName: string, importers: { path: string; text: string }[] = []): Extract<BenchmarkTarget, { ok: true }> {
  // The project reads other files (an importer's `from pkg.util import square`) from these texts.
  const files = new Map([[path.join(ROOT, file), text], ...importers.map((d) => [path.join(ROOT, d.path), d.text] as const)]);
  if (file.startsWith('pkg/')) files.set(path.join(ROOT, 'pkg/__init__.py'), '');
  const sources = { readFile: (p: string) => files.get(p) };
  const found = benchmarkTarget({ path: path.join(ROOT, file), text }, { functionName, importers: importers.map((d) => ({ ...d, path: path.join(ROOT, d.path) })) }, createProjects(sources));
  assert.ok(found.ok, found.ok ? '' : found.message);
  return found;
}

before(async () => {
  await initLanguage('python');
  await initLanguage('javascript');
});

describe('Python call sites', () => {
  test('pool.map(square, range(1000)): the items are the iterable itself', () => {
    const text = 'from multiprocessing import Pool\n\n\ndef square(n):\n    return n * n\n\n\nif __name__ == "__main__":\n    with Pool(4) as pool:\n        print(pool.map(square, range(1000)))\n';
    const t = target('work.py', text, 'square');
    assert.equal(t.callSite?.inputs, 'range(1000)');
    assert.equal(t.callSite?.line, 9);
    assert.equal(t.callSite?.call, 'pool.map(square, range(1000))');
    assert.equal(t.defaultInputs, '[100_000] * 8', 'the signature guess is still there, for files without a call');
  });

  test('compute(data, 5) with data assigned under the main guard: the value is inlined', () => {
    const text = 'def compute(data, scale):\n    return sum(x * scale for x in data)\n\n\nif __name__ == "__main__":\n    data = list(range(10_000))\n    print(compute(data, 5))\n';
    assert.equal(target('c.py', text, 'compute').callSite?.inputs, '[(list(range(10_000)), 5)] * 8');
  });

  test('module-level names are kept as names; a function local is inlined through two assignments', () => {
    const text =
      'import math\nSIZES = [10, 20, 30]\n\n\ndef work(n, k):\n    return math.factorial(n) % k\n\n\ndef main():\n    base = 7\n    k = base * 3\n    return work(SIZES[0], k)\n';
    assert.equal(target('m.py', text, 'work').callSite?.inputs, '[(SIZES[0], (base * 3))] * 8'.replace('base', '7'));
  });

  test('ex.submit(f, n) in a loop over a module-level list: one item per iteration', () => {
    const text =
      'from concurrent.futures import ThreadPoolExecutor\nNUMBERS = [1, 2, 3]\n\n\ndef fetch(n):\n    return n\n\n\ndef main():\n    with ThreadPoolExecutor() as ex:\n        futures = [ex.submit(fetch, n) for n in NUMBERS]\n        for n in NUMBERS:\n            ex.submit(fetch, n)\n';
    assert.equal(target('l.py', text, 'fetch').callSite?.inputs, '[(n,) for n in NUMBERS]', 'items of an unknown list may be tuples: each is wrapped');
    const ranged = 'from concurrent.futures import ThreadPoolExecutor\n\n\ndef fetch(n):\n    return n\n\n\ndef main():\n    with ThreadPoolExecutor() as ex:\n        for i in range(50):\n            ex.submit(fetch, i * 2)\n';
    assert.equal(target('r.py', ranged, 'fetch').callSite?.inputs, '[i * 2 for i in range(50)]');
  });

  test('starmap and a multi-iterable executor.map', () => {
    const star = 'from multiprocessing import Pool\n\n\ndef add(a, b):\n    return a + b\n\n\nif __name__ == "__main__":\n    with Pool() as p:\n        p.starmap(add, [(1, 2), (3, 4)])\n';
    assert.equal(target('s.py', star, 'add').callSite?.inputs, '[(1, 2), (3, 4)]');
    const zipped = 'from concurrent.futures import ProcessPoolExecutor\n\n\ndef add(a, b):\n    return a + b\n\n\nif __name__ == "__main__":\n    with ProcessPoolExecutor() as ex:\n        ex.map(add, range(5), range(5, 10))\n';
    assert.equal(target('z.py', zipped, 'add').callSite?.inputs, 'list(zip(range(5), range(5, 10)))');
    const repeated = 'from concurrent.futures import ThreadPoolExecutor\nimport time\n\n\ndef wait(s):\n    time.sleep(s)\n\n\nwith ThreadPoolExecutor() as ex:\n    ex.map(wait, [0.1] * 4)\n';
    assert.equal(target('w.py', repeated, 'wait').callSite?.inputs, '[0.1] * 4', 'a repeated list of scalars is used as it is');
  });

  test('no offer when an argument is a parameter, an attribute of self, or a name of no scope; recursion is not a call site', () => {
    const text =
      'def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n\n\ndef handler(request):\n    return fib(request.n)\n\n\nclass A:\n    def go(self):\n        return fib(self.n)\n';
    const t = target('p.py', text, 'fib');
    assert.equal(t.callSite, null);
    assert.equal(t.defaultInputs, '[25] * 8');
    const kw = 'def f(a, b=1):\n    return a\n\n\nf(3, b=2)\n';
    assert.equal(target('k.py', kw, 'f').callSite, null, 'keyword arguments are not passed by the harness');
  });

  test('a call in a file that imports the function: builtin-only arguments are offered, the importer\'s own names are not', () => {
    const util = 'def square(n):\n    return n * n\n';
    const work = 'from pkg.util import square\nfrom multiprocessing import Pool\nLIMIT = 10\n\n\ndef run():\n    with Pool() as p:\n        return p.map(square, range(500))\n';
    const t = target('pkg/util.py', util, 'square', [{ path: 'pkg/work.py', text: work }]);
    assert.equal(t.callSite?.inputs, 'range(500)');
    assert.equal(t.callSite?.path, path.join(ROOT, 'pkg/work.py'));
    const named = 'from pkg.util import square\nfrom pkg.config import LIMIT\nsquare(LIMIT)\n';
    assert.equal(target('pkg/util.py', util, 'square', [{ path: 'pkg/other.py', text: named }]).callSite, null, '`LIMIT` does not exist in util.py');
    const inlined = 'from pkg.util import square\nLIMIT = 10\nsquare(LIMIT)\n';
    assert.equal(target('pkg/util.py', util, 'square', [{ path: 'pkg/other.py', text: inlined }]).callSite?.inputs, '[10] * 8', 'a single assignment is inlined');
  });

  test('every offered expression evaluates in the module and gives one item per call', { skip: python ? false : 'no Python interpreter' }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clens-callsite-'));
    try {
      const cases: [string, string, string][] = [
        ['compute', 'def compute(data, scale):\n    return sum(x * scale for x in data)\n\n\nif __name__ == "__main__":\n    data = list(range(100))\n    print(compute(data, 5))\n', '8 2'],
        ['fetch', 'NUMBERS = [1, 2, 3]\n\n\ndef fetch(n):\n    return n\n\n\ndef main():\n    for n in NUMBERS:\n        fetch(n)\n', '3 1'],
        ['square', 'from multiprocessing import Pool\n\n\ndef square(n):\n    return n * n\n\n\nif __name__ == "__main__":\n    with Pool(4) as pool:\n        print(pool.map(square, range(1000)))\n', '1000 1'],
      ];
      for (const [name, text, expected] of cases) {
        const file = path.join(dir, `${name}.py`);
        fs.writeFileSync(file, text);
        const offered = benchmarkTarget({ path: file, text }, { functionName: name }, createProjects(undefined));
        assert.ok(offered.ok && offered.callSite, name);
        // What python_harness.py does: eval in the module's namespace, a tuple is spread.
        const script = `import importlib.util, sys\nspec = importlib.util.spec_from_file_location('m', sys.argv[1])\nm = importlib.util.module_from_spec(spec)\nspec.loader.exec_module(m)\nitems = [i if isinstance(i, tuple) else (i,) for i in eval(sys.argv[2], dict(vars(m)))]\nfor i in items: getattr(m, sys.argv[3])(*i)\nprint(len(items), len(items[0]))\n`;
        const run = spawnSync(python as string, ['-c', script, file, offered.callSite.inputs, name], { encoding: 'utf8' });
        assert.equal(run.stdout.trim(), expected, `${name}: ${offered.callSite.inputs}\n${run.stderr}`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('JS/TS call sites', () => {
  test('compute(data, 5) in a main-thread script: the constant is inlined', () => {
    const text = 'export function compute(data, scale) {\n  return data.reduce((a, x) => a + x * scale, 0);\n}\nconst data = Array.from({ length: 1000 }, (_, i) => i);\nconsole.log(compute(data, 5));\n';
    const t = target('c.mjs', text, 'compute');
    assert.equal(t.callSite?.inputs, 'Array(8).fill([(Array.from({ length: 1000 }, (_, i) => i)), 5])');
    assert.equal(t.callSite?.line, 4);
  });

  test('a loop over a constant list; a handler\'s request value is not offered', () => {
    const text =
      "const http = require('node:http');\nconst crypto = require('node:crypto');\nfunction hash(password, rounds) {\n  return crypto.pbkdf2Sync(password, 'salt', rounds, 64, 'sha512');\n}\nmodule.exports = { hash };\n" +
      "http.createServer((req, res) => res.end(hash(req.url, 100000))).listen(0);\nconst WORDS = ['a', 'b'];\nfor (const w of WORDS) hash(w, 1000);\n";
    const t = target('h.js', text, 'hash');
    assert.equal(t.callSite?.inputs, "Array.from((['a', 'b']), (w) => [w, 1000])");
    const only = "const crypto = require('node:crypto');\nexports.hash = function hash(p) { return crypto.pbkdf2Sync(p, 's', 1e5, 64, 'sha512'); };\nrequire('node:http').createServer((req, res) => res.end(exports.hash(req.url))).listen(0);\n";
    assert.equal(target('o.js', only, 'hash').callSite, null);
  });

  test('a call in an importing file: `import { fib } from "./fib.js"`, and `cpu.fib(…)` through require', () => {
    const fib = 'export function fib(n) {\n  return n < 2 ? n : fib(n - 1) + fib(n - 2);\n}\n';
    const esm = "import { fib } from './fib.js';\nconsole.log(fib(27));\n";
    const t = target('fib.mjs', fib, 'fib', [{ path: 'main.mjs', text: esm }]);
    assert.equal(t.callSite, null, './fib.js is not fib.mjs');
    const t2 = target('fib.js', fib, 'fib', [{ path: 'main.mjs', text: esm }]);
    assert.equal(t2.callSite?.inputs, 'Array(8).fill([27])');
    const cjs = "const cpu = require('./fib');\nconst N = 30;\ncpu.fib(N);\n";
    assert.equal(target('fib.js', fib, 'fib', [{ path: 'app.js', text: cjs }]).callSite?.inputs, 'Array(8).fill([(30)])');
  });

  test('JS static class: CL104\'s CPU evidence (pbkdf2Sync, branching recursion)', () => {
    const text = "const crypto = require('node:crypto');\nexports.hash = (p) => crypto.pbkdf2Sync(p, 's', 100000, 64, 'sha512');\nexports.fib = function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); };\nexports.id = (x) => x;\n";
    assert.equal(target('s.js', text, 'hash').staticKind, 'cpu');
    assert.equal(target('s.js', text, 'fib').staticKind, 'cpu');
    assert.equal(target('s.js', text, 'id').staticKind, null);
  });
});

test('JS static class: an async function gets none (it may wait on I/O besides its CPU work)', async () => {
  await initLanguage('javascript');
  const text = "const crypto = require('node:crypto');\nexports.hash = async (p) => { await null; return crypto.pbkdf2Sync(p, 's', 100000, 64, 'sha512'); };\n";
  const found = benchmarkTarget({ path: '/project/a.js', text }, { functionName: 'hash' }, createProjects(undefined));
  assert.ok(found.ok);
  assert.equal(found.staticKind, null);
  const sync = benchmarkTarget({ path: '/project/b.js', text: text.replace('async (p) => { await null; return', '(p) => { return') }, { functionName: 'hash' }, createProjects(undefined));
  assert.ok(sync.ok);
  assert.equal(sync.staticKind, 'cpu');
  assert.match(sync.staticReason ?? '', /pbkdf2Sync.*line 2/);
});

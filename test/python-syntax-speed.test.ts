import { before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PythonProject } from '../src/analysis/python/analyze';
import type { BindingKind } from '../src/analysis/python/model';
import { PythonModel } from '../src/analysis/python/model';
import { IncrementalPythonParser, type PyNode, ensurePythonParser, parsePython, rawCursorCopy } from '../src/analysis/python/syntax';
import { FIXTURES } from './support/fixtures';

// The shortcuts of the Python front end that exist for speed only (bench-parse.ts): each must give
// exactly what the plain way gives.

/** Every field of every node, children in order, as one comparable list. */
function shape(root: PyNode): string[] {
  const out: string[] = [];
  const stack: { node: PyNode; depth: number }[] = [{ node: root, depth: 0 }];
  while (stack.length > 0) {
    const { node: n, depth } = stack.pop()!;
    assert.ok(n === root || n.parent?.children.includes(n), 'parent pointers match the children');
    out.push(`${depth} ${n.type} ${n.named} ${n.field} ${n.startIndex}-${n.endIndex} ${n.startRow}.${n.startCol}-${n.endRow}.${n.endCol} ${n.hasError}`);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push({ node: n.children[i], depth: depth + 1 });
  }
  return out;
}

function pythonFiles(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) pythonFiles(full, out);
    else if (entry.name.endsWith('.py')) out.push(full);
  }
  return out;
}

// Broken and unusual input: error nodes, missing tokens, lone CR and CRLF, non-ASCII, deep nesting.
const UNUSUAL = [
  'def f(:\n    pass\n',
  'x = (1 +\n',
  'class A(\n    def m(self): return [1, 2\n',
  'import threading\rdef f():\r    return 1\r',
  'if x:\r\n    y = "é\u2028"  # ü\r\n',
  `${'('.repeat(300)}1${')'.repeat(300)}\n`,
  'x = [' + Array.from({ length: 2000 }, (_, i) => `f${i}(${i})`).join(', ') + ']\n',
  '\uFEFFprint(1)\n\n\n',
  '',
  '@@@ ??? $$$\n',
];

describe('Python syntax copy', () => {
  before(async () => {
    await ensurePythonParser();
  });

  test('the raw cursor functions are found (web-tree-sitter as pinned)', () => {
    assert.equal(rawCursorCopy(), true);
  });

  test('the raw cursor copy equals the public API copy, node for node', () => {
    const texts = [...pythonFiles(path.join(FIXTURES, 'python')).map((f) => fs.readFileSync(f, 'utf8')), ...UNUSUAL];
    assert.ok(texts.length > 50, 'the fixtures are found');
    try {
      for (const text of texts) {
        rawCursorCopy(true);
        const fast = parsePython(text);
        rawCursorCopy(false);
        const plain = parsePython(text);
        assert.deepEqual(shape(fast.root), shape(plain.root), JSON.stringify(text.slice(0, 80)));
        assert.deepEqual(
          fast.errors.map((e) => `${e.type}@${e.startIndex}`),
          plain.errors.map((e) => `${e.type}@${e.startIndex}`),
        );
      }
    } finally {
      rawCursorCopy(true);
    }
  });
});

describe('Python syntax copy after edits', () => {
  before(async () => {
    await ensurePythonParser();
  });

  test('random edits: the incremental parse gives the fresh public-API copy', () => {
    const base = fs.readFileSync(pythonFiles(path.join(FIXTURES, 'python')).sort()[0], 'utf8');
    let text = `${base}\nimport threading\n\ndef work(n):\n    total = 0\n    for i in range(n):\n        total += i\n    return total\n`;
    // A fixed sequence of pseudo-random edits (a linear congruential generator, seeded).
    let seed = 14;
    const next = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const inserts = ['x', ' ', '#', '(', ')', '\n', '\r\n', 'def g():\n    ', ':', '"', 'é', ''];
    const parser = new IncrementalPythonParser();
    try {
      parser.parse(text);
      for (let step = 0; step < 60; step++) {
        const start = next(text.length + 1);
        const end = Math.min(text.length, start + next(4));
        const edit = { startIndex: start, endIndex: end, text: inserts[next(inserts.length)] };
        text = text.slice(0, start) + edit.text + text.slice(end);
        const incremental = parser.parse(text, [edit]);
        rawCursorCopy(false);
        const fresh = parsePython(text);
        rawCursorCopy(true);
        assert.deepEqual(shape(incremental.root), shape(fresh.root), `step ${step}`);
      }
    } finally {
      rawCursorCopy(true);
      parser.dispose();
    }
  });

  test('a tree gets one model: its nodes hold that model\'s contexts', () => {
    const parsed = parsePython('def f():\n    return 1\n');
    new PythonModel('/ws/a.py', parsed.source, parsed.root, null);
    assert.throws(() => new PythonModel('/ws/a.py', parsed.source, parsed.root, null), /already has a model/);
  });
});

describe('cross-file lookups that skip parsing', () => {
  before(async () => {
    await ensurePythonParser();
  });

  // A module of the tree with definitions written every way the parser accepts.
  const HELPERS = [
    'import threading',
    'from os import path as p',
    'class \\',
    '        Spread(threading.Thread):',
    '    pass',
    'class\tTabbed: pass',
    'async def run_async(): pass',
    'def \\',
    '  continued(): pass',
    'def __dunder__(): pass',
    'if True:',
    '    def nested_in_if(): pass',
    '    class InIf: pass',
    'try:',
    '    from queue import Queue',
    'except ImportError:',
    '    Queue = None',
    'def naïve(): pass',
    'LIMIT = 4',
    'x, (y, z) = 1, (2, 3)',
    'for item in range(3): pass',
    'with open(p) as handle: pass',
    '',
  ].join('\n');

  function project(): PythonProject {
    const files = new Map([
      [path.resolve('/ws/helpers.py'), HELPERS],
      [path.resolve('/ws/main.py'), 'import helpers\n'],
    ]);
    return new PythonProject({ readFile: (p) => files.get(path.resolve(p)) });
  }

  test('every name the module binds is still found, and the same model is returned', () => {
    const reference = project().resolveModule('/ws/main.py', 'helpers', 0);
    assert.ok(reference);
    const scope = reference.moduleScope;
    const asked: [string, BindingKind][] = [];
    for (const [name, bindings] of scope.bindings) {
      asked.push([name, 'binding']);
      if (bindings.some((b) => b.fn)) asked.push([name, 'def']);
      if (bindings.some((b) => b.cls)) asked.push([name, 'class']);
    }
    assert.ok(asked.some(([n, k]) => n === 'Spread' && k === 'class') && asked.some(([n, k]) => n === 'continued' && k === 'def'));
    assert.ok(asked.some(([n, k]) => n === 'naïve' && k === 'def') && asked.some(([n]) => n === 'handle'));
    for (const [name, kind] of asked) {
      const fresh = project();
      const found = fresh.resolveModuleBinding('/ws/main.py', 'helpers', 0, name, kind);
      assert.ok(found, `${kind} ${name}`);
      assert.equal(found, fresh.resolveModule('/ws/main.py', 'helpers', 0), 'the cached model is the one resolveModule returns');
    }
  });

  test('a name the module cannot bind is not looked for in a model, and the module is still found later', () => {
    const fresh = project();
    assert.equal(fresh.resolveModuleBinding('/ws/main.py', 'helpers', 0, 'Absent', 'class'), null);
    assert.equal(fresh.resolveModuleBinding('/ws/main.py', 'helpers', 0, 'LIMIT', 'def'), null, 'LIMIT is bound, but not by a def');
    assert.equal(fresh.resolveModuleBinding('/ws/main.py', 'helpers', 0, 'Tabbed', 'def'), null);
    assert.equal(fresh.resolveModulePath('/ws/main.py', 'helpers', 0), '/ws/helpers.py');
    assert.ok(fresh.resolveModule('/ws/main.py', 'helpers', 0)?.moduleClass('Tabbed'));
    assert.equal(fresh.resolveModulePath('/ws/main.py', 'absent', 0), null);
    assert.equal(fresh.resolveModuleBinding('/ws/main.py', 'absent', 0, 'Spread', 'class'), null);
  });
});

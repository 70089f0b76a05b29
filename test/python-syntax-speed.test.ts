import { before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeLoaded, createProjects, initEngine } from '../src/analysis/index';
import { PythonProject } from '../src/analysis/python/analyze';
import type { BindingKind } from '../src/analysis/python/model';
import { PythonModel } from '../src/analysis/python/model';
import { IncrementalPythonParser, topLevelSplice } from '../src/analysis/python/incremental';
import { type PyNode, ensurePythonParser, parsePython, rawCursorCopy } from '../src/analysis/python/syntax';
import { FIXTURES } from './support/fixtures';
import { pythonFile } from '../scripts/typing-sample';

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

/** The one edit that turns `from` into `to`: what lies between their common start and common end. */
function editBetween(from: string, to: string): { startIndex: number; endIndex: number; text: string } {
  let start = 0;
  while (start < from.length && start < to.length && from[start] === to[start]) start++;
  let end = 0;
  while (end < from.length - start && end < to.length - start && from[from.length - 1 - end] === to[to.length - 1 - end]) end++;
  return { startIndex: start, endIndex: from.length - end, text: to.slice(start, to.length - end) };
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

  /** The positive fixtures joined into one module: functions, classes, calls and findings of every rule. */
  function bigModule(): string {
    return pythonFiles(path.join(FIXTURES, 'python'))
      .filter((f) => path.basename(f).startsWith('positive'))
      .sort()
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('\n');
  }

  /** Pseudo-random edits (a seeded linear congruential generator): typing, deleting, and edits that restructure. */
  function editor(seed: number): (text: string) => { startIndex: number; endIndex: number; text: string } {
    const next = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const inserts = ['x', ' ', '    ', '#', '(', ')', '\n', '\r\n', '\r', 'def g():\n    ', 'class K:\n', ':', '"', '"""', 'é', '', 'import threading\n', '\\\n'];
    return (text) => {
      // Half the edits at the start of a line, where indentation and comments change the structure.
      let start = next(text.length + 1);
      if (next(2) === 0) start = text.lastIndexOf('\n', start - 1) + 1;
      const end = Math.min(text.length, start + (next(3) === 0 ? next(40) : next(3)));
      return { startIndex: start, endIndex: end, text: inserts[next(inserts.length)] };
    };
  }

  test("random edits of a large module: the copy that takes over the previous one's nodes equals a fresh copy", () => {
    const module = bigModule();
    assert.ok(module.split('\n').length > 1000, 'the fixtures make a large module');
    const edit = editor(7);
    let reused = 0;
    // Sessions of a few edits from the clean module: errors piling up make every parse slow.
    for (let session = 0; session < 4; session++) {
      let text = module;
      const parser = new IncrementalPythonParser();
      try {
        parser.parse(text);
        for (let step = 0; step < 6; step++) {
          // Sometimes two edits at once, as an editor sends them after a debounce.
          const edits = [edit(text)];
          let next = text.slice(0, edits[0].startIndex) + edits[0].text + text.slice(edits[0].endIndex);
          if (step % 3 === 2) {
            const second = edit(next);
            edits.push(second);
            next = next.slice(0, second.startIndex) + second.text + next.slice(second.endIndex);
          }
          text = next;
          const incremental = parser.parse(text, edits);
          reused += incremental.reused;
          const fresh = parsePython(text);
          const where = `session ${session}, step ${step}`;
          assert.deepEqual(shape(incremental.root), shape(fresh.root), where);
          assert.deepEqual(
            incremental.errors.map((e) => `${e.type}@${e.startIndex}`),
            fresh.errors.map((e) => `${e.type}@${e.startIndex}`),
            `errors at ${where}`,
          );
          // A model of the new tree: none of the moved nodes keeps the previous model's context.
          new PythonModel('/ws/big.py', text, incremental.root, null);
        }
      } finally {
        parser.dispose();
      }
    }
    assert.ok(reused > 5_000, `nodes were taken over from previous copies (${reused})`);
  });

  test('random edits of an open document: the findings equal a fresh analysis of the text', async () => {
    await initEngine();
    const module = bigModule();
    const edit = editor(21);
    const file = '/ws/open.py';
    const findings = (result: ReturnType<typeof analyzeLoaded>): string => JSON.stringify({ findings: result.findings, parseErrors: result.parseErrors });
    for (let session = 0; session < 2; session++) {
      let text = module;
      const projects = createProjects(undefined);
      projects.open({ path: file, languageId: 'python' });
      analyzeLoaded({ path: file, text, languageId: 'python' }, {}, projects);
      for (let step = 0; step < 5; step++) {
        const change = edit(text);
        text = text.slice(0, change.startIndex) + change.text + text.slice(change.endIndex);
        const incremental = analyzeLoaded({ path: file, text, languageId: 'python', edits: [change] }, {}, projects);
        const fresh = analyzeLoaded({ path: file, text, languageId: 'python' }, {}, createProjects(undefined));
        assert.ok(fresh.findings.length > 20, 'the module has findings to compare');
        assert.equal(findings(incremental), findings(fresh), `session ${session}, step ${step}`);
      }
      projects.close(file);
    }
  });

  test('an edit of an open document drops the models that resolved names to its previous model', () => {
    const files = new Map([
      [path.resolve('/ws/pools.py'), 'import concurrent.futures\n\nclass Pool(concurrent.futures.ProcessPoolExecutor):\n    pass\n'],
      [path.resolve('/ws/main.py'), 'from pools import Pool\n\nwith Pool() as pool:\n    pool.submit(print, 1)\n'],
    ]);
    const project = new PythonProject({ readFile: (p) => files.get(path.resolve(p)) });
    project.open('/ws/pools.py');
    const pools = files.get(path.resolve('/ws/pools.py'))!;
    const before = project.model('/ws/pools.py', pools);
    const main = project.model('/ws/main.py', files.get(path.resolve('/ws/main.py'))!);
    assert.equal(main.importedClass('pools.Pool')?.model, before);
    // Typing above the class moves its nodes into the new tree.
    const edited = `# a comment\n${pools}`;
    const after = project.model('/ws/pools.py', edited, [{ startIndex: 0, endIndex: 0, text: '# a comment\n' }]);
    assert.notEqual(after, before);
    const mainAgain = project.model('/ws/main.py', files.get(path.resolve('/ws/main.py'))!);
    assert.notEqual(mainAgain, main, 'the importer was modelled again');
    assert.equal(mainAgain.importedClass('pools.Pool')?.model, after);
    assert.equal(mainAgain.importedClass('pools.Pool')?.cls.node.startRow, 3, 'the class is read at its new line');
  });

  test('thousands of random edits of realistic files: a spliced copy equals a fresh copy, errors included', () => {
    const files = [...pythonFiles(path.join(__dirname, '..', 'examples', 'python')), ...pythonFiles(path.join(FIXTURES, 'python'))].sort();
    // Statements whose first word is a keyword only in some places (print, exec, match, type),
    // after statements an edit can leave open for one more clause.
    const softKeywords = [
      'import os', 'print x', 'if x:\n    pass', 'print(x)', 'for i in y:\n    pass', 'exec "code"', 'try:\n    pass\nexcept E:\n    pass',
      'match = 1', 'match x:\n    case 1:\n        pass', 'while x:\n    pass', 'type X = int', 'type = 3', 'exec(x)', 'print >> f, x', 'x = 1',
    ].join('\n');
    const texts = [...files.map((f) => fs.readFileSync(f, 'utf8')), pythonFile(300), `${softKeywords}\n`, `${softKeywords}\n\n${softKeywords}\n`, ...UNUSUAL];
    assert.ok(texts.length > 100, 'the examples and fixtures are found');
    // Edits an editor sends while one types, and edits that join or split top-level statements:
    // decorators, continuation clauses, brackets and quotes left open, indentation at column 0.
    const typing = ['x', 'a', '_', '1', ' ', '    ', '#', '\n', ''];
    const inserts = ['\t', '\r\n', '\r', '(', ')', '[', ']', '{', '}', ':', '"', "'", '"""', '\\', '\\\n', '@dec\n', 'else:\n    pass\n', 'elif y:\n', 'except E:\n', 'finally:\n', 'def g():\n    ', 'class K:\n', 'print ', 'match x:\n    case 1:\n        pass\n', 'f"{', '}', 'é', ';', ''];
    let seed = 2026;
    const next = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    let steps = 0;
    let spliced = 0;
    for (const [t, original] of texts.entries()) {
      let text = original;
      const parser = new IncrementalPythonParser();
      try {
        parser.parse(text);
        let undo: { startIndex: number; endIndex: number; text: string } | null = null;
        // Most edits that break the text are taken back soon (to the last text without errors), as one fixes a typo.
        let broken = false;
        let clean = text;
        for (let step = 0; step < 20; step++) {
          let edit: { startIndex: number; endIndex: number; text: string };
          if (broken && next(4) !== 0) edit = editBetween(text, clean);
          else if (undo && next(4) === 0) edit = undo;
          else {
            // Half the edits at the start of a line, where indentation and comments change the structure.
            let start = next(text.length + 1);
            if (next(2) === 0) start = text.lastIndexOf('\n', start - 1) + 1;
            const end = Math.min(text.length, start + (next(4) === 0 ? next(30) : next(2)));
            edit = { startIndex: start, endIndex: end, text: next(5) < 3 ? typing[next(typing.length)] : inserts[next(inserts.length)] };
          }
          const edited = text.slice(0, edit.startIndex) + edit.text + text.slice(edit.endIndex);
          // The edit that takes it back: typing and deleting again is most of an editing session.
          undo = { startIndex: edit.startIndex, endIndex: edit.startIndex + edit.text.length, text: text.slice(edit.startIndex, edit.endIndex) };
          text = edited;
          const incremental = parser.parse(text, [edit]);
          const fresh = parsePython(text);
          broken = fresh.errors.length > 0;
          if (!broken) clean = text;
          const where = `${files[t] ?? `text ${t}`}, step ${step}`;
          assert.deepEqual(shape(incremental.root), shape(fresh.root), where);
          assert.deepEqual(
            incremental.errors.map((e) => `${e.type}@${e.startIndex}`),
            fresh.errors.map((e) => `${e.type}@${e.startIndex}`),
            `errors at ${where}`,
          );
          steps++;
          if (incremental.spliced) spliced++;
          // A model of the new tree: none of the reused nodes keeps the previous model's context.
          new PythonModel('/ws/edited.py', text, incremental.root, null);
        }
      } finally {
        parser.dispose();
      }
    }
    assert.ok(steps > 3000, `edits compared (${steps})`);
    assert.ok(spliced > steps / 4, `edits spliced (${spliced} of ${steps})`);
  });

  test('with splicing off, every edit is re-parsed by tree-sitter', () => {
    const text = 'import threading\n\n\ndef f():\n    return 1\n\n\ndef g():\n    return 2\n';
    const at = text.indexOf('return 1') + 7;
    const edit = { startIndex: at, endIndex: at, text: '0' };
    const edited = text.slice(0, at) + '0' + text.slice(at);
    for (const enabled of [true, false]) {
      const parser = new IncrementalPythonParser();
      try {
        topLevelSplice(enabled);
        parser.parse(text);
        const result = parser.parse(edited, [edit]);
        assert.equal(result.spliced, enabled);
        assert.deepEqual(shape(result.root), shape(parsePython(edited).root));
      } finally {
        topLevelSplice(true);
        parser.dispose();
      }
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

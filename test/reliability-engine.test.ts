import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { type AnalysisResult, analyze, createProjects } from '../src/analysis';
import { applyEdits } from '../src/analysis/core/apply-edits';
import { LineIndex, positionIn, withLoneCrAsLf } from '../src/analysis/core/lines';
import { ignoreInFileEdit, ignoreOnLineEdit } from '../src/analysis/core/suppression-edits';
import { IncrementalPythonParser } from '../src/analysis/python/incremental';
import { type PyNode, ensurePythonParser, parsePython, walk } from '../src/analysis/python/syntax';
import { parseJs } from '../src/analysis/javascript/parse';
import { JsModel } from '../src/analysis/javascript/model';
import { FIXTURES, expectedFindings } from './support/fixtures';
import { ensureBuilt } from './support/build';

// "Silently wrong" results of the engine, from the reproductions of fuzzing (the inputs are
// copied into test/fixtures/reliability/): line endings the parsers, the fixes and the editor
// counted differently; code too deeply nested to parse, passed as "All checks passed"; valid
// sloppy-mode JavaScript (`0644`) reported as a syntax error.

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const DIR = path.join(FIXTURES, 'reliability');
const read = (name: string): string => fs.readFileSync(path.join(DIR, name), 'utf8');

/** The same text with every line ending replaced (`\n`, `\r\n` and lone `\r` alike). */
const withEndings = (text: string, eol: string): string => text.replace(/\r\n|\r|\n/g, eol);

const summary = (result: AnalysisResult): string[] =>
  result.findings.map((f) => `${f.rule}@${f.range.start.line}:${f.range.start.column}-${f.range.end.line}:${f.range.end.column}`);

async function run(file: string, text: string): Promise<AnalysisResult> {
  return analyze({ path: file, text }, {}, createProjects(undefined));
}

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'clens-reliability-'));
after(() => fs.rmSync(temp, { recursive: true, force: true }));
let counter = 0;

/** `check` with `args` on a temporary file holding `text`. */
function cliCheck(name: string, text: string, args: string[] = []): { code: number | null; stdout: string; stderr: string } {
  const dir = path.join(temp, `run${counter++}`);
  fs.mkdirSync(dir);
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  const result = spawnSync(process.execPath, [CLI, 'check', ...args, file], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `check --fix` (plus `args`) on a temporary copy holding `text`; the file's text afterwards. */
function cliFix(name: string, text: string, args: string[] = []): { text: string; stderr: string } {
  const dir = path.join(temp, `run${counter++}`);
  fs.mkdirSync(dir);
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  const result = spawnSync(process.execPath, [CLI, 'check', '--fix', ...args, file], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
  assert.ok(result.status === 0 || result.status === 1, `check --fix failed (${result.status}):\n${result.stderr}`);
  return { text: fs.readFileSync(file, 'utf8'), stderr: result.stderr };
}

describe('the line index counts lines as editors do', () => {
  test('\\n, \\r\\n and a lone \\r end lines; U+2028, U+2029 and U+0085 do not', () => {
    const text = 'a\nb\r\nc\rd\u2028e\u2029f\u0085g';
    const lines = new LineIndex(text);
    assert.deepEqual(lines.lines(), ['a', 'b', 'c', 'd\u2028e\u2029f\u0085g']);
    assert.deepEqual([...lines.starts], [0, 2, 5, 7]);
    assert.deepEqual(lines.positionAt(text.indexOf('e')), { line: 3, column: 2 });
    for (let offset = 0; offset <= text.length; offset++) assert.deepEqual(positionIn(text, offset), lines.positionAt(offset), `offset ${offset}`);
  });

  test('offsets clamp like an LSP client: never inside or past a line ending', () => {
    const lines = new LineIndex('ab\r\ncd');
    assert.equal(lines.offsetAt({ line: 0, column: 2 }), 2);
    assert.equal(lines.offsetAt({ line: 0, column: 3 }), 2, 'not between \\r and \\n');
    assert.equal(lines.offsetAt({ line: 0, column: 99 }), 2);
    assert.equal(lines.offsetAt({ line: 1, column: 99 }), 6);
    assert.equal(lines.offsetAt({ line: 7, column: 0 }), 6);
  });

  test("the file's line ending is its most frequent one, else its first", () => {
    assert.equal(new LineIndex('x').eol, '\n');
    assert.equal(new LineIndex('a\r\nb\r\nc\n').eol, '\r\n');
    assert.equal(new LineIndex('a\rb\rc').eol, '\r');
    assert.equal(new LineIndex('a\r\nb\nc').eol, '\r\n');
  });

  test('the parser view of a lone-CR text keeps every offset', () => {
    const text = 'a\rb\r\nc\r';
    assert.equal(withLoneCrAsLf(text), 'a\nb\r\nc\n');
  });
});

describe('applyEdits counts lines as editors do', () => {
  const at = (line: number, column: number) => ({ line, column });

  test('lone CR: line 2 is the third line, not the end of the file', () => {
    assert.equal(applyEdits('a\rb\rc', [{ range: { start: at(2, 0), end: at(2, 1) }, text: 'C' }]), 'a\rb\rC');
  });

  test('CRLF: a column past the end of a line stays before its \\r\\n', () => {
    assert.equal(applyEdits('ab\r\ncd', [{ range: { start: at(0, 2), end: at(0, 9) }, text: '!' }]), 'ab!\r\ncd');
  });

  test('U+2028 is inside a line', () => {
    assert.equal(applyEdits('a\u2028b\nc', [{ range: { start: at(1, 0), end: at(1, 1) }, text: 'C' }]), 'a\u2028b\nC');
  });
});

describe('Python', () => {
  before(() => ensurePythonParser());

  test('lone-CR endings: CL101 is reported as in the LF and CRLF versions', async () => {
    const text = read('py_lone_cr_cl101_missed.py');
    assert.ok(!text.includes('\n'), 'the fixture keeps its lone-CR endings');
    const cr = await run('cr.py', text);
    assert.deepEqual(cr.parseErrors, []);
    assert.ok(cr.findings.some((f) => f.rule === 'CL101'), summary(cr).join(' '));
    assert.deepEqual(summary(cr), summary(await run('lf.py', withEndings(text, '\n'))));
    assert.deepEqual(summary(cr), summary(await run('crlf.py', withEndings(text, '\r\n'))));
  });

  test('rows and columns of every node match the LF version, whatever the endings', () => {
    const lf = 'def f(x):\n    return [\n        x,\n    ]\n\nclass A:\n    pass\n';
    const shape = (root: PyNode): string[] => {
      const out: string[] = [];
      walk(root, (n) => void out.push(`${n.type}:${n.startRow}.${n.startCol}-${n.endRow}.${n.endCol}`));
      return out;
    };
    const expected = shape(parsePython(lf).root);
    for (const eol of ['\r', '\r\n']) assert.deepEqual(shape(parsePython(withEndings(lf, eol)).root), expected, JSON.stringify(eol));
  });

  test('incremental parsing of a lone-CR document gives the fresh parse', () => {
    const parser = new IncrementalPythonParser();
    try {
      let text = 'import threading\rdef f():\r    return 1\r';
      parser.parse(text);
      // A `\n` typed after a lone `\r` turns it into CRLF; deleting it turns it back.
      const steps: { startIndex: number; endIndex: number; text: string }[] = [
        { startIndex: text.indexOf('\r') + 1, endIndex: text.indexOf('\r') + 1, text: '\n' },
        { startIndex: text.indexOf('\r') + 1, endIndex: text.indexOf('\r') + 2, text: '' },
        { startIndex: text.length, endIndex: text.length, text: 'x = 2\r' },
      ];
      for (const step of steps) {
        text = text.slice(0, step.startIndex) + step.text + text.slice(step.endIndex);
        const incremental = parser.parse(text, [step]);
        const fresh = parsePython(text);
        const rows = (root: PyNode): string[] => {
          const out: string[] = [];
          walk(root, (n) => void out.push(`${n.type}:${n.startIndex}-${n.endIndex}@${n.startRow}.${n.startCol}`));
          return out;
        };
        assert.deepEqual(rows(incremental.root), rows(fresh.root), JSON.stringify(text));
      }
    } finally {
      parser.dispose();
    }
  });

  test('CRLF: the CL401 fixes use CRLF and the file’s own indentation', async () => {
    const text = read('py_crlf_cl401_indent.py');
    assert.ok(text.includes('\r\n') && !/[^\r]\n/.test(text), 'the fixture keeps its CRLF endings');
    const lfText = withEndings(text, '\n');
    const crlf = await run('crlf.py', text);
    const lf = await run('lf.py', lfText);
    const expected = expectedFindings(text).map((e) => `${e.line}:${e.rule}`).sort();
    assert.deepEqual(crlf.findings.map((f) => `${f.range.start.line + 1}:${f.rule}`).sort(), expected);
    const fixable = crlf.findings.filter((f) => f.rule === 'CL401' && f.fix);
    assert.ok(fixable.length > 0);
    for (const [i, finding] of fixable.entries()) {
      const fixed = applyEdits(text, finding.fix!.edits);
      assert.ok(!/[^\r]\n/.test(fixed), `fix ${i} adds a bare LF:\n${JSON.stringify(finding.fix!.edits)}`);
      // Line for line what the same fix writes in the LF file.
      const twin = lf.findings.find((f) => f.rule === finding.rule && f.range.start.line === finding.range.start.line)!;
      assert.equal(fixed, withEndings(applyEdits(lfText, twin.fix!.edits), '\r\n'));
    }
  });

  test('CRLF: a CL201 main-guard fix joins its lines with CRLF', async () => {
    const lf = 'from multiprocessing import Process\n\ndef work():\n    pass\n\np = Process(target=work)\np.start()\n';
    const text = withEndings(lf, '\r\n');
    const finding = (await run('guard.py', text)).findings.find((f) => f.rule === 'CL201' && f.fix);
    const twin = (await run('guard.py', lf)).findings.find((f) => f.rule === 'CL201' && f.fix);
    assert.ok(finding && twin);
    assert.equal(applyEdits(text, finding.fix!.edits), withEndings(applyEdits(lf, twin.fix!.edits), '\r\n'));
  });

  test('suppression comments added by the editor end as the file’s lines do', () => {
    const text = 'import os\r\nx = 1\r\n';
    const edit = ignoreInFileEdit(text, 'python', 'CL101');
    assert.equal(applyEdits(text, [edit]), '# clens: ignore-file[CL101]\r\nimport os\r\nx = 1\r\n');
    const cr = 'a = 1\rb = 2\r';
    const onLine = ignoreOnLineEdit(cr, 'python', { rule: 'CL101', range: { start: { line: 1, column: 0 }, end: { line: 1, column: 1 } } });
    assert.equal(applyEdits(cr, [onLine]), 'a = 1\rb = 2  # clens: ignore[CL101]\r');
  });
});

describe('JavaScript', () => {
  test('U+2028 in a comment: findings stay on their lines', async () => {
    const text = read('js_u2028_lines_shifted.js');
    assert.ok(text.includes('\u2028'));
    const result = await run(path.join(DIR, 'js_u2028_lines_shifted.js'), text);
    const expected = expectedFindings(text).map((e) => `${e.line}:${e.rule}`).sort();
    assert.deepEqual(result.findings.map((f) => `${f.range.start.line + 1}:${f.rule}`).sort(), expected);
  });

  test('U+2028/U+2029: every node and comment is located by the editors’ line count', () => {
    const text = '/* a\u2028b */ const x = 1;\u2029\nfoo(x, `t\u2028`); // clens tail\n';
    const parsed = parseJs('u.js', text);
    assert.ok(parsed.program);
    // typescript-estree would put `foo(…)` on line 3 (U+2028 and U+2029 end lines for it).
    assert.deepEqual(positionsOf(parsed.program, text, 'CallExpression'), [[1, 0, 1, 12]]);
    assert.deepEqual(positionsOf(parsed.program, text, 'VariableDeclaration'), [[0, 10, 0, 22]]);
    assert.deepEqual(parsed.comments.map((c) => c.line), [0, 1]);
  });

  test('CR, CRLF and NEL: nodes are located as editors count lines', () => {
    const text = 'const a = 1;\rconst b = 2;\r\nfoo(a,\u0085 b);\n/* x\ry */ bar();\r';
    const parsed = parseJs('x.js', text);
    assert.ok(parsed.program);
    assert.deepEqual(positionsOf(parsed.program, text, 'VariableDeclaration'), [[0, 0, 0, 12], [1, 0, 1, 12]]);
    assert.deepEqual(positionsOf(parsed.program, text, 'CallExpression'), [[2, 0, 2, 10], [4, 5, 4, 10]]);
  });

  test('the tree keeps offsets, not a `loc` per node (the model locates nodes from them)', () => {
    const parsed = parseJs('m.js', 'foo(1);\n');
    assert.ok(parsed.program);
    const call = (parsed.program.body[0] as TSESTree.ExpressionStatement).expression;
    assert.deepEqual(call.range, [0, 6]);
    assert.equal('loc' in call, false);
  });

  test('syntax errors are located by the editors’ line count', () => {
    const text = '// \u2028\nconst = 1;\n';
    const parsed = parseJs('e.js', text);
    assert.equal(parsed.error?.range.start.line, 1);
  });

  describe('check --fix on the bundle', () => {
    before(() => ensureBuilt('dist/cli.js', 'dist/lint-worker.js'));

    for (const [name, rule, args] of [
      // The CL203 fix is offered as unsafe: the wrapped lines no longer run in the children.
      ['js_lone_cr_fix_appends_at_eof.js', 'CL203', ['--unsafe-fixes']],
      ['js_lone_cr_cl105_fix_at_eof.js', 'CL105', ['--unsafe-fixes']],
    ] as const) {
      test(`${name}: the ${rule} fix lands where it belongs, in CR endings, once`, () => {
        const text = read(name);
        assert.ok(!text.includes('\n'), 'the fixture keeps its lone-CR endings');
        const fixed = cliFix(name, text, [...args]).text;
        assert.notEqual(fixed, text);
        assert.ok(!fixed.includes('\n'), `the fix adds LF endings:\n${JSON.stringify(fixed)}`);
        // Exactly what the fix does to the LF version of the file.
        const lf = cliFix(name, withEndings(text, '\n'), [...args]).text;
        assert.equal(fixed, withEndings(lf, '\r'));
        assert.equal(cliFix(name, fixed, [...args]).text, fixed, 'a second run changes nothing');
      });
    }

    test('py_crlf_cl401_indent.py: --unsafe-fixes writes CRLF only, and a second run changes nothing', () => {
      const text = read('py_crlf_cl401_indent.py');
      const fixed = cliFix('crlf.py', text, ['--unsafe-fixes']).text;
      assert.notEqual(fixed, text);
      assert.ok(!/[^\r]\n/.test(fixed), `bare LF in:\n${JSON.stringify(fixed)}`);
      assert.equal(fixed, withEndings(cliFix('lf.py', withEndings(text, '\n'), ['--unsafe-fixes']).text, '\r\n'));
      assert.equal(cliFix('crlf.py', fixed, ['--unsafe-fixes']).text, fixed);
    });

    test('py_lone_cr_cl101_missed.py: the CL101 fix keeps the lone-CR endings', () => {
      const text = read('py_lone_cr_cl101_missed.py');
      const fixed = cliFix('cr.py', text, ['--unsafe-fixes']).text;
      assert.notEqual(fixed, text);
      assert.ok(!fixed.includes('\n'));
      assert.equal(fixed, withEndings(cliFix('lf.py', withEndings(text, '\n'), ['--unsafe-fixes']).text, '\r'));
      assert.equal(cliFix('cr.py', fixed, ['--unsafe-fixes']).text, fixed);
    });
  });
});

// Valid code nested deeper than typescript-estree's recursive conversion can go. How deep that is
// depends on the stack left to the parser, so these go far past it.
const DEEP: Record<string, string> = {
  'a 20,000-term string concatenation': `const s =\n${Array.from({ length: 20_000 }, () => '  "line"').join(' +\n')};\n`,
  '10,000 nested arrays': `const a = ${'['.repeat(10_000)}${']'.repeat(10_000)};\n`,
  '10,000 nested blocks': `${'{'.repeat(10_000)}${'}'.repeat(10_000)}\n`,
};

describe('code too deeply nested for the JS/TS parser is reported as not analyzed, never silently passed', () => {
  test('js_concat_900_terms.js: analyzed (CL105 on line 2), or one fatal "too deeply nested" problem', async () => {
    const result = await run(path.join(DIR, 'js_concat_900_terms.js'), read('js_concat_900_terms.js'));
    if (result.parseErrors.length === 0) {
      assert.deepEqual(result.findings.map((f) => `${f.range.start.line + 1}:${f.rule}`), ['2:CL105']);
    } else {
      assert.deepEqual(result.findings, []);
      assert.equal(result.parseErrors.length, 1);
      assert.match(result.parseErrors[0].message, /too deeply nested/i);
      assert.equal(result.parseErrors[0].fatal, true);
    }
  });

  for (const [name, text] of Object.entries(DEEP)) {
    test(`${name}: one fatal problem that says why`, async () => {
      const result = await run('deep.js', text);
      assert.deepEqual(result.findings, []);
      assert.equal(result.skipped, null);
      assert.deepEqual(
        result.parseErrors.map((p) => [p.message, p.fatal]),
        [['Too deeply nested to analyze: the JavaScript/TypeScript parser ran out of stack on this file', true]],
      );
    });
  }

  test('the next file of the same run is analyzed as usual', async () => {
    const projects = createProjects(undefined);
    const ok = 'const fs = require("fs");\nsetInterval(() => { fs.readFileSync("x"); }, 10);\n';
    const before = await analyze({ path: 'ok.js', text: ok }, {}, projects);
    await analyze({ path: 'deep.js', text: DEEP['10,000 nested arrays'] }, {}, projects);
    assert.deepEqual(summary(await analyze({ path: 'ok2.js', text: ok }, {}, projects)), summary(before));
  });

  test('every JS/TS syntax error is fatal (nothing of the file is analyzed); a Python one is not', async () => {
    const js = await run('broken.js', 'const x = ;\n');
    assert.equal(js.parseErrors[0]?.fatal, true);
    await ensurePythonParser();
    const py = await run('broken.py', 'def f(:\n    pass\n');
    assert.ok(py.parseErrors.length > 0);
    assert.equal(py.parseErrors[0].fatal, undefined);
  });

  describe('the CLI says so', () => {
    before(() => ensureBuilt('dist/cli.js', 'dist/lint-worker.js'));

    test('text: the reason, "not analyzed", and no "All checks passed"', () => {
      const { code, stdout, stderr } = cliCheck('deep.js', DEEP['a 20,000-term string concatenation']);
      assert.equal(code, 0, stderr);
      assert.equal(stdout, '');
      assert.match(stderr, /deep\.js:1:1: Too deeply nested to analyze: the JavaScript\/TypeScript parser ran out of stack on this file; the file was not analyzed/);
      assert.doesNotMatch(stderr, /All checks passed|still checked/);
      assert.match(stderr, /No problems found \(1 file, 20,?001 lines\), but 1 file could not be fully analyzed\./);
    });

    test('JSON counts it as a parse error', () => {
      const { stdout } = cliCheck('deep.js', DEEP['10,000 nested arrays'], ['--format', 'json']);
      const report = JSON.parse(stdout) as { findings: unknown[]; summary: { parseErrors: number } };
      assert.deepEqual(report.findings, []);
      assert.equal(report.summary.parseErrors, 1);
    });

    test('a JS syntax error: "the file was not analyzed"; a Python one: "the rest of the file was still checked"', () => {
      assert.match(cliCheck('broken.js', 'const x = ;\n').stderr, /Syntax error: .*; the file was not analyzed\n/);
      const py = cliCheck('broken.py', 'def f(:\n    pass\n').stderr;
      assert.match(py, /; the rest of the file was still checked\n/);
      assert.doesNotMatch(py, /All checks passed/);
    });
  });
});

describe('sloppy-mode scripts parse as JavaScript does', () => {
  // A CommonJS script with legacy literals (valid outside strict code) and a finding to report.
  const SCRIPT = [
    "const fs = require('node:fs');",
    "const http = require('node:http');",
    'fs.chmodSync(__filename, 0644);',
    "const banner = '\\101\\8' + 08.5;",
    'with (Math) { void cos(0); }',
    'http.createServer((req, res) => {',
    "  res.end(fs.readFileSync('index.html')); // expect: CL105",
    '}).listen(8080);',
    '',
  ].join('\n');

  for (const file of ['server.js', 'server.cjs']) {
    test(`${file}: \`0644\`, \`08.5\`, octal escapes and \`with\` parse, and the file is analyzed`, async () => {
      const result = await run(file, SCRIPT);
      assert.deepEqual(result.parseErrors, []);
      assert.deepEqual(result.findings.map((f) => `${f.range.start.line + 1}:${f.rule}`), expectedFindings(SCRIPT).map((e) => `${e.line}:${e.rule}`));
    });
  }

  test('the legacy literals keep their text, value and place in the tree', () => {
    const parsed = parseJs('s.js', SCRIPT);
    assert.ok(parsed.program);
    assert.equal(parsed.program.sourceType, 'script');
    const literals = new Map<string, { value: unknown; start: number; end: number; line: number }>();
    const stack: object[] = [parsed.program];
    while (stack.length > 0) {
      const node = stack.pop() as Record<string, unknown>;
      if (node.type === 'Literal') {
        const literal = node as unknown as TSESTree.Literal;
        literals.set(literal.raw, { value: literal.value, start: literal.range[0], end: literal.range[1], line: new LineIndex(SCRIPT).positionAt(literal.range[0]).line + 1 });
      }
      for (const key in node) {
        if (key === 'parent' || key === 'loc' || key === 'range') continue;
        const value = node[key];
        for (const child of Array.isArray(value) ? value : [value]) if (child && typeof child === 'object' && 'type' in child) stack.push(child as object);
      }
    }
    const at = (raw: string) => ({ start: SCRIPT.indexOf(raw), end: SCRIPT.indexOf(raw) + raw.length });
    assert.deepEqual(literals.get('0644'), { value: 0o644, ...at('0644'), line: 3 });
    assert.deepEqual(literals.get("'\\101\\8'"), { value: 'A8', ...at("'\\101\\8'"), line: 4 });
    assert.deepEqual(literals.get('08.5'), { value: 8.5, ...at('08.5'), line: 4 });
  });

  test('modules and strict code still reject them (they are syntax errors there)', () => {
    for (const [file, text] of [
      ['esm.js', "import fs from 'node:fs';\nfs.chmodSync('x', 0644);\n"],
      ['plain.mjs', 'var mode = 0644;\n'],
      ['strict.js', "'use strict';\nvar mode = 0644;\n"],
      ['strict-fn.js', "function f() { 'use strict'; return 0644; }\n"],
      ['class.js', 'class A { m() { return 0644; } }\n'],
      ['typed.ts', 'const mode = 0644;\n'],
      ['template.js', 'const s = `\\101`;\n'],
    ] as const) {
      const parsed = parseJs(file, text);
      assert.equal(parsed.program, null, file);
      assert.match(parsed.error?.message ?? '', /^Syntax error: Octal/, file);
    }
  });

  test('a real syntax error after a legacy literal is the one reported', () => {
    const parsed = parseJs('both.js', 'var mode = 0644;\nvar x = ;\n');
    assert.equal(parsed.program, null);
    assert.equal(parsed.error?.message, 'Syntax error: Expression expected.');
    assert.equal(parsed.error?.range.start.line, 1);
  });

  test('ES modules parse as modules: `.mjs`, and `.js` with import/export', () => {
    for (const [file, text] of [
      ['m.mjs', 'const x = await Promise.resolve(1);\nconsole.log(x);\n'],
      ['m.js', "import { readFile } from 'node:fs/promises';\nexport const read = () => readFile('x');\n"],
    ] as const) {
      const parsed = parseJs(file, text);
      assert.equal(parsed.error, null, file);
      assert.equal(parsed.program?.sourceType, 'module', file);
    }
  });
});

/** `[line, column, endLine, endColumn]` (0-based) of the nodes of a type, as the model locates them. */
function positionsOf(program: TSESTree.Program, text: string, type: string): number[][] {
  const model = new JsModel('x.js', text, program, []);
  const found: TSESTree.Node[] = [];
  const stack: object[] = [program];
  while (stack.length > 0) {
    const node = stack.pop() as Record<string, unknown>;
    if (node.type === type) found.push(node as unknown as TSESTree.Node);
    for (const key in node) {
      if (key === 'parent' || key === 'range') continue;
      const value = node[key];
      for (const child of Array.isArray(value) ? value : [value]) {
        if (child && typeof child === 'object' && 'type' in child && 'range' in child) stack.push(child as object);
      }
    }
  }
  return found
    .sort((a, b) => a.range[0] - b.range[0])
    .map((node) => {
      const { start, end } = model.rangeOf(node);
      return [start.line, start.column, end.line, end.column];
    });
}

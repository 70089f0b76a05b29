import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze, analyzeNotebook, applyCellEdits, cellLineReferences, ipynbTextRange, type NotebookCell, notebookModule, readIpynb, writeCellSources } from '../src/analysis';
import { ensureBuilt } from './support/build';

// Notebooks (docs/notebooks.md): the module their Python cells make, the analysis mapped back to
// cells, `.ipynb` reading and writing, CL206, and the CLI over notebooks of test/fixtures/notebooks.

const ROOT = path.join(__dirname, '..');
const NOTEBOOKS = path.join(__dirname, 'fixtures', 'notebooks');
const CLI = path.join(ROOT, 'dist', 'cli.js');

const code = (source: string): NotebookCell => ({ kind: 'code', language: 'python', source });
const markdown = (source: string): NotebookCell => ({ kind: 'markup', language: 'markdown', source });

function cli(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  ensureBuilt('dist/cli.js');
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function copyFixtures(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clens-nb-'));
  for (const name of fs.readdirSync(NOTEBOOKS)) fs.copyFileSync(path.join(NOTEBOOKS, name), path.join(dir, name));
  return dir;
}

// ---- the module ---------------------------------------------------------------------------

test('notebook module: code cells in order, magics blanked in place, markup and %%bash cells left out', () => {
  const cells = [
    markdown('# title'),
    code('import os\n%matplotlib inline\n!pip install x\nfiles = !ls\n'),
    code('%%bash\necho (\n'),
    code('%%time\nx = ("%s"\n     % os.sep)\nos?\n?os.path\n'),
  ];
  const module = notebookModule(cells);
  assert.equal(module.text, 'import os\n\n\n\n\nx = ("%s"\n     % os.sep)\n\n\n');
  assert.deepEqual(module.segments.map((s) => s.cell), [1, 3]);
  assert.equal(module.skippedCells.get(2), 'a `%%bash` cell is not Python');
  // The `%` continuing an expression is Python's operator, not a magic.
  assert.equal(module.isBlanked(6), false);
  assert.equal(module.isBlanked(1), true);
  assert.deepEqual(module.toCell(6, 5), { cell: 3, line: 2, character: 5 });
  assert.deepEqual(module.fromCell({ cell: 3, line: 2, character: 5 }), { line: 6, character: 5 });
  assert.equal(module.fromCell({ cell: 2, line: 0, character: 0 }), undefined);
  // An indented magic keeps its block valid.
  assert.equal(notebookModule([code('for i in range(3):\n    !echo $i\n')]).text, 'for i in range(3):\n    pass\n');
});

test('analyzeNotebook: a syntax error is reported in its cell and the other cells are still analyzed', async () => {
  const cells = [
    code('from concurrent.futures import ProcessPoolExecutor\n'),
    code('def f(x):\n    return sum(i * i for i in range(x))\n'),
    code('def broken(:\n'),
    markdown('text'),
    code('with ProcessPoolExecutor() as ex:\n    ex.submit(f, 10).result()\n'),
  ];
  const result = await analyzeNotebook('/nb/demo.ipynb', cells);
  assert.equal(result.parseErrors.length > 0, true);
  assert.ok(result.parseErrors.every((p) => p.cell === 2), JSON.stringify(result.parseErrors));
  const cl206 = result.findings.filter((f) => f.rule === 'CL206');
  assert.equal(cl206.length, 1);
  assert.equal(cl206[0].cell, 4);
  assert.deepEqual(cl206[0].range.start, { line: 1, column: 4 });
  assert.match(cl206[0].message, /Can't get attribute 'f' on <module '__main__'>/);
  assert.equal(cl206[0].related[0].cell, 1);
  assert.equal(cl206[0].subject, undefined);
});

test('CL201 in a notebook proposes no main guard and points at CL206', async () => {
  const cells = [code('import multiprocessing as mp\n\ndef f(x):\n    return x\n'), code('pool = mp.Pool()\nprint(pool.map(f, range(1000)))\n')];
  const notebook = await analyzeNotebook('/nb/guard.ipynb', cells);
  const cl201 = notebook.findings.find((f) => f.rule === 'CL201')!;
  assert.equal(cl201.fix, null);
  assert.doesNotMatch(cl201.message, /without an `if __name__/);
  assert.match(cl201.message, /CL206/);
  // The same code as a script keeps the guard and its fix.
  const script = await analyze({ path: '/nb/guard.py', text: cells.map((c) => c.source).join('') });
  const scriptCl201 = script.findings.find((f) => f.rule === 'CL201')!;
  assert.ok(scriptCl201.fix);
  assert.equal(script.findings.some((f) => f.rule === 'CL206'), false, 'a script is re-imported from its file: no CL206');
});

test('CL206 is silent for fork chosen, imported functions and thread pools', async () => {
  const read = readIpynb(fs.readFileSync(path.join(NOTEBOOKS, 'clean.ipynb'), 'utf8'));
  assert.ok(read.ok);
  const sources = { readFile: (p: string) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined) };
  const result = await analyzeNotebook(path.join(NOTEBOOKS, 'clean.ipynb'), read.notebook.cells, { sources });
  assert.deepEqual(result.findings.filter((f) => f.rule === 'CL206' || f.rule === 'CL201'), []);
  // The same tasks under spawn are flagged: the negatives are silent for their reason.
  const spawned = read.notebook.cells.map((c) => ({ ...c, source: c.source.replace("get_context('fork')", "get_context('spawn')") }));
  const flagged = await analyzeNotebook(path.join(NOTEBOOKS, 'clean.ipynb'), spawned, { sources });
  assert.deepEqual(flagged.findings.filter((f) => f.rule === 'CL206').map((f) => f.cell), [3]);
  assert.match(flagged.findings.find((f) => f.rule === 'CL206')!.message, /started with spawn, as chosen here/);
});

test('CL206 fix: the function and what it needs move to a module, the notebook imports it, re-analysis is clean', async () => {
  const cells = [
    code('import math\nfrom concurrent.futures import ProcessPoolExecutor\nLIMIT = 3\n'),
    code('def helper(x):\n    return math.sqrt(x) + LIMIT\n\ndef task(x):\n    return helper(x) * 2\n'),
    code('with ProcessPoolExecutor() as ex:\n    print(list(ex.map(task, range(100), chunksize=10)))\n'),
  ];
  const files = new Map<string, string>();
  const sources = { readFile: (p: string) => files.get(p) };
  const before = await analyzeNotebook('/nb/work.ipynb', cells, { sources });
  const fix = before.findings.find((f) => f.rule === 'CL206')!.fix!;
  assert.ok(fix.safe);
  assert.equal(fix.createFiles?.length, 1);
  const created = fix.createFiles![0];
  assert.equal(created.path, path.join('/nb', 'work_tasks.py'));
  const sourcesAfter = applyCellEdits(cells, fix.edits);
  assert.deepEqual([...sourcesAfter.keys()], [1], 'only the cell with the definitions changes');
  assert.equal(sourcesAfter.get(1), 'from work_tasks import helper\n\nfrom work_tasks import task\n');
  // The module parses and holds the import, the constant and both functions.
  const module = await analyze({ path: created.path, text: created.text });
  assert.deepEqual(module.parseErrors, []);
  for (const piece of ['import math', 'LIMIT = 3', 'def helper(x):', 'def task(x):']) assert.ok(created.text.includes(piece), piece);
  files.set(created.path, created.text);
  const after = await analyzeNotebook('/nb/work.ipynb', cells.map((c, i) => ({ ...c, source: sourcesAfter.get(i) ?? c.source })), { sources });
  assert.deepEqual(after.findings.map((f) => f.rule), []);
  assert.deepEqual(after.parseErrors, []);
});

test('CL206 fix names another module rather than overwrite a different file', async () => {
  const cells = [code('from concurrent.futures import ProcessPoolExecutor\ndef f(x):\n    return [x] * 100\n'), code('with ProcessPoolExecutor() as ex:\n    ex.submit(f, 1).result()\n')];
  const taken = path.join('/nb', 'work_tasks.py');
  const result = await analyzeNotebook('/nb/work.ipynb', cells, { sources: { readFile: (p) => (p === taken ? 'other = 1\n' : undefined) } });
  const fix = result.findings.find((f) => f.rule === 'CL206')!.fix!;
  assert.equal(fix.createFiles![0].path, path.join('/nb', 'work_tasks2.py'));
  assert.equal(fix.edits[0].text, 'from work_tasks2 import f');
});

test('CL206 offers no fix when the function needs notebook state a module cannot have', async () => {
  const cells = [code('from concurrent.futures import ProcessPoolExecutor\nimport json\ndata = json.load(open("d.json"))\ndef f(i):\n    return data[i]\n'), code('with ProcessPoolExecutor() as ex:\n    ex.submit(f, 1).result()\n')];
  const result = await analyzeNotebook('/nb/work.ipynb', cells);
  const finding = result.findings.find((f) => f.rule === 'CL206')!;
  assert.equal(finding.fix, null);
});

// ---- .ipynb --------------------------------------------------------------------------------

test('readIpynb: string and line-list sources; bad JSON and old formats give a reason', () => {
  const read = readIpynb(JSON.stringify({ nbformat: 4, metadata: {}, cells: [{ cell_type: 'code', source: ['a = 1\n', 'b = 2'] }, { cell_type: 'markdown', source: '# x' }] }));
  assert.ok(read.ok);
  assert.deepEqual(read.notebook.cells, [code('a = 1\nb = 2'), markdown('# x')]);
  const bad = readIpynb('{"cells": [');
  assert.ok(!bad.ok && /invalid JSON/.test(bad.reason));
  const old = readIpynb(JSON.stringify({ nbformat: 3, worksheets: [] }));
  assert.ok(!old.ok && /nbformat 3/.test(old.reason));
});

test('writeCellSources changes only the source values it is given, in the original layout', () => {
  const text = fs.readFileSync(path.join(NOTEBOOKS, 'tasks.ipynb'), 'utf8');
  const read = readIpynb(text);
  assert.ok(read.ok);
  const out = writeCellSources(text, new Map([[2, 'x = 1\ny = 2\n']]));
  const before = JSON.parse(text);
  const after = JSON.parse(out);
  assert.deepEqual(after.cells[2].source, ['x = 1\n', 'y = 2\n']);
  after.cells[2].source = before.cells[2].source;
  assert.deepEqual(after, before);
  // Byte for byte outside the value: the text before it and after it are unchanged.
  const start = text.indexOf('"def scaled(x):\\n"');
  assert.equal(out.slice(0, start), text.slice(0, start));
  const tail = text.slice(text.indexOf('"outputs"', start));
  assert.ok(out.endsWith(tail));
});

test('ipynbTextRange maps a cell position to the notebook JSON line that holds it', () => {
  const text = fs.readFileSync(path.join(NOTEBOOKS, 'tasks.ipynb'), 'utf8');
  const range = ipynbTextRange(text, 5, { start: { line: 2, column: 19 }, end: { line: 2, column: 25 } })!;
  const line = text.split('\n')[range.start.line];
  assert.equal(line.slice(range.start.column, range.end.column), 'ex.map');
});

// ---- the CLI -------------------------------------------------------------------------------

test('check: notebook findings in text and JSON carry the 1-based cell and the line and column in it', () => {
  const text = cli(['check', 'tasks.ipynb', 'clean.ipynb', '--select', 'CL206,CL201'], NOTEBOOKS);
  assert.equal(text.code, 1, text.stderr);
  const lines = text.stdout.trim().split('\n');
  assert.deepEqual(lines.map((l) => l.split(' ').slice(0, 3).join(' ')), ['tasks.ipynb:cell 6:2:6: CL201', 'tasks.ipynb:cell 6:3:20: CL206']);
  assert.match(text.stderr, /tasks\.ipynb:cell 4:1:\d+: Syntax error.*the other cells were still checked/);
  const json = JSON.parse(cli(['check', '--format', 'json', '--select', 'CL206', 'tasks.ipynb'], NOTEBOOKS).stdout);
  const [finding] = json.findings;
  assert.deepEqual(Object.keys(finding).slice(0, 8), ['path', 'rule', 'name', 'severity', 'cell', 'line', 'column', 'endLine']);
  assert.deepEqual([finding.cell, finding.line, finding.column], [6, 3, 20]);
  assert.deepEqual(finding.fix.edits.map((e: { cell: number }) => e.cell), [3, 3]);
  assert.equal(finding.fix.createFiles[0].path, 'tasks_tasks.py');
});

test('check: SARIF puts a notebook finding on the notebook JSON line of its cell, with the cell in properties', () => {
  const run = cli(['check', '--format', 'sarif', '--select', 'CL206', 'tasks.ipynb'], NOTEBOOKS);
  const sarif = JSON.parse(run.stdout);
  const [result] = sarif.runs[0].results;
  assert.deepEqual(result.properties, { cell: 6, cellLine: 3, cellColumn: 20 });
  const region = result.locations[0].physicalLocation.region;
  const line = fs.readFileSync(path.join(NOTEBOOKS, 'tasks.ipynb'), 'utf8').split('\n')[region.startLine - 1];
  assert.equal(line.slice(region.startColumn - 1, region.endColumn - 1), 'ex.map');
  assert.equal(result.fixes, undefined, 'cell edits and created files have no SARIF fix form');
});

test('check: a notebook that is not JSON is skipped with a message, the others are checked', () => {
  const run = cli(['check', '.'], NOTEBOOKS);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /skipped broken\.ipynb: not a notebook: invalid JSON/);
  assert.match(run.stdout, /tasks\.ipynb:cell 6:3:20: CL206/);
});

test('check --fix moves the task into a module; outputs, metadata and the untouched cells stay byte for byte', () => {
  const dir = copyFixtures();
  try {
    const original = fs.readFileSync(path.join(dir, 'tasks.ipynb'), 'utf8');
    const run = cli(['check', '--fix', '--select', 'CL206', 'tasks.ipynb'], dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const fixed = fs.readFileSync(path.join(dir, 'tasks.ipynb'), 'utf8');
    const before = JSON.parse(original);
    const after = JSON.parse(fixed);
    assert.deepEqual(after.cells[2].source, ['from tasks_tasks import scaled\n', '\n', '\n', 'from tasks_tasks import square\n']);
    after.cells[2].source = before.cells[2].source;
    assert.deepEqual(after, before, 'only the source of cell 3 changed');
    // Byte comparison of everything but that value (floats like 1.0 in metadata included).
    const start = original.indexOf('"def scaled(x):\\n"');
    const end = original.indexOf(']', start);
    const fixedEnd = fixed.indexOf(']', start);
    assert.equal(fixed.slice(0, start), original.slice(0, start));
    assert.equal(fixed.slice(fixedEnd), original.slice(end));
    assert.ok(fixed.includes('"scrolled": 1.0'));
    const module = fs.readFileSync(path.join(dir, 'tasks_tasks.py'), 'utf8');
    assert.match(module, /^import math$/m);
    assert.match(module, /^SCALE = 2$/m);
    assert.match(module, /^def square\(x\):$/m);
    const again = cli(['check', '--select', 'CL206,CL201', '--format', 'json', 'tasks.ipynb', 'tasks_tasks.py'], dir);
    const rerun = JSON.parse(again.stdout);
    assert.deepEqual(rerun.findings, []);
    assert.equal(rerun.summary.parseErrors, 1, 'the broken cell stays as it was');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('check --fix never overwrites a different module file', () => {
  const dir = copyFixtures();
  try {
    fs.writeFileSync(path.join(dir, 'tasks_tasks.py'), 'KEEP = 1\n');
    const run = cli(['check', '--fix', '--select', 'CL206', 'tasks.ipynb'], dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'tasks_tasks.py'), 'utf8'), 'KEEP = 1\n');
    assert.match(fs.readFileSync(path.join(dir, 'tasks.ipynb'), 'utf8'), /from tasks_tasks2 import square/);
    assert.ok(fs.existsSync(path.join(dir, 'tasks_tasks2.py')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('messages name places by cell and line in it, not by the joined module\'s lines', async () => {
  const cells = [
    code('import math\n'),
    markdown('# the work\n'),
    code('def crunch(n):\n    total = 0\n    for i in range(n):\n        total += i * i\n    return total\n'),
    code('from concurrent.futures import ThreadPoolExecutor\nwith ThreadPoolExecutor(max_workers=4) as ex:\n    print(list(ex.map(crunch, [10**6] * 4)))\n'),
  ];
  const result = await analyzeNotebook(path.join(os.tmpdir(), 'lines.ipynb'), cells);
  const cpu = result.findings.find((f) => f.rule === 'CL101');
  assert.ok(cpu, `CL101 among ${result.findings.map((f) => f.rule).join(', ')}`);
  assert.equal(cpu.cell, 3);
  // The loop is the third line of the third cell (Jupyter and VS Code count cells from 1, markdown included).
  assert.match(cpu.message, /loop at cell 3, line 3\b/);
  assert.doesNotMatch(cpu.message, /loop at line/);
  assert.ok(cpu.related.every((r) => !/\bline \d/.test(r.message) || /cell \d+, line \d/.test(r.message)), cpu.related.map((r) => r.message).join(' / '));

  const module = notebookModule(cells);
  const loopLine = module.fromCell({ cell: 2, line: 2, character: 0 })!.line + 1;
  const magicFree = cellLineReferences(`the loop at line ${loopLine}; \`line ${loopLine}\` in code stays; lines ${loopLine}–${loopLine + 1}`, module);
  assert.equal(magicFree, `the loop at cell 3, line 3; \`line ${loopLine}\` in code stays; cell 3, lines 3–4`);
  const nowhere = module.text.split('\n').length + 50;
  assert.equal(cellLineReferences(`line ${nowhere}`, module), `line ${nowhere}`, 'a line in no cell keeps its text');
});

import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodeAction, CreateFile, Diagnostic, Hover, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { LspSession, uriOf } from './support/lsp-client';
import { applyEdits } from '../src/analysis/core/apply-edits';

// The language server's notebook support over LSP notebook document sync, spoken to over stdio as
// VS Code's client speaks it: a notebook's Python cells analyzed as one module (a function of one
// cell handed to a pool in another is known), diagnostics on each cell's URI at cell positions,
// cleared when the notebook closes, code actions (CL206's creates a file) and hovers in a cell.

let session: LspSession;
let workspace: string;

before(async () => {
  // As vscode-languageclient: WorkspaceEdits with documentChanges and file creation.
  session = await LspSession.start({ workspace: { workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] } } });
  workspace = session.workspace;
});

after(() => session.stop());

interface Cell {
  kind: 'code' | 'markup';
  text: string;
  languageId?: string;
}

/** A synced notebook: its URI, its cells' URIs and versions, as a client keeps them. */
class Notebook {
  version = 1;
  readonly cells: { uri: string; kind: 1 | 2; languageId: string; text: string; version: number }[];
  private next = 0;

  constructor(
    readonly file: string,
    cells: Cell[],
  ) {
    this.cells = cells.map((c) => this.cell(c));
  }

  get uri(): string {
    return uriOf(this.file);
  }

  private cell(c: Cell): Notebook['cells'][number] {
    // VS Code's cell URIs: the notebook's path with a fragment per cell.
    const uri = `vscode-notebook-cell:${this.file}#C${this.next++}`;
    return { uri, kind: c.kind === 'code' ? 2 : 1, languageId: c.languageId ?? (c.kind === 'code' ? 'python' : 'markdown'), text: c.text, version: 1 };
  }

  open(): void {
    this.mark();
    void session.connection.sendNotification('notebookDocument/didOpen', {
      notebookDocument: { uri: this.uri, notebookType: 'jupyter-notebook', version: this.version, cells: this.cells.map((c) => ({ kind: c.kind, document: c.uri })) },
      cellTextDocuments: this.cells.map((c) => ({ uri: c.uri, languageId: c.languageId, version: c.version, text: c.text })),
    });
  }

  /** Replaces the text of cell `index` (a full-text change). */
  edit(index: number, text: string): void {
    this.mark();
    const cell = this.cells[index];
    cell.text = text;
    cell.version++;
    this.version++;
    void session.connection.sendNotification('notebookDocument/didChange', {
      notebookDocument: { uri: this.uri, version: this.version },
      change: { cells: { textContent: [{ document: { uri: cell.uri, version: cell.version }, changes: [{ text }] }] } },
    });
  }

  /** Inserts a cell at `index`. */
  insert(index: number, c: Cell): string {
    this.mark();
    const cell = this.cell(c);
    this.cells.splice(index, 0, cell);
    this.version++;
    void session.connection.sendNotification('notebookDocument/didChange', {
      notebookDocument: { uri: this.uri, version: this.version },
      change: {
        cells: {
          structure: {
            array: { start: index, deleteCount: 0, cells: [{ kind: cell.kind, document: cell.uri }] },
            didOpen: [{ uri: cell.uri, languageId: cell.languageId, version: cell.version, text: cell.text }],
          },
        },
      },
    });
    return cell.uri;
  }

  /** Removes the cell at `index`. */
  remove(index: number): void {
    this.mark();
    const [cell] = this.cells.splice(index, 1);
    this.version++;
    void session.connection.sendNotification('notebookDocument/didChange', {
      notebookDocument: { uri: this.uri, version: this.version },
      change: { cells: { structure: { array: { start: index, deleteCount: 1 }, didClose: [{ uri: cell.uri }] } } },
    });
  }

  close(): void {
    this.mark();
    void session.connection.sendNotification('notebookDocument/didClose', {
      notebookDocument: { uri: this.uri },
      cellTextDocuments: this.cells.map((c) => ({ uri: c.uri })),
    });
  }

  /** How many lists each cell had been published when the last change was sent. */
  private marks = new Map<string, number>();

  private mark(): void {
    this.marks = new Map(this.cells.map((c) => [c.uri, session.published.get(c.uri)?.length ?? 0]));
  }

  /**
   * Every code cell's diagnostics published since the last change (each analysis publishes on
   * every code cell: a cell whose text did not change keeps its version, so versions cannot tell).
   */
  async diagnostics(): Promise<Diagnostic[][]> {
    return Promise.all(
      this.cells
        .filter((c) => c.kind === 2)
        .map((c) =>
          session.until(`diagnostics for ${c.uri}`, () => {
            const list = session.published.get(c.uri) ?? [];
            return list.length > (this.marks.get(c.uri) ?? 0) ? list[list.length - 1].diagnostics : undefined;
          }),
        ),
    );
  }

  codeIndex(uri: string): number {
    return this.cells.findIndex((c) => c.uri === uri);
  }
}

const codes = (lists: Diagnostic[][]): string[][] => lists.map((l) => l.map((d) => String(d.code ?? '')));

/** A workspace edit applied to the notebook's cells (as the client would), returning the new texts by cell URI. */
function applyToCells(notebook: Notebook, changes: TextDocumentEdit[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const change of changes) {
    const cell = notebook.cells.find((c) => c.uri === change.textDocument.uri);
    assert.ok(cell, `the edit is for a cell of the notebook: ${change.textDocument.uri}`);
    assert.equal(change.textDocument.version, cell.version, 'versioned against the analyzed cell');
    const edits = change.edits.map((e) => ({
      range: { start: { line: e.range.start.line, column: e.range.start.character }, end: { line: e.range.end.line, column: e.range.end.character } },
      text: 'newText' in e ? e.newText : '',
    }));
    out.set(cell.uri, applyEdits(out.get(cell.uri) ?? cell.text, edits));
  }
  return out;
}

// CPU work defined in one cell and handed to threads in a later one, a markdown cell between.
const CROSS_CELL: Cell[] = [
  { kind: 'code', text: 'from concurrent.futures import ThreadPoolExecutor\n' },
  { kind: 'markup', text: '# The work\n' },
  { kind: 'code', text: 'def compute(n):\n    total = 0\n    for i in range(n):\n        total += i * i\n    return total\n' },
  { kind: 'code', text: '%time print(1)\nwith ThreadPoolExecutor() as executor:\n    results = list(executor.map(compute, [10**6] * 4))\n' },
];

test('a notebook opened: its cells analyzed as one module, diagnostics on the cell of the task site', async () => {
  const notebook = new Notebook(path.join(workspace, 'cross.ipynb'), CROSS_CELL);
  notebook.open();
  const lists = await notebook.diagnostics();
  assert.deepEqual(codes(lists), [[], [], ['CL101']], 'the function of cell 3 is known at the pool of cell 4; the magic is no syntax error');
  const [d] = lists[2];
  assert.equal(d.range.start.line, 2, 'the line within the cell');
  assert.equal(d.range.start.character, 19);
  assert.ok(d.relatedInformation && d.relatedInformation.length > 0, 'evidence');
  assert.equal(d.relatedInformation![0].location.uri, notebook.cells[2].uri, 'the evidence links to the cell that holds the loop');
  assert.equal(d.relatedInformation![0].location.range.start.line, 2);
  assert.equal(session.published.get(notebook.cells[1].uri), undefined, 'nothing published on a markdown cell');
  notebook.close();
});

test('editing a cell re-analyzes the notebook; the diagnostic moves, then goes', async () => {
  const notebook = new Notebook(path.join(workspace, 'edit.ipynb'), CROSS_CELL);
  notebook.open();
  assert.deepEqual(codes(await notebook.diagnostics()), [[], [], ['CL101']]);
  // A cell added above the pool: the finding stays in its cell, at the same cell line.
  notebook.insert(3, { kind: 'code', text: 'import os\n' });
  assert.deepEqual(codes(await notebook.diagnostics()), [[], [], [], ['CL101']]);
  // The loop goes: compute is trivial, no CL101 (another cell than the one reported in).
  notebook.edit(2, 'def compute(n):\n    return n\n');
  assert.deepEqual(codes(await notebook.diagnostics()), [[], [], [], []]);
  notebook.edit(2, CROSS_CELL[2].text);
  assert.deepEqual(codes(await notebook.diagnostics()), [[], [], [], ['CL101']]);
  // The defining cell removed: the name is unknown, nothing is claimed.
  notebook.remove(2);
  await session.until('the finding gone with the defining cell', () => {
    const last = session.published.get(notebook.cells[3 - 1].uri)?.at(-1);
    return last && last.diagnostics.length === 0 ? true : undefined;
  });
  notebook.close();
});

test('closing a notebook clears the diagnostics of its cells', async () => {
  const notebook = new Notebook(path.join(workspace, 'close.ipynb'), CROSS_CELL);
  notebook.open();
  assert.deepEqual(codes(await notebook.diagnostics()), [[], [], ['CL101']]);
  const uri = notebook.cells[3].uri;
  const before = session.published.get(uri)!.length;
  notebook.close();
  const cleared = await session.until('diagnostics cleared on close', () => {
    const list = session.published.get(uri)!;
    return list.length > before ? list[list.length - 1] : undefined;
  });
  assert.deepEqual(cleared.diagnostics, []);
});

test('hover in a cell: the task function, its workload and the task site in another cell', async () => {
  const notebook = new Notebook(path.join(workspace, 'hover.ipynb'), CROSS_CELL);
  notebook.open();
  await notebook.diagnostics();
  const defined = (await session.connection.sendRequest('textDocument/hover', {
    textDocument: { uri: notebook.cells[2].uri },
    position: { line: 0, character: 6 },
  })) as Hover | null;
  assert.ok(defined, 'a hover on the definition of `compute` in its cell');
  const value = (defined.contents as { value: string }).value;
  assert.match(value, /`compute` is \*\*CPU-bound\*\*/);
  assert.match(value, /Run on threads/, 'the task site of another cell is known');
  assert.deepEqual(defined.range, { start: { line: 0, character: 4 }, end: { line: 0, character: 11 } }, 'the name, in the cell');
  const none = await session.connection.sendRequest('textDocument/hover', { textDocument: { uri: notebook.cells[0].uri }, position: { line: 0, character: 2 } });
  assert.equal(none, null);
  notebook.close();
});

test('suppressions in a cell: ignore on the line, ignore in the notebook (at the top of the first cell)', async () => {
  const notebook = new Notebook(path.join(workspace, 'ignore.ipynb'), CROSS_CELL);
  notebook.open();
  const found = await notebook.diagnostics();
  const actions = (await session.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri: notebook.cells[3].uri },
    range: found[2][0].range,
    context: { diagnostics: found[2] },
  })) as CodeAction[];
  const titles = actions.map((a) => a.title);
  assert.ok(titles.includes('Ignore CL101 on this line'), titles.join(', '));
  // No "Measure it": a notebook function cannot be imported by the benchmark harness.
  assert.ok(!titles.some((t) => /Measure it/.test(t)), titles.join(', '));
  const line = actions.find((a) => a.title === 'Ignore CL101 on this line')!;
  const [[lineUri, lineText]] = [...applyToCells(notebook, line.edit!.documentChanges as TextDocumentEdit[])];
  assert.equal(lineUri, notebook.cells[3].uri);
  assert.match(lineText.split('\n')[2], /# clens: ignore\[CL101\]$/);

  const ignore = actions.find((a) => a.title === 'Ignore CL101 in this notebook')!;
  const changes = ignore.edit!.documentChanges as TextDocumentEdit[];
  assert.deepEqual(changes.map((c) => c.textDocument.uri), [notebook.cells[0].uri]);
  const [[uri, text]] = [...applyToCells(notebook, changes)];
  assert.match(text, /^# clens: ignore-file\[CL101\]\n/);
  notebook.edit(notebook.codeIndex(uri), text);
  assert.deepEqual(codes(await notebook.diagnostics()), [[], [], []]);
  notebook.close();
});

test('a quick fix and fix-all in cells: applied, the findings go and nothing else changes', async () => {
  const cells: Cell[] = [
    { kind: 'code', text: 'import os\n' },
    { kind: 'code', text: 'workers = os.cpu_count() * 2\n' },
    { kind: 'code', text: 'if os.cpu_count() > 4:\n    print(workers)\n' },
  ];
  const notebook = new Notebook(path.join(workspace, 'count.ipynb'), cells);
  notebook.open();
  const lists = await notebook.diagnostics();
  assert.deepEqual(codes(lists), [[], ['CL303'], ['CL303']]);
  const actions = (await session.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri: notebook.cells[1].uri },
    range: lists[1][0].range,
    context: { diagnostics: lists[1] },
  })) as CodeAction[];
  const fix = actions.find((a) => a.isPreferred);
  assert.ok(fix?.edit?.documentChanges, `the rule fix, as document changes: ${actions.map((a) => a.title).join(', ')}`);
  const texts = applyToCells(notebook, fix.edit.documentChanges as TextDocumentEdit[]);
  assert.deepEqual([...texts], [[notebook.cells[1].uri, 'workers = (os.cpu_count() or 1) * 2\n']]);

  const all = (await session.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri: notebook.cells[0].uri },
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics: [], only: ['source.fixAll.concurrency-lens'] },
  })) as CodeAction[];
  assert.equal(all.length, 1);
  const fixed = applyToCells(notebook, all[0].edit!.documentChanges as TextDocumentEdit[]);
  assert.deepEqual([...fixed.keys()], [notebook.cells[1].uri, notebook.cells[2].uri], 'both cells, in one edit');
  assert.equal(fixed.get(notebook.cells[2].uri), 'if (os.cpu_count() or 1) > 4:\n    print(workers)\n');
  for (const [uri, text] of fixed) notebook.edit(notebook.codeIndex(uri), text);
  assert.deepEqual(codes(await notebook.diagnostics()), [[], [], []]);
  notebook.close();
});

// A function defined in the notebook handed to a process pool: spawn and forkserver workers
// cannot import it from the notebook's __main__ (CL206).
const NOTEBOOK_TASK: Cell[] = [
  { kind: 'code', text: 'from concurrent.futures import ProcessPoolExecutor\n' },
  { kind: 'code', text: 'def square(n):\n    return n * n\n' },
  { kind: 'code', text: 'with ProcessPoolExecutor() as pool:\n    results = list(pool.map(square, range(10), chunksize=4))\n' },
];

test('CL206 in the cell of the task site; its fix creates the module file and imports from it', async () => {
  const file = path.join(workspace, 'tasks.ipynb');
  const notebook = new Notebook(file, NOTEBOOK_TASK);
  notebook.open();
  const lists = await notebook.diagnostics();
  // CL201 (the pool at the top level) says what to do in a notebook: see CL206.
  assert.deepEqual(codes(lists).map((l) => l.sort()), [[], [], ['CL201', 'CL206']]);
  const d = lists[2].find((x) => x.code === 'CL206')!;
  assert.equal(d.range.start.line, 1);
  assert.equal(d.relatedInformation?.[0]?.location.uri, notebook.cells[1].uri, 'the definition, in its cell');
  const actions = (await session.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri: notebook.cells[2].uri },
    range: d.range,
    context: { diagnostics: [d] },
  })) as CodeAction[];
  const fix = actions.find((a) => a.isPreferred);
  assert.ok(fix?.edit?.documentChanges, `a fix with document changes: ${actions.map((a) => a.title).join(', ')}`);
  const changes = fix.edit.documentChanges;
  const create = changes.find((c): c is CreateFile => 'kind' in c && c.kind === 'create');
  assert.ok(create, 'a CreateFile operation');
  assert.equal(path.dirname(new URL(create.uri).pathname), workspace, 'the module is next to the notebook');
  assert.deepEqual(create.options, { overwrite: false, ignoreIfExists: false }, 'never overwrites');
  const edits = changes.filter((c): c is TextDocumentEdit => 'textDocument' in c);
  const moduleEdit = edits.find((c) => c.textDocument.uri === create.uri);
  assert.ok(moduleEdit, 'the new file gets its text');
  assert.ok(changes.indexOf(create) < changes.indexOf(moduleEdit), 'created before it is written');
  const moduleText = moduleEdit.edits.map((e) => ('newText' in e ? e.newText : '')).join('');
  assert.match(moduleText, /def square\(n\):\n {4}return n \* n/);

  // Applied as a client would: the file written, the cells edited. The finding goes.
  fs.writeFileSync(new URL(create.uri), moduleText);
  const texts = applyToCells(notebook, edits.filter((c) => c !== moduleEdit));
  const all = notebook.cells.map((c) => texts.get(c.uri) ?? c.text).join('');
  assert.doesNotMatch(all, /def square/, 'the function left the notebook');
  assert.match(all, new RegExp(`from ${path.basename(create.uri, '.py')} import square`));
  for (const [uri, text] of texts) notebook.edit(notebook.codeIndex(uri), text);
  const after = codes(await notebook.diagnostics()).flat();
  assert.ok(!after.includes('CL206'), `no CL206 once the task is imported from the module: ${after.join(', ')}`);
  notebook.close();
});

test('CL206: no fix offered when its module file appeared with other text since the analysis', async () => {
  const notebook = new Notebook(path.join(workspace, 'taken.ipynb'), NOTEBOOK_TASK);
  notebook.open();
  const lists = await notebook.diagnostics();
  const d = lists[2].find((x) => x.code === 'CL206')!;
  const ask = async (): Promise<CodeAction[]> =>
    (await session.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: notebook.cells[2].uri },
      range: d.range,
      context: { diagnostics: [d] },
    })) as CodeAction[];
  const fix = (await ask()).find((a) => a.isPreferred)!;
  const created = (fix.edit!.documentChanges as (CreateFile | TextDocumentEdit)[]).find((c): c is CreateFile => 'kind' in c && c.kind === 'create')!;
  fs.writeFileSync(new URL(created.uri), '# somebody else\n');
  const titles = (await ask()).map((a) => a.title);
  assert.ok(!titles.includes(fix.title), `not offered: ${titles.join(', ')}`);
  assert.ok(titles.includes('Ignore CL206 on this line'), 'the suppressions still are');
  fs.rmSync(new URL(created.uri));
  notebook.close();
});

test('settings: a disabled server publishes nothing for a notebook', async () => {
  session.settings = { enable: false };
  void session.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
  const notebook = new Notebook(path.join(workspace, 'off.ipynb'), CROSS_CELL);
  notebook.open();
  const cleared = await session.until('an empty list for the task cell', () => {
    const last = session.published.get(notebook.cells[3].uri)?.at(-1);
    return last ? last.diagnostics : undefined;
  });
  assert.deepEqual(cleared, []);
  session.settings = {};
  void session.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
  await session.latestDiagnostics(notebook.cells[3].uri, (d) => d.some((x) => x.code === 'CL101'));
  notebook.close();
});

test('cross-file: editing a module the notebook imports re-checks the notebook', async () => {
  const helper = path.join(workspace, 'nbhelpers.py');
  fs.writeFileSync(helper, 'import time\n\n\ndef work(n):\n    time.sleep(n)\n');
  const notebook = new Notebook(path.join(workspace, 'imports.ipynb'), [
    { kind: 'code', text: 'from concurrent.futures import ThreadPoolExecutor\nfrom nbhelpers import work\n' },
    { kind: 'code', text: 'with ThreadPoolExecutor() as ex:\n    done = list(ex.map(work, [1]))\n' },
  ]);
  notebook.open();
  assert.deepEqual(codes(await notebook.diagnostics()), [[], []], 'I/O on threads: nothing');
  // The module becomes CPU-bound in the editor (unsaved): the notebook's diagnostics follow.
  const helperUri = session.open(helper, fs.readFileSync(helper, 'utf8'));
  await session.diagnosticsFor(helperUri, 1);
  session.change(helperUri, 2, 'def work(n):\n    total = 0\n    for i in range(n):\n        total += i * i\n    return total\n');
  await session.latestDiagnostics(notebook.cells[1].uri, (d) => d.some((x) => x.code === 'CL101'));
  notebook.close();
});

test('a notebook too large to analyze: nothing parsed, empty diagnostics, the log says why once', async () => {
  const big = 'x = 1\n'.repeat(1_500_000); // 9 MB in one cell, past the 8 MB limit
  const notebook = new Notebook(path.join(workspace, 'big.ipynb'), [
    { kind: 'code', text: big },
    { kind: 'code', text: CROSS_CELL[2].text + CROSS_CELL[3].text.replace('%time print(1)\n', '') },
  ]);
  notebook.open();
  assert.deepEqual(codes(await notebook.diagnostics()), [[], []]);
  await session.until('the log line', () => (session.logs.some((l) => /big\.ipynb: skipped/.test(l)) ? true : undefined));
  const hover = await session.connection.sendRequest('textDocument/hover', { textDocument: { uri: notebook.cells[1].uri }, position: { line: 0, character: 6 } });
  assert.equal(hover, null, 'no hover parses it either');
  // Small again: analyzed (the CPU work handed to threads in the second cell).
  notebook.edit(0, 'from concurrent.futures import ThreadPoolExecutor\n');
  assert.deepEqual(codes(await notebook.diagnostics()), [[], ['CL101']]);
  notebook.close();
});

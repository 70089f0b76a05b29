import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';

// In-extension-host suite for notebooks (the @vscode/test-electron `run()` contract), run inside
// code-server's real VS Code, whose built-in ipynb support opens the notebook (no Jupyter
// extension, no kernel: nothing runs). The notebook is test/e2e/workspace/notebooks/squares.ipynb:
// a markdown cell, the import, `square` defined in its own cell and handed to a process pool in
// the last (a `%%time` cell with outputs). Run alone:
//   node scripts/e2e/run-all.mjs --only notebook

type Test = { name: string; fn: () => Promise<void> };
const tests: Test[] = [];
const test = (name: string, fn: () => Promise<void>): void => {
  tests.push({ name, fn });
};

const NOTEBOOK = 'notebooks/squares.ipynb';

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, name);
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Concurrency Lens');
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

/** Every cell's diagnostics of ours, as codes, in cell order. */
function cellCodes(notebook: vscode.NotebookDocument): string[][] {
  return notebook.getCells().map((cell) => ours(cell.document.uri).map(codeOf));
}

async function openNotebook(): Promise<vscode.NotebookDocument> {
  const notebook = await vscode.workspace.openNotebookDocument(workspaceFile(NOTEBOOK));
  await vscode.window.showNotebookDocument(notebook);
  return notebook;
}

test('the notebook opens as a Jupyter notebook with Python cells; the extension activates', async () => {
  const notebook = await openNotebook();
  assert.equal(notebook.notebookType, 'jupyter-notebook');
  assert.deepEqual(
    notebook.getCells().map((c) => `${c.kind === vscode.NotebookCellKind.Code ? 'code' : 'markup'}:${c.document.languageId}`),
    ['markup:markdown', 'code:python', 'code:python', 'code:python'],
  );
  assert.equal(notebook.cellAt(1).document.uri.scheme, 'vscode-notebook-cell');
  const extension = vscode.extensions.getExtension('concurrency-lens.concurrency-lens');
  assert.ok(extension);
  await waitFor('activation', () => (extension.isActive ? true : undefined));
});

test('CL206 is reported in the cell of the task site, at its line there; the other cells have none', async () => {
  const notebook = await openNotebook();
  const found = await waitFor('CL206 in the last cell', () => {
    const list = ours(notebook.cellAt(3).document.uri);
    return list.some((d) => codeOf(d) === 'CL206') ? list : undefined;
  });
  assert.deepEqual(cellCodes(notebook).map((c) => c.sort()), [[], [], [], ['CL201', 'CL206']], 'CL201 beside it says what to do in a notebook');
  const d = found.find((x) => codeOf(x) === 'CL206')!;
  const cell = notebook.cellAt(3).document;
  assert.equal(d.range.start.line, 2, 'the pool.map line of the cell (the %%time line is line 0)');
  assert.match(cell.getText(d.range), /pool\.map|square/);
  assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
  console.log(`  CL206 at cell 4 line ${d.range.start.line + 1}: ${d.message}`);
});

test('hover on the task function in its cell shows what the analyzer knows', async () => {
  const notebook = await openNotebook();
  const cell = notebook.cellAt(2).document;
  const text = await waitFor('a Concurrency Lens hover', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', cell.uri, new vscode.Position(0, 5));
    const value = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    return /Concurrency Lens/.test(value) ? value : undefined;
  });
  assert.match(text, /square/);
  console.log(`  hover: ${text.split('\n').slice(0, 2).join(' / ')}`);
});

test('the CL206 fix creates the module next to the notebook, imports from it, and the finding goes', async () => {
  const notebook = await openNotebook();
  const cell = notebook.cellAt(3).document;
  const d = await waitFor('CL206', () => ours(cell.uri).find((x) => codeOf(x) === 'CL206'));
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', cell.uri, d.range, vscode.CodeActionKind.QuickFix.value);
  const titles = actions.map((a) => a.title);
  assert.ok(titles.includes('Ignore CL206 on this line'), titles.join(', '));
  const fix = actions.find((a) => a.isPreferred);
  assert.ok(fix?.edit, `a preferred fix with an edit: ${titles.join(', ')}`);
  console.log(`  fix: ${fix.title}`);
  const created = fix.edit.entries().map(([uri]) => uri).filter((uri) => uri.scheme === 'file' && uri.path.endsWith('.py'));
  assert.equal(created.length, 1, 'one module file in the edit');
  const moduleUri = created[0];
  assert.equal(vscode.Uri.joinPath(moduleUri, '..').path, workspaceFile('notebooks').path, 'next to the notebook');
  assert.ok(!fs.existsSync(moduleUri.fsPath), 'not there before the fix');
  assert.ok(await vscode.workspace.applyEdit(fix.edit), 'the edit applies');

  assert.ok(fs.existsSync(moduleUri.fsPath) || (await vscode.workspace.fs.stat(moduleUri)), 'the module file exists');
  const moduleDocument = await vscode.workspace.openTextDocument(moduleUri);
  assert.match(moduleDocument.getText(), /def square\(n\):\n {4}return n \* n/);
  const name = moduleUri.path.split('/').pop()!.replace(/\.py$/, '');
  const all = notebook.getCells().map((c) => c.document.getText()).join('\n');
  assert.doesNotMatch(all, /def square/, 'the function left the notebook');
  assert.match(all, new RegExp(`from ${name} import square`));
  assert.equal(notebook.cellAt(3).outputs.length, 2, 'the outputs of the cells are kept');
  await waitFor('CL206 gone', () => (notebook.getCells().every((c) => !ours(c.document.uri).some((x) => codeOf(x) === 'CL206')) ? true : undefined));
  console.log(`  after the fix: ${JSON.stringify(cellCodes(notebook))}`);
  // The new module is saved (a user would save it); the notebook too, then neither is dirty.
  await moduleDocument.save();
  await notebook.save();
  const saved = JSON.parse(fs.readFileSync(workspaceFile(NOTEBOOK).fsPath, 'utf8')) as { cells: { outputs?: unknown[]; source: string[] | string }[] };
  assert.equal(saved.cells[3].outputs?.length, 2, 'outputs kept in the saved notebook');
  assert.ok(fs.readFileSync(moduleUri.fsPath, 'utf8').includes('def square'), 'the module saved on disk');
});

export async function run(): Promise<void> {
  const failures: string[] = [];
  for (const t of tests) {
    const started = Date.now();
    try {
      await t.fn();
      console.log(`✔ ${t.name} (${Date.now() - started} ms)`);
    } catch (error) {
      failures.push(t.name);
      console.error(`✖ ${t.name}\n${(error as Error).stack ?? error}`);
    }
  }
  console.log(`${tests.length - failures.length} passed, ${failures.length} failed`);
  if (failures.length > 0) throw new Error(`${failures.length} e2e test(s) failed: ${failures.join('; ')}`);
}

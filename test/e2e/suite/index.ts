import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

// In-extension-host suite (the @vscode/test-electron `run()` contract): runs inside a real VS Code
// (code-server here, shared/E2E.md), against the fixture workspace in test/e2e/workspace.

type Test = { name: string; fn: () => Promise<void> };
const tests: Test[] = [];
const test = (name: string, fn: () => Promise<void>): void => {
  tests.push({ name, fn });
};

const EXTENSION_ID = 'concurrency-lens.concurrency-lens';

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, name);
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
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

async function open(name: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceFile(name));
  return vscode.window.showTextDocument(document);
}

test('the extension activates on a Python file', async () => {
  await open('cpu_threads.py');
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  await waitFor('activation', () => (extension.isActive ? true : undefined));
});

test('CL101 diagnostic with code, range, docs link and evidence', async () => {
  const editor = await open('cpu_threads.py');
  const diagnostics = await waitFor('CL101', () => {
    const found = ours(editor.document.uri);
    return found.length > 0 ? found : undefined;
  });
  assert.deepEqual(diagnostics.map(codeOf), ['CL101']);
  const [d] = diagnostics;
  assert.equal(d.range.start.line, 12);
  assert.equal(editor.document.getText(d.range), 'executor.map');
  assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
  assert.ok(typeof d.code === 'object' && /docs\/rules\/CL101\.md$/.test(d.code.target.toString()), 'code links to the docs page');
  assert.equal(d.relatedInformation?.[0]?.location.range.start.line, 5, 'evidence points at the loop');
});

test('no findings on I/O in threads', async () => {
  const editor = await open('io_threads.py');
  // Wait until the server has published (an empty list counts), by asking for a fresh hover first.
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(ours(editor.document.uri).map(codeOf), []);
});

test('quick fix through the code action provider swaps the executor', async () => {
  const editor = await open('cpu_threads.py');
  const [d] = await waitFor('CL101', () => (ours(editor.document.uri).length ? ours(editor.document.uri) : undefined));
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, d.range, vscode.CodeActionKind.QuickFix.value);
  const titles = actions.map((a) => a.title);
  assert.ok(titles.includes('Ignore CL101 on this line'), titles.join(', '));
  assert.ok(titles.includes('Ignore CL101 in this file'), titles.join(', '));
  const fix = actions.find((a) => a.isPreferred);
  assert.ok(fix?.edit, 'a preferred fix with an edit');
  assert.ok(await vscode.workspace.applyEdit(fix.edit));
  assert.match(editor.document.getText(), /with ProcessPoolExecutor\(\) as executor:/);
  assert.match(editor.document.getText(), /from concurrent\.futures import ProcessPoolExecutor/);
  await waitFor('CL101 cleared', () => (ours(editor.document.uri).length === 0 ? true : undefined));
  await vscode.commands.executeCommand('workbench.action.files.revert');
});

test('hover on the task function shows its workload class', async () => {
  const editor = await open('cpu_threads.py');
  const hovers = await waitFor('hover', async () => {
    const result = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(3, 6));
    const text = result.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    return /Concurrency Lens/.test(text) ? text : undefined;
  });
  assert.match(hovers, /CPU-bound/);
  assert.match(hovers, /loop at line 6/);
});

test('an edit clears the diagnostic and undoing it re-creates it', async () => {
  const editor = await open('cpu_threads.py');
  await waitFor('CL101', () => (ours(editor.document.uri).length ? true : undefined));
  const loopLine = editor.document.lineAt(5);
  assert.equal(loopLine.text, '    for i in range(n):');
  await editor.edit((b) => b.replace(loopLine.range, '    if n:'));
  // No loop left: compute is trivial, not CPU-bound.
  await waitFor('CL101 cleared by the edit', () => (ours(editor.document.uri).length === 0 ? true : undefined));
  await vscode.commands.executeCommand('undo');
  await waitFor('CL101 back after undo', () => (ours(editor.document.uri).some((d) => codeOf(d) === 'CL101') ? true : undefined));
  await vscode.commands.executeCommand('workbench.action.files.revert');
});

test('source.fixAll.concurrency-lens adds chunksize', async () => {
  const editor = await open('tiny_tasks.py');
  await waitFor('CL103', () => (ours(editor.document.uri).some((d) => codeOf(d) === 'CL103') ? true : undefined));
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    editor.document.uri,
    new vscode.Range(0, 0, 0, 0),
    'source.fixAll.concurrency-lens',
  );
  const fixAll = actions.find((a) => a.kind?.value === 'source.fixAll.concurrency-lens');
  assert.ok(fixAll?.edit, 'a fix-all action');
  assert.ok(await vscode.workspace.applyEdit(fixAll.edit));
  assert.match(editor.document.getText(), /pool\.map\(square, range\(100_000\), chunksize=256\)/);
  await waitFor('CL103 cleared', () => (ours(editor.document.uri).length === 0 ? true : undefined));
  await vscode.commands.executeCommand('workbench.action.files.revert');
});

test('settings: severity off silences a rule', async () => {
  const editor = await open('cpu_threads.py');
  await waitFor('CL101', () => (ours(editor.document.uri).length ? true : undefined));
  const config = vscode.workspace.getConfiguration('concurrencyLens');
  await config.update('severity', { CL101: 'off' }, vscode.ConfigurationTarget.Workspace);
  try {
    await waitFor('CL101 off', () => (ours(editor.document.uri).length === 0 ? true : undefined));
  } finally {
    await config.update('severity', undefined, vscode.ConfigurationTarget.Workspace);
  }
  await waitFor('CL101 back', () => (ours(editor.document.uri).length ? true : undefined));
});

test('untitled Python documents are analyzed', async () => {
  const text = (await vscode.workspace.openTextDocument(workspaceFile('cpu_threads.py'))).getText();
  const document = await vscode.workspace.openTextDocument({ language: 'python', content: text });
  await vscode.window.showTextDocument(document);
  await waitFor('CL101 on untitled', () => (ours(document.uri).some((d) => codeOf(d) === 'CL101') ? true : undefined));
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
});

test('commands are registered', async () => {
  const commands = await vscode.commands.getCommands(true);
  for (const id of ['concurrencyLens.restartServer', 'concurrencyLens.analyzeWorkspace', 'concurrencyLens.showOutput']) {
    assert.ok(commands.includes(id), id);
  }
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

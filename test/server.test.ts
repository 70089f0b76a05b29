import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodeAction, Diagnostic, Hover } from 'vscode-languageserver-protocol';
import { LspSession } from './support/lsp-client';
import { applyEdits } from '../src/analysis/core/apply-edits';
import { CPU_IN_THREADS } from './support/samples';

// The language server spoken to over stdio, as any LSP client (Neovim, Helix) would: diagnostics
// with codes and docs links, quick fixes, suppressions, fix-all, hover, and live updates.

let session: LspSession;
let connection: LspSession['connection'];
let workspace: string;

const diagnosticsFor = (uri: string, version: number): Promise<Diagnostic[]> => session.diagnosticsFor(uri, version);
const open = (file: string, text: string, languageId = 'python'): string => session.open(file, text, languageId);

before(async () => {
  session = await LspSession.start();
  connection = session.connection;
  workspace = session.workspace;
});

after(() => session.stop());

test('diagnostics on open carry the code, the docs link and the evidence', async () => {
  const file = path.join(workspace, 'cpu.py');
  const uri = open(file, CPU_IN_THREADS);
  const diagnostics = await diagnosticsFor(uri, 1);
  assert.equal(diagnostics.length, 1);
  const [d] = diagnostics;
  assert.equal(d.code, 'CL101');
  assert.equal(d.range.start.line, 12);
  assert.match(d.codeDescription?.href ?? '', /docs\/rules\/CL101\.md$/);
  assert.equal(d.source, 'Concurrency Lens');
  assert.ok(d.relatedInformation && d.relatedInformation.length > 0, 'evidence as related information');
  assert.equal(d.relatedInformation![0].location.range.start.line, 5, 'points at the loop');
});

test('quick fix, ignore-line and ignore-file actions; applying the fix clears the finding', async () => {
  const file = path.join(workspace, 'fix.py');
  const uri = open(file, CPU_IN_THREADS);
  const diagnostics = await diagnosticsFor(uri, 1);
  const actions = (await connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: diagnostics[0].range,
    context: { diagnostics },
  })) as CodeAction[];
  const titles = actions.map((a) => a.title);
  assert.ok(titles.includes('Ignore CL101 on this line'));
  assert.ok(titles.includes('Ignore CL101 in this file'));
  const preferred = actions.find((a) => a.isPreferred);
  assert.ok(preferred, 'the rule fix is the preferred action');
  assert.match(preferred.title, /ProcessPoolExecutor/);

  const edits = preferred.edit!.changes![uri].map((e) => ({
    range: { start: { line: e.range.start.line, column: e.range.start.character }, end: { line: e.range.end.line, column: e.range.end.character } },
    text: e.newText,
  }));
  const fixed = applyEdits(CPU_IN_THREADS, edits);
  void connection.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 2 },
    contentChanges: [{ text: fixed }],
  });
  const after = await diagnosticsFor(uri, 2);
  assert.deepEqual(after.map((d) => d.code), [], fixed);

  const ignore = actions.find((a) => a.title === 'Ignore CL101 on this line')!;
  const ignoreEdit = ignore.edit!.changes![uri][0];
  const ignored = applyEdits(CPU_IN_THREADS, [
    { range: { start: { line: ignoreEdit.range.start.line, column: ignoreEdit.range.start.character }, end: { line: ignoreEdit.range.end.line, column: ignoreEdit.range.end.character } }, text: ignoreEdit.newText },
  ]);
  assert.match(ignored.split('\n')[12], /# clens: ignore\[CL101\]$/);
  void connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: ignored }] });
  assert.deepEqual((await diagnosticsFor(uri, 3)).map((d) => d.code), []);
});

test('source.fixAll.concurrencyLens applies the safe fixes', async () => {
  // ProcessPoolExecutor.map sends one item at a time unless told otherwise (Pool.map chunks by itself).
  const text = `from concurrent.futures import ProcessPoolExecutor
import os


def square(n):
    return n * n


if __name__ == "__main__":
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        print(pool.map(square, range(100_000)))
`;
  const uri = open(path.join(workspace, 'tiny.py'), text);
  const diagnostics = await diagnosticsFor(uri, 1);
  assert.deepEqual(diagnostics.map((d) => d.code), ['CL103']);
  const actions = (await connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics: [], only: ['source.fixAll.concurrencyLens'] },
  })) as CodeAction[];
  assert.equal(actions.length, 1);
  assert.equal(actions[0].kind, 'source.fixAll.concurrencyLens');
  const newText = actions[0].edit!.changes![uri].map((e) => e.newText).join('');
  assert.match(newText, /chunksize=/);
});

test('an edit clears a diagnostic and a further edit re-creates it', async () => {
  const uri = open(path.join(workspace, 'live.py'), CPU_IN_THREADS);
  assert.equal((await diagnosticsFor(uri, 1)).length, 1);
  // Replace the CPU loop by I/O: no CL101.
  const io = CPU_IN_THREADS.replace('    total = 0\n    for i in range(n):\n        total += i * i\n    return total', '    with open(n) as f:\n        return f.read()');
  void connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: io }] });
  assert.equal((await diagnosticsFor(uri, 2)).length, 0);
  void connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: CPU_IN_THREADS }] });
  assert.deepEqual((await diagnosticsFor(uri, 3)).map((d) => d.code), ['CL101']);
});

test('hover on a task function shows its workload class and evidence', async () => {
  const uri = open(path.join(workspace, 'hover.py'), CPU_IN_THREADS);
  await diagnosticsFor(uri, 1);
  const hover = (await connection.sendRequest('textDocument/hover', {
    textDocument: { uri },
    position: { line: 3, character: 6 },
  })) as Hover | null;
  assert.ok(hover, 'a hover on `compute`');
  const value = (hover.contents as { value: string }).value;
  assert.match(value, /CPU-bound/);
  assert.match(value, /line 6/);
  const none = await connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 2 } });
  assert.equal(none, null);
});

test('untitled documents are analyzed', async () => {
  const uri = 'untitled:Untitled-1';
  void connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: CPU_IN_THREADS } });
  assert.deepEqual((await diagnosticsFor(uri, 1)).map((d) => d.code), ['CL101']);
});

test('cross-file: changing an imported module re-checks the importer', async () => {
  const helper = path.join(workspace, 'helpers.py');
  fs.writeFileSync(helper, 'import time\n\n\ndef work(n):\n    time.sleep(n)\n');
  const main = `from concurrent.futures import ThreadPoolExecutor\nfrom helpers import work\n\n\ndef main():\n    with ThreadPoolExecutor() as ex:\n        return list(ex.map(work, [1]))\n`;
  const mainUri = open(path.join(workspace, 'main.py'), main);
  assert.deepEqual((await diagnosticsFor(mainUri, 1)).map((d) => d.code), []);
  // The helper becomes CPU-bound in the editor (unsaved): the importer's diagnostics follow.
  const helperUri = open(helper, fs.readFileSync(helper, 'utf8'));
  await diagnosticsFor(helperUri, 1);
  const count = (session.published.get(mainUri) ?? []).length;
  void connection.sendNotification('textDocument/didChange', {
    textDocument: { uri: helperUri, version: 2 },
    contentChanges: [{ text: 'def work(n):\n    total = 0\n    for i in range(n):\n        total += i * i\n    return total\n' }],
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const list = session.published.get(mainUri) ?? [];
    const last = list[list.length - 1];
    if (list.length > count && last.diagnostics.some((d) => d.code === 'CL101')) break;
    if (Date.now() > deadline) assert.fail('importer not re-checked');
    await new Promise((r) => setTimeout(r, 100));
  }
});

test('a tests/ folder of the workspace folder is test code, whatever the server was started from', async () => {
  // The server runs from the repository here, not from the workspace folder: without a
  // configuration file the test-file profile's folder names must be read from the workspace folder.
  assert.notEqual(process.cwd(), workspace);
  const sized = 'from multiprocessing import Pool\n\n\ndef run(items):\n    with Pool(4) as pool:\n        return pool.map(len, items)\n';
  const inSrc = await diagnosticsFor(open(path.join(workspace, 'src', 'sized.py'), sized), 1);
  assert.deepEqual(inSrc.map((d) => d.code), ['CL301']);
  const inTests = await diagnosticsFor(open(path.join(workspace, 'tests', 'sized.py'), sized), 1);
  assert.deepEqual(inTests.map((d) => d.code), [], 'CL301 (fixed pool sizes) is off in tests');
});

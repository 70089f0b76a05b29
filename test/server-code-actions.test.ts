import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-protocol';
import { LspSession } from './support/lsp-client';
import { applyEdits } from '../src/analysis/core/apply-edits';
import { CPU_IN_THREADS } from './support/samples';
import type { StatusParams } from '../src/protocol/lsp';

// The editor's lightbulb and fix-all entries as the server answers them (src/server/code-actions.ts,
// src/server/server.ts), the client command it names only for a client that has it, and the
// status it sends after Analyze Workspace.

// Two CL103 findings, each with a safe fix (a chunksize): "Fix all" applies both in one round.
const TWO_TINY = `from concurrent.futures import ProcessPoolExecutor
import os


def square(n):
    return n * n


if __name__ == "__main__":
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        print(pool.map(square, range(100_000)))
        print(list(pool.map(square, range(200_000))))
`;

let withCommands: LspSession;
let plain: LspSession;

before(async () => {
  [withCommands, plain] = await Promise.all([
    LspSession.start({ initializationOptions: { clientCommands: ['concurrencyLens.showRuleDocumentation'] } }),
    LspSession.start(),
  ]);
});

after(async () => {
  await Promise.all([withCommands.stop(), plain.stop()]);
});

function codeActions(session: LspSession, uri: string, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
  const range = diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return session.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics, only } }) as Promise<CodeAction[]>;
}

function apply(text: string, edits: TextEdit[]): string {
  return applyEdits(
    text,
    edits.map((e) => ({ range: { start: { line: e.range.start.line, column: e.range.start.character }, end: { line: e.range.end.line, column: e.range.end.character } }, text: e.newText })),
  );
}

test('the lightbulb: the fix, Fix all, the suppressions, Measure it, Show documentation; Fix all fixes both', async () => {
  const uri = withCommands.open(path.join(withCommands.workspace, 'two.py'), TWO_TINY);
  const diagnostics = await withCommands.diagnosticsFor(uri, 1);
  assert.deepEqual(diagnostics.map((d) => d.code), ['CL103', 'CL103']);
  const actions = await codeActions(withCommands, uri, [diagnostics[0]], ['quickfix']);
  assert.deepEqual(
    actions.map((a) => a.title),
    [
      actions[0].title,
      'Fix all Concurrency Lens problems',
      'Ignore CL103 on this line',
      'Ignore CL103 in this file',
      'Measure it: benchmark `square` (threads vs processes)',
      'Show documentation for CL103',
    ],
  );
  assert.match(actions[0].title, /chunksize/);
  const docs = actions.at(-1)!;
  assert.equal(docs.kind, 'quickfix');
  assert.deepEqual(docs.command, { title: 'Show documentation for CL103', command: 'concurrencyLens.showRuleDocumentation', arguments: ['CL103'] });

  const fixAll = actions[1];
  assert.equal(fixAll.kind, 'quickfix');
  const fixed = apply(TWO_TINY, fixAll.edit!.changes![uri]);
  assert.equal(fixed.match(/chunksize=/g)?.length, 2, fixed);
  withCommands.change(uri, 2, fixed);
  assert.deepEqual((await withCommands.diagnosticsFor(uri, 2)).map((d) => d.code), []);
  // Nothing fixable left: no Fix all, in either form.
  assert.deepEqual(await codeActions(withCommands, uri, [], ['source.fixAll.concurrencyLens']), []);
});

test('a client without the command gets no Show documentation entry', async () => {
  const uri = plain.open(path.join(plain.workspace, 'two.py'), TWO_TINY);
  const diagnostics = await plain.diagnosticsFor(uri, 1);
  const titles = (await codeActions(plain, uri, [diagnostics[0]], ['quickfix'])).map((a) => a.title);
  assert.ok(titles.includes('Fix all Concurrency Lens problems'), titles.join(', '));
  assert.ok(!titles.some((t) => t.startsWith('Show documentation')), titles.join(', '));
});

test('fix-all right after an edit waits for its analysis: the edits fit the new text', async () => {
  const uri = withCommands.open(path.join(withCommands.workspace, 'moving.py'), TWO_TINY);
  await withCommands.diagnosticsFor(uri, 1);
  // Two lines more at the top: the first analysis's ranges are two lines off now.
  const edited = `"""Docs."""\n# moved\n${TWO_TINY}`;
  withCommands.change(uri, 2, edited);
  const [action] = await codeActions(withCommands, uri, [], ['source.fixAll.concurrencyLens']);
  assert.ok(action?.edit, 'a fix-all action');
  const fixed = apply(edited, action.edit.changes![uri]);
  assert.ok(fixed.startsWith('"""Docs."""\n# moved\n'), fixed);
  assert.equal(fixed.match(/range\(\d+_000\), chunksize=/g)?.length, 2, fixed);
  withCommands.change(uri, 3, fixed);
  assert.deepEqual((await withCommands.diagnosticsFor(uri, 3)).map((d) => d.code), []);
});

test('fix-all asked while the analysis of the edit runs gets its answer, not an empty one after the deadline', async () => {
  // Enough functions for the analysis to take a while, so that some requests land while it runs.
  const filler = Array.from({ length: 300 }, (_, i) => `def f${i}(x):\n    total = 0\n    for k in range(x):\n        total += k * x\n    return total\n\n`).join('');
  const text = TWO_TINY.replace('def square', `${filler}def square`);
  const uri = withCommands.open(path.join(withCommands.workspace, 'slow.py'), text);
  await withCommands.diagnosticsFor(uri, 1);
  const edited = `# edited\n${text}`;
  withCommands.change(uri, 2, edited);
  const delays = [0, 50, 100, 150, 200, 250, 300, 400, 500, 700];
  const answers = await Promise.all(
    delays.map((ms) => new Promise<CodeAction[]>((resolve, reject) => setTimeout(() => codeActions(withCommands, uri, [], ['source.fixAll.concurrencyLens']).then(resolve, reject), ms))),
  );
  const empty = delays.filter((_, i) => !answers[i][0]?.edit);
  assert.deepEqual(empty, [], 'requests (by delay after the edit, in ms) answered without the fix-all');
});

test('the first spelling of the kind still works (codeActionsOnSave settings that name it)', async () => {
  const uri = plain.open(path.join(plain.workspace, 'legacy.py'), TWO_TINY);
  await plain.diagnosticsFor(uri, 1);
  const actions = await codeActions(plain, uri, [], ['source.fixAll.concurrency-lens']);
  assert.deepEqual(actions.map((a) => a.kind), ['source.fixAll.concurrency-lens']);
  const general = await codeActions(plain, uri, [], ['source.fixAll']);
  assert.deepEqual(general.map((a) => a.kind), ['source.fixAll.concurrencyLens']);
});

test('after Analyze Workspace the status counts the files not open, their findings and the skipped ones', async () => {
  const folder = plain.workspace;
  const project = path.join(folder, 'project');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'cpu.py'), CPU_IN_THREADS);
  fs.writeFileSync(path.join(project, 'clean.py'), 'print("hello")\n');
  fs.writeFileSync(path.join(project, 'binary.py'), Buffer.from([0x70, 0x00, 0x01, 0x02]));
  const result = (await plain.connection.sendRequest('concurrencyLens/analyzeWorkspace', {})) as { files: number; findings: number; skipped: number };
  const last = await plain.until('a final workspace status', () => {
    const status = plain.statuses.at(-1) as StatusParams | undefined;
    return status?.workspace?.state === 'done' ? status : undefined;
  });
  const workspace = last.workspace!;
  // The files written by the other tests of this session (open documents) count too.
  assert.ok(result.skipped >= 1, JSON.stringify(result));
  assert.equal(workspace.skipped, result.skipped);
  assert.ok(workspace.files >= 2 && workspace.files === result.files - result.skipped + countOpenNotOnDisk(folder), JSON.stringify({ workspace, result }));
  assert.ok(workspace.findings >= 1, JSON.stringify(workspace));
  assert.ok(workspace.finishedAt && !Number.isNaN(Date.parse(workspace.finishedAt)));
  assert.ok(plain.statuses.some((s) => (s as StatusParams).workspace?.state === 'running'), 'a running status first');
});

/** Documents opened by earlier tests exist only in the editor (not on disk): the status counts them, the run does not. */
function countOpenNotOnDisk(folder: string): number {
  return ['two.py', 'legacy.py'].filter((name) => !fs.existsSync(path.join(folder, name))).length;
}

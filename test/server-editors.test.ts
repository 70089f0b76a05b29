import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Hover } from 'vscode-languageserver-protocol';
import { LspSession } from './support/lsp-client';
import { CPU_IN_THREADS } from './support/samples';

// The language server as the other editors meet it (docs/editors.md): a client that sends no
// configuration at all, one that pushes its settings instead of answering workspace/configuration,
// the syntax-error setting, the messages, CL900 and the hover on a suppression comment.

let session: LspSession;

before(async () => {
  session = await LspSession.start();
});

after(() => session.stop());

const BROKEN = CPU_IN_THREADS.replace('def main():', 'def main(:');

test('messages carry no [rule-name] suffix: the code, its link and the source are shown beside them', async () => {
  const uri = session.open(path.join(session.workspace, 'plain.py'), CPU_IN_THREADS);
  const [d] = await session.diagnosticsFor(uri, 1);
  assert.equal(d.code, 'CL101');
  assert.doesNotMatch(d.message, /\[cpu-bound-work-in-threads\]/);
  assert.match(d.message, /CPU-bound/);
});

test('syntax errors are published only with showSyntaxErrors; the parts that parse are analyzed either way', async () => {
  const uri = session.open(path.join(session.workspace, 'broken.py'), `${CPU_IN_THREADS}\nx = (\n`);
  const quiet = await session.diagnosticsFor(uri, 1);
  assert.deepEqual(quiet.map((d) => d.code), ['CL101'], 'no syntax-error diagnostic by default');

  session.settings = { showSyntaxErrors: true };
  try {
    await session.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const shown = await session.latestDiagnostics(uri, (list) => list.length === 2);
    const syntax = shown.find((d) => d.code === undefined)!;
    assert.match(syntax.message, /^Syntax error/);
    assert.match(syntax.message, /analyzes the parts that parse/);
    assert.ok(shown.some((d) => d.code === 'CL101'));
  } finally {
    session.settings = {};
    await session.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  }
  await session.latestDiagnostics(uri, (list) => list.length === 1);
});

test('hover on a suppression comment names its rules; on one code, that rule', async () => {
  const text = CPU_IN_THREADS.replace('[10**6] * 4))', '[10**6] * 4))  # clens: ignore[CL101, CL999]');
  const uri = session.open(path.join(session.workspace, 'hover-suppression.py'), text);
  assert.deepEqual((await session.diagnosticsFor(uri, 1)).map((d) => d.code), ['CL900'], 'CL999 is reported, CL101 is used');
  const line = text.split('\n')[12];
  const at = async (needle: string): Promise<string> => {
    const hover = (await session.connection.sendRequest('textDocument/hover', {
      textDocument: { uri },
      position: { line: 12, character: line.indexOf(needle) + 1 },
    })) as Hover | null;
    assert.ok(hover, `a hover on ${needle}`);
    return (hover.contents as { value: string }).value;
  };
  const one = await at('CL101');
  assert.match(one, /\*\*CL101\*\* `cpu-bound-work-in-threads`: CPU-bound pure-Python work/);
  assert.match(one, /\[Documentation\]\(https:\/\/\S+CL101\.md\)/);
  assert.doesNotMatch(one, /CL999/);
  const all = await at('clens');
  assert.match(all, /CL101/);
  assert.match(all, /`CL999`: not a Concurrency Lens rule code/);
});

test('hover on a JS/TS suppression comment', async () => {
  const text = "const os = require('os');\n// clens-ignore-next-line CL407\nmodule.exports = os.cpus().length;\n";
  const uri = session.open(path.join(session.workspace, 'hover-suppression.js'), text, 'javascript');
  const [unused] = await session.diagnosticsFor(uri, 1);
  assert.equal(unused.code, 'CL900');
  assert.equal(unused.range.start.line, 1);
  const hover = (await session.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 28 } })) as Hover | null;
  assert.match((hover?.contents as { value: string }).value, /\*\*CL407\*\* `unguarded-shared-buffer`/);
});

test('a client that sends no configuration at all gets the defaults, and a client can push its settings instead', async () => {
  const bare = await LspSession.start({ bare: true });
  try {
    let asked = 0;
    bare.connection.onRequest('workspace/configuration', () => {
      asked++;
      return [];
    });
    const uri = bare.open(path.join(bare.workspace, 'bare.py'), CPU_IN_THREADS);
    assert.deepEqual((await bare.diagnosticsFor(uri, 1)).map((d) => d.code), ['CL101']);
    const broken = bare.open(path.join(bare.workspace, 'broken.py'), BROKEN);
    assert.ok((await bare.diagnosticsFor(broken, 1)).every((d) => d.code !== undefined), 'no syntax errors by default');
    // Settings pushed with didChangeConfiguration, as clients without workspace/configuration do.
    await bare.connection.sendNotification('workspace/didChangeConfiguration', { settings: { concurrencyLens: { ignore: ['CL101'] } } });
    await bare.latestDiagnostics(uri, (list) => list.length === 0);
    assert.equal(asked, 0, 'the server never asks a client that did not offer workspace/configuration');
  } finally {
    await bare.stop();
  }

  const pushed = await LspSession.start({ bare: true, initializationOptions: { showSyntaxErrors: true } });
  try {
    const uri = pushed.open(path.join(pushed.workspace, 'broken.py'), BROKEN);
    const diagnostics = await pushed.diagnosticsFor(uri, 1);
    assert.ok(diagnostics.some((d) => d.code === undefined && /^Syntax error/.test(d.message)), JSON.stringify(diagnostics));
  } finally {
    await pushed.stop();
  }
});

import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Hover } from 'vscode-languageserver-protocol';
import { LspSession } from './support/lsp-client';
import { ensureBuilt } from './support/build';
import { CPU_IN_THREADS, bigPython } from './support/samples';

// Issue 14: the server analyzes on worker threads, so requests on a small file are answered while
// a large one is being analyzed; an analysis made stale by a newer edit is never published; a
// change to an imported file re-checks its importers. Only orderings are asserted, never times
// (the figures are in `npm run bench:server`).

before(() => ensureBuilt('dist/server.js', 'dist/server-worker.js'));

let session: LspSession;
before(async () => {
  session = await LspSession.start();
});
after(() => session.stop());


test('a hover on a small file is answered while a big file is analyzed; the stale analysis is not published', { timeout: 300_000 }, async (t) => {
  const dir = path.join(session.workspace, 'responsive');
  fs.mkdirSync(dir);
  // Both versions made first: the edit must reach the server while version 1 is analyzed.
  const [v1, v2] = [bigPython(30_000, 'v1'), bigPython(30_000, 'v2')];
  const bigUri = session.open(path.join(dir, 'big.py'), v1);
  const smallUri = session.open(path.join(dir, 'small.py'), CPU_IN_THREADS);
  // The small file's own analysis does not wait for the big one either.
  assert.deepEqual((await session.diagnosticsFor(smallUri, 1)).map((d) => d.code), ['CL101']);
  const asked = performance.now();
  const hover = (await session.connection.sendRequest('textDocument/hover', { textDocument: { uri: smallUri }, position: { line: 3, character: 6 } })) as Hover | null;
  t.diagnostic(`hover answered in ${Math.round(performance.now() - asked)} ms while the big file was analyzed`);
  assert.ok(hover, 'a hover on `compute`');
  assert.match((hover.contents as { value: string }).value, /CPU-bound/);
  assert.equal(session.published.get(bigUri), undefined, 'the hover came back before the big file was done');

  // A newer edit while version 1 is still being analyzed: version 1 is never published.
  const edited = performance.now();
  session.change(bigUri, 2, v2);
  const published = (version: number) => (session.published.get(bigUri) ?? []).find((p) => p.version === version)?.diagnostics;
  const latest = await session.until('diagnostics of the big file, version 2', () => published(2), 240_000);
  t.diagnostic(`version 2 published ${Math.round(performance.now() - edited)} ms after its edit`);
  for (const line of session.logs.filter((l) => l.includes('cancelled a stale analysis'))) t.diagnostic(line);
  assert.deepEqual(latest, []);
  assert.deepEqual(
    (session.published.get(bigUri) ?? []).map((p) => p.version),
    [2],
    `only the newest version is published: ${JSON.stringify((session.published.get(bigUri) ?? []).map((p) => [p.version, p.diagnostics.length]))}`,
  );
  void session.connection.sendNotification('textDocument/didClose', { textDocument: { uri: bigUri } });
  void session.connection.sendNotification('textDocument/didClose', { textDocument: { uri: smallUri } });
});

test('an edit to an imported file re-checks its importers, and not the other open files', { timeout: 60_000 }, async () => {
  const dir = path.join(session.workspace, 'importers');
  fs.mkdirSync(dir);
  const helper = path.join(dir, 'helpers.py');
  const sleepy = 'import time\n\n\ndef work(n):\n    time.sleep(n)\n';
  fs.writeFileSync(helper, sleepy);
  const user = (module: string): string =>
    `from concurrent.futures import ThreadPoolExecutor\nfrom ${module} import work\n\n\ndef main():\n    with ThreadPoolExecutor() as ex:\n        return list(ex.map(work, [1]))\n`;
  const mainUri = session.open(path.join(dir, 'main.py'), user('helpers'));
  // Imports nothing: not re-checked when the helper changes.
  const unrelatedUri = session.open(path.join(dir, 'unrelated.py'), 'def nothing():\n    return 1\n');
  const helperUri = session.open(helper, sleepy);
  assert.deepEqual((await session.diagnosticsFor(mainUri, 1)).map((d) => d.code), []);
  await session.diagnosticsFor(unrelatedUri, 1);
  await session.diagnosticsFor(helperUri, 1);
  const before = { main: session.published.get(mainUri)!.length, unrelated: session.published.get(unrelatedUri)!.length };

  // The helper becomes CPU-bound in the editor (unsaved): the importer's diagnostics follow.
  session.change(helperUri, 2, 'def work(n):\n    total = 0\n    for i in range(n):\n        total += i * i\n    return total\n');
  await session.diagnosticsFor(helperUri, 2);
  const updated = await session.latestDiagnostics(mainUri, (d) => d.some((x) => x.code === 'CL101'));
  assert.equal(updated.length, 1);
  assert.ok(session.published.get(mainUri)!.length > before.main);
  // And back: the importer follows again.
  session.change(helperUri, 3, sleepy);
  await session.diagnosticsFor(helperUri, 3);
  await session.latestDiagnostics(mainUri, (d) => d.length === 0);
  assert.equal(session.published.get(unrelatedUri)!.length, before.unrelated, 'a file that imports nothing changed is not re-analyzed');
});

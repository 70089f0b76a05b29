import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LspSession, uriOf } from './support/lsp-client';
import { ensureBuilt } from './support/build';

// An invalid configuration file in the language server: the user is told once per distinct error
// of the file, until the file changes; the log keeps a line per analysis.

before(() => ensureBuilt('dist/server.js'));

let session: LspSession;
before(async () => {
  session = await LspSession.start();
});
after(() => session.stop());

test('an invalid pyproject.toml shows one error per change of the file, not one per analysis', { timeout: 60_000 }, async () => {
  const dir = session.workspace;
  const pyproject = path.join(dir, 'pyproject.toml');
  fs.writeFileSync(pyproject, '[tool.concurrency-lens]\nselect = ["CL1"\n');
  const uri = session.open(path.join(dir, 'app.py'), 'import os\nn = os.cpu_count() * 2\n');
  await session.diagnosticsFor(uri, 1);
  for (let version = 2; version <= 6; version++) {
    session.change(uri, version, `import os\nn = os.cpu_count() * ${version}\n`);
    await session.diagnosticsFor(uri, version);
  }
  const errors = (): string[] => session.shown.filter((m) => m.message.includes(pyproject)).map((m) => m.message);
  assert.equal(errors().length, 1, errors().join('\n'));
  assert.match(errors()[0], /invalid TOML/);
  const logged = session.logs.filter((line) => line.includes(pyproject) && line.includes('invalid TOML'));
  assert.ok(logged.length >= 6, `every analysis still logs it (${logged.length})`);

  // The file changes (still invalid, another error): shown once more, then quiet again.
  fs.writeFileSync(pyproject, '[tool.concurrency-lens]\nselect = 3 3\n');
  void session.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(pyproject), type: 2 }] });
  for (let version = 7; version <= 9; version++) {
    session.change(uri, version, `import os\nn = os.cpu_count() * ${version}\n`);
    await session.diagnosticsFor(uri, version);
  }
  assert.equal(errors().length, 2, errors().join('\n'));

  // Clients that watch no files send no notification: a change on disk is still noticed.
  fs.writeFileSync(pyproject, '[tool.concurrency-lens]\nselect = "CL1\n');
  for (let version = 10; version <= 12; version++) {
    session.change(uri, version, `import os\nn = os.cpu_count() * ${version}\n`);
    await session.diagnosticsFor(uri, version);
  }
  assert.equal(errors().length, 3, errors().join('\n'));
});

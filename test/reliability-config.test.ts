import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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
  // A folder made beside the workspace with its pyproject.toml, then moved in whole: the server
  // looks at the workspace folder at start-up and remembers which configuration governs it, so a
  // file written there afterwards (with no watched-file event) could go unseen.
  const staging = fs.mkdtempSync(`${session.workspace}-invalid-`);
  fs.writeFileSync(path.join(staging, 'pyproject.toml'), '[tool.concurrency-lens]\nselect = ["CL1"\n');
  const dir = path.join(session.workspace, 'invalid');
  fs.renameSync(staging, dir);
  const pyproject = path.join(dir, 'pyproject.toml');
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

test('a pyproject.toml that is a FIFO, or a link to /dev/zero, is reported once as a warning per change, and the defaults apply', { skip: process.platform === 'win32', timeout: 60_000 }, async () => {
  // A session of its own: the invalid pyproject.toml above would govern these folders otherwise.
  const session = await LspSession.start();
  after(() => session.stop());
  for (const [name, make, reason] of [
    ['fifo', (file: string) => execFileSync('mkfifo', [file]), 'not a regular file (a FIFO)'],
    ['zero', (file: string) => fs.symlinkSync('/dev/zero', file), 'not a regular file (a device)'],
  ] as const) {
    // Made beside the workspace and moved in whole: the server's first walk of the workspace
    // could otherwise see the folder before its pyproject.toml, and remember it has none.
    const staging = fs.mkdtempSync(`${session.workspace}-${name}-`);
    make(path.join(staging, 'pyproject.toml'));
    const dir = path.join(session.workspace, name);
    fs.renameSync(staging, dir);
    const pyproject = path.join(dir, 'pyproject.toml');
    const uri = session.open(path.join(dir, 'app.py'), 'import os\nn = os.cpu_count() * 2\n');
    assert.deepEqual((await session.diagnosticsFor(uri, 1)).map((d) => d.code), ['CL303'], 'analyzed with the defaults');
    for (let version = 2; version <= 4; version++) {
      session.change(uri, version, `import os\nn = os.cpu_count() * ${version}\n`);
      await session.diagnosticsFor(uri, version);
    }
    const warnings = (): { type: number; message: string }[] => session.shown.filter((m) => m.message.includes(pyproject));
    assert.equal(warnings().length, 1, `shown: ${JSON.stringify(session.shown)}\n${session.logs.join('\n')}`);
    assert.equal(warnings()[0].type, 2, 'a warning (MessageType.Warning), not an error');
    assert.equal(warnings()[0].message, `Concurrency Lens: ${pyproject}: cannot read configuration: ${reason}; ignored, as if absent`);
    assert.ok(session.logs.some((line) => line.endsWith(`configuration warning: ${pyproject}: cannot read configuration: ${reason}; ignored, as if absent`)), session.logs.join('\n'));

    // A change of a configuration file: told once more, not on every analysis after it.
    void session.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(pyproject), type: 2 }] });
    for (let version = 5; version <= 7; version++) {
      session.change(uri, version, `import os\nn = os.cpu_count() * ${version}\n`);
      await session.diagnosticsFor(uri, version);
    }
    assert.equal(warnings().length, 2, warnings().map((m) => m.message).join('\n'));
    void session.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }
});

import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodeLens, Diagnostic } from 'vscode-languageserver-protocol';
import { LspSession } from './support/lsp-client';
import { ensureBuilt } from './support/build';
import { CPU_IN_THREADS } from './support/samples';

// Bad input on the language server's side: imports of files that are not regular files, and an
// open document too large to analyze. The server must keep answering, stay bounded in memory, and
// say what it skipped once rather than on every keystroke.

const canMakeFifo = process.platform !== 'win32';
const MB = 1024 * 1024;

before(() => ensureBuilt('dist/server.js'));

let session: LspSession;
before(async () => {
  session = await LspSession.start();
});
after(() => session.stop());

/** Fails with `what` when the promise takes longer than `ms`, rather than hanging the suite. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** A new folder inside the session's workspace, so its files resolve imports of each other. */
let counter = 0;
function folder(): string {
  const dir = path.join(session.workspace, `case${counter++}`);
  fs.mkdirSync(dir);
  return dir;
}

test('imports of a FIFO, a link to /dev/zero and a link to a folder: the server answers and stays bounded', { skip: !canMakeFifo, timeout: 60_000 }, async () => {
  const dir = folder();
  execFileSync('mkfifo', [path.join(dir, 'pipe.py')]);
  fs.symlinkSync('/dev/zero', path.join(dir, 'zero.py'));
  fs.symlinkSync(dir, path.join(dir, 'folder.py'));
  // The imported names run as tasks, so the analysis resolves (reads) the modules they come from.
  const uses = 'from zero import x\nfrom pipe import y\nfrom folder import z\n\n\ndef run_all():\n    with ThreadPoolExecutor() as ex:\n        return list(ex.map(x, [1])) + list(ex.map(y, [1])) + list(ex.map(z, [1]))\n';
  const text = `${CPU_IN_THREADS}\n\n${uses}`;
  const uri = session.open(path.join(dir, 'main.py'), text);
  // Reading /dev/zero without a bound took gigabytes in seconds; the FIFO blocked the server.
  const diagnostics = await session.diagnosticsFor(uri, 1);
  assert.deepEqual(diagnostics.map((d) => d.code), ['CL101'], 'the file itself is still analyzed');
  const hover = await within(10_000, 'hover', session.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 6 } }));
  assert.ok(hover, 'the server still answers requests');
  const peak = session.peakRssBytes();
  if (peak !== null) assert.ok(peak < 512 * MB, `peak RSS ${Math.round(peak / MB)} MB`);
});

test('an open document over the size limit is skipped before any parse, and logged once', { timeout: 120_000 }, async () => {
  const dir = folder();
  const big = path.join(dir, 'big.py');
  // Valid Python with a benchmarkable task function and a CPU-bound `work`, past 8 MB of comments.
  const head = `${CPU_IN_THREADS}\n\ndef work(n):\n    total = 0\n    for i in range(n):\n        total += i * i\n    return total\n`;
  const filler = `# ${'filler '.repeat(30)}\n`;
  const bigText = (tag: number): string => `${head}# edit ${tag}\n${filler.repeat(Math.ceil((9 * MB) / filler.length))}`;
  const bigUri = session.open(big, bigText(0));
  // One Information diagnostic says it was not analyzed: no findings must not read as "no problems".
  const notAnalyzed = (diagnostics: Diagnostic[]): [number | undefined, string][] => diagnostics.map((d) => [d.severity, d.message.replace(/\(.*\)/, '(…)')]);
  const tooLarge: [number, string][] = [[3, 'Concurrency Lens did not analyze this file: file is too large to analyze (…)']];
  assert.deepEqual(notAnalyzed(await session.diagnosticsFor(bigUri, 1)), tooLarge);
  for (let version = 2; version <= 4; version++) {
    session.change(bigUri, version, bigText(version));
    assert.deepEqual(notAnalyzed(await session.diagnosticsFor(bigUri, version)), tooLarge);
  }

  // Lenses and hovers would parse the whole text: they answer nothing instead.
  const lenses = (await within(20_000, 'codeLens', session.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: bigUri } }))) as CodeLens[];
  assert.deepEqual(lenses, []);
  const hover = await within(20_000, 'hover', session.connection.sendRequest('textDocument/hover', { textDocument: { uri: bigUri }, position: { line: 3, character: 6 } }));
  assert.equal(hover, null);

  // Another file importing it does not parse it either: `work` stays unknown, so no CL101.
  const user = `from concurrent.futures import ThreadPoolExecutor\nfrom big import work\n\n\ndef main():\n    with ThreadPoolExecutor() as ex:\n        return list(ex.map(work, [10**6]))\n`;
  const userUri = session.open(path.join(dir, 'user.py'), user);
  assert.deepEqual((await session.diagnosticsFor(userUri, 1)).map((d) => d.code), []);

  const skips = session.logs.filter((line) => line.includes('big.py: skipped (file is too large to analyze'));
  assert.equal(skips.length, 1, skips.join('\n'));

  // Under the limit again, it is analyzed as usual.
  session.change(bigUri, 5, head);
  assert.deepEqual((await session.diagnosticsFor(bigUri, 5)).map((d) => d.code), ['CL101']);
  void session.connection.sendNotification('textDocument/didClose', { textDocument: { uri: bigUri } });
  void session.connection.sendNotification('textDocument/didClose', { textDocument: { uri: userUri } });
});

test('a JS file too deeply nested to parse says it was not analyzed, with showSyntaxErrors off', { timeout: 120_000 }, async () => {
  assert.equal((session.settings as { showSyntaxErrors?: boolean }).showSyntaxErrors ?? false, false, 'the default: syntax errors hidden');
  const dir = folder();
  const depth = 10_000;
  const deep = `const nested = ${'['.repeat(depth)}${']'.repeat(depth)};\n`;
  const uri = session.open(path.join(dir, 'deep.js'), deep, 'javascript');
  const diagnostics = await session.diagnosticsFor(uri, 1);
  assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
  assert.equal(diagnostics[0].severity, 3, 'Information: not a problem of the code');
  assert.equal(diagnostics[0].range.start.line, 0);
  assert.match(diagnostics[0].message, /^Concurrency Lens did not analyze this file: Too deeply nested to analyze/);
  assert.ok(session.logs.some((line) => /deep\.js: skipped \(Too deeply nested to analyze/.test(line)), session.logs.join('\n'));

  // A syntax error is still not shown (Concurrency Lens leaves it to the language's own server).
  session.change(uri, 2, 'const broken = [;\n');
  assert.deepEqual(await session.diagnosticsFor(uri, 2), []);
  void session.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
});

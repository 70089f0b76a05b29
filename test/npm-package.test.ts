import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import type { InitializeResult, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { ensureBuilt } from './support/build';

// The npm package of the CLI and the language server (scripts/pack-cli.mjs): packed from the
// built dist/, installed from its tarball into an empty folder with an empty npm cache and
// --offline (so it can need nothing from a registry), then run as a user runs it, through the
// bins npm links into node_modules/.bin.

const ROOT = path.join(__dirname, '..');
const temp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'clens-npm-')));
after(() => fs.rmSync(temp, { recursive: true, force: true }));

const project = path.join(temp, 'project');
const bin = (name: string): string => path.join(project, 'node_modules', '.bin', name);
let tarball = '';

function run(command: string, args: string[], cwd: string, input?: string) {
  return spawnSync(command, args, { cwd, encoding: 'utf8', input, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
}

before(() => {
  ensureBuilt('dist/cli.js', 'dist/lint-worker.js', 'dist/server.js', 'dist/server-worker.js', 'dist/eslint-plugin.js');
  const pack = run(process.execPath, ['scripts/pack-cli.mjs', '--no-build', '--out', path.join(temp, 'pack')], ROOT);
  assert.equal(pack.status, 0, `pack-cli failed:\n${pack.stderr}`);
  tarball = pack.stdout.trim().split('\n').pop()!;
  assert.ok(fs.existsSync(tarball), `no tarball at ${tarball}`);

  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), '{ "name": "user-project", "private": true }\n');
  const install = run(
    'npm',
    ['install', '--offline', '--cache', path.join(temp, 'empty-cache'), '--no-audit', '--no-fund', '--no-update-notifier', tarball],
    project,
  );
  assert.equal(install.status, 0, `npm install of the tarball failed:\n${install.stdout}\n${install.stderr}`);
});

describe('npm package', () => {
  test('ships the bundles, the wasm, the harnesses and the rule pages, and nothing else', () => {
    const installed = path.join(project, 'node_modules', 'concurrency-lens');
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else files.push(path.relative(installed, full).split(path.sep).join('/'));
      }
    };
    walk(installed);
    for (const needed of ['dist/cli.js', 'dist/lint-worker.js', 'dist/server.js', 'dist/server-worker.js', 'dist/typescript-estree.js', 'dist/typescript.js', 'dist/tree-sitter.wasm', 'dist/tree-sitter-python.wasm', 'dist/harness/python_harness.py', 'dist/harness/node-harness.js', 'dist/eslint-plugin.js', 'docs/rules/CL201.md', 'LICENSE', 'README.md', 'package.json']) {
      assert.ok(files.includes(needed), `${needed} is missing from the package`);
    }
    const unexpected = files.filter((f) => f.endsWith('.map') || /^dist\/(extension|profiling|bench-|webview)/.test(f) || f.startsWith('src/') || f.startsWith('node_modules/'));
    assert.deepEqual(unexpected, []);

    const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
    assert.equal(manifest.dependencies, undefined, 'the bundles carry every dependency');
    assert.equal(manifest.private, undefined);
    assert.equal(manifest.contributes, undefined, 'not the VS Code manifest');
    assert.deepEqual(manifest.bin, { 'concurrency-lens': 'dist/cli.js', 'concurrency-lens-server': 'dist/server.js' });
    // Nothing else was installed beside it.
    assert.deepEqual(fs.readdirSync(path.join(project, 'node_modules')).filter((n) => !n.startsWith('.')), ['concurrency-lens']);
  });

  test('`concurrency-lens check .` reports a CL201 and exits 1; a clean folder exits 0', () => {
    const work = path.join(project, 'app');
    fs.mkdirSync(work);
    fs.writeFileSync(
      path.join(work, 'jobs.py'),
      ['from multiprocessing import Pool', '', 'def square(n):', '    return n * n', '', 'with Pool() as pool:', '    print(pool.map(square, range(100_000)))', ''].join('\n'),
    );
    const text = run(bin('concurrency-lens'), ['check', '.'], work);
    assert.equal(text.status, 1, text.stderr);
    assert.match(text.stdout, /^jobs\.py:6:6: CL201 \[missing-main-guard\] Module-level code creates a process pool/m);

    const json = run(bin('concurrency-lens'), ['check', '--format', 'json', '--select', 'CL201', '.'], work);
    assert.equal(json.status, 1, json.stderr);
    const report = JSON.parse(json.stdout);
    assert.deepEqual(
      report.findings.map((f: { path: string; rule: string; line: number }) => [f.path, f.rule, f.line]),
      [['jobs.py', 'CL201', 6]],
    );

    const clean = path.join(project, 'clean');
    fs.mkdirSync(clean);
    fs.writeFileSync(path.join(clean, 'ok.py'), 'from multiprocessing import Pool\n\nif __name__ == "__main__":\n    with Pool() as pool:\n        print(pool.map(abs, range(100_000)))\n');
    const ok = run(bin('concurrency-lens'), ['check', '.'], clean);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);

    // JS/TS too (the typescript parser is inside the bundle), and the rule pages beside it.
    fs.writeFileSync(path.join(clean, 'sum.js'), 'const x = 1;\n');
    assert.equal(run(bin('concurrency-lens'), ['check', 'sum.js'], clean).status, 0);
    const explain = run(bin('concurrency-lens'), ['explain', 'CL201'], clean);
    assert.equal(explain.status, 0, explain.stderr);
    assert.match(explain.stdout, /^# CL201 missing-main-guard/);
    assert.match(explain.stdout, /## What it flags/);
  });

  test('the ESLint plugin resolves as `concurrency-lens/eslint-plugin` and needs nothing installed beside it', () => {
    const script = "const p = require('concurrency-lens/eslint-plugin'); console.log(JSON.stringify({ name: p.meta.name, rules: Object.keys(p.rules).length, cl407: p.rules['unguarded-shared-buffer'].meta.docs.url, recommended: Object.keys(p.configs.recommended.rules).length }))";
    const result = run(process.execPath, ['-e', script], project);
    assert.equal(result.status, 0, result.stderr);
    const info = JSON.parse(result.stdout);
    assert.equal(info.name, 'concurrency-lens');
    assert.ok(info.rules > 0 && info.rules === info.recommended);
    assert.match(info.cl407, /docs\/rules\/CL407\.md$/);
  });

  test('`concurrency-lens --version` is the package version', () => {
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    const result = run(bin('concurrency-lens'), ['--version'], project);
    assert.equal(result.stdout.trim(), version);
  });

  /**
   * Starts an installed bin as a language server, initializes it and opens app/jobs.py. `bare`: a
   * client with no capabilities and no handlers for the server's requests, as the simplest editors.
   */
  async function serverDiagnostics(command: string, args: string[], bare: boolean): Promise<PublishDiagnosticsParams> {
    const child = spawn(bin(command), args, { cwd: project, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const published: PublishDiagnosticsParams[] = [];
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => published.push(p));
    if (!bare) {
      connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
      connection.onRequest('client/registerCapability', () => null);
      connection.onRequest('window/workDoneProgress/create', () => null);
    }
    connection.listen();
    try {
      const workspace = path.join(project, 'app');
      const init = (await connection.sendRequest('initialize', {
        processId: process.pid,
        rootUri: `file://${workspace}`,
        workspaceFolders: [{ uri: `file://${workspace}`, name: 'app' }],
        capabilities: bare ? {} : { workspace: { configuration: true } },
      })) as InitializeResult;
      assert.equal(init.serverInfo?.name, 'concurrency-lens');
      assert.ok(init.capabilities.textDocumentSync, 'document sync');
      assert.ok(init.capabilities.codeActionProvider, 'code actions');
      assert.ok(init.capabilities.hoverProvider, 'hover');
      await connection.sendNotification('initialized', {});

      const uri = `file://${path.join(workspace, 'jobs.py')}`;
      await connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'python', version: 1, text: fs.readFileSync(path.join(workspace, 'jobs.py'), 'utf8') },
      });
      const deadline = Date.now() + 20_000;
      let diagnostics: PublishDiagnosticsParams | undefined;
      while (!(diagnostics = published.find((p) => p.uri === uri && p.diagnostics.length > 0))) {
        assert.ok(Date.now() < deadline, `no diagnostics published; server stderr:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
      const code = await new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));
      assert.equal(code, 0, stderr);
      return diagnostics;
    } finally {
      connection.dispose();
      child.kill();
    }
  }

  test('`concurrency-lens-server --stdio` answers initialize and publishes a CL201', async () => {
    const diagnostics = await serverDiagnostics('concurrency-lens-server', ['--stdio'], false);
    const cl201 = diagnostics.diagnostics.find((d) => d.code === 'CL201');
    assert.ok(cl201, JSON.stringify(diagnostics.diagnostics));
    assert.equal(cl201.range.start.line, 5);
    // The docs link is the rule page installed with the package.
    const installedDoc = path.join(project, 'node_modules', 'concurrency-lens', 'docs', 'rules', 'CL201.md');
    assert.equal(cl201.codeDescription?.href, `file://${installedDoc}`);
  });

  test('`concurrency-lens server --stdio` is the same server, for a client that sends no configuration at all', async () => {
    const diagnostics = await serverDiagnostics('concurrency-lens', ['server', '--stdio'], true);
    const cl201 = diagnostics.diagnostics.find((d) => d.code === 'CL201');
    assert.equal(cl201?.range.start.line, 5, JSON.stringify(diagnostics.diagnostics));
    assert.doesNotMatch(cl201.message, /\[missing-main-guard\]/);
  });
});

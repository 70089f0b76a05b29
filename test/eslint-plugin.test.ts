import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ESLint, RuleTester, type Rule } from 'eslint';
import { allRules, docsUrl } from '../src/analysis';
import { ensureBuilt } from './support/build';

// The ESLint plugin (src/eslint-plugin/index.ts) as it ships: the built dist/eslint-plugin.js,
// loaded by ESLint 9 with flat config. Its findings must be the CLI's, rule for rule.

const ROOT = path.join(__dirname, '..');

interface Plugin {
  meta: { name: string; version: string };
  rules: Record<string, Rule.RuleModule>;
  configs: { recommended: { rules: Record<string, string> } };
  ruleNames: Record<string, string>;
}
// Loaded when the file loads: RuleTester defines its tests while the suite is collected.
ensureBuilt('dist/eslint-plugin.js', 'dist/cli.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const plugin = require(path.join(ROOT, 'dist', 'eslint-plugin.js')) as Plugin;

// node:test runs RuleTester's cases as nested tests.
RuleTester.describe = describe;
RuleTester.it = test;
RuleTester.itOnly = test.only;

describe('ESLint plugin', () => {
  test('one rule per JS/TS rule of the catalogue, named after it, with its docs page', () => {
    const js = allRules().filter((m) => m.languages.includes('javascript'));
    assert.deepEqual(Object.keys(plugin.rules).sort(), js.map((m) => m.name).sort());
    for (const meta of js) {
      const rule = plugin.rules[meta.name];
      assert.equal(rule.meta?.docs?.url, docsUrl(meta.code));
      assert.match(rule.meta?.docs?.description ?? '', new RegExp(`^${meta.code}: `));
      assert.equal(plugin.ruleNames[meta.code], `concurrency-lens/${meta.name}`);
      assert.equal(plugin.configs.recommended.rules[`concurrency-lens/${meta.name}`], meta.defaultSeverity === 'error' ? 'error' : 'warn');
    }
    assert.ok(!('missing-main-guard' in plugin.rules), 'Python-only rules are not ESLint rules');
  });

  // RuleTester: CL407 reports the engine message and applies its safe fix.
  describe('RuleTester', () => {
    new RuleTester({ languageOptions: { ecmaVersion: 2022, sourceType: 'module' } }).run('unguarded-shared-buffer', plugin.rules['unguarded-shared-buffer'], {
      valid: [
        {
          filename: path.join(ROOT, 'virtual', 'atomic.mjs'),
          code: [
            "import { Worker, isMainThread, workerData } from 'node:worker_threads';",
            'if (isMainThread) {',
            '  new Worker(new URL(import.meta.url), { workerData: new SharedArrayBuffer(4) });',
            '} else {',
            '  const counter = new Int32Array(workerData);',
            '  Atomics.add(counter, 0, 1);',
            '}',
          ].join('\n'),
        },
      ],
      invalid: [
        {
          filename: path.join(ROOT, 'virtual', 'counter.mjs'),
          code: [
            "import { Worker, isMainThread, workerData } from 'node:worker_threads';",
            'if (isMainThread) {',
            '  new Worker(new URL(import.meta.url), { workerData: new SharedArrayBuffer(4) });',
            '} else {',
            '  const counter = new Int32Array(workerData);',
            '  counter[0]++;',
            '}',
          ].join('\n'),
          output: [
            "import { Worker, isMainThread, workerData } from 'node:worker_threads';",
            'if (isMainThread) {',
            '  new Worker(new URL(import.meta.url), { workerData: new SharedArrayBuffer(4) });',
            '} else {',
            '  const counter = new Int32Array(workerData);',
            '  Atomics.add(counter, 0, 1);',
            '}',
          ].join('\n'),
          errors: [
            {
              message: /^Unsynchronised read-modify-write to `counter\[0\]` in worker code, on memory shared with other threads \(workerData\).*Use `Atomics\.add\(counter, 0, 1\)`\./,
              line: 6,
              column: 3,
              endLine: 6,
              endColumn: 15,
            },
          ],
        },
      ],
    });
  });

  test('a fix that may change behaviour is a suggestion, not a fix', async () => {
    const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: [plugin.configs.recommended as never] });
    const [result] = await eslint.lintFiles(['examples/javascript/server.js']);
    const blocking = result.messages.find((m) => m.ruleId === 'concurrency-lens/blocking-io-on-event-loop');
    assert.ok(blocking, JSON.stringify(result.messages));
    assert.match(blocking.message, /`fs\.readFileSync` blocks the event loop/);
    assert.equal(blocking.fix, undefined);
    assert.equal(blocking.suggestions?.length, 1);
    assert.ok(blocking.suggestions![0].desc.length > 0);
  });

  test('ESLint 9 on examples/javascript with configs.recommended reports what the CLI reports', async () => {
    const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: [plugin.configs.recommended as never] });
    const results = await eslint.lintFiles(['examples/javascript']);
    const fromEslint = results
      .flatMap((r) => r.messages.map((m) => [path.relative(ROOT, r.filePath).split(path.sep).join('/'), m.ruleId, m.line, m.column, m.endLine, m.endColumn]))
      .sort();
    assert.ok(results.every((r) => r.fatalErrorCount === 0));

    const cli = spawnSync(process.execPath, ['dist/cli.js', 'check', '--format', 'json', 'examples/javascript'], { cwd: ROOT, encoding: 'utf8' });
    const report = JSON.parse(cli.stdout) as { findings: { path: string; rule: string; line: number; column: number; endLine: number; endColumn: number }[] };
    const fromCli = report.findings.map((f) => [f.path, plugin.ruleNames[f.rule], f.line, f.column, f.endLine, f.endColumn]).sort();

    assert.ok(fromCli.length >= 3, 'the examples have findings');
    assert.deepEqual(fromEslint, fromCli);
    // The three the README shows: a SharedArrayBuffer counter, blocking I/O and CPU work in a handler.
    assert.deepEqual(
      fromEslint.map((f) => `${f[0]}:${f[2]} ${f[1]}`),
      [
        'examples/javascript/counter.mjs:13 concurrency-lens/unguarded-shared-buffer',
        'examples/javascript/server.js:8 concurrency-lens/blocking-io-on-event-loop',
        'examples/javascript/server.js:9 concurrency-lens/cpu-bound-work-on-event-loop',
      ],
    );
  });

  test('eslint-disable and the engine suppression comments both silence a finding', async () => {
    const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: [plugin.configs.recommended as never] });
    const worker = (line: string) =>
      [
        "import { Worker, isMainThread, workerData } from 'node:worker_threads';",
        'if (isMainThread) {',
        "  new Worker(new URL(import.meta.url), { workerData: new SharedArrayBuffer(4) }).on('error', console.error);",
        '} else {',
        '  const counter = new Int32Array(workerData);',
        line,
        '}',
      ].join('\n');
    for (const line of ['  counter[0]++; // eslint-disable-line concurrency-lens/unguarded-shared-buffer', '  counter[0]++; // clens: ignore[CL407]']) {
      const [result] = await eslint.lintText(worker(line), { filePath: path.join(ROOT, 'virtual', 'quiet.mjs') });
      assert.deepEqual(result.messages, [], line);
    }
  });
});

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

// The suppression-comment injection grammar (syntaxes/suppression.injection.tmLanguage.json), checked
// with vscode-tmgrammar-test against the test/grammar/*.tmtest files (not
// named *.test.ts so that neither tsc nor scripts/run-tests.mjs picks them up). The base Python and
// JS/TS grammars come from the pinned `tm-grammars` package; the injection is registered the way VS
// Code does it, from package.json's contributes.grammars (its injectTo), via the CLI's --config.

const ROOT = resolve(__dirname, '..');
const CLI = join(dirname(require.resolve('vscode-tmgrammar-test/package.json')), 'dist', 'unit.js');
const BASE_GRAMMARS = ['python', 'javascript', 'typescript', 'tsx', 'jsx'].map((name) =>
  require.resolve(`tm-grammars/grammars/${name}.json`),
);
const INJECTION_SCOPE = 'concurrency-lens.suppression.injection';
const CASES = 'test/grammar/*.tmtest';

interface Run {
  status: number | null;
  output: string;
}

function runGrammarTests(configPath: string): Run {
  const args = [CLI, '--config', configPath, ...BASE_GRAMMARS.flatMap((g) => ['-g', g]), CASES];
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function contributedGrammar(): { scopeName: string; path: string; injectTo: string[] } {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const grammar = (pkg.contributes?.grammars ?? []).find((g: { scopeName?: string }) => g.scopeName === INJECTION_SCOPE);
  assert.ok(grammar, `package.json contributes no grammar with scopeName ${INJECTION_SCOPE}`);
  return grammar;
}

test('package.json contributes the injection grammar, injected into Python and JS/TS', () => {
  const contributed = contributedGrammar();
  const path = join(ROOT, contributed.path);
  assert.ok(existsSync(path), `${contributed.path} does not exist`);
  const grammar = JSON.parse(readFileSync(path, 'utf8'));
  assert.equal(grammar.scopeName, INJECTION_SCOPE);
  assert.match(grammar.injectionSelector, /L:comment\.line\.number-sign\.python/);
  assert.match(grammar.injectionSelector, /L:comment\.line\.double-slash\.ts\b/);
  for (const scope of ['source.python', 'source.js', 'source.ts', 'source.tsx', 'source.js.jsx']) {
    assert.ok(contributed.injectTo.includes(scope), `injectTo lacks ${scope}`);
  }
});

test('vscode-tmgrammar-test: suppression comments are highlighted, and only where they are directives', () => {
  const cases = readdirSync(join(ROOT, 'test', 'grammar')).filter((f) => f.endsWith('.tmtest'));
  assert.ok(cases.length >= 3, `expected grammar test files in test/grammar, found ${cases.length}`);
  const run = runGrammarTests(join(ROOT, 'package.json'));
  assert.equal(run.status, 0, `vscode-tmgrammar-test failed:\n${run.output}`);
  for (const file of cases) {
    assert.ok(run.output.includes(`test/grammar/${file} run successfuly`), `${file} was not run:\n${run.output}`);
  }
});

test('vscode-tmgrammar-test fails when the grammar is broken (the check above can fail)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clens-grammar-'));
  try {
    const contributed = contributedGrammar();
    const text = readFileSync(join(ROOT, contributed.path), 'utf8');
    const broken = text.replaceAll('constant.language.rule-code.concurrency-lens', 'constant.language.rule-kode.concurrency-lens');
    assert.notEqual(broken, text);
    writeFileSync(join(dir, 'broken.tmLanguage.json'), broken);
    const config = { contributes: { grammars: [{ ...contributed, path: './broken.tmLanguage.json' }] } };
    writeFileSync(join(dir, 'package.json'), JSON.stringify(config));
    const run = runGrammarTests(join(dir, 'package.json'));
    assert.notEqual(run.status, 0, `a broken grammar passed:\n${run.output}`);
    assert.match(run.output, /constant\.language\.rule-code\.concurrency-lens/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

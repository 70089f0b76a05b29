import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CATALOG, RULE_CODES, docsPath, ruleMeta } from '../src/analysis/catalog';
import { isCheckablePath } from '../src/analysis/languages';
import { docsHeaderLine, docsTitle, withGeneratedTable } from '../src/analysis/catalog-docs';
import { pythonRules } from '../src/analysis/python/rules';
import { jsRules } from '../src/analysis/javascript/rules';

// The rule catalogue (src/analysis/catalog.ts) is the single source of a rule's public facts.
// This test is ESLint's checkRuleFiles for this project: every code has one module per language
// it lists, a docs page whose title and header line are the generated ones with the sections in
// order, positive and negative fixtures, and a README row equal to the generated one.

const ROOT = path.join(__dirname, '..');
const SECTIONS = ['What it flags', 'Why', 'Example (bad)', 'Fix (good)', 'When to ignore it'];
const MODULES = { python: pythonRules, javascript: jsRules } as const;
const FIXTURE_DIR = { python: 'python', javascript: 'javascript' } as const;

test('every catalogue code has exactly one rule module per language it lists, and no module is outside the catalogue', () => {
  for (const code of RULE_CODES) {
    for (const language of ['python', 'javascript'] as const) {
      const modules = MODULES[language].filter((r) => r.meta.code === code);
      const listed = (CATALOG[code].languages as readonly string[]).includes(language);
      assert.equal(modules.length, listed ? 1 : 0, `${code} has ${modules.length} ${language} module(s), catalogue lists ${listed ? 'it' : 'not it'}`);
      for (const module of modules) assert.deepEqual(module.meta, ruleMeta(code), `${code} (${language}) metadata is not the catalogue's`);
    }
  }
  for (const module of [...pythonRules, ...jsRules]) assert.ok(RULE_CODES.includes(module.meta.code as never), `${module.meta.code} is not in the catalogue`);
});

test('every rule page has the generated title and header line and the five sections in order', () => {
  for (const code of RULE_CODES) {
    const file = path.join(ROOT, docsPath(code));
    assert.ok(fs.existsSync(file), `${docsPath(code)} is missing`);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    assert.equal(lines[0], docsTitle(code), `${docsPath(code)}: title (run npm run docs:rules)`);
    assert.equal(lines[2], docsHeaderLine(code), `${docsPath(code)}: header line differs from the catalogue (run npm run docs:rules)`);
    const sections = lines.filter((l) => l.startsWith('## ')).map((l) => l.slice(3));
    assert.deepEqual(sections.slice(0, SECTIONS.length), SECTIONS, `${docsPath(code)}: sections`);
  }
});

test('every rule has a fixture folder per language with a marked (positive) and an unmarked (negative) file', () => {
  const gaps: string[] = [];
  for (const code of RULE_CODES) {
    for (const language of CATALOG[code].languages as readonly ('python' | 'javascript')[]) {
      const dir = path.join(ROOT, 'test', 'fixtures', FIXTURE_DIR[language], code);
      const where = path.relative(ROOT, dir);
      if (!fs.existsSync(dir)) {
        gaps.push(`${where} is missing`);
        continue;
      }
      // Only source files count: a fixture's .snap beside it is not a negative fixture.
      const files = fs.readdirSync(dir).filter((f) => fs.statSync(path.join(dir, f)).isFile() && isCheckablePath(f));
      const marked = files.filter((f) => /expect:\s*CL\d{3}/.test(fs.readFileSync(path.join(dir, f), 'utf8')));
      if (marked.length === 0) gaps.push(`${where} has no file with an expect marker`);
      if (marked.length === files.length) gaps.push(`${where} has no negative (unmarked) file`);
    }
  }
  assert.deepEqual(gaps, []);
});

test('the README rule table is the one generated from the catalogue', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const generated = withGeneratedTable(readme);
  assert.ok(generated !== null, 'README.md lacks the rule-table markers');
  assert.equal(readme, generated, 'README.md rule table differs from the catalogue (run npm run docs:rules)');
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type AnalysisResult, JS_EXTENSIONS, type Language, PYTHON_EXTENSIONS, type Projects, analyze, analyzeNotebook, createProjects, readIpynb } from '../src/analysis';
import { FIXTURES, diskSources, expectedFindings, fixtureCodes, key, listFiles } from './support/fixtures';
import { generalTest, ruleTest } from './support/rule-filter';
import { assertNoOrphanSnapshots, assertSnapshot, formatFindings } from './support/snapshot';

// Every fixture of every language: the findings must be exactly the ones its `expect:` comments
// mark (start line and code); files without markers are negative fixtures and must stay silent.
// Then the whole findings (range, message, related information, fix offered) must match the
// `<fixture>.snap` beside it (see test/support/snapshot.ts). Test names start with the rule codes
// the fixture is about, for `npm run test:rule -- CL402`.

interface LanguageFixtures {
  language: Language;
  root: string;
  extensions: readonly string[];
  /** The language's comment syntax for `expect:`; group 1 lists the codes. */
  marker: RegExp;
  /** Folders the fixture loop leaves out: goldens of the fix tests, files with special tests below. */
  skip: readonly string[];
  /** A fresh project per file, so that no fixture sees facts another file left behind. */
  projects(): Projects;
}

const jsRoot = path.join(FIXTURES, 'javascript');
const jsFiles = listFiles(jsRoot, JS_EXTENSIONS);

const LANGUAGES: readonly LanguageFixtures[] = [
  {
    language: 'python',
    root: path.join(FIXTURES, 'python'),
    extensions: PYTHON_EXTENSIONS,
    marker: /#\s*expect:\s*([A-Z0-9 ,]+)/,
    skip: ['fixes'],
    projects: () => createProjects(diskSources),
  },
  {
    language: 'javascript',
    root: jsRoot,
    extensions: JS_EXTENSIONS,
    marker: /(?:\/\/|\/\*)\s*expect:\s*([A-Z0-9 ,]+)/,
    skip: ['fixes', 'parse-errors'],
    // The whole tree, so files other fixtures start as workers count as worker scripts.
    projects: () => createProjects(diskSources, jsFiles),
  },
];

const inFolder = (file: string, folders: readonly string[]): boolean => folders.some((d) => file.includes(`${path.sep}${d}${path.sep}`));

async function run(file: string, text: string, projects: Projects): Promise<AnalysisResult> {
  return analyze({ path: file, text }, { sources: diskSources }, projects);
}

const fixtures: string[] = [];
for (const lang of LANGUAGES) {
  for (const file of listFiles(lang.root, lang.extensions).filter((f) => !inFolder(f, lang.skip))) {
    fixtures.push(file);
    const name = path.relative(FIXTURES, file);
    const text = fs.readFileSync(file, 'utf8');
    ruleTest(fixtureCodes(name, text), name, async () => {
      const result = await run(file, text, lang.projects());
      assert.deepEqual(result.parseErrors, [], `${name} must parse`);
      assert.equal(result.skipped, null);
      const actual = result.findings.map((f) => key({ line: f.range.start.line + 1, rule: f.rule })).sort();
      const expected = expectedFindings(text, lang.marker).map(key).sort();
      assert.deepEqual(actual, expected, result.findings.map((f) => `${f.range.start.line + 1}:${f.rule} ${f.message}`).join('\n'));
      assertSnapshot(`${file}.snap`, formatFindings(result.findings, FIXTURES));
    });
  }
}

// Notebook fixtures (python/CL206/*.ipynb): markers sit in the cells' sources, and findings are
// compared by cell (1-based), line in the cell and code.
for (const file of listFiles(path.join(FIXTURES, 'python'), ['.ipynb'])) {
  fixtures.push(file);
  const name = path.relative(FIXTURES, file);
  const text = fs.readFileSync(file, 'utf8');
  ruleTest(fixtureCodes(name, text), name, async () => {
    const read = readIpynb(text);
    assert.ok(read.ok, `${name} must be a notebook`);
    const result = await analyzeNotebook(file, read.notebook.cells, { sources: diskSources }, createProjects(diskSources));
    assert.deepEqual(result.parseErrors, [], `${name} must parse`);
    assert.equal(result.skipped, null);
    const actual = result.findings.map((f) => `${(f.cell ?? -1) + 1}:${f.range.start.line + 1}:${f.rule}`).sort();
    const expected = read.notebook.cells
      .flatMap((cell, index) => (cell.kind === 'code' ? expectedFindings(cell.source, /#\s*expect:\s*([A-Z0-9 ,]+)/).map((e) => `${index + 1}:${e.line}:${e.rule}`) : []))
      .sort();
    assert.deepEqual(actual, expected, result.findings.map((f) => `cell ${(f.cell ?? -1) + 1}:${f.range.start.line + 1}:${f.rule} ${f.message}`).join('\n'));
    assertSnapshot(`${file}.snap`, formatFindings(result.findings, FIXTURES));
  });
}

generalTest('every .snap file sits beside a fixture', () => {
  assertNoOrphanSnapshots(
    LANGUAGES.map((l) => l.root),
    fixtures,
  );
});

// Files with a syntax error mid-file: one clear parse message at the marked line (`// parse-error`
// on the line, or `// parse-error-at: N`), no findings, and no crash.
for (const file of listFiles(path.join(jsRoot, 'parse-errors'), JS_EXTENSIONS)) {
  const name = path.relative(FIXTURES, file);
  generalTest(name, async () => {
    const text = fs.readFileSync(file, 'utf8');
    const result = await run(file, text, createProjects(diskSources, jsFiles));
    assert.equal(result.parseErrors.length, 1, JSON.stringify(result.parseErrors));
    assert.deepEqual(result.findings, []);
    const [problem] = result.parseErrors;
    assert.match(problem.message, /^Syntax error: \S/);
    const at = /parse-error-at:\s*(\d+)/.exec(text)?.[1];
    const marked = text.split('\n').findIndex((l) => /\/\/ parse-error\s*$/.test(l)) + 1;
    assert.equal(problem.range.start.line + 1, at ? Number(at) : marked, problem.message);
  });
}

generalTest('a file that does not parse does not stop the others in the same run', async () => {
  const projects = createProjects(diskSources, jsFiles);
  const broken = listFiles(path.join(jsRoot, 'parse-errors'), JS_EXTENSIONS);
  const good = path.join(jsRoot, 'CL104', 'express-hash.js');
  const results: AnalysisResult[] = [];
  for (const file of [good, ...broken, good]) results.push(await run(file, fs.readFileSync(file, 'utf8'), projects));
  assert.ok(results[0].findings.length > 0);
  assert.deepEqual(results[results.length - 1].findings, results[0].findings);
  for (const r of results.slice(1, -1)) assert.equal(r.parseErrors.length, 1);
});

generalTest('Python and JS/TS files analyze side by side in one run', async () => {
  const projects = createProjects(diskSources, jsFiles);
  const mixed = listFiles(path.join(FIXTURES), ['.py', '.js']).filter((f) => !inFolder(f, ['fixes', 'parse-errors']) && f.includes(`${path.sep}mixed${path.sep}`));
  assert.ok(mixed.some((f) => f.endsWith('.py')) && mixed.some((f) => f.endsWith('.js')), 'mixed fixtures hold both languages');
  for (const file of mixed) {
    const text = fs.readFileSync(file, 'utf8');
    const result = await analyze({ path: file, text }, { sources: diskSources }, projects);
    assert.equal(result.skipped, null);
    assert.equal(result.language, file.endsWith('.py') ? 'python' : 'javascript');
  }
});

generalTest('worker scripts are recognised whichever file is analyzed first', async () => {
  const worker = path.join(jsRoot, 'CL407', 'counter-worker.js');
  const text = fs.readFileSync(worker, 'utf8');
  // No file list: only what the project has seen. Seeing the spawner first makes the worker known.
  const blind = createProjects(diskSources);
  const spawner = path.join(jsRoot, 'CL407', 'counter-main.js');
  await run(spawner, fs.readFileSync(spawner, 'utf8'), blind);
  const first = await run(worker, text, blind);
  const withList = await run(worker, text, createProjects(diskSources, jsFiles));
  assert.deepEqual(first.findings.map((f) => f.rule), withList.findings.map((f) => f.rule));
});

generalTest('language ids pick the parser when the path has no extension', async () => {
  const text = 'const x = <div>{1 as number}</div>;\n';
  const result = await analyze({ path: 'untitled:Untitled-1', text, languageId: 'typescriptreact' });
  assert.equal(result.language, 'javascript');
  assert.deepEqual(result.parseErrors, []);
});

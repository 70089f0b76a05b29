import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type AnalysisResult, JS_EXTENSIONS, type Projects, analyze, createProjects } from '../src/analysis';
import { FIXTURES, diskSources, expectedFindings, key, listFiles } from './support/fixtures';

// Every JS/TS fixture: the findings must be exactly the ones its `// expect:` comments mark. Files
// without markers are negative fixtures and must stay silent. Each file is analyzed with a project
// that knows the whole fixture tree, so files other fixtures start as workers count as worker scripts.

const root = path.join(FIXTURES, 'javascript');
const all = listFiles(root, JS_EXTENSIONS);
const special = (f: string): boolean => [`${path.sep}fixes${path.sep}`, `${path.sep}parse-errors${path.sep}`].some((d) => f.includes(d));

function project(): Projects {
  return createProjects(diskSources, all);
}

async function run(file: string, text: string, projects = project()): Promise<AnalysisResult> {
  return analyze({ path: file, text }, { sources: diskSources }, projects);
}

for (const file of all.filter((f) => !special(f))) {
  const name = path.relative(FIXTURES, file);
  test(name, async () => {
    const text = fs.readFileSync(file, 'utf8');
    const result = await run(file, text);
    assert.deepEqual(result.parseErrors, [], `${name} must parse`);
    assert.equal(result.skipped, null);
    const actual = result.findings.map((f) => key({ line: f.range.start.line + 1, rule: f.rule })).sort();
    const expected = expectedFindings(text).map(key).sort();
    assert.deepEqual(actual, expected, result.findings.map((f) => `${f.range.start.line + 1}:${f.rule} ${f.message}`).join('\n'));
  });
}

// Files with a syntax error mid-file: one clear parse message at the marked line (`// parse-error`
// on the line, or `// parse-error-at: N`), no findings, and no crash.
for (const file of listFiles(path.join(root, 'parse-errors'), JS_EXTENSIONS)) {
  const name = path.relative(FIXTURES, file);
  test(name, async () => {
    const text = fs.readFileSync(file, 'utf8');
    const result = await run(file, text);
    assert.equal(result.parseErrors.length, 1, JSON.stringify(result.parseErrors));
    assert.deepEqual(result.findings, []);
    const [problem] = result.parseErrors;
    assert.match(problem.message, /^Syntax error: \S/);
    const at = /parse-error-at:\s*(\d+)/.exec(text)?.[1];
    const marked = text.split('\n').findIndex((l) => /\/\/ parse-error\s*$/.test(l)) + 1;
    assert.equal(problem.range.start.line + 1, at ? Number(at) : marked, problem.message);
  });
}

test('a file that does not parse does not stop the others in the same run', async () => {
  const projects = project();
  const broken = listFiles(path.join(root, 'parse-errors'), JS_EXTENSIONS);
  const good = path.join(root, 'CL104', 'express-hash.js');
  const results: AnalysisResult[] = [];
  for (const file of [good, ...broken, good]) results.push(await run(file, fs.readFileSync(file, 'utf8'), projects));
  assert.ok(results[0].findings.length > 0);
  assert.deepEqual(results[results.length - 1].findings, results[0].findings);
  for (const r of results.slice(1, -1)) assert.equal(r.parseErrors.length, 1);
});

test('Python and JS/TS files analyze side by side in one run', async () => {
  const projects = project();
  const mixed = listFiles(path.join(FIXTURES), ['.py', '.js']).filter((f) => !special(f) && f.includes(`${path.sep}mixed${path.sep}`));
  assert.ok(mixed.some((f) => f.endsWith('.py')) && mixed.some((f) => f.endsWith('.js')), 'mixed fixtures hold both languages');
  for (const file of mixed) {
    const text = fs.readFileSync(file, 'utf8');
    const result = await analyze({ path: file, text }, { sources: diskSources }, projects);
    assert.equal(result.skipped, null);
    assert.equal(result.language, file.endsWith('.py') ? 'python' : 'javascript');
  }
});

test('worker scripts are recognised whichever file is analyzed first', async () => {
  const worker = path.join(root, 'CL407', 'counter-worker.js');
  const text = fs.readFileSync(worker, 'utf8');
  // No file list: only what the project has seen. Seeing the spawner first makes the worker known.
  const blind = createProjects(diskSources);
  const spawner = path.join(root, 'CL407', 'counter-main.js');
  await run(spawner, fs.readFileSync(spawner, 'utf8'), blind);
  const first = await run(worker, text, blind);
  const withList = await run(worker, text, project());
  assert.deepEqual(first.findings.map((f) => f.rule), withList.findings.map((f) => f.rule));
});

test('language ids pick the parser when the path has no extension', async () => {
  const text = 'const x = <div>{1 as number}</div>;\n';
  const result = await analyze({ path: 'untitled:Untitled-1', text, languageId: 'typescriptreact' });
  assert.equal(result.language, 'javascript');
  assert.deepEqual(result.parseErrors, []);
});

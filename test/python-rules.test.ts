import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, createProjects } from '../src/analysis';
import { FIXTURES, diskSources, expectedFindings, key, listFiles } from './support/fixtures';

// Every Python fixture: the findings must be exactly the ones its `# expect:` comments mark.
// Files without markers are negative fixtures and must stay silent.

const files = listFiles(path.join(FIXTURES, 'python'), ['.py']).filter((f) => !f.includes(`${path.sep}fixes${path.sep}`));

for (const file of files) {
  const name = path.relative(FIXTURES, file);
  test(name, async () => {
    const text = fs.readFileSync(file, 'utf8');
    const result = await analyze({ path: file, text }, { sources: diskSources }, createProjects(diskSources));
    const actual = result.findings.map((f) => key({ line: f.range.start.line + 1, rule: f.rule })).sort();
    const expected = expectedFindings(text).map(key).sort();
    assert.deepEqual(actual, expected, result.findings.map((f) => `${f.range.start.line + 1}:${f.rule} ${f.message}`).join('\n'));
  });
}

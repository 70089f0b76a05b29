import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { isSuppressed, parseSuppressions } from '../src/analysis/core/suppression';

const finding = (rule: string, line: number) => ({ rule, range: { start: { line, column: 0 }, end: { line, column: 1 } } });

test('same-line Python and JS forms, with and without codes', () => {
  const s = parseSuppressions([
    { line: 3, text: '# clens: ignore[CL101, CL202]' },
    { line: 5, text: '# clens: ignore' },
    { line: 7, text: '// clens: ignore[CL407]' },
  ]);
  assert.ok(isSuppressed(finding('CL101', 3), s));
  assert.ok(isSuppressed(finding('CL202', 3), s));
  assert.ok(!isSuppressed(finding('CL301', 3), s));
  assert.ok(isSuppressed(finding('CL999', 5), s));
  assert.ok(isSuppressed(finding('CL407', 7), s));
  assert.ok(!isSuppressed(finding('CL407', 8), s));
});

test('next-line and file-wide JS forms', () => {
  const s = parseSuppressions([
    { line: 0, text: '// clens-ignore-file CL301, CL302' },
    { line: 4, text: '// clens-ignore-next-line CL407' },
  ]);
  assert.ok(isSuppressed(finding('CL407', 5), s));
  assert.ok(!isSuppressed(finding('CL407', 4), s));
  assert.ok(isSuppressed(finding('CL301', 42), s));
  assert.ok(isSuppressed(finding('CL302', 1), s));
  assert.ok(!isSuppressed(finding('CL303', 1), s));
});

test('text that only resembles a directive suppresses nothing', () => {
  const s = parseSuppressions([
    { line: 1, text: '# myclens: ignore' },
    { line: 2, text: '# clens: ignored for now' },
    { line: 3, text: '// clens-ignore-next-liner CL101' },
    { line: 4, text: '# see the clens docs' },
  ]);
  for (const line of [1, 2, 3, 4, 5]) assert.ok(!isSuppressed(finding('CL101', line), s), `line ${line}`);
  assert.equal(s.file, null);
});

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JsProject, analyze, type AnalysisResult, type Finding } from '../src/analysis';
import { applyEdits } from '../src/analysis/apply-edits';
import { FIXTURES, diskSources, listFiles } from './support/fixtures';

// Every fix the analyzer offers on the JS/TS fixtures is applied, the result re-parsed and
// re-analyzed: it must parse no worse, the fixed rule must report fewer findings, and the other
// rules' findings must stay as they were (except those a fix's description warns about, listed here).
const FIX_MAY_INTRODUCE: Record<string, string[]> = {};

const JS_EXTENSIONS = ['.js', '.mjs', '.cjs', '.jsx', '.ts', '.tsx', '.mts', '.cts'];
const root = path.join(FIXTURES, 'javascript');
const all = listFiles(root, JS_EXTENSIONS);
const isGolden = (f: string): boolean => /\.fixed\.[cm]?[jt]sx?$/.test(f);

async function run(file: string, text: string): Promise<AnalysisResult> {
  return analyze({ path: file, text }, { sources: diskSources }, { jsProject: new JsProject(diskSources, all) });
}

function countByRule(findings: Finding[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.rule, (counts.get(f.rule) ?? 0) + 1);
  return counts;
}

for (const file of all.filter((f) => !isGolden(f) && !f.includes(`${path.sep}parse-errors${path.sep}`))) {
  test(`fixes in ${path.relative(FIXTURES, file)}`, async (t) => {
    const text = fs.readFileSync(file, 'utf8');
    const before = await run(file, text);
    const fixable = before.findings.filter((f) => f.fix);
    if (fixable.length === 0) return t.skip('no fixes offered');
    const beforeCounts = countByRule(before.findings);
    for (const finding of fixable) {
      const fixed = applyEdits(text, finding.fix!.edits);
      const where = `${finding.rule} fix at line ${finding.range.start.line + 1} (${finding.fix!.description})`;
      assert.notEqual(fixed, text, `${where} changes nothing`);
      const after = await run(file, fixed);
      assert.ok(after.parseErrors.length <= before.parseErrors.length, `${where} breaks the syntax: ${after.parseErrors[0]?.message}\n${fixed}`);
      const afterCounts = countByRule(after.findings);
      assert.ok((afterCounts.get(finding.rule) ?? 0) < (beforeCounts.get(finding.rule) ?? 0), `${where} leaves the finding:\n${fixed}`);
      const allowed = new Set([finding.rule, ...(FIX_MAY_INTRODUCE[finding.rule] ?? [])]);
      for (const rule of new Set([...beforeCounts.keys(), ...afterCounts.keys()])) {
        if (allowed.has(rule)) continue;
        assert.equal(afterCounts.get(rule) ?? 0, beforeCounts.get(rule) ?? 0, `${where} changes ${rule} findings:\n${fixed}`);
      }
    }
  });
}

// Golden fixes: fixes/NAME.js with every fix of the rules named in its first line (`// fix: CL407`)
// applied must equal fixes/NAME.fixed.js exactly.
for (const file of listFiles(path.join(root, 'fixes'), JS_EXTENSIONS).filter((f) => !isGolden(f))) {
  test(`golden ${path.relative(FIXTURES, file)}`, async () => {
    const text = fs.readFileSync(file, 'utf8');
    const rules = (/^\/\/\s*fix:\s*([A-Z0-9, ]+)/.exec(text)?.[1] ?? '').split(/[\s,]+/).filter(Boolean);
    assert.ok(rules.length > 0, 'first line must name the rules: // fix: CL407');
    let current = text;
    // Apply one fix at a time, re-analyzing in between, as an editor user would.
    for (let round = 0; round < 20; round++) {
      const result = await run(file, current);
      assert.deepEqual(result.parseErrors, [], `round ${round} does not parse:\n${current}`);
      const next = result.findings.find((f) => rules.includes(f.rule) && f.fix);
      if (!next) break;
      current = applyEdits(current, next.fix!.edits);
    }
    const ext = path.extname(file);
    const expected = fs.readFileSync(file.slice(0, -ext.length) + '.fixed' + ext, 'utf8');
    assert.equal(current, expected);
  });
}

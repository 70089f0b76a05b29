import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AnalysisResult, Finding } from '../../src/analysis';
import { applyEdits } from '../../src/analysis/core/apply-edits';
import { FIXTURES, fixtureCodes } from './fixtures';
import { ruleTest } from './rule-filter';

// The fix tests of both languages. Every fix the analyzer offers on a fixture is applied, the
// result re-parsed and re-analyzed: it must parse no worse, the fixed rule must report fewer
// findings, and the other rules' findings must stay as they were (except those a fix's
// description warns about: `mayIntroduce`). Golden files: every fix of the rules named on the
// first line (`# fix: CL101`, `// fix: CL407`), applied one at a time as an editor user would,
// must give the `.fixed` file exactly, parsing cleanly at every step. Test names start with the
// rules a test exercises (folder, `expect:` and `fix:` markers), so `npm run test:rule -- CL407`
// finds the goldens named by scenario too.

export interface FixTestOptions {
  fixtures: readonly string[];
  goldens: readonly string[];
  run(file: string, text: string): Promise<AnalysisResult>;
  mayIntroduce: Readonly<Record<string, readonly string[]>>;
  /** Matches the golden file's first line; group 1 lists the rules. */
  marker: RegExp;
  goldenOf(file: string): string;
}

function countByRule(findings: readonly Finding[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.rule, (counts.get(f.rule) ?? 0) + 1);
  return counts;
}

export function defineFixTests(options: FixTestOptions): void {
  for (const file of options.fixtures) {
    const name = path.relative(FIXTURES, file);
    const text = fs.readFileSync(file, 'utf8');
    ruleTest(fixtureCodes(name, text), `fixes in ${name}`, async (t) => {
      const before = await options.run(file, text);
      const fixable = before.findings.filter((f) => f.fix);
      if (fixable.length === 0) return t.skip('no fixes offered');
      const beforeCounts = countByRule(before.findings);
      for (const finding of fixable) {
        const fixed = applyEdits(text, finding.fix!.edits);
        const where = `${finding.rule} fix at line ${finding.range.start.line + 1} (${finding.fix!.description})`;
        assert.notEqual(fixed, text, `${where} changes nothing`);
        const after = await options.run(file, fixed);
        assert.ok(after.parseErrors.length <= before.parseErrors.length, `${where} breaks the syntax: ${after.parseErrors[0]?.message}\n${fixed}`);
        const afterCounts = countByRule(after.findings);
        assert.ok((afterCounts.get(finding.rule) ?? 0) < (beforeCounts.get(finding.rule) ?? 0), `${where} leaves the finding:\n${fixed}`);
        const allowed = new Set([finding.rule, ...(options.mayIntroduce[finding.rule] ?? [])]);
        for (const rule of new Set([...beforeCounts.keys(), ...afterCounts.keys()])) {
          if (allowed.has(rule)) continue;
          assert.equal(afterCounts.get(rule) ?? 0, beforeCounts.get(rule) ?? 0, `${where} changes ${rule} findings:\n${fixed}`);
        }
      }
    });
  }

  for (const file of options.goldens) {
    const name = path.relative(FIXTURES, file);
    const text = fs.readFileSync(file, 'utf8');
    ruleTest(fixtureCodes(name, text), `golden ${name}`, async () => {
      const rules = (options.marker.exec(text)?.[1] ?? '').split(/[\s,]+/).filter(Boolean);
      assert.ok(rules.length > 0, `the first line must name the rules (${options.marker})`);
      let current = text;
      for (let round = 0; round < 20; round++) {
        const result = await options.run(file, current);
        assert.deepEqual(result.parseErrors, [], `round ${round} does not parse:\n${current}`);
        const next = result.findings.find((f) => rules.includes(f.rule) && f.fix);
        if (!next) break;
        current = applyEdits(current, next.fix!.edits);
      }
      assert.equal(current, fs.readFileSync(options.goldenOf(file), 'utf8'));
    });
  }
}

import { test, type TestContext } from 'node:test';

// The fast loop for one rule: `npm run test:rule -- CL402` (scripts/run-tests.mjs) sets
// CL_TEST_RULES=CL402 and only the tests tagged with a matching code are defined. An own filter
// rather than `--test-name-pattern`: node 20 lists every test that pattern leaves out as skipped,
// hundreds of lines that bury the few that ran. A code matches as a prefix, as in `select`
// (`CL40` runs CL401–CL408).

type TestBody = (t: TestContext) => void | Promise<void>;

const filter = (process.env.CL_TEST_RULES ?? '')
  .split(/[\s,]+/)
  .map((code) => code.trim().toUpperCase())
  .filter(Boolean);

function wanted(codes: readonly string[]): boolean {
  return filter.length === 0 || codes.some((code) => filter.some((prefix) => code.startsWith(prefix)));
}

/** A test about rules: named `CL402 python/CL402/positive.py` (codes first), defined when the filter allows. */
export function ruleTest(codes: readonly string[], title: string, body: TestBody): void {
  if (!wanted(codes)) return;
  test(codes.length > 0 ? `${codes.join(' ')} ${title}` : title, body);
}

/** A test of no rule in particular (parse errors, projects): only in full runs, not in a one-rule loop. */
export function generalTest(name: string, body: TestBody): void {
  if (filter.length === 0) test(name, body);
}

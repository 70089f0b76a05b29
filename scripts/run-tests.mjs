// Runs test/**/*.test.ts with node's test runner (Node 20 does not expand globs itself).
//
//   node scripts/run-tests.mjs                  every unit test
//   node scripts/run-tests.mjs cli config       the test files whose path contains `cli` or `config`
//   node scripts/run-tests.mjs --rules          the fixture and fix tests of every rule
//   node scripts/run-tests.mjs --rule CL402 …   only the fixture and fix tests of these rules
//
// Nothing is built or type-checked first (`npm test` does that): tsx runs the sources directly.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// The fixture tests of both languages and the fix tests of both (test/support/fix-tests.ts).
const RULE_TEST_FILES = ['rules.test.ts', 'python-fixes.test.ts', 'javascript-fixes.test.ts'].map((f) => join('test', f));

function usage(message) {
  console.error(`run-tests: ${message}`);
  console.error('usage: node scripts/run-tests.mjs [file filter…] | --rules | --rule CL402 [CL1…]');
  process.exit(2);
}

function walk(dir, keep, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (keep(full, true)) walk(full, keep, out);
    } else if (keep(full, false)) out.push(full);
  }
  return out;
}

const args = process.argv.slice(2);
const mode = args[0] === '--rule' || args[0] === '--rules' ? args.shift() : null;
const unknown = args.find((a) => a.startsWith('--'));
if (unknown) usage(`unknown option ${unknown}`);

const env = { ...process.env };
let selected;
if (mode === null) {
  const files = walk('test', (full, isDir) => (isDir ? !/[\\/](fixtures|e2e)$/.test(full) : full.endsWith('.test.ts')));
  selected = args.length > 0 ? files.filter((f) => args.some((o) => f.includes(o))) : files;
  // An empty list would make `node --test` fall back to its own discovery and run every .js/.mjs
  // under test/, e2e drivers and fixtures included.
  if (selected.length === 0) usage(`no test file matches ${args.join(', ')}`);
} else if (mode === '--rules') {
  if (args.length > 0) usage('--rules takes no arguments (use --rule CL402 for one rule)');
  selected = RULE_TEST_FILES;
} else {
  const codes = args.flatMap((a) => a.split(',')).map((c) => c.trim().toUpperCase()).filter(Boolean);
  if (codes.length === 0) usage('--rule needs a rule code, e.g. npm run test:rule -- CL402');
  const malformed = codes.find((c) => !/^CL\d{1,3}$/.test(c));
  if (malformed) usage(`${malformed} is not a rule code or prefix (CL402, CL4)`);
  // The tests name themselves by the codes of their fixture's folder, `expect:` markers and
  // first-line `fix:` marker (fixtureCodes in test/support/fixtures.ts, read the same way here): a
  // code none of them carries would run nothing and pass.
  const tagged = new Set();
  for (const root of ['python', 'javascript']) {
    for (const file of walk(join('test', 'fixtures', root), (f, isDir) => isDir || !f.endsWith('.snap'))) {
      for (const segment of file.split(/[\\/]/)) if (/^CL\d{3}$/.test(segment)) tagged.add(segment);
      const text = readFileSync(file, 'utf8');
      const lists = [/^(?:#|\/\/)\s*fix:\s*([A-Z0-9, ]+)/.exec(text)?.[1] ?? ''];
      for (const line of text.split('\n')) lists.push(/(?:#|\/\/|\/\*)\s*expect:\s*([A-Z0-9 ,]+)/.exec(line)?.[1] ?? '');
      for (const code of lists.flatMap((l) => l.split(/[\s,]+/))) if (/^CL\d{3}$/.test(code)) tagged.add(code);
    }
  }
  const missing = codes.filter((c) => ![...tagged].some((t) => t.startsWith(c)));
  if (missing.length > 0) usage(`no fixture is tagged ${missing.join(', ')} (folder, expect: or fix: marker): nothing to run`);
  env.CL_TEST_RULES = codes.join(',');
  selected = RULE_TEST_FILES;
}

const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...[...selected].sort()], {
  stdio: 'inherit',
  env,
});
process.exit(result.status ?? 1);

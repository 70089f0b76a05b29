import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type AnalyzeOptions, analyze, testProfileSeverities } from '../src/analysis';
import { isSuppressed, parseSuppressions } from '../src/analysis/core/suppression';
import { ConfigResolver } from '../src/workspace/config';
import { ruleTest } from './support/rule-filter';

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

// CL900 (docs/rules/CL900.md): what counts as an unused suppression, beyond the fixtures. A rule
// that is off for the file still runs for the suppressions that name it, so a suppression is
// reported only when it would suppress nothing in any configuration.

const POOL = `from multiprocessing import Pool


def compute(n):
    return sum(i * i for i in range(n))


def run(values):
    with Pool(8) as pool:  # clens: ignore[CL301]
        return pool.map(compute, values)


def sized(values):
    with Pool(processes=None) as pool:  # clens: ignore[CL301]
        return pool.map(compute, values)
`;

const unusedLines = async (text: string, options: AnalyzeOptions = {}, file = 'app.py'): Promise<number[]> => {
  const result = await analyze({ path: file, text }, options);
  return result.findings.filter((f) => f.rule === 'CL900').map((f) => f.range.start.line + 1);
};

ruleTest(['CL900'], 'a suppression of a rule that is off here is unused only if the rule would not report there either', async () => {
  assert.deepEqual(await unusedLines(POOL), [14]);
  for (const options of [{ ignore: ['CL301'] }, { severity: { CL301: 'off' as const } }, { select: ['CL9'] }, { severity: testProfileSeverities() }]) {
    assert.deepEqual(await unusedLines(POOL, options), [14], JSON.stringify(options));
    const result = await analyze({ path: 'app.py', text: POOL }, options);
    assert.ok(!result.findings.some((f) => f.rule === 'CL301'), 'the rule that is off still reports nothing');
  }
});

const THREADS = `from concurrent.futures import ThreadPoolExecutor


def compute(n):
    return sum(i * i for i in range(n))


def run():
    with ThreadPoolExecutor() as ex:
        return list(ex.map(compute, [10**6] * 4))  # clens: ignore[CL101]
`;

ruleTest(['CL900'], 'the test profile, through the project configuration, keeps a needed suppression in a test file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clens-cl900-'));
  try {
    fs.writeFileSync(path.join(dir, 'concurrency-lens.json'), '{}');
    const file = path.join(dir, 'tests', 'helpers.py');
    const options = new ConfigResolver(undefined, dir).configFor(file).optionsFor(file);
    assert.equal(options.severity?.CL101, 'off', 'CL101 is off in test files');
    assert.deepEqual(await unusedLines(THREADS, options, file), []);
    assert.deepEqual(await unusedLines(THREADS.replace('10**6', '1').replace('compute,', 'len,'), options, file), [10], 'CL101 would not report here');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

ruleTest(['CL900'], 'no CL900 while the file has a syntax error, when CL900 is off, or where a directive names CL900', async () => {
  const broken = POOL.replace('return sum(i * i for i in range(n))', 'return sum(i * i for i in range(n)');
  assert.ok((await analyze({ path: 'app.py', text: broken })).parseErrors.length > 0);
  assert.deepEqual(await unusedLines(broken), []);
  assert.deepEqual(await unusedLines(POOL, { ignore: ['CL900'] }), []);
  assert.deepEqual(await unusedLines(`# clens: ignore-file[CL900]\n${POOL}`), []);
  // A directive without codes covers every rule but CL900: it would hide that it suppresses nothing.
  assert.deepEqual(await unusedLines(`# clens: ignore-file\n${POOL}`), [15]);
  assert.deepEqual(await unusedLines(`# clens: ignore-file\n${THREADS.replace('compute,', 'len,')}`), [1, 11]);
  assert.deepEqual(await unusedLines('x = 1  # clens: ignore\n'), [1]);
});

ruleTest(['CL900'], 'a suppressed finding stays suppressed, and every directive that covers it counts as used', async () => {
  const text = `# clens: ignore-file[CL301]\n${POOL.replace('processes=None', 'processes=4')}`;
  const result = await analyze({ path: 'app.py', text });
  assert.deepEqual(result.findings.map((f) => f.rule), []);
});

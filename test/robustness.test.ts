import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyze } from '../src/analysis';

// Bad input gets a clear message and never a crash: syntax errors, empty, huge and binary files,
// deep nesting and long call chains.

const CPU_TASK = `
def compute(n):
    total = 0
    for i in range(n):
        total += i * i
    return total
`;

test('empty file: no findings, no errors', async () => {
  const result = await analyze({ path: 'empty.py', text: '' });
  assert.equal(result.findings.length, 0);
  assert.equal(result.parseErrors.length, 0);
  assert.equal(result.lines, 0);
  assert.equal(result.skipped, null);
});

test('syntax errors: findings in the intact parts still come out', async () => {
  const text = [
    'from concurrent.futures import ThreadPoolExecutor',
    CPU_TASK,
    'def broken(:',
    '    return )',
    '',
    'def run():',
    '    with ThreadPoolExecutor() as ex:',
    '        return list(ex.map(compute, [10**6]))',
    '',
  ].join('\n');
  const result = await analyze({ path: 'broken.py', text });
  assert.ok(result.parseErrors.length > 0, 'the syntax error is reported');
  assert.match(result.parseErrors[0].message, /syntax error/i);
  const line = text.split('\n').findIndex((l) => l.includes('ex.map'));
  assert.deepEqual(
    result.findings.map((f) => [f.rule, f.range.start.line]),
    [['CL101', line]],
  );
});

test('a missing closing parenthesis is reported (tree-sitter inserts a zero-width token)', async () => {
  const result = await analyze({ path: 'missing.py', text: 'def f(:\n    pass\n' });
  assert.deepEqual(result.parseErrors.map((e) => [e.message, e.range.start.line]), [['Syntax error: missing `)`', 0]]);
});

test('an unterminated string at the end does not hide earlier findings', async () => {
  const text = `from concurrent.futures import ThreadPoolExecutor\n${CPU_TASK}\nwith ThreadPoolExecutor() as ex:\n    list(ex.map(compute, [1]))\nx = "unterminated\n`;
  const result = await analyze({ path: 'unterminated.py', text });
  assert.ok(result.parseErrors.length > 0);
  assert.deepEqual(result.findings.map((f) => f.rule), ['CL101']);
});

test('huge (5 MB) file is analyzed without crashing', async () => {
  const block = `${CPU_TASK}\n# ${'filler '.repeat(20)}\n`;
  const site = 'with ThreadPoolExecutor() as ex:\n    list(ex.map(compute, [10**6]))\n';
  let text = 'from concurrent.futures import ThreadPoolExecutor\n';
  while (text.length < 5 * 1024 * 1024) text += block;
  text += site;
  const result = await analyze({ path: 'huge.py', text });
  assert.equal(result.skipped, null);
  assert.ok(result.lines > 50_000);
  assert.deepEqual(result.findings.map((f) => f.rule), ['CL101']);
});

test('a file over the size limit is skipped with a clear reason', async () => {
  const result = await analyze({ path: 'big.py', text: 'x = 1\n'.repeat(1000) }, { maxFileSize: 1000 });
  assert.match(result.skipped ?? '', /too large/);
  assert.equal(result.findings.length, 0);
});

test('binary file is skipped, not parsed', async () => {
  const text = String.fromCharCode(...Array.from({ length: 4096 }, (_, i) => i % 256));
  const result = await analyze({ path: 'blob.py', text });
  assert.equal(result.skipped, 'binary file');
});

test('unsupported extension is skipped', async () => {
  const result = await analyze({ path: 'notes.txt', text: 'hello' });
  assert.match(result.skipped ?? '', /not a Python/);
});

test('deep nesting does not overflow the stack', async () => {
  const inputs = [
    'x = ' + '('.repeat(5000) + '1' + ')'.repeat(5000) + '\n',
    'x = ' + '['.repeat(5000) + ']'.repeat(5000) + '\n',
    Array.from({ length: 500 }, (_, i) => ' '.repeat(i) + 'if x:\n').join('') + ' '.repeat(500) + 'pass\n',
    Array.from({ length: 500 }, (_, i) => ' '.repeat(i) + `def f${i}():\n`).join('') + ' '.repeat(500) + 'pass\n',
    'x = ' + Array.from({ length: 20000 }, (_, i) => `a${i}`).join(' + ') + '\n',
  ];
  for (const text of inputs) {
    const result = await analyze({ path: 'deep.py', text });
    assert.equal(result.skipped, null);
    assert.ok(Array.isArray(result.findings));
  }
});

test('a 5,000-function call chain is not followed to the end (unknown, silent), without crashing', async () => {
  const chain = Array.from({ length: 5000 }, (_, i) => `def f${i}(n):\n    return f${i + 1}(n)\n`).join('');
  const text = `from concurrent.futures import ThreadPoolExecutor\n${chain}def f5000(n):\n    return sum(i*i for i in range(n))\n\ndef main():\n    with ThreadPoolExecutor() as ex:\n        list(ex.map(f0, [1]))\n`;
  const result = await analyze({ path: 'chain.py', text });
  assert.deepEqual(result.findings, []);
});

test('a short call chain is followed: the CPU loop at its end is found', async () => {
  const chain = Array.from({ length: 10 }, (_, i) => `def f${i}(n):\n    return f${i + 1}(n)\n`).join('');
  const text = `from concurrent.futures import ThreadPoolExecutor\n${chain}def f10(n):\n    return sum(i*i for i in range(n))\n\ndef main():\n    with ThreadPoolExecutor() as ex:\n        list(ex.map(f0, [1]))\n`;
  const result = await analyze({ path: 'chain.py', text });
  assert.deepEqual(result.findings.map((f) => f.rule), ['CL101']);
});

test('non-ASCII text: columns are UTF-16 code units', async () => {
  const text = `from concurrent.futures import ThreadPoolExecutor\n${CPU_TASK}\ns = "😀é"; ex = ThreadPoolExecutor(); ex.submit(compute, 10**7).result()\n`;
  const result = await analyze({ path: 'utf16.py', text });
  const finding = result.findings.find((f) => f.rule === 'CL101');
  assert.ok(finding);
  const line = text.split('\n')[finding.range.start.line];
  assert.equal(line.slice(finding.range.start.column, finding.range.end.column), 'ex.submit');
});

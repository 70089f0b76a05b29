import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding, Range } from '../../src/analysis';

// Snapshots of a fixture's findings, ruff-style: `positive.py.snap` beside `positive.py` holds every
// finding as text, so a changed message, column, end or related location fails the test even when
// the `expect:` markers (line and code) still hold. Fixes are checked by the fix tests' goldens;
// here only whether one is offered and what it says. Files with no findings have no snapshot.
//
// UPDATE_SNAPSHOTS=1 writes missing snapshots, rewrites differing ones and deletes those of files
// that became silent; review the result with `git diff test/fixtures`.

const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';

/** 1-based `line:col-endLine:endCol`, as the CLI prints positions. */
function span(range: Range): string {
  return `${range.start.line + 1}:${range.start.column + 1}-${range.end.line + 1}:${range.end.column + 1}`;
}

function where(file: string, root: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

/** Continuation lines of a multi-line message stay inside their finding's block. */
function indent(text: string, prefix: string): string {
  return text.split('\n').join(`\n${prefix}`);
}

/** The findings as snapshot text, ordered by position so the engine's emission order does not matter. */
export function formatFindings(findings: readonly Finding[], root: string): string {
  const sorted = [...findings].sort(
    (a, b) => (a.cell ?? 0) - (b.cell ?? 0) || a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column || a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message),
  );
  const blocks = sorted.map((f) => {
    // Notebook findings: `cell N` (1-based) before the range in that cell.
    const cell = (c: number | undefined): string => (c === undefined ? '' : `cell ${c + 1} `);
    const lines = [`${f.rule} ${cell(f.cell)}${span(f.range)} ${f.severity}`, `  ${indent(f.message, '  ')}`];
    for (const r of f.related) lines.push(`  related ${where(r.path, root)}:${cell(r.cell)}${span(r.range)} ${indent(r.message, '    ')}`);
    if (f.subject) lines.push(`  subject ${f.subject.functionName} ${where(f.subject.path, root)}:${f.subject.line + 1}`);
    lines.push(f.fix ? `  fix (${f.fix.safe ? 'safe' : 'unsafe'}) ${f.fix.description}` : '  no fix');
    return lines.join('\n');
  });
  return blocks.length > 0 ? `${blocks.join('\n\n')}\n` : '';
}

/** A line diff (longest common subsequence; snapshots are short), unchanged runs collapsed. */
export function lineDiff(expected: string, actual: string, context = 2): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const lcs = a.map(() => new Array<number>(b.length + 1).fill(0));
  lcs.push(new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const ops: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push(`  ${a[i]}`);
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push(`- ${a[i++]}`);
    } else {
      ops.push(`+ ${b[j++]}`);
    }
  }
  const near = (k: number): boolean => ops.slice(Math.max(0, k - context), k + context + 1).some((op) => !op.startsWith('  '));
  const out: string[] = [];
  ops.forEach((op, k) => {
    if (near(k)) out.push(op);
    else if (out[out.length - 1] !== '  …') out.push('  …');
  });
  return out.join('\n');
}

/** Compares `actual` with the snapshot file (absent means "no findings"), or updates it under UPDATE_SNAPSHOTS=1. */
export function assertSnapshot(snapFile: string, actual: string): void {
  const stored = fs.existsSync(snapFile) ? fs.readFileSync(snapFile, 'utf8') : null;
  if (stored === actual || (stored === null && actual === '')) return;
  const name = path.basename(snapFile);
  if (UPDATE) {
    if (actual === '') fs.rmSync(snapFile);
    else fs.writeFileSync(snapFile, actual);
    return;
  }
  if (stored === null) assert.fail(`missing snapshot ${name} (run with UPDATE_SNAPSHOTS=1 to write it):\n${actual}`);
  if (actual === '') assert.fail(`${name} is stale: the file has no findings now (UPDATE_SNAPSHOTS=1 deletes it)`);
  assert.fail(`findings differ from ${name} (- snapshot, + now; UPDATE_SNAPSHOTS=1 accepts them):\n${lineDiff(stored, actual)}`);
}

/** A `.snap` whose fixture was renamed or deleted would never be checked again: fail on it (UPDATE_SNAPSHOTS=1 deletes it). */
export function assertNoOrphanSnapshots(roots: readonly string[], fixtures: readonly string[]): void {
  const known = new Set(fixtures.map((f) => `${f}.snap`));
  const orphans = roots.flatMap((root) => fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).map((f) => path.join(root, f))).filter((f) => f.endsWith('.snap') && !known.has(f));
  if (UPDATE) for (const f of orphans) fs.rmSync(f);
  else assert.deepEqual(orphans, [], 'snapshots without a fixture (UPDATE_SNAPSHOTS=1 deletes them)');
}

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyEdits } from '../src/analysis/core/apply-edits';

const at = (line: number, column: number) => ({ line, column });

test('edits apply against the original text, whatever their order', () => {
  const text = 'abc\ndef\n';
  const out = applyEdits(text, [
    { range: { start: at(1, 0), end: at(1, 3) }, text: 'XYZ' },
    { range: { start: at(0, 1), end: at(0, 2) }, text: '' },
  ]);
  assert.equal(out, 'ac\nXYZ\n');
});

test('inserts at the same point keep their array order (LSP semantics)', () => {
  const out = applyEdits('x\n', [
    { range: { start: at(0, 0), end: at(0, 0) }, text: 'A' },
    { range: { start: at(0, 0), end: at(0, 0) }, text: 'B' },
  ]);
  assert.equal(out, 'ABx\n');
});

test('positions past the end clamp to the end of the text', () => {
  assert.equal(applyEdits('x', [{ range: { start: at(5, 0), end: at(5, 0) }, text: '\ny' }]), 'x\ny');
});

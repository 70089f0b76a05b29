import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { DEBOUNCE_MAX_MS, DEBOUNCE_MIN_MS, debounceFor } from '../src/server/debounce';

// The debounce policy (issue 14: keystroke to diagnostic). A pure function of the last analysis
// time and the typing rhythm, so no clock is involved here.

test('an edit after a pause longer than an analysis waits only the minimum', () => {
  assert.equal(debounceFor(120, 150_000, 500), DEBOUNCE_MIN_MS);
  // The first edit since the document was opened.
  assert.equal(debounceFor(120, 150_000, Infinity), DEBOUNCE_MIN_MS);
  // Before any analysis the size stands in for its time: 150,000 characters, about 75 ms.
  assert.equal(debounceFor(undefined, 150_000, 100), DEBOUNCE_MIN_MS);
});

test('an edit within a burst waits about as long as the last analysis took, within the bounds', () => {
  assert.equal(debounceFor(120, 150_000, 80), 120);
  assert.equal(debounceFor(900, 150_000, 300), DEBOUNCE_MAX_MS);
  assert.equal(debounceFor(5, 1_000, 20), DEBOUNCE_MIN_MS);
  assert.equal(debounceFor(undefined, 150_000, 50), 75);
});

test('a re-check not caused by an edit of the document keeps to its last analysis time', () => {
  // An imported file typed in, a setting changed: those come in bursts of another document's edits.
  assert.equal(debounceFor(120, 150_000), 120);
  assert.equal(debounceFor(undefined, 150_000), 75);
  assert.equal(debounceFor(1_000, 150_000), DEBOUNCE_MAX_MS);
});

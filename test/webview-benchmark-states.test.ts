import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResult, CellResult } from '../src/profiling/types';
import { resultHtml } from '../src/profiling/report/html';
import { formatBenchText } from '../src/profiling/report/text';
import { breakEvenText, factsList, verdictSentence } from '../src/profiling/report/format';
import { benchmarkPageHtml, forEditor, goToLabel, panelActions } from '../src/extension/benchmark-page';
import { parseFromWebview } from '../src/protocol/panel';

// The panel's states seen in screenshots: the inconclusive headline, break-even on a run that
// cannot be trusted, and the refusal's Go-to link (page and messages).

const REAL: BenchResult = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'webview', 'bench-result-cpu-python.json'), 'utf8'));

function notRun(mode: CellResult['mode'], workers: number): CellResult {
  const seq = REAL.cells.find((c) => c.mode === 'sequential') as CellResult;
  return { ...seq, mode, workers, status: 'not-run', samplesMs: [], medianMs: null, ci95Ms: null, speedup: null, speedupCi95: null, efficiency: null, karpFlatt: null, error: null };
}

const INCONCLUSIVE: BenchResult = {
  ...REAL,
  settings: { ...REAL.settings, modes: [...REAL.settings.modes, 'interpreters'] },
  cells: [...REAL.cells, notRun('interpreters', 1), notRun('interpreters', 2)],
  verdict: { status: 'inconclusive', reason: 'other programs were using the CPUs.', advice: 'Close them and re-run.', problems: [{ kind: 'busy', message: 'other programs kept 1.4 of 2 CPUs busy' }] },
  breakEven: { mode: 'processes', workers: 2, startupMs: 42, perItemOverheadMs: 0.33, parallelism: 2, minTaskMs: 0.66, minItems: 4, taskMs: 100, summary: 'Here a process pool pays off for calls above 658 µs.' },
};

describe('inconclusive headline', () => {
  test('names only the modes that were run (or failed), not the ones the budget left out', () => {
    assert.ok(INCONCLUSIVE.cells.some((c) => c.mode === 'interpreters'), 'the fixture has a mode that was not run');
    const sentence = verdictSentence(INCONCLUSIVE);
    assert.match(sentence, /^Inconclusive: other programs were using the CPUs/);
    assert.match(sentence, /As measured: threads [\d.]+×, processes [\d.]+×, processes \(spawn\) [\d.]+×\.$/);
    assert.doesNotMatch(sentence, /not run|interpreters/);
  });

  test('a conclusive run still lists every mode, with what happened to it', () => {
    const conclusive = { ...INCONCLUSIVE, verdict: { status: 'conclusive' as const, reason: null, advice: null, problems: [] } };
    assert.match(verdictSentence(conclusive), /interpreters not run/);
  });
});

describe('break-even on a run that cannot be trusted', () => {
  test('carries a caveat in the panel, the text report and the facts', () => {
    assert.equal(breakEvenText({ ...INCONCLUSIVE, verdict: undefined }), 'Here a process pool pays off for calls above 658 µs.');
    const caveat = breakEvenText(INCONCLUSIVE) as string;
    assert.match(caveat, /^Rough, from a run that cannot be trusted: here a process pool pays off .* Re-run on a quiet machine/);
    const html = resultHtml(INCONCLUSIVE, 'Python 3.11');
    assert.match(html, /<section aria-labelledby="break-even-h" class="rough"><h2 id="break-even-h">When a process pool pays off \(rough: this run cannot be trusted\)<\/h2><p id="break-even">⚠ Rough, from a run/);
    assert.match(formatBenchText(INCONCLUSIVE, undefined, '/'), /Break-even: Rough, from a run that cannot be trusted/);
    assert.ok(factsList(INCONCLUSIVE, '').some(([k, v]) => k === 'Break-even' && v.startsWith('Rough')));
    const trusted = resultHtml({ ...INCONCLUSIVE, verdict: { status: 'conclusive', reason: null, advice: null, problems: [] } }, '');
    assert.match(trusted, /<section aria-labelledby="break-even-h"><h2 id="break-even-h">When a process pool pays off<\/h2><p id="break-even">Here a process/);
  });
});

describe('the refusal\'s Go-to link', () => {
  const page = (error: string | null, errorLocation: string | null): string =>
    benchmarkPageHtml({
      cspSource: 'vscode-webview://abc',
      nonce: 'N0nce123',
      scriptUri: 'vscode-webview://abc/dist/webview/benchmark.js',
      styleUri: 'vscode-webview://abc/dist/webview/benchmark.css',
      functionName: 'square',
      fileLabel: 'examples/python/pool_without_guard.py',
      key: { file: '/w/pool_without_guard.py', functionName: 'square' },
      resultHtml: '',
      resultVersion: 0,
      actions: panelActions(null),
      error,
      errorLocation,
    });

  test('a refused run shows the message and a link to the line; other errors no link', () => {
    const refused = page('square() was not benchmarked: <importing> its module does work of its own.', 'pool_without_guard.py:10');
    assert.match(refused, /<div id="error" class="error-banner" role="alert"><span id="error-text">square\(\) was not benchmarked: &lt;importing&gt;/);
    assert.match(refused, /<button type="button" id="error-location" class="link" data-action="open-location">Go to pool_without_guard\.py:10<\/button><\/div>/);
    assert.match(page('boom', null), /<button type="button" id="error-location" class="link" data-action="open-location" hidden>/);
    assert.match(page(null, 'x.py:1'), /id="error-location" class="link" data-action="open-location" hidden/, 'no link without an error');
    assert.equal(goToLabel('app.js:3'), 'Go to app.js:3');
  });

  test('the link\'s message carries no path: the extension opens the location it holds', () => {
    assert.deepEqual(parseFromWebview({ type: 'open-location', path: '/etc/passwd', line: 1 }), { type: 'open-location' });
  });

  test('the browser script sets the link from the error message and sends open-location', () => {
    const script = readFileSync(join(__dirname, '..', 'src', 'webview', 'benchmark', 'main.ts'), 'utf8');
    assert.match(script, /errorLocation\.hidden = !msg\.location/);
    assert.match(script, /errorLocation\.addEventListener\('click', \(\) => vscode\.postMessage\(\{ type: 'open-location' \}\)\)/);
  });
});

test('the refusal in the editor names no CLI command', () => {
  const fix = 'Wrap it in `if __name__ == "__main__":` (the quick fix of CL201, missing-main-guard; `concurrency-lens check --fix` or the editor\'s code action applies it).';
  const shown = forEditor(fix);
  assert.doesNotMatch(shown, /concurrency-lens|--fix/);
  assert.match(shown, /missing-main-guard; the light bulb on the diagnostic applies it\)\.$/);
});

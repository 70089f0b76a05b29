import { singleCellMode } from '../profiling/plan';
import { modeLabel } from '../profiling/recommend';
import { esc } from '../profiling/report/html';
import type { BenchResult, KnobNames } from '../profiling/types';
import type { PanelActions } from '../protocol/panel';

// The benchmark panel's HTML document, under a strict Content Security Policy:
// nothing loads unless listed; the one script runs by nonce; styles come only from the extension's
// own CSS file (webview.cspSource), so even an injected `style` attribute or `<script>` would be
// inert. No remote URL appears anywhere: the page works offline and leaks nothing.

export interface PageOptions {
  /** `webview.cspSource`: the origin VS Code serves the extension's local resources from. */
  cspSource: string;
  /** Fresh per page load: only the script carrying it runs. */
  nonce: string;
  /** `webview.asWebviewUri(dist/webview/benchmark.js)`, as a string. */
  scriptUri: string;
  /** `webview.asWebviewUri(dist/webview/benchmark.css)`, as a string. */
  styleUri: string;
  functionName: string;
  /** The file as the user knows it (workspace-relative when possible). */
  fileLabel: string;
  /** The panel key, read back by the browser script and kept with setState for the serializer. */
  key: { file: string; functionName: string };
  /** The result area's initial content (resultHtml), or '' before the first result. */
  resultHtml: string;
  /** Which result `resultHtml` is (the panel's counter; 0 for none). */
  resultVersion: number;
  actions: PanelActions;
  /** A run in progress when the page is (re)built. */
  running?: { fraction: number; message: string } | null;
  error?: string | null;
  /** The error's code location, as a label ("app.py:10"): a Go-to link under the message. */
  errorLocation?: string | null;
  /** The benchmarked module's language: the page names its modes (Node.js has no "threads vs processes"). */
  language?: 'python' | 'node';
}

/** What the benchmark compares, in the language's own terms. */
export function modesPhrase(language: 'python' | 'node'): string {
  return language === 'python' ? 'sequential, a thread pool and a process pool' : 'the main thread, worker_threads and child_process';
}

/**
 * The engine's knobs as the editor's settings: the advice in a result shown in the editor names
 * these (BenchRequest.knobs), never a command-line flag.
 */
export const EDITOR_KNOBS: KnobNames = {
  maxSeconds: 'the setting concurrencyLens.benchmark.maxSeconds',
  workers: 'the setting concurrencyLens.benchmark.workers',
  timeout: 'the setting concurrencyLens.benchmark.timeoutSeconds',
};

/**
 * Text for the editor: CLI flags that reach it anyway (an error of the harness, a usage message
 * of the engine, a result stored by an older version) are replaced by the settings' names.
 */
export function forEditor(text: string): string {
  return text
    .replace(/--max-seconds\b/g, EDITOR_KNOBS.maxSeconds)
    .replace(/--workers(?: [\d,]+)?\b/g, EDITOR_KNOBS.workers)
    .replace(/--timeout\b/g, EDITOR_KNOBS.timeout)
    .replace(/--modes\b/g, 'the benchmark modes')
    // The pre-flight's fix names both ways to apply it: in the editor, the code action.
    .replace(/`concurrency-lens check --fix` or the editor's code action applies it/g, "the light bulb on the diagnostic applies it");
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource}`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** 32 random alphanumerics; the caller supplies the randomness (Node's crypto in the extension). */
export function makeNonce(randomBytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes.subarray(0, 32), (b) => alphabet[b % alphabet.length]).join('');
}

/**
 * What the apply button offers, and whether export/copy have something to work on. Here, not in
 * the engine: the buttons are the panel's, the engine only reports a result.
 */
export function panelActions(result: BenchResult | null): PanelActions {
  const r = result?.recommendation ?? null;
  if (!result || !r || !applicable(result)) return { hasResult: !!result, canApply: false, applyLabel: 'Apply recommendation' };
  const what = singleCellMode(r.mode) ? modeLabel(r.mode) : `${modeLabel(r.mode)} × ${r.workers}`;
  return { hasResult: true, canApply: true, applyLabel: `Apply recommendation: ${what}` };
}

/**
 * Whether "Apply" has something to do: a trusted result whose winner is an executor family the
 * swap can move the function's task sites to (Python threads or processes). Running inline,
 * sub-interpreters and the Node.js modes have no automated edit.
 */
export function applicable(result: BenchResult): boolean {
  const r = result.recommendation;
  if (!r || result.verdict?.status === 'inconclusive' || result.language !== 'python') return false;
  return r.mode === 'threads' || r.mode === 'processes' || r.mode === 'processes-spawn';
}

/** The Go-to link's text for an error's location label. */
export const goToLabel = (location: string): string => `Go to ${location}`;

/** Attribute text in double quotes: the CSP's single quotes stay readable in the page source. */
const escAttr = (text: string): string => text.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] as string);

export function benchmarkPageHtml(o: PageOptions): string {
  const running = o.running ?? null;
  const fraction = running ? Math.min(1, Math.max(0, Number.isFinite(running.fraction) ? running.fraction : 0)) : 0;
  const disabled = (on: boolean): string => (on ? '' : ' disabled');
  const empty = o.resultHtml
    ? ''
    : `<p class="placeholder" id="placeholder">${running ? 'Measuring…' : `No result yet: run the benchmark to compare ${esc(modesPhrase(o.language ?? 'python'))}.`}</p>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escAttr(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${esc(o.styleUri)}">
<title>Benchmark: ${esc(o.functionName)}</title>
</head>
<body data-key="${esc(JSON.stringify(o.key))}" data-actions="${esc(JSON.stringify(o.actions))}" data-result-version="${o.resultVersion}">
<header class="panel-header">
  <div class="title">
    <h1>Benchmark: <code>${esc(o.functionName)}()</code></h1>
    <p class="file">${esc(o.fileLabel)}</p>
  </div>
  <div class="toolbar" role="toolbar" aria-label="Benchmark actions">
    <button type="button" id="rerun" data-action="rerun"${disabled(!running)}>Re-run</button>
    <button type="button" id="apply" class="primary" data-action="apply"${disabled(o.actions.canApply && !running && !o.error)}${o.actions.canApply && !o.error ? '' : ' hidden'}>${esc(o.actions.applyLabel)}</button>
    <button type="button" id="export-json" class="secondary" data-action="export-json"${disabled(o.actions.hasResult)}>Export JSON</button>
    <button type="button" id="export-csv" class="secondary" data-action="export-csv"${disabled(o.actions.hasResult)}>Export CSV</button>
    <button type="button" id="copy-markdown" class="secondary" data-action="copy-markdown"${disabled(o.actions.hasResult)}>Copy as Markdown</button>
  </div>
</header>
<section id="progress" class="progress"${running ? '' : ' hidden'}>
  <label for="progress-bar" id="progress-message">${esc(running?.message ?? 'Running…')}</label>
  <progress id="progress-bar" max="1" value="${fraction.toFixed(3)}"></progress>
</section>
<div id="error" class="error-banner" role="alert"${o.error ? '' : ' hidden'}><span id="error-text">${esc(o.error ?? '')}</span><button type="button" id="error-location" class="link" data-action="open-location"${o.error && o.errorLocation ? '' : ' hidden'}>${esc(goToLabel(o.errorLocation ?? ''))}</button></div>
<div id="notice" class="visually-hidden" role="status" aria-live="polite"></div>
<main id="result" aria-busy="${running ? 'true' : 'false'}">${o.resultHtml}${empty}</main>
<script nonce="${esc(o.nonce)}" src="${esc(o.scriptUri)}"></script>
</body>
</html>
`;
}

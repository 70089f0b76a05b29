import type { FromWebview, PanelActions, PanelWebviewState, ToWebview } from '../../protocol/panel';

// The benchmark panel's browser script (bundled to dist/webview/benchmark.js, an IIFE loaded by
// nonce). The extension renders the result HTML (see benchmark-messages.ts); this script swaps it
// in, drives the progress bar, forwards button presses, and keeps the panel key in the webview
// state so the serializer can bring the panel back after a window reload.

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: PanelWebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

const byId = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`benchmark panel: #${id} missing`);
  return el as T;
};

const progress = byId<HTMLElement>('progress');
const progressBar = byId<HTMLProgressElement>('progress-bar');
const progressMessage = byId<HTMLElement>('progress-message');
const errorBanner = byId<HTMLElement>('error');
const errorText = byId<HTMLElement>('error-text');
const errorLocation = byId<HTMLButtonElement>('error-location');
const notice = byId<HTMLElement>('notice');
const result = byId<HTMLElement>('result');
const buttons = {
  rerun: byId<HTMLButtonElement>('rerun'),
  apply: byId<HTMLButtonElement>('apply'),
  exportJson: byId<HTMLButtonElement>('export-json'),
  exportCsv: byId<HTMLButtonElement>('export-csv'),
  copyMarkdown: byId<HTMLButtonElement>('copy-markdown'),
};

// The key comes from the page (the extension wrote it); keep it for the serializer.
try {
  const key = JSON.parse(document.body.dataset.key ?? 'null') as PanelWebviewState['key'] | null;
  if (key && typeof key.file === 'string' && typeof key.functionName === 'string') vscode.setState({ key });
} catch {
  // A page without a key cannot be restored after a reload; it still works until then.
}

let running = !progress.hidden;
let resultVersion = Number(document.body.dataset.resultVersion ?? 0) || 0;
let actions: PanelActions = { hasResult: false, canApply: false, applyLabel: 'Apply recommendation' };
try {
  actions = { ...actions, ...(JSON.parse(document.body.dataset.actions ?? '{}') as Partial<PanelActions>) };
} catch {
  // Keep the defaults: every action but re-run stays off until a result arrives.
}

function syncButtons(): void {
  buttons.rerun.disabled = running;
  // Apply only when there is something to apply, and never for a run that was cancelled or failed.
  buttons.apply.disabled = running || !actions.canApply;
  buttons.apply.hidden = !actions.canApply;
  buttons.apply.textContent = actions.applyLabel;
  for (const b of [buttons.exportJson, buttons.exportCsv, buttons.copyMarkdown]) b.disabled = !actions.hasResult;
}

/** Disabling the focused button would drop focus to <body>: move it to the next useful control. */
function keepFocus(): void {
  const active = document.activeElement;
  if (active instanceof HTMLButtonElement && active.disabled) {
    const next = Object.values(buttons).find((b) => !b.disabled);
    (next ?? result).focus();
  }
}

function announce(text: string): void {
  // Clear first so the same text twice is announced twice.
  notice.textContent = '';
  window.setTimeout(() => {
    notice.textContent = text;
  }, 50);
}

function setRunning(fraction: number, message: string): void {
  const first = !running;
  running = true;
  progress.hidden = false;
  progressBar.value = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  progressMessage.textContent = message;
  errorBanner.hidden = true;
  result.setAttribute('aria-busy', 'true');
  document.getElementById('placeholder')?.replaceChildren('Measuring…');
  syncButtons();
  keepFocus();
  if (first) announce('Benchmark running');
}

function stopRunning(): void {
  running = false;
  progress.hidden = true;
  result.setAttribute('aria-busy', 'false');
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const msg = event.data;
  if (!msg || typeof msg !== 'object') return;
  switch (msg.type) {
    case 'running':
      setRunning(msg.fraction, msg.message);
      break;
    case 'result':
      stopRunning();
      errorBanner.hidden = true;
      // Extension-rendered and escaped there (benchmark-render.ts); the CSP keeps any script in it inert.
      result.innerHTML = msg.html;
      resultVersion = msg.version;
      actions = msg.actions;
      syncButtons();
      announce(`Benchmark finished. ${msg.verdict}`);
      break;
    case 'error':
      stopRunning();
      // The result still shown is an earlier run's: nothing of this run to apply.
      actions = { ...actions, canApply: false };
      errorText.textContent = msg.message;
      // The refusal's line: a link the extension answers by opening the file there.
      errorLocation.textContent = msg.location ? `Go to ${msg.location}` : '';
      errorLocation.hidden = !msg.location;
      errorBanner.hidden = false;
      document.getElementById('placeholder')?.replaceChildren('No result.');
      syncButtons();
      keepFocus();
      break;
    case 'idle':
      stopRunning();
      errorBanner.hidden = true;
      syncButtons();
      break;
    case 'notice':
      announce(msg.message);
      break;
  }
});

const send: Record<string, FromWebview> = {
  rerun: { type: 'rerun' },
  apply: { type: 'apply' },
  'export-json': { type: 'export', format: 'json' },
  'export-csv': { type: 'export', format: 'csv' },
  'copy-markdown': { type: 'copy-markdown' },
};
errorLocation.addEventListener('click', () => vscode.postMessage({ type: 'open-location' }));
document.querySelector('.toolbar')?.addEventListener('click', (event) => {
  const button = (event.target as Element | null)?.closest('button');
  const action = button?.dataset.action;
  if (!button || button.disabled || !action || !send[action]) return;
  vscode.postMessage(send[action]);
});

syncButtons();
vscode.postMessage({ type: 'ready', resultVersion });

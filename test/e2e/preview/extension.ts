import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { BenchResult } from '../../../src/profiling/types';
import { BenchmarkPanel, registerBenchmarkPanelSerializer, type PanelHandlers, type PanelKey } from '../../../src/extension/benchmark-panel';

// A test-only extension that opens the benchmark panel on a saved `bench --json` result, without
// the command side or a benchmark run: test/e2e/benchmark-panel-preview.mjs loads it into
// code-server to look at the panel (themes, layout, restore after a reload) quickly.
// The result file comes from the environment variable CLX_PREVIEW_RESULT.

const STORE = 'preview.result:';

export function activate(context: vscode.ExtensionContext): void {
  const load = (): BenchResult => JSON.parse(readFileSync(process.env.CLX_PREVIEW_RESULT ?? '', 'utf8')) as BenchResult;
  const panels = new Map<string, BenchmarkPanel>();

  /** Replays a run: a few progress steps, then the saved result. */
  async function replay(key: PanelKey): Promise<void> {
    const panel = panels.get(key.functionName);
    if (!panel) return;
    for (const [fraction, message] of [[0.1, 'Profiling one task'], [0.5, 'Sampling processes × 2 (round 2 of 4)'], [0.9, 'Finishing']] as const) {
      panel.setRunning({ fraction, message });
      await new Promise((r) => setTimeout(r, 1500));
    }
    const result = load();
    // Like the real command side: results live in workspace storage, where the serializer finds them.
    await context.workspaceState.update(STORE + key.functionName, result);
    panel.setResult(result, `Python ${result.interpreter?.version ?? ''} (preview)`);
  }
  const handlersFor = (key: PanelKey): PanelHandlers => ({
    rerun: () => void replay(key),
    applyRecommendation: (r) => void vscode.window.showInformationMessage(`apply: ${r.recommendation?.mode} × ${r.recommendation?.workers}`),
  });

  context.subscriptions.push(
    vscode.commands.registerCommand('concurrencyLensPreview.show', async () => {
      const result = load();
      const key: PanelKey = { file: result.file, functionName: result.functionName };
      const panel = BenchmarkPanel.show(context, key, handlersFor(key));
      panels.set(key.functionName, panel);
      panel.onDidDispose(() => panels.delete(key.functionName));
      await replay(key);
    }),
    registerBenchmarkPanelSerializer(context, handlersFor, (key) => context.workspaceState.get<BenchResult>(STORE + key.functionName)),
  );
}

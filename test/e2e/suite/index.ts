import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import type { ConcurrencyLensApi } from '../../../src/extension/extension';
import type { BenchResult } from '../../../src/profiling/types';

// In-extension-host suite (the @vscode/test-electron `run()` contract): runs inside a real VS Code
// (code-server here, docs/e2e.md), against the fixture workspace in test/e2e/workspace.

type Test = { name: string; fn: () => Promise<void> };
const tests: Test[] = [];
const test = (name: string, fn: () => Promise<void>): void => {
  tests.push({ name, fn });
};

const EXTENSION_ID = 'concurrency-lens.concurrency-lens';

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, name);
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Concurrency Lens');
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

async function open(name: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceFile(name));
  return vscode.window.showTextDocument(document);
}

test('the extension activates on a Python file', async () => {
  await open('cpu_threads.py');
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  await waitFor('activation', () => (extension.isActive ? true : undefined));
});

test('CL101 diagnostic with code, range, docs link and evidence', async () => {
  const editor = await open('cpu_threads.py');
  const diagnostics = await waitFor('CL101', () => {
    const found = ours(editor.document.uri);
    return found.length > 0 ? found : undefined;
  });
  assert.deepEqual(diagnostics.map(codeOf), ['CL101']);
  const [d] = diagnostics;
  assert.equal(d.range.start.line, 12);
  assert.equal(editor.document.getText(d.range), 'executor.map');
  assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
  // The link goes to the extension's URI handler, which opens the rendered page (src/extension/rule-docs.ts).
  assert.ok(typeof d.code === 'object', 'the code carries a link');
  assert.equal(d.code.target.toString(true), `${vscode.env.uriScheme}://${EXTENSION_ID}/rule?code=CL101`);
  assert.equal(d.relatedInformation?.[0]?.location.range.start.line, 5, 'evidence points at the loop');
});

test('no findings on I/O in threads', async () => {
  const editor = await open('io_threads.py');
  // Wait until the server has published (an empty list counts), by asking for a fresh hover first.
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(ours(editor.document.uri).map(codeOf), []);
});

test('quick fix through the code action provider swaps the executor', async () => {
  const editor = await open('cpu_threads.py');
  const [d] = await waitFor('CL101', () => (ours(editor.document.uri).length ? ours(editor.document.uri) : undefined));
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, d.range, vscode.CodeActionKind.QuickFix.value);
  const titles = actions.map((a) => a.title);
  assert.ok(titles.includes('Ignore CL101 on this line'), titles.join(', '));
  assert.ok(titles.includes('Ignore CL101 in this file'), titles.join(', '));
  const fix = actions.find((a) => a.isPreferred);
  assert.ok(fix?.edit, 'a preferred fix with an edit');
  assert.ok(await vscode.workspace.applyEdit(fix.edit));
  assert.match(editor.document.getText(), /with ProcessPoolExecutor\(\) as executor:/);
  assert.match(editor.document.getText(), /from concurrent\.futures import ProcessPoolExecutor/);
  await waitFor('CL101 cleared', () => (ours(editor.document.uri).length === 0 ? true : undefined));
  await vscode.commands.executeCommand('workbench.action.files.revert');
});

test('hover on the task function shows its workload class', async () => {
  const editor = await open('cpu_threads.py');
  const hovers = await waitFor('hover', async () => {
    const result = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(3, 6));
    const text = result.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    return /Concurrency Lens/.test(text) ? text : undefined;
  });
  assert.match(hovers, /CPU-bound/);
  assert.match(hovers, /loop at line 6/);
});

test('an edit clears the diagnostic and undoing it re-creates it', async () => {
  const editor = await open('cpu_threads.py');
  await waitFor('CL101', () => (ours(editor.document.uri).length ? true : undefined));
  const loopLine = editor.document.lineAt(5);
  assert.equal(loopLine.text, '    for i in range(n):');
  await editor.edit((b) => b.replace(loopLine.range, '    if n:'));
  // No loop left: compute is trivial, not CPU-bound.
  await waitFor('CL101 cleared by the edit', () => (ours(editor.document.uri).length === 0 ? true : undefined));
  await vscode.commands.executeCommand('undo');
  await waitFor('CL101 back after undo', () => (ours(editor.document.uri).some((d) => codeOf(d) === 'CL101') ? true : undefined));
  await vscode.commands.executeCommand('workbench.action.files.revert');
});

test('source.fixAll.concurrencyLens adds chunksize', async () => {
  const editor = await open('tiny_tasks.py');
  await waitFor('CL103', () => (ours(editor.document.uri).some((d) => codeOf(d) === 'CL103') ? true : undefined));
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    editor.document.uri,
    new vscode.Range(0, 0, 0, 0),
    'source.fixAll.concurrencyLens',
  );
  const fixAll = actions.find((a) => a.kind?.value === 'source.fixAll.concurrencyLens');
  assert.ok(fixAll?.edit, 'a fix-all action');
  assert.ok(await vscode.workspace.applyEdit(fixAll.edit));
  assert.match(editor.document.getText(), /pool\.map\(square, range\(100_000\), chunksize=max\(1, 100_000 \/\/ \(4 \* \(os\.cpu_count\(\) or 1\)\)\)\)/);
  await waitFor('CL103 cleared', () => (ours(editor.document.uri).length === 0 ? true : undefined));
  await vscode.commands.executeCommand('workbench.action.files.revert');
});

test('settings: severity off silences a rule', async () => {
  const editor = await open('cpu_threads.py');
  await waitFor('CL101', () => (ours(editor.document.uri).length ? true : undefined));
  const config = vscode.workspace.getConfiguration('concurrencyLens');
  await config.update('severity', { CL101: 'off' }, vscode.ConfigurationTarget.Workspace);
  try {
    await waitFor('CL101 off', () => (ours(editor.document.uri).length === 0 ? true : undefined));
  } finally {
    await config.update('severity', undefined, vscode.ConfigurationTarget.Workspace);
  }
  await waitFor('CL101 back', () => (ours(editor.document.uri).length ? true : undefined));
});

test('untitled Python documents are analyzed', async () => {
  const text = (await vscode.workspace.openTextDocument(workspaceFile('cpu_threads.py'))).getText();
  const document = await vscode.workspace.openTextDocument({ language: 'python', content: text });
  await vscode.window.showTextDocument(document);
  await waitFor('CL101 on untitled', () => (ours(document.uri).some((d) => codeOf(d) === 'CL101') ? true : undefined));
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
});

test('commands are registered', async () => {
  const commands = await vscode.commands.getCommands(true);
  for (const id of ['concurrencyLens.restartServer', 'concurrencyLens.analyzeWorkspace', 'concurrencyLens.showOutput', 'concurrencyLens.fixAll', 'concurrencyLens.showRuleDocumentation', 'concurrencyLens.openExample', 'concurrencyLens.openWalkthrough']) {
    assert.ok(commands.includes(id), id);
  }
});

// ---- editor conveniences (issue 15) ----------------------------------------------------------------

test('the Fix all command applies the safe fixes of the active file and reports the count', async () => {
  const editor = await open('tiny_tasks.py');
  await waitFor('CL103', () => (ours(editor.document.uri).some((d) => codeOf(d) === 'CL103') ? true : undefined));
  const outcome = await vscode.commands.executeCommand<{ rounds: number; before: number; after: number }>('concurrencyLens.fixAll');
  assert.match(editor.document.getText(), /pool\.map\(square, range\(100_000\), chunksize=/);
  assert.deepEqual(outcome, { rounds: 1, before: 1, after: 0 });
  // Nothing left: a second run changes nothing.
  const text = editor.document.getText();
  assert.deepEqual(await vscode.commands.executeCommand('concurrencyLens.fixAll'), { rounds: 0, before: 0, after: 0 });
  assert.equal(editor.document.getText(), text);
  await vscode.commands.executeCommand('workbench.action.files.revert');
});

function markdownPreviews(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(t.input.viewType));
}

test('Show documentation from the lightbulb opens the rule page in the Markdown preview', async () => {
  const editor = await open('cpu_threads.py');
  const [d] = await waitFor('CL101', () => (ours(editor.document.uri).length ? ours(editor.document.uri) : undefined));
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, d.range, vscode.CodeActionKind.QuickFix.value);
  const docs = actions.find((a) => a.title === 'Show documentation for CL101');
  assert.deepEqual(docs?.command?.arguments, ['CL101'], actions.map((a) => a.title).join(', '));
  assert.equal(docs?.command?.command, 'concurrencyLens.showRuleDocumentation');
  for (const tab of markdownPreviews()) await vscode.window.tabGroups.close(tab);
  assert.equal(await vscode.commands.executeCommand(docs.command.command, ...docs.command.arguments), true);
  const preview = await waitFor('a Markdown preview tab', () => markdownPreviews()[0]);
  assert.match(preview.label, /CL101\.md/);
  // No text editor on the page: nothing to edit by mistake.
  assert.ok(!vscode.window.visibleTextEditors.some((e) => e.document.uri.path.endsWith('/docs/rules/CL101.md')));
  await vscode.window.tabGroups.close(preview);
  // The code link's click (VS Code's opener hands it to the extension's URI handler) is in
  // test/e2e/editor-ui.test.mjs: the API has no call that opens a link the way the hover does.
  assert.equal(await vscode.commands.executeCommand('concurrencyLens.showRuleDocumentation', 'CL999'), false);
});

test('the walkthrough example is a copy in the global storage, with its CL101', async () => {
  const editor = await vscode.commands.executeCommand<vscode.TextEditor | undefined>('concurrencyLens.openExample');
  assert.ok(editor, 'an editor');
  assert.match(editor.document.uri.path, /\/examples\/python\/cpu_in_threads\.py$/);
  assert.ok(!editor.document.uri.path.startsWith(vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri.path), 'not the installed file');
  await waitFor('CL101 in the example', () => (ours(editor.document.uri).some((d) => codeOf(d) === 'CL101') ? true : undefined));
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
});

test("the walkthrough's benchmark button measures the example's count_primes", async () => {
  const config = vscode.workspace.getConfiguration('concurrencyLens');
  await config.update('benchmark.maxSeconds', 5, vscode.ConfigurationTarget.Workspace);
  try {
    const result = await vscode.commands.executeCommand<BenchResult | undefined>('concurrencyLens.benchmarkExample');
    assert.ok(result, 'the command returns the result');
    // The button's wiring: the copy imported, its function found, its inputs evaluated. How far
    // the run got within the budget depends on the machine's load, which is not what this checks.
    const wiring = (result.errors ?? []).filter((e) => ['import', 'no-function', 'inputs', 'usage', 'refused'].includes(e.kind));
    assert.deepEqual(wiring, [], JSON.stringify(result.errors));
    assert.equal(result.functionName, 'count_primes');
    assert.equal(result.inputs, '[50_000] * 8');
  } finally {
    await config.update('benchmark.maxSeconds', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  }
});

test('the language status follows Analyze Workspace', async () => {
  const lens = await api();
  await vscode.commands.executeCommand('concurrencyLens.analyzeWorkspace');
  const text = await waitFor('the workspace status', () => (/in the workspace/.test(lens.languageStatus()) ? lens.languageStatus() : undefined));
  assert.match(text, /Concurrency Lens: \d+ findings? in the workspace \(\d+ files? analyzed/);
});

// ---- benchmarks ---------------------------------------------------------------------------------

async function api(): Promise<ConcurrencyLensApi> {
  const extension = vscode.extensions.getExtension<ConcurrencyLensApi>(EXTENSION_ID);
  assert.ok(extension);
  return extension.isActive ? extension.exports : extension.activate();
}

/** Live processes of a process group (zombies are dead: they only wait for a parent to reap them). */
function processGroup(pgid: number): string[] {
  const lines = execFileSync('ps', ['-eo', 'pid=,pgid=,stat=,args='], { encoding: 'utf8' }).split('\n');
  return lines
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => Number(cols[1]) === pgid && !cols[2]?.startsWith('Z'))
    .map((cols) => `${cols[0]} ${cols.slice(3).join(' ')}`);
}

test('the benchmark command is registered, with a CodeLens and a "Measure it" action', async () => {
  const editor = await open('cpu_threads.py');
  const [d] = await waitFor('CL101', () => (ours(editor.document.uri).length ? ours(editor.document.uri) : undefined));
  const lenses = await waitFor('a benchmark CodeLens', async () => {
    const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
    const ours = found.filter((l) => l.command?.command === 'concurrencyLens.benchmarkFunction');
    return ours.length > 0 ? ours : undefined;
  });
  assert.equal(lenses[0].range.start.line, 3);
  assert.match(lenses[0].command?.title ?? '', /^Benchmark threads vs processes/);
  assert.equal(lenses[0].command?.arguments?.[0]?.functionName, 'compute');
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, d.range, vscode.CodeActionKind.QuickFix.value);
  const measure = actions.find((a) => a.title.startsWith('Measure it'));
  assert.equal(measure?.command?.command, 'concurrencyLens.benchmarkFunction', actions.map((a) => a.title).join(', '));
  assert.ok((await vscode.commands.getCommands(true)).includes('concurrencyLens.benchmarkFunction'));
});

test('a short benchmark through the command: stored result, cited in the CL101 diagnostic', async () => {
  const lens = await api();
  const uri = workspaceFile('cpu_threads.py');
  const config = vscode.workspace.getConfiguration('concurrencyLens');
  await config.update('benchmark.maxSeconds', 3, vscode.ConfigurationTarget.Workspace);
  try {
    const started = Date.now();
    const result = await vscode.commands.executeCommand<BenchResult | undefined>('concurrencyLens.benchmarkFunction', {
      uri: uri.toString(),
      functionName: 'compute',
      inputs: '[20_000] * 4',
    });
    assert.ok(result, 'the command returns the result');
    console.log(`  benchmark: ${result.status} in ${((Date.now() - started) / 1000).toFixed(1)} s; ${result.recommendation?.reason}`);
    assert.ok(result.status === 'ok' || result.status === 'partial', `${result.status}: ${JSON.stringify(result.errors)}`);
    assert.equal(result.functionName, 'compute');
    assert.equal(result.inputs, '[20_000] * 4');
    assert.equal(result.interpreter?.language, 'python');
    assert.ok(result.cells.some((c) => c.mode === 'processes' && c.status === 'ok'), 'processes were measured');
    const stored = lens.lastBenchmark({ file: uri.fsPath, functionName: 'compute' });
    assert.ok(stored, 'kept in workspace storage');
    assert.equal(stored.startedAt, result.startedAt);
    assert.deepEqual(stored.cells.map((c) => c.medianMs), result.cells.map((c) => c.medianMs));
    const summary = lens.measurements()[uri.toString()]?.compute;
    if (result.verdict?.status === 'inconclusive') {
      // A busy machine: the run says so, and is never cited in a diagnostic.
      console.log(`  inconclusive: ${result.verdict.reason}`);
      assert.equal(summary, undefined, 'an inconclusive run is not sent to the server');
      assert.equal(lens.runningBenchmarks().length, 0, 'nothing left running');
      return;
    }
    assert.ok(result.recommendation, 'a recommendation');
    assert.equal(summary?.recommendation.mode, result.recommendation.mode);

    // The server now cites the measurement in the CL101 message.
    const cited = await waitFor('CL101 citing the measurement', () => ours(uri).find((d) => /\(measured: /.test(d.message)));
    assert.equal(codeOf(cited), 'CL101');
    assert.equal(lens.runningBenchmarks().length, 0, 'nothing left running');
  } finally {
    await config.update('benchmark.maxSeconds', undefined, vscode.ConfigurationTarget.Workspace);
  }
});

test('a module in a package is benchmarked by its dotted name (relative imports, process workers)', async () => {
  const uri = workspaceFile('pkg/work.py');
  const config = vscode.workspace.getConfiguration('concurrencyLens');
  await config.update('benchmark.maxSeconds', 6, vscode.ConfigurationTarget.Workspace);
  await config.update('benchmark.workers', [1], vscode.ConfigurationTarget.Workspace);
  try {
    const result = await vscode.commands.executeCommand<BenchResult | undefined>('concurrencyLens.benchmarkFunction', {
      uri: uri.toString(),
      functionName: 'work',
      inputs: '[2000] * 4',
    });
    console.log(`  pkg.work: ${result?.status}; ${result?.cells.map((c) => `${c.mode}×${c.workers} ${c.status}`).join(', ')}`);
    assert.ok(result, 'the command returns the result');
    assert.deepEqual(result.errors, []);
    assert.equal(result.target?.language === 'python' && result.target.importedAs, 'pkg.work');
    // Every pool that ran imported pkg.work (a failed import or pickle fails its cell); a busy
    // machine may make the budget skip some cells, never all the process ones.
    const cells = result.cells.map((c) => `${c.mode}×${c.workers}: ${c.status}`).join(', ');
    assert.ok(result.cells.every((c) => c.status !== 'failed'), cells);
    assert.ok(result.cells.some((c) => c.mode.startsWith('processes') && c.status === 'ok'), `no process cell ran: ${cells}`);
  } finally {
    await config.update('benchmark.maxSeconds', undefined, vscode.ConfigurationTarget.Workspace);
    await config.update('benchmark.workers', undefined, vscode.ConfigurationTarget.Workspace);
  }
});

test('one results panel for every run: two functions benchmarked, one webview tab, in one group', async () => {
  // The two benchmarks above (cpu_threads.compute, pkg.work) reused the same panel.
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => ({ t, g })))
    .filter(({ t }) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('concurrencyLens.benchmark'));
  console.log(`  benchmark tabs: ${tabs.map(({ t, g }) => `${t.label} (group ${g.viewColumn})`).join(', ')}; groups: ${vscode.window.tabGroups.all.length}`);
  assert.equal(tabs.length, 1, 'one results panel');
  assert.equal(tabs[0].t.label, 'Benchmark: work', 'showing the last function benchmarked');
  assert.ok(vscode.window.tabGroups.all.length <= 2, 'no new editor group per run');
});

test('a module that starts a Pool at import is refused before anything runs, not stored', async () => {
  const lens = await api();
  const uri = workspaceFile('pool_at_import.py');
  const started = Date.now();
  const result = await vscode.commands.executeCommand<BenchResult | undefined>('concurrencyLens.benchmarkFunction', {
    uri: uri.toString(),
    functionName: 'square',
    inputs: '[3] * 4',
  });
  assert.ok(result, 'the command returns the result');
  console.log(`  refused in ${((Date.now() - started) / 1000).toFixed(1)} s: ${result.errors[0]?.message}`);
  assert.equal(result.refusal?.stage, 'static');
  assert.equal(result.refusal?.rule, 'CL201');
  assert.equal(result.refusal?.line, 9);
  assert.deepEqual(result.errors.map((e) => e.kind), ['refused']);
  assert.equal(result.interpreter, null, 'no harness was started');
  assert.equal(lens.lastBenchmark({ file: uri.fsPath, functionName: 'square' }), undefined, 'a refused run is not stored');
  assert.equal(lens.runningBenchmarks().length, 0);
});

async function startSleepingBenchmark(lens: ConcurrencyLensApi): Promise<{ run: Thenable<BenchResult | undefined>; pgid: number; key: { file: string; functionName: string } }> {
  const uri = workspaceFile('bench_sleep.py');
  const key = { file: uri.fsPath, functionName: 'wait_on_child' };
  const run = vscode.commands.executeCommand<BenchResult | undefined>('concurrencyLens.benchmarkFunction', { uri: uri.toString(), functionName: key.functionName, inputs: '[120] * 2' });
  // Running: the harness started and the user's function has its own child (`sleep 120`).
  const pgid = await waitFor('the harness and its child process', () => {
    const running = lens.runningBenchmarks().find((b) => b.functionName === key.functionName);
    if (!running?.pid) return undefined;
    return processGroup(running.pid).some((p) => / sleep 120$/.test(p)) ? running.pid : undefined;
  });
  return { run, pgid, key };
}

test('cancelling a running benchmark leaves no child process behind', async () => {
  const lens = await api();
  const { run, pgid, key } = await startSleepingBenchmark(lens);
  assert.ok(processGroup(pgid).length >= 2, `harness and sleep: ${processGroup(pgid).join('; ')}`);
  assert.equal(await lens.cancelBenchmark(key), 1);
  const result = await run;
  assert.equal(result?.status, 'aborted');
  await waitFor('the process group to be gone', () => (processGroup(pgid).length === 0 ? true : undefined), 5000);
  assert.equal(lens.runningBenchmarks().length, 0);
  assert.equal(lens.lastBenchmark(key), undefined, 'a cancelled run is not stored');
});

test('closing the results panel cancels its benchmark and kills its processes', async () => {
  const lens = await api();
  const { run, pgid } = await startSleepingBenchmark(lens);
  const tab = await waitFor('the benchmark panel tab', () =>
    vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('concurrencyLens.benchmark') && /wait_on_child/.test(t.label)),
  );
  assert.ok(await vscode.window.tabGroups.close(tab));
  const result = await run;
  assert.equal(result?.status, 'aborted');
  await waitFor('the process group to be gone', () => (processGroup(pgid).length === 0 ? true : undefined), 5000);
});

export async function run(): Promise<void> {
  const failures: string[] = [];
  for (const t of tests) {
    const started = Date.now();
    try {
      await t.fn();
      console.log(`✔ ${t.name} (${Date.now() - started} ms)`);
    } catch (error) {
      failures.push(t.name);
      console.error(`✖ ${t.name}\n${(error as Error).stack ?? error}`);
    }
  }
  console.log(`${tests.length - failures.length} passed, ${failures.length} failed`);
  if (failures.length > 0) throw new Error(`${failures.length} e2e test(s) failed: ${failures.join('; ')}`);
}

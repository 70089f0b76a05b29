import * as vscode from 'vscode';

// The walkthrough's examples: the extension ships examples/ (a copy of the repository's), and the
// walkthrough opens a copy of them in the extension's global storage, so the user edits, fixes
// and benchmarks that copy, never the installed extension, and never their own project.

/** The example each walkthrough step starts from: a CL101 with a fix and a benchmarkable task. */
export const FIRST_EXAMPLE = 'python/cpu_in_threads.py';

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Copies the bundled examples once (a missing file is copied again; edits are kept) and returns the copy's folder. */
export async function examplesCopy(context: vscode.ExtensionContext): Promise<vscode.Uri> {
  const source = vscode.Uri.joinPath(context.extensionUri, 'examples');
  const target = vscode.Uri.joinPath(context.globalStorageUri, 'examples');
  const copy = async (from: vscode.Uri, to: vscode.Uri): Promise<void> => {
    await vscode.workspace.fs.createDirectory(to);
    for (const [name, type] of await vscode.workspace.fs.readDirectory(from)) {
      const child = vscode.Uri.joinPath(from, name);
      const destination = vscode.Uri.joinPath(to, name);
      if (type === vscode.FileType.Directory) await copy(child, destination);
      else if (!(await exists(destination))) await vscode.workspace.fs.copy(child, destination);
    }
  };
  await copy(source, target);
  return target;
}

/** Opens one example (the walkthrough's first one without an argument), or lets the user pick one. */
export async function openExample(context: vscode.ExtensionContext, which?: unknown): Promise<vscode.TextEditor | undefined> {
  const folder = await examplesCopy(context);
  let relative = typeof which === 'string' ? which : FIRST_EXAMPLE;
  if (which === 'pick') {
    const files: string[] = [];
    for (const language of ['python', 'javascript']) {
      for (const [name] of await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(folder, language))) files.push(`${language}/${name}`);
    }
    const picked = await vscode.window.showQuickPick(files, { placeHolder: 'Example to open (a copy: edit it freely)' });
    if (!picked) return undefined;
    relative = picked;
  }
  if (relative.split('/').includes('..')) return undefined;
  const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, ...relative.split('/')));
  return vscode.window.showTextDocument(document);
}

/** The finding of the walkthrough's example, once the server has reported it. */
async function exampleFinding(editor: vscode.TextEditor, source: string, timeoutMs = 15_000): Promise<vscode.Diagnostic | undefined> {
  const find = (): vscode.Diagnostic | undefined => vscode.languages.getDiagnostics(editor.document.uri).find((d) => d.source === source);
  const deadline = Date.now() + timeoutMs;
  let found = find();
  while (!found && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    found = find();
  }
  return found;
}

/**
 * The walkthrough's buttons (its page has the focus, so no editor is active when they run): each
 * opens the example and then does what its step teaches.
 */
export function registerWalkthroughCommands(context: vscode.ExtensionContext, source: string): vscode.Disposable[] {
  const atFinding = async (then: string): Promise<void> => {
    const editor = await openExample(context);
    if (!editor) return;
    const finding = await exampleFinding(editor, source);
    if (!finding) {
      void vscode.window.showWarningMessage('Concurrency Lens: the example has no finding yet; is the extension enabled (concurrencyLens.enable)?');
      return;
    }
    editor.selection = new vscode.Selection(finding.range.start, finding.range.start);
    editor.revealRange(finding.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    await vscode.commands.executeCommand(then);
  };
  return [
    vscode.commands.registerCommand('concurrencyLens.showExampleFinding', () => atFinding('editor.action.showHover')),
    vscode.commands.registerCommand('concurrencyLens.showExampleFixes', () => atFinding('editor.action.quickFix')),
    vscode.commands.registerCommand('concurrencyLens.benchmarkExample', async () => {
      const editor = await openExample(context);
      if (!editor) return undefined;
      // The example's own tasks (its main() maps these): one click, no prompt; the CodeLens asks.
      return vscode.commands.executeCommand('concurrencyLens.benchmarkFunction', { uri: editor.document.uri.toString(), functionName: 'count_primes', inputs: '[50_000] * 8' });
    }),
    watchExampleFixes(context, source),
  ];
}

/** Sets `concurrencyLens.exampleFixed` (the fix step's completion) once a finding in the examples' copy goes away. */
function watchExampleFixes(context: vscode.ExtensionContext, source: string): vscode.Disposable {
  const folder = vscode.Uri.joinPath(context.globalStorageUri, 'examples').toString();
  const counts = new Map<string, number>();
  return vscode.languages.onDidChangeDiagnostics((event) => {
    for (const uri of event.uris) {
      const key = uri.toString();
      if (!key.startsWith(`${folder}/`)) continue;
      const now = vscode.languages.getDiagnostics(uri).filter((d) => d.source === source).length;
      const before = counts.get(key);
      counts.set(key, now);
      if (before !== undefined && now < before) void vscode.commands.executeCommand('setContext', 'concurrencyLens.exampleFixed', true);
    }
  });
}

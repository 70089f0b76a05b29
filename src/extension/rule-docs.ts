import * as vscode from 'vscode';
import { SHOW_RULE_DOCS_COMMAND } from '../protocol/lsp';

// A rule's page, rendered and read-only: the built-in Markdown preview of the page shipped in the
// extension's docs/rules/ (works offline and in code-server; the preview is a webview VS Code
// secures itself). The diagnostic's code link gets here through a URI of the extension's own:
// VS Code opens a diagnostic's code target without allowing `command:` URIs, but it hands
// `<uriScheme>://<extension id>/…` URIs to the extension's UriHandler, trusted.

const RULE_CODE = /^CL\d{3}$/;

/** The link the Problems panel and the hover open for a rule code. */
export function ruleDocsLink(extensionId: string, code: string): vscode.Uri {
  return vscode.Uri.from({ scheme: vscode.env.uriScheme, authority: extensionId.toLowerCase(), path: '/rule', query: `code=${code}` });
}

/** The rule code a link from ruleDocsLink names, or null. */
export function ruleCodeOfLink(uri: vscode.Uri): string | null {
  if (uri.path !== '/rule') return null;
  const code = new URLSearchParams(uri.query).get('code');
  return code && RULE_CODE.test(code) ? code : null;
}

/** The codes whose page ships in docs/rules/, for the picker. */
async function shippedCodes(extensionUri: vscode.Uri): Promise<string[]> {
  try {
    const entries = await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(extensionUri, 'docs', 'rules'));
    return entries.map(([name]) => name.replace(/\.md$/, '')).filter((c) => RULE_CODE.test(c)).sort();
  } catch {
    return [];
  }
}

async function firstLine(file: vscode.Uri): Promise<string> {
  try {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
    return text.split('\n', 1)[0].replace(/^#+\s*/, '');
  } catch {
    return '';
  }
}

export async function showRuleDocumentation(extensionUri: vscode.Uri, output: vscode.OutputChannel, code?: unknown): Promise<boolean> {
  let chosen = typeof code === 'string' ? code.trim().toUpperCase() : undefined;
  if (!chosen) {
    const codes = await shippedCodes(extensionUri);
    const items = await Promise.all(
      codes.map(async (c) => ({ label: c, description: (await firstLine(vscode.Uri.joinPath(extensionUri, 'docs', 'rules', `${c}.md`))).replace(`${c}: `, '') })),
    );
    chosen = (await vscode.window.showQuickPick(items, { placeHolder: 'Rule to show the documentation of', matchOnDescription: true }))?.label;
    if (!chosen) return false;
  }
  if (!RULE_CODE.test(chosen)) {
    void vscode.window.showErrorMessage(`Concurrency Lens: "${chosen}" is not a rule code (CL101, CL201, …).`);
    return false;
  }
  const page = vscode.Uri.joinPath(extensionUri, 'docs', 'rules', `${chosen}.md`);
  try {
    await vscode.workspace.fs.stat(page);
  } catch {
    void vscode.window.showErrorMessage(`Concurrency Lens: no documentation for ${chosen} (no rule has that code).`);
    return false;
  }
  try {
    // Beside the code the finding is in; the preview follows no other editor (locked to the page).
    await vscode.commands.executeCommand('markdown.showLockedPreviewToSide', page);
    return true;
  } catch (error) {
    // The built-in Markdown extension can be disabled: the page's text then, read-only.
    output.appendLine(`Markdown preview unavailable (${(error as Error).message}): opening ${page.fsPath} as text`);
    await vscode.window.showTextDocument(page, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    await vscode.commands.executeCommand('workbench.action.files.setActiveEditorReadonlyInSession').then(undefined, () => undefined);
    return true;
  }
}

export function registerRuleDocs(context: vscode.ExtensionContext, output: vscode.OutputChannel): vscode.Disposable[] {
  const show = (code?: unknown): Promise<boolean> => showRuleDocumentation(context.extensionUri, output, code);
  return [
    vscode.commands.registerCommand(SHOW_RULE_DOCS_COMMAND, show),
    vscode.window.registerUriHandler({
      handleUri(uri) {
        const code = ruleCodeOfLink(uri);
        if (code) void show(code);
        else output.appendLine(`ignored a link to the extension: ${uri.toString()}`);
      },
    }),
  ];
}

/** Points our diagnostics' code links at the rendered page (the server's link is for other editors). */
export function withDocsLinks(extensionId: string, diagnostics: vscode.Diagnostic[], source: string): vscode.Diagnostic[] {
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== source) continue;
    const code = typeof diagnostic.code === 'object' ? String(diagnostic.code.value) : typeof diagnostic.code === 'string' ? diagnostic.code : null;
    if (code && RULE_CODE.test(code)) diagnostic.code = { value: code, target: ruleDocsLink(extensionId, code) };
  }
  return diagnostics;
}

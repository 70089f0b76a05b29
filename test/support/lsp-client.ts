import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type MessageConnection, StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic, LogMessageParams, PublishDiagnosticsParams, ShowMessageParams } from 'vscode-languageserver-protocol';

// A minimal LSP client for the server tests: the built dist/server.js over stdio, a temporary
// workspace folder, the published diagnostics kept per document, and the client-side requests
// the server makes (configuration, progress, capability registration, CodeLens refresh).

const SERVER = path.join(__dirname, '..', '..', 'dist', 'server.js');

export const uriOf = (file: string): string => `file://${file}`;

export class LspSession {
  /** What `workspace/configuration` answers for `concurrencyLens`; change it, then notify. */
  settings: Record<string, unknown> = {};
  codeLensRefreshes = 0;
  readonly published = new Map<string, PublishDiagnosticsParams[]>();
  /** `window/showMessage` notifications and `window/showMessageRequest`s (the pop-ups a user would see), in order. */
  readonly shown: ShowMessageParams[] = [];
  /** `window/logMessage` lines (the server's output channel), in order. */
  readonly logs: string[] = [];
  /** The server's status notifications (concurrencyLens/status), in order. */
  readonly statuses: unknown[] = [];

  private constructor(
    readonly connection: MessageConnection,
    private readonly child: ChildProcess,
    readonly workspace: string,
  ) {}

  /**
   * `bare`: a client with no capabilities at all (no workspace/configuration, no progress, no
   * registration), as the simplest editors are; `initializationOptions` is sent as given.
   * `workspace` extends the client's `capabilities.workspace` (e.g. `workspaceEdit` for fixes
   * that create files).
   */
  static async start(options: { bare?: boolean; initializationOptions?: unknown; workspace?: Record<string, unknown> } = {}): Promise<LspSession> {
    assert.ok(fs.existsSync(SERVER), 'build first: npm run build');
    const workspace = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'clens-server-')));
    const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const session = new LspSession(connection, child, workspace);
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      const list = session.published.get(params.uri) ?? [];
      list.push(params);
      session.published.set(params.uri, list);
    });
    connection.onNotification('window/showMessage', (params: ShowMessageParams) => session.shown.push(params));
    connection.onRequest('window/showMessageRequest', (params: ShowMessageParams) => {
      session.shown.push(params);
      return null; // dismissed
    });
    connection.onNotification('window/logMessage', (params: LogMessageParams) => session.logs.push(params.message));
    connection.onNotification('concurrencyLens/status', (params: unknown) => session.statuses.push(params));
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => session.settings));
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('workspace/codeLens/refresh', () => {
      session.codeLensRefreshes++;
      return null;
    });
    connection.listen();
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uriOf(workspace),
      workspaceFolders: [{ uri: uriOf(workspace), name: 'ws' }],
      capabilities: options.bare
        ? {}
        : {
            workspace: { configuration: true, codeLens: { refreshSupport: true }, ...options.workspace },
            window: { workDoneProgress: true },
          },
      ...(options.initializationOptions === undefined ? {} : { initializationOptions: options.initializationOptions }),
    });
    await connection.sendNotification('initialized', {});
    return session;
  }

  async stop(): Promise<void> {
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      // already gone
    }
    this.child.kill();
    fs.rmSync(this.workspace, { recursive: true, force: true });
  }

  /** The server process's peak resident memory in bytes (Linux /proc), or null where unknown. */
  peakRssBytes(): number | null {
    try {
      const status = fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
      return match ? Number(match[1]) * 1024 : null;
    } catch {
      return null;
    }
  }

  /** Opens a document (version 1) with this text; it need not exist on disk. */
  open(file: string, text: string, languageId = 'python'): string {
    const uri = uriOf(file);
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return uri;
  }

  change(uri: string, version: number, text: string): void {
    void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  async until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The diagnostics published for this version of the document. */
  diagnosticsFor(uri: string, version: number): Promise<Diagnostic[]> {
    return this.until(`diagnostics for ${uri} v${version}`, () => (this.published.get(uri) ?? []).find((p) => p.version === version)?.diagnostics);
  }

  /** The latest diagnostics published for the document that satisfy `accept`. */
  latestDiagnostics(uri: string, accept: (d: Diagnostic[]) => boolean = () => true): Promise<Diagnostic[]> {
    return this.until(`diagnostics for ${uri}`, () => {
      const list = this.published.get(uri);
      const last = list?.[list.length - 1];
      return last && accept(last.diagnostics) ? last.diagnostics : undefined;
    });
  }
}

import * as path from 'node:path';
import {
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type Diagnostic,
  type Hover,
  type HoverParams,
  type NotebookDocument,
  NotebookCellKind,
  NotebookDocuments,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { type AnalyzeOptions, DEFAULT_MAX_FILE_SIZE, type Finding, isPythonCell } from '../analysis';
import { tooLargeReason } from '../workspace/read-source';
import { AnalysisPool, CancelledError, type Lane, SLOW_LANE_CHARS, SLOW_LANE_MS } from './analysis-pool';
import { Debouncer, debounceFor } from './debounce';
import { parseDiagnostic, pathToUri, toDiagnostic } from './diagnostics';
import { importersOf } from './dependents';
import { notebookActions } from './notebook-actions';
import type { NotebookCellSource, NotebookOutcome } from './worker-protocol';

// Notebooks over LSP notebook document sync (LSP 3.17; vscode-languageclient sends it for the
// cells the server's `notebookDocumentSync` selector matches, instead of one textDocument per
// cell). A notebook's Python cells are analyzed together, in order, as one module (a function
// defined in cell 2 and handed to a pool in cell 5 is known), on the analysis workers like files
// (analysis-pool.ts); the findings come back per cell and are published on each cell's URI.
// Code actions and hovers in a cell are answered here, with positions mapped by the engine.

/** What the server's request thread lends the notebooks: the pool and the file rules of server.ts. */
export interface NotebookHost {
  pool: AnalysisPool;
  /** The engine options for the notebook's path; null: disabled, or excluded by configuration or settings. */
  optionsFor(uri: string, filePath: string): Promise<AnalyzeOptions | null>;
  /** Whether `concurrencyLens.run` is onType for this document. */
  analyzesOnType(uri: string): Promise<boolean>;
  /** The finding with its measurement cited, as for files. */
  withMeasurement(finding: Finding): Finding;
  log(message: string): void;
  /** The findings count changed (status bar). */
  changed(): void;
}

/** The notebook types whose Python cells are analyzed (`interactive` is VS Code's Interactive Window). */
export const NOTEBOOK_SELECTOR = [
  { notebook: { notebookType: 'jupyter-notebook' }, cells: [{ language: 'python' }] },
  { notebook: { notebookType: 'interactive' }, cells: [{ language: 'python' }] },
];

interface CellId {
  uri: string;
  version: number;
  /** Code cells get diagnostics (an empty list clears old ones); markup cells are left alone. */
  code: boolean;
  python: boolean;
}

interface NotebookState {
  /** The cells' URIs and versions as analyzed, in the order the engine saw them. */
  cells: CellId[];
  findings: Finding[];
  millis: number;
}

export class NotebookSync {
  readonly documents = new NotebookDocuments(TextDocument);
  private readonly state = new Map<string, NotebookState>();
  /** Cell URIs diagnostics were last published on, per notebook: cleared when they go. */
  private readonly published = new Map<string, Set<string>>();
  private readonly debouncer = new Debouncer();
  private readonly lastMillis = new Map<string, number>();
  private readonly open = new Set<string>();
  private readonly tooLargeLogged = new Set<string>();
  /** The client can apply a WorkspaceEdit that creates files (CL206's fix). */
  supportsCreateFile = false;

  constructor(
    private readonly connection: Connection,
    private readonly host: NotebookHost,
  ) {
    this.documents.onDidOpen((notebook) => {
      this.open.add(notebook.uri);
      this.schedule(notebook, true);
    });
    this.documents.onDidChange(async (event) => {
      const uri = event.notebookDocument.uri;
      // Structure changes (cells added, moved, removed) re-analyze at once; typing waits as in files.
      const structural = !!event.cells && (event.cells.added.length > 0 || event.cells.removed.length > 0);
      if (structural || (await this.host.analyzesOnType(uri))) this.schedule(event.notebookDocument, structural);
    });
    this.documents.onDidSave((notebook) => this.schedule(notebook, true));
    this.documents.onDidClose((notebook) => this.close(notebook));
  }

  listen(): void {
    this.documents.listen(this.connection);
  }

  /** The notebook a cell URI belongs to, if it is a synced cell. */
  notebookOf(cellUri: string): NotebookDocument | undefined {
    return this.documents.findNotebookDocumentForCell(cellUri);
  }

  get notebookCount(): number {
    return this.state.size;
  }

  get findingCount(): number {
    let count = 0;
    for (const s of this.state.values()) count += s.findings.length;
    return count;
  }

  /** Every open notebook again (settings or watched files changed). */
  revalidateAll(): void {
    for (const uri of this.open) {
      const notebook = this.documents.getNotebookDocument(uri);
      if (notebook) this.schedule(notebook, true);
    }
  }

  /** The open notebooks whose cells import a changed file (dependents.ts, as for open documents): re-check them. */
  revalidateImporters(changed: { path: string; languageId?: string }): void {
    const candidates = [...this.open].flatMap((uri) => {
      const notebook = this.documents.getNotebookDocument(uri);
      if (!notebook) return [];
      const text = this.sources(notebook).cells.map((c) => c.source).join('\n');
      return [{ key: uri, path: notebookPath(uri), languageId: 'python', text }];
    });
    for (const uri of importersOf(changed, candidates)) {
      const notebook = this.documents.getNotebookDocument(uri);
      if (notebook) this.schedule(notebook);
    }
  }

  private schedule(notebook: NotebookDocument, immediate = false): void {
    const chars = this.sources(notebook).cells.reduce((n, c) => n + c.source.length, 0);
    this.debouncer.run(notebook.uri, immediate ? 0 : debounceFor(this.lastMillis.get(notebook.uri), chars), () => {
      const current = this.documents.getNotebookDocument(notebook.uri);
      if (current) void this.validate(current);
    });
  }

  /** The cells to analyze, in notebook order, with the URI and version of each. */
  private sources(notebook: NotebookDocument): { cells: NotebookCellSource[]; ids: CellId[] } {
    const cells: NotebookCellSource[] = [];
    const ids: CellId[] = [];
    for (const cell of notebook.cells) {
      const document = this.documents.getCellTextDocument(cell);
      if (!document) continue;
      cells.push({ kind: cell.kind === NotebookCellKind.Code ? 'code' : 'markup', language: document.languageId, source: document.getText() });
      ids.push({ uri: document.uri, version: document.version, code: cell.kind === NotebookCellKind.Code, python: isPythonCell(cells[cells.length - 1]) });
    }
    return { cells, ids };
  }

  private lane(notebook: NotebookDocument, chars: number): Lane {
    return chars > SLOW_LANE_CHARS || (this.lastMillis.get(notebook.uri) ?? 0) > SLOW_LANE_MS ? 'slow' : 'fast';
  }

  private async validate(notebook: NotebookDocument): Promise<void> {
    const filePath = notebookPath(notebook.uri);
    const options = await this.host.optionsFor(notebook.uri, filePath);
    if (!options) {
      this.state.delete(notebook.uri);
      this.publish(notebook.uri, new Map(this.sources(notebook).ids.filter((c) => c.code).map((c) => [c.uri, []])));
      this.host.changed();
      return;
    }
    let snapshot = this.sources(notebook);
    const chars = snapshot.cells.reduce((n, c) => n + c.source.length, 0);
    if (chars > DEFAULT_MAX_FILE_SIZE) {
      // As for a file too large (server.ts): nothing of it is parsed, and the log says so once.
      if (!this.tooLargeLogged.has(notebook.uri)) {
        this.tooLargeLogged.add(notebook.uri);
        this.host.log(`${filePath}: skipped (${tooLargeReason(chars, DEFAULT_MAX_FILE_SIZE)})`);
      }
      this.state.delete(notebook.uri);
      this.publish(notebook.uri, new Map(snapshot.ids.filter((c) => c.code).map((c) => [c.uri, []])));
      this.host.changed();
      return;
    }
    this.tooLargeLogged.delete(notebook.uri);
    let outcome;
    try {
      outcome = await this.host.pool.analyze(this.lane(notebook, chars), filePath, () => {
        // Made when the job starts: the cells of that moment, not of the request.
        const current = this.documents.getNotebookDocument(notebook.uri);
        if (!current) throw new CancelledError();
        snapshot = this.sources(current);
        return { op: 'notebook', path: filePath, cells: snapshot.cells, options };
      });
    } catch (error) {
      if (!(error instanceof CancelledError)) this.host.log(`analysis failed for ${notebook.uri}: ${(error as Error).message}`);
      return;
    }
    if (!outcome || outcome.op !== 'notebook') return; // superseded by a newer edit
    this.lastMillis.set(notebook.uri, outcome.millis);
    const current = this.documents.getNotebookDocument(notebook.uri);
    if (!current || !sameCells(this.sources(current).ids, snapshot.ids)) return; // a newer edit is on its way
    if (outcome.outcome.skipped) this.host.log(`${filePath}: skipped (${outcome.outcome.skipped})`);
    this.state.set(notebook.uri, { cells: snapshot.ids, findings: outcome.outcome.findings, millis: outcome.millis });
    this.publish(notebook.uri, this.diagnostics(snapshot.ids, outcome.outcome));
    this.host.changed();
  }

  /** Diagnostics per cell URI; every analyzed cell gets a list (empty clears its old ones). */
  private diagnostics(cells: CellId[], outcome: NotebookOutcome): Map<string, Diagnostic[]> {
    const byCell = new Map<string, Diagnostic[]>(cells.filter((c) => c.code).map((c) => [c.uri, []]));
    // Related points in the notebook name their cell: they link to that cell's URI.
    const uriOf = (file: string, cell?: number): string => (cell !== undefined && cells[cell] ? cells[cell].uri : pathToUri(file));
    outcome.findings.forEach((finding, index) => {
      const list = finding.cell !== undefined ? byCell.get(cells[finding.cell]?.uri) : undefined;
      list?.push(toDiagnostic(this.host.withMeasurement(finding), index, uriOf));
    });
    // The parser recovered and analyzed the rest: one notice, in the first cell that has an error.
    const first = outcome.parseErrors.find((p) => p.cell !== undefined && byCell.has(cells[p.cell]?.uri));
    if (first) byCell.get(cells[first.cell!].uri)!.push(parseDiagnostic(first));
    return byCell;
  }

  private publish(notebookUri: string, byCell: Map<string, Diagnostic[]>): void {
    const before = this.published.get(notebookUri) ?? new Set<string>();
    for (const uri of before) if (!byCell.has(uri)) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    for (const [uri, diagnostics] of byCell) {
      const version = this.documents.cellTextDocuments.get(uri)?.version;
      void this.connection.sendDiagnostics({ uri, version, diagnostics });
    }
    this.published.set(notebookUri, new Set(byCell.keys()));
  }

  private close(notebook: NotebookDocument): void {
    this.debouncer.cancel(notebook.uri);
    this.open.delete(notebook.uri);
    this.tooLargeLogged.delete(notebook.uri);
    this.host.pool.supersede(notebookPath(notebook.uri));
    this.state.delete(notebook.uri);
    this.lastMillis.delete(notebook.uri);
    // The cells closed with the notebook: clear what was published on each of them.
    const cells = new Set(this.published.get(notebook.uri) ?? []);
    for (const cell of notebook.cells) cells.add(cell.document);
    for (const uri of cells) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    this.published.delete(notebook.uri);
    this.host.changed();
  }

  codeActions(params: CodeActionParams): CodeAction[] {
    const notebook = this.notebookOf(params.textDocument.uri);
    const state = notebook && this.state.get(notebook.uri);
    if (!notebook || !state) return [];
    const cell = state.cells.findIndex((c) => c.uri === params.textDocument.uri);
    if (cell < 0) return [];
    const textOf = (index: number): string | undefined => this.documents.cellTextDocuments.get(state.cells[index]?.uri ?? '')?.getText();
    return notebookActions({
      cell,
      cells: state.cells,
      top: topCell(state.cells, textOf),
      findings: state.findings,
      diagnostics: params.context.diagnostics,
      only: params.context.only,
      textOf,
      supportsCreateFile: this.supportsCreateFile && URI.parse(notebook.uri).scheme === 'file',
    });
  }

  async hover(params: HoverParams, isCancelled: () => boolean): Promise<Hover | null> {
    const notebook = this.notebookOf(params.textDocument.uri);
    if (!notebook) return null;
    const { cells, ids } = this.sources(notebook);
    const cell = ids.findIndex((c) => c.uri === params.textDocument.uri);
    if (cell < 0) return null;
    const chars = cells.reduce((n, c) => n + c.source.length, 0);
    if (chars > DEFAULT_MAX_FILE_SIZE) return null;
    const job = { op: 'notebookHover' as const, path: notebookPath(notebook.uri), cells, cell, position: { line: params.position.line, column: params.position.character } };
    let answer;
    try {
      answer = await this.host.pool.request({ lane: this.lane(notebook, chars), chars }, job, isCancelled);
    } catch (error) {
      if (!(error instanceof CancelledError)) this.host.log(`hover on ${params.textDocument.uri} failed: ${(error as Error).message}`);
      return null;
    }
    const hover = answer?.op === 'notebookHover' ? answer.hover : null;
    if (!hover) return null;
    return {
      contents: { kind: 'markdown', value: hover.markdown },
      range: { start: { line: hover.range.start.line, character: hover.range.start.column }, end: { line: hover.range.end.line, character: hover.range.end.column } },
    };
  }
}

/** The notebook's file path; untitled and virtual notebooks get a stable pseudo-path ending in .ipynb. */
export function notebookPath(uri: string): string {
  const parsed = URI.parse(uri);
  if (parsed.scheme === 'file') return parsed.fsPath;
  return `/__${parsed.scheme}__/${parsed.path.replace(/[^\w.-]+/g, '_')}${path.extname(parsed.path) === '.ipynb' ? '' : '.ipynb'}`;
}

/**
 * The cell whose top is the top of the module: the first Python code cell that is not a cell
 * magic (a comment above `%%time` would end the magic). -1: none.
 */
function topCell(cells: readonly CellId[], textOf: (index: number) => string | undefined): number {
  return cells.findIndex((c, i) => c.code && c.python && !/^\s*%%/.test(textOf(i) ?? ''));
}

function sameCells(a: CellId[], b: CellId[]): boolean {
  return a.length === b.length && a.every((c, i) => c.uri === b[i].uri && c.version === b[i].version);
}


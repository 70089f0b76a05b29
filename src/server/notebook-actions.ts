import {
  type CodeAction,
  CodeActionKind,
  CreateFile,
  type Diagnostic,
  type TextDocumentEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { compatibleFixes, type Finding, type Fix, ignoreInFileEdit, ignoreOnLineEdit, type TextEdit } from '../analysis';
import { requestedFixAllKind, toLspEdit } from './code-actions';
import { SOURCE, pathToUri } from './diagnostics';
import { diskSources } from '../workspace/read-source';

// Code actions in a notebook cell: the finding's fix (its edits may reach other cells, and
// CL206's creates a module file beside the notebook: a WorkspaceEdit with documentChanges, a
// CreateFile then the file's text), the suppressions (this line of the cell; the whole notebook,
// at the top of its first Python cell, the top of the module the engine analyzes), and fix-all.

export interface NotebookActionRequest {
  /** The cell the request is for (index into `cells`). */
  cell: number;
  /** The analyzed cells, with the versions the findings are of. */
  cells: readonly { uri: string; version: number }[];
  /** Each with `cell` (an index into `cells`); its range and fix edits are within that cell. */
  findings: readonly Finding[];
  /** The cell whose top is the module's (for a notebook-wide suppression); -1: none. */
  top: number;
  diagnostics: readonly Diagnostic[];
  only?: readonly string[];
  textOf(cell: number): string | undefined;
  /** The client applies CreateFile operations and the notebook is a file: else fixes creating files are not offered. */
  supportsCreateFile: boolean;
}

export function notebookActions(request: NotebookActionRequest): CodeAction[] {
  const { cell, cells, findings, diagnostics, only } = request;
  const actions: CodeAction[] = [];
  const text = request.textOf(cell);
  if (text === undefined) return actions;
  if (!only || only.includes(CodeActionKind.QuickFix)) {
    const seenNotebookIgnores = new Set<string>();
    for (const diagnostic of diagnostics) {
      if (diagnostic.source !== SOURCE || typeof diagnostic.code !== 'string') continue;
      const found = findingFor(diagnostic, cell, findings);
      if (!found) continue;
      const edit = found.fix ? fixEdit(found.fix, cell, cells, request.supportsCreateFile) : null;
      if (found.fix && edit) {
        actions.push({ title: found.fix.description, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true, edit });
      }
      const rule = found.rule;
      actions.push({
        title: `Ignore ${rule} on this line`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: cellEdits(cells, [{ cell, edit: ignoreOnLineEdit(text, 'python', found) }]),
      });
      const topText = request.top >= 0 ? request.textOf(request.top) : undefined;
      if (!seenNotebookIgnores.has(rule) && topText !== undefined) {
        seenNotebookIgnores.add(rule);
        actions.push({
          title: `Ignore ${rule} in this notebook`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          edit: cellEdits(cells, [{ cell: request.top, edit: ignoreInFileEdit(topText, 'python', rule) }]),
        });
      }
    }
  }
  const fixAllKind = requestedFixAllKind(only);
  if (fixAllKind) {
    const all = fixAll(findings, cells, request.supportsCreateFile);
    if (all) actions.push({ title: 'Fix all auto-fixable Concurrency Lens problems', kind: fixAllKind, edit: all });
  }
  return actions;
}

function findingFor(diagnostic: Diagnostic, cell: number, findings: readonly Finding[]): Finding | undefined {
  const index = (diagnostic.data as { index?: number } | undefined)?.index;
  const matches = (f: Finding | undefined): f is Finding =>
    !!f && f.cell === cell && f.rule === diagnostic.code && f.range.start.line === diagnostic.range.start.line;
  const candidate = typeof index === 'number' ? findings[index] : undefined;
  // The diagnostic may be stale (the cell changed since): check that it still matches.
  if (matches(candidate)) return candidate;
  return findings.find((f) => matches(f) && f.range.start.column === diagnostic.range.start.character);
}

/** A cell's edit: `cell` says which (an edit without one is in the cell the finding is in). */
type CellEdit = { cell: number; edit: TextEdit };

/** The cells' edits as versioned document edits: a cell edited since the analysis makes the client refuse. */
function cellDocumentEdits(cells: NotebookActionRequest['cells'], edits: readonly CellEdit[]): TextDocumentEdit[] {
  const byCell = new Map<number, CellEdit[]>();
  for (const e of edits) {
    const list = byCell.get(e.cell) ?? [];
    list.push(e);
    byCell.set(e.cell, list);
  }
  const out: TextDocumentEdit[] = [];
  for (const [cell, list] of [...byCell].sort((a, b) => a[0] - b[0])) {
    const target = cells[cell];
    if (!target) continue;
    out.push({ textDocument: { uri: target.uri, version: target.version }, edits: list.map((e) => toLspEdit(e.edit)) });
  }
  return out;
}

function cellEdits(cells: NotebookActionRequest['cells'], edits: readonly CellEdit[]): WorkspaceEdit {
  return { documentChanges: cellDocumentEdits(cells, edits) };
}

function editsOf(fix: Fix, home: number): CellEdit[] {
  return fix.edits.map((edit) => ({ cell: edit.cell ?? home, edit }));
}

/** What a fix changes: the files it creates (operations, then their text) and its cell edits. */
interface FixChanges {
  files: NonNullable<WorkspaceEdit['documentChanges']>;
  edits: CellEdit[];
}

/**
 * A fix's changes; null when it cannot be applied as the engine meant it: an edit in a cell the
 * client did not sync, files to create and a client (or an untitled notebook) that cannot, or a
 * file of that name that exists with other text (Fix.createFiles: never overwrite). A file that
 * already holds exactly the text is left alone and the cell edits still apply.
 */
function changesOf(fix: Fix, home: number, cells: NotebookActionRequest['cells'], supportsCreateFile: boolean): FixChanges | null {
  const edits = editsOf(fix, home);
  if (edits.some((e) => !cells[e.cell])) return null;
  const created = fix.createFiles ?? [];
  if (created.length > 0 && !supportsCreateFile) return null;
  const files: FixChanges['files'] = [];
  for (const file of created) {
    // Read as the CLI's fix rounds read it (src/cli/fix-apply.ts): bounded, regular files only.
    const existing = diskSources.readFile(file.path);
    if (existing === file.text) continue;
    if (existing !== undefined) return null;
    const uri = pathToUri(file.path);
    // overwrite: false, and no ignoreIfExists: a file made meanwhile fails the whole edit, nothing applied.
    files.push(CreateFile.create(uri, { overwrite: false, ignoreIfExists: false }));
    files.push({ textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: file.text }] });
  }
  return { files, edits };
}

function asWorkspaceEdit(changes: readonly FixChanges[], cells: NotebookActionRequest['cells']): WorkspaceEdit {
  return { documentChanges: [...changes.flatMap((c) => c.files), ...cellDocumentEdits(cells, changes.flatMap((c) => c.edits))] };
}

/** A fix as one WorkspaceEdit (the files first, so the cells' new imports find them); null: see changesOf. */
export function fixEdit(fix: Fix, home: number, cells: NotebookActionRequest['cells'], supportsCreateFile: boolean): WorkspaceEdit | null {
  const changes = changesOf(fix, home, cells, supportsCreateFile);
  return changes ? asWorkspaceEdit([changes], cells) : null;
}

/** The safe fixes that apply together, across cells (compatibleFixes compares edits cell by cell). */
function fixAll(findings: readonly Finding[], cells: NotebookActionRequest['cells'], supportsCreateFile: boolean): WorkspaceEdit | null {
  const fixes = findings.flatMap((f) => (f.fix?.safe && f.cell !== undefined ? [{ ...f.fix, edits: editsOf(f.fix, f.cell).map(({ cell, edit }) => ({ ...edit, cell })) }] : []));
  const changes = compatibleFixes(fixes).flatMap((fix) => changesOf(fix, 0, cells, supportsCreateFile) ?? []);
  return changes.length > 0 ? asWorkspaceEdit(changes, cells) : null;
}

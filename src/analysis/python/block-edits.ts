import type { TextEdit } from '../core/types';
import { fact } from '../core/facts';
import type { PythonModel } from './model';
import { insertAt, sourceLineIndex } from './edits';
import type { PyNode } from './syntax';

// Re-indenting statements under a new block header (`with lock:`), shared by the lock fixes.
// Lines inside a multi-line string are left alone: indenting them would change the string.

/** Rows (0-based) that lie inside a multi-line string after its first line. */
const stringInteriorRows = fact((model: PythonModel) => {
  const rows = new Set<number>();
  for (const s of model.nodesOfType('string')) for (let r = s.startRow + 1; r <= s.endRow; r++) rows.add(r);
  return rows;
});

/** The source's lines without their endings, counted as the editor counts them, once per model. */
export const sourceLines = fact((model: PythonModel) => sourceLineIndex(model).lines());

/** Insert `unit` at the start of every non-blank row in [fromRow, toRow]. */
export function indentRows(model: PythonModel, fromRow: number, toRow: number, unit: string): TextEdit[] {
  const lines = sourceLines(model);
  const interior = stringInteriorRows(model);
  const edits: TextEdit[] = [];
  for (let row = fromRow; row <= toRow; row++) {
    if (interior.has(row) || (lines[row] ?? '').trim() === '') continue;
    edits.push(insertAt(row, 0, unit));
  }
  return edits;
}

/**
 * True when the statement is the only code on its lines: it starts its first line (after
 * indentation) and nothing but a comment follows it. Only then can it move into a new block.
 */
export function standsAlone(model: PythonModel, statement: PyNode): boolean {
  if (statement.parent?.type !== 'block' && statement.parent?.type !== 'module') return false;
  const lines = sourceLines(model);
  const before = (lines[statement.startRow] ?? '').slice(0, statement.startCol);
  const after = (lines[statement.endRow] ?? '').slice(statement.endCol);
  return before.trim() === '' && (after.trim() === '' || after.trim().startsWith('#'));
}

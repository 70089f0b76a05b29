import type { CellPosition, NotebookCell } from './types';
import { cellLines } from './magics';

// A notebook's Python cells as the one module the kernel runs them in: code cells in order, each
// line kept at its column (so a finding's column in the module is its column in the cell), only
// the lines IPython rewrites replaced. Markup cells, other languages and non-Python cell magics
// (`%%bash`) contribute no lines.

export interface NotebookModuleText {
  /** The Python code cells joined in order as one module, `\n` line endings. */
  text: string;
  /** The module position's cell position; undefined past the end. */
  toCell(line: number, character: number): CellPosition | undefined;
  /** The cell position's module line and column; undefined for a cell not in the module. */
  fromCell(p: CellPosition): { line: number; character: number } | undefined;
  /** The cells in the module, with their first module line and line count. */
  segments: readonly ModuleSegment[];
  /** Whether a module line is a line IPython rewrites (a magic), or of a cell left blank. */
  isBlanked(line: number): boolean;
  /** Cells analyzed as Python (their index), and those skipped with why. */
  skippedCells: ReadonlyMap<number, string>;
}

export interface ModuleSegment {
  cell: number;
  /** The cell's first line in the module. */
  start: number;
  lineCount: number;
}

export interface NotebookModuleOptions {
  /** Cells to keep as blank lines (a cell with a syntax error: the others are still analyzed). */
  blank?: ReadonlySet<number>;
}

export function isPythonCell(cell: NotebookCell): boolean {
  return cell.kind === 'code' && /^python\d?$/i.test(cell.language);
}

export function notebookModule(cells: readonly NotebookCell[], options: NotebookModuleOptions = {}): NotebookModuleText {
  const segments: ModuleSegment[] = [];
  const blankedLines = new Set<number>();
  const skippedCells = new Map<number, string>();
  const parts: string[] = [];
  let line = 0;
  cells.forEach((cell, index) => {
    if (!isPythonCell(cell)) return;
    const view = cellLines(cell.source);
    if (view.skipped) {
      skippedCells.set(index, view.skipped);
      return;
    }
    let lines = view.lines;
    // A source ending in a newline has no further line in the cell.
    if (lines.length > 1 && lines[lines.length - 1] === '' && !view.blanked.has(lines.length - 1)) lines = lines.slice(0, -1);
    const blankAll = options.blank?.has(index) ?? false;
    segments.push({ cell: index, start: line, lineCount: lines.length });
    lines.forEach((text, i) => {
      if (blankAll || view.blanked.has(i)) blankedLines.add(line + i);
      parts.push(blankAll ? '' : text);
    });
    line += lines.length;
  });
  const text = parts.length > 0 ? parts.join('\n') + '\n' : '';
  const byCell = new Map(segments.map((s) => [s.cell, s]));
  return {
    text,
    segments,
    skippedCells,
    isBlanked: (l) => blankedLines.has(l),
    toCell(l, character) {
      const segment = segmentAt(segments, l);
      return segment ? { cell: segment.cell, line: l - segment.start, character } : undefined;
    },
    fromCell(p) {
      const segment = byCell.get(p.cell);
      if (!segment || p.line < 0 || p.line > segment.lineCount) return undefined;
      // The line after a cell's last one is the end of the cell's text (an edit appending to it).
      return { line: segment.start + p.line, character: p.character };
    },
  };
}

/** The segment holding a module line (binary search: notebooks can have thousands of cells). */
function segmentAt(segments: readonly ModuleSegment[], line: number): ModuleSegment | undefined {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = segments[mid];
    if (line < s.start) hi = mid - 1;
    else if (line >= s.start + s.lineCount) lo = mid + 1;
    else return s;
  }
  return undefined;
}

import type { AnalysisResult, AnalyzeOptions, Finding, Fix, ParseProblem, Position, Range, RelatedInformation, TextEdit } from '../core/types';
import type { PythonProject } from '../python/analyze';
import { cellLineReferences } from './line-references';
import { WorkBudgetExceeded, withWorkBudget } from '../core/budget';
import { applyEdits } from '../core/apply-edits';
import { frontEnd, initLanguage } from '../front-ends';
import { cellLines, splitLines } from './magics';
import { type NotebookModuleText, isPythonCell, notebookModule } from './module-text';
import type { CellPosition, NotebookCell } from './types';
import { readIpynb } from './ipynb';

// A notebook analyzed as the one `__main__` module its kernel runs: each Python cell checked for
// syntax errors on its own (a cell that does not parse is left out, so the others are still
// analyzed), the module analyzed with the `notebook` option, and every position mapped back into
// its cell (`cell` on findings, related information, parse problems and fix edits).

export interface NotebookAnalysis extends AnalysisResult {
  /** The module the findings were computed on (its positions map to cells). */
  module: NotebookModuleText;
  /** Cells not analyzed, with why (a syntax error, a `%%bash` cell). Markup cells are not listed. */
  skippedCells: Map<number, string>;
}

export interface NotebookContext {
  /** The workspace's Python project (cross-file imports from modules next to the notebook). */
  pythonProject?: PythonProject;
}

/** `analyzeNotebookLoaded` after loading the Python parser. */
export async function analyzeNotebook(
  path: string,
  cells: readonly NotebookCell[],
  options: AnalyzeOptions = {},
  context: NotebookContext = {},
): Promise<NotebookAnalysis> {
  await initLanguage('python');
  return analyzeNotebookLoaded(path, cells, options, context);
}

/**
 * Analyzes a notebook's cells; `path` is the notebook's (its folder is where imported modules and
 * the modules CL206's fix creates live). The Python parser must be loaded (`initLanguage`).
 */
export function analyzeNotebookLoaded(
  path: string,
  cells: readonly NotebookCell[],
  options: AnalyzeOptions = {},
  context: NotebookContext = {},
): NotebookAnalysis {
  const python = frontEnd('python');
  const parseErrors: ParseProblem[] = [];
  const broken = new Set<number>();
  const skippedCells = new Map<number, string>();
  cells.forEach((cell, index) => {
    if (!isPythonCell(cell)) return;
    const view = cellLines(cell.source);
    if (view.skipped) return;
    const problems = python.syntaxErrors!(view.lines.join('\n'));
    if (problems.length === 0) return;
    broken.add(index);
    skippedCells.set(index, 'syntax error: the cell is left out of the analysis');
    for (const problem of problems) parseErrors.push({ ...problem, cell: index });
  });
  const module = notebookModule(cells, { blank: broken });
  for (const [cell, why] of module.skippedCells) skippedCells.set(cell, why);
  const base: NotebookAnalysis = {
    path,
    language: 'python',
    findings: [],
    parseErrors,
    lines: module.segments.reduce((n, s) => n + s.lineCount, 0),
    skipped: null,
    module,
    skippedCells,
  };
  if (module.segments.length === 0) {
    return { ...base, skipped: cells.some((c) => c.kind === 'code') ? 'no Python code cells (the notebook\'s language is not Python)' : null };
  }
  const project = context.pythonProject ?? python.createProject(options.sources, []);
  try {
    const { value } = withWorkBudget(() => python.analyze(project, { path, text: module.text, languageId: 'python' }, { ...options, notebook: true }));
    const mapper = new CellMapper(path, cells, module);
    return { ...base, findings: value.findings.map((f) => mapper.finding(f)).filter((f): f is Finding => f !== null) };
  } catch (error) {
    if (!(error instanceof WorkBudgetExceeded)) throw error;
    return { ...base, skipped: error.message };
  }
}

/** An `.ipynb` file's text analyzed: a text that is not a notebook is skipped with the reason. */
export function analyzeIpynbLoaded(path: string, text: string, options: AnalyzeOptions = {}, context: NotebookContext = {}): NotebookAnalysis | AnalysisResult {
  const read = readIpynb(text);
  if (!read.ok) return { path, language: null, findings: [], parseErrors: [], lines: 0, skipped: read.reason };
  return analyzeNotebookLoaded(path, read.notebook.cells, options, context);
}

/**
 * The new sources of the cells that cell-tagged edits (a notebook fix's `edits`) change; each
 * edit's range is within its cell. Edits without a cell are refused (they belong to no cell).
 */
export function applyCellEdits(cells: readonly NotebookCell[], edits: readonly TextEdit[]): Map<number, string> {
  const byCell = new Map<number, TextEdit[]>();
  for (const edit of edits) {
    if (edit.cell === undefined || !cells[edit.cell]) throw new Error('a notebook edit must name one of the notebook\'s cells');
    const list = byCell.get(edit.cell) ?? [];
    list.push(edit);
    byCell.set(edit.cell, list);
  }
  const out = new Map<number, string>();
  for (const [cell, list] of byCell) out.set(cell, applyEdits(cells[cell].source, list));
  return out;
}

/** The module's positions in the notebook's cells. */
class CellMapper {
  private readonly cellLineLengths = new Map<number, number[]>();

  constructor(
    private readonly path: string,
    private readonly cells: readonly NotebookCell[],
    private readonly module: NotebookModuleText,
  ) {}

  finding(finding: Finding): Finding | null {
    const range = this.range(finding.range);
    if (!range) return null;
    const mapped: Finding = {
      ...finding,
      message: cellLineReferences(finding.message, this.module),
      range: range.range,
      cell: range.cell,
      related: finding.related.map((r) => this.related(r)),
      fix: finding.fix ? this.fix(finding.fix) : null,
    };
    // A notebook function cannot be imported by the benchmark harness.
    delete mapped.subject;
    return mapped;
  }

  private related(related: RelatedInformation): RelatedInformation {
    if (related.path !== this.path) return related;
    const range = this.range(related.range);
    const message = cellLineReferences(related.message, this.module);
    return range ? { ...related, message, range: range.range, cell: range.cell } : { ...related, message };
  }

  /** The fix with its edits in cells; null when an edit spans cells or touches a magic or a left-out cell. */
  private fix(fix: Fix): Fix | null {
    const edits: TextEdit[] = [];
    for (const edit of fix.edits) {
      for (let line = edit.range.start.line; line <= edit.range.end.line; line++) {
        if (this.module.isBlanked(line)) return null;
      }
      const start = this.module.toCell(edit.range.start.line, edit.range.start.column);
      const end = this.endInCell(edit.range.end, start);
      if (!start || !end) return null;
      edits.push({ ...edit, range: { start: { line: start.line, column: start.character }, end }, cell: start.cell });
    }
    return { ...fix, description: cellLineReferences(fix.description, this.module), edits };
  }

  private range(range: Range): { cell: number; range: Range } | null {
    const start = this.module.toCell(range.start.line, range.start.column);
    if (!start) return null;
    const end = this.endInCell(range.end, start) ?? this.cellEnd(start.cell);
    return { cell: start.cell, range: { start: { line: start.line, column: start.character }, end } };
  }

  /** A range's end in the start's cell: the end of the cell's text when the module range ends past it. */
  private endInCell(end: Position, start: CellPosition | undefined): Position | null {
    if (!start) return null;
    const mapped = this.module.toCell(end.line, end.column);
    if (mapped && mapped.cell === start.cell) return { line: mapped.line, column: mapped.character };
    const segment = this.module.segments.find((s) => s.cell === start.cell)!;
    // The first position after the cell's last line is the end of its text.
    if (end.line === segment.start + segment.lineCount && end.column === 0) return this.cellEnd(start.cell);
    return null;
  }

  private cellEnd(cell: number): Position {
    let lengths = this.cellLineLengths.get(cell);
    if (!lengths) this.cellLineLengths.set(cell, (lengths = splitLines(this.cells[cell].source).map((l) => l.length)));
    return { line: lengths.length - 1, column: lengths[lengths.length - 1] };
  }
}

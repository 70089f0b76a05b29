// Shared vocabulary of the engine. Positions are 0-based lines and UTF-16 columns (the LSP
// convention); the CLI converts to 1-based at its edge.

export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';
export type Language = 'python' | 'javascript';

export interface Position {
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  range: Range;
  text: string;
  /**
   * Optional (additive): in a notebook's result (notebook/analyze.ts), the 0-based index of the
   * cell among all the notebook's cells; `range` is then within that cell's source.
   */
  cell?: number;
}

/**
 * A file a fix creates besides editing its document (CL206 moves notebook functions into a
 * module next to the notebook). `path` is absolute. A consumer either creates the file with
 * exactly `text` (leaving alone a file that already holds exactly `text`) or refuses the whole
 * fix: it never overwrites a different file, and never applies `edits` without the file.
 */
export interface FileCreation {
  kind: 'createFile';
  path: string;
  text: string;
}

export interface Fix {
  description: string;
  edits: TextEdit[];
  /** Safe fixes keep behaviour; `--fix` applies only these unless unsafe fixes are asked for. */
  safe: boolean;
  /**
   * Optional (additive): files the fix creates; the edits depend on them (see FileCreation).
   * A consumer that cannot create files must not offer the fix (`fileCreations(fix)`).
   */
  createFiles?: FileCreation[];
}

export interface RelatedInformation {
  path: string;
  range: Range;
  message: string;
  /** Optional (additive): the notebook cell `range` is in (see TextEdit.cell). */
  cell?: number;
}

/**
 * The function a finding is about, when it can be benchmarked (CL101–CL104: the task function, a
 * module-level / exported function the benchmark harness can import by name). The editor offers
 * "Measure it" on it and cites its measurements in the finding's message.
 */
export interface FindingSubject {
  /** The name the harness imports: a module-level Python function, a JS/TS export (`default` included). */
  functionName: string;
  /** The file that defines it (may differ from the finding's file: imported task functions). */
  path: string;
  /** 0-based line of its definition. */
  line: number;
}

export interface Finding {
  path: string;
  rule: string;
  name: string;
  severity: Severity;
  range: Range;
  message: string;
  fix: Fix | null;
  related: RelatedInformation[];
  /** Optional (additive): see FindingSubject. */
  subject?: FindingSubject;
  /**
   * Optional (additive): in a notebook's result, the 0-based index of the cell among all the
   * notebook's cells (markdown ones included); `range` is then within that cell's source.
   */
  cell?: number;
}

export interface ParseProblem {
  message: string;
  range: Range;
  /**
   * Optional (additive): true when the parser gave no tree, so nothing in the file was analyzed
   * (every JS/TS parse problem: typescript-estree stops at the first error, and a file too deeply
   * nested for it). Absent: the parser recovered and the rest of the file was still checked.
   */
  fatal?: boolean;
  /**
   * Optional (additive): true when the file was not analyzed because it is past a limit of the
   * parser (too deeply nested for typescript-estree), not because of a syntax error: the editor
   * says so whether or not it shows syntax errors.
   */
  beyondLimit?: boolean;
  /** Optional (additive): the notebook cell `range` is in (see Finding.cell). */
  cell?: number;
}

export interface AnalysisResult {
  path: string;
  language: Language | null;
  findings: Finding[];
  parseErrors: ParseProblem[];
  lines: number;
  /** Set when the file was not analyzed at all (binary, too large, unsupported). */
  skipped: string | null;
}

export interface RuleMeta {
  code: string;
  name: string;
  languages: Language[];
  defaultSeverity: Severity;
  /** One line for `rules` listings and SARIF shortDescription. */
  summary: string;
  /** Whether the rule can offer a fix (not every finding gets one). */
  fixable: boolean;
}

export type GilSetting = 'auto' | 'enabled' | 'disabled';

export interface SourceDocument {
  path: string;
  text: string;
  /** VS Code language id when known; otherwise derived from the extension. */
  languageId?: string;
  /**
   * For a document the host keeps open (`Projects.open`): how the text the engine saw last for
   * this path became `text`, so the parser can reuse its previous tree. Absent or null: parse
   * afresh (a full-text replacement, or the first analysis).
   */
  edits?: readonly TextChange[] | null;
}

/** One edit as offsets in the text it applied to (UTF-16 code units). */
export interface TextChange {
  startIndex: number;
  endIndex: number;
  text: string;
}

/** Reads other files of the analyzed tree, for cross-file resolution of imported task functions. */
export interface SourceProvider {
  readFile(path: string): string | undefined;
}

export interface AnalyzeOptions {
  select?: string[];
  ignore?: string[];
  severity?: Record<string, SeveritySetting>;
  python?: {
    gil?: GilSetting;
    /** What the selected interpreter reported (`sys._is_gil_enabled()`), used when gil is `auto`. */
    interpreterGilEnabled?: boolean;
  };
  /** Cross-file resolution; when absent, imported functions stay unresolved. */
  sources?: SourceProvider;
  /** Files larger than this are skipped with a message (bytes of UTF-16 text). */
  maxFileSize?: number;
  /**
   * The document is a notebook's code cells joined into one module (notebook/module-text.ts):
   * it runs as an interactive `__main__` that has no file a worker process could re-import.
   * Set by `analyzeNotebook`, not by configuration.
   */
  notebook?: boolean;
}

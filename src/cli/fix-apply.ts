import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  type AnalysisResult,
  type AnalyzeOptions,
  applyCellEdits,
  applyEdits,
  compatibleFixes,
  createProjects,
  type FileCreation,
  type Finding,
  type Fix,
  initLanguage,
  isNotebookPath,
  languageOf,
  type Projects,
  readIpynb,
  type SourceProvider,
  type TextEdit,
  writeCellSources,
} from '../analysis';
import { lintText } from '../workspace/lint-file';
import { diskSources, readSource } from '../workspace/read-source';
import { isInternalError } from './report';

// `--fix`: applies the fixes the analyzer offers (only safe ones unless unsafe fixes are asked
// for), re-analyzing after each round because one fix can move or enable another, and writes the
// files. Fixes whose edits overlap are deferred to the next round rather than guessed at.

/** Rounds per file; fixes that keep re-offering themselves stop here instead of looping. */
const MAX_ROUNDS = 10;

export interface FixOptions {
  unsafe: boolean;
}

export interface FixOutcome {
  /** The analysis of the final text (what remains to report). */
  result: AnalysisResult;
  /** Number of fixes applied. */
  fixed: number;
  /** The final text, when it differs from the input. */
  text: string | null;
  /** Files the applied fixes create (absolute paths), to be written with the text. */
  created: FileCreation[];
}

export function isApplicable(finding: Finding, options: FixOptions): finding is Finding & { fix: Fix } {
  return finding.fix !== null && finding.fix.edits.length > 0 && (finding.fix.safe || options.unsafe);
}

/**
 * Applies fixes to a text until none is left to apply; `initial` is the text's current analysis.
 * The rounds re-analyze in this thread, which may not have loaded the file's parser: when the
 * first analysis ran on worker threads, this one never did, and every round failed unseen.
 * A notebook's fixes edit its cells' sources (the rest of the JSON is kept byte for byte). Fixes
 * that create files (Fix.createFiles) are applied only when `createFiles` allows it and no
 * different file is in the way; the files are returned in `created`, for the caller to write.
 */
export async function fixText(
  file: string,
  text: string,
  initial: AnalysisResult,
  analyzeOptions: AnalyzeOptions,
  options: FixOptions,
  context: Projects,
  createFiles = true,
): Promise<FixOutcome> {
  const notebook = isNotebookPath(file);
  const language = notebook ? 'python' : languageOf({ path: file });
  if (language) await initLanguage(language);
  let current = text;
  let result = initial;
  let fixed = 0;
  const created = new Map<string, FileCreation>();
  const overlay: SourceProvider = { readFile: (p) => created.get(path.resolve(p))?.text ?? diskSources.readFile(p) };
  const creatable = (fix: Fix): boolean =>
    (fix.createFiles ?? []).every((f) => {
      if (!createFiles) return false;
      const existing = overlay.readFile(f.path);
      return existing === undefined || existing === f.text;
    });
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const chosen = compatibleFixes(result.findings.filter((f) => isApplicable(f, options) && creatable(f.fix)).map((f) => f.fix!));
    if (chosen.length === 0) break;
    const edits = chosen.flatMap((fix) => fix.edits);
    const next = notebook ? applyNotebookEdits(current, edits) : applyEdits(current, edits);
    if (next === null || next === current) break;
    const before = new Map(created);
    for (const f of chosen.flatMap((fix) => fix.createFiles ?? [])) {
      created.set(path.resolve(f.path), f);
      context.invalidate(f.path);
    }
    // A fix must not make the file parse worse; stop at the last text that parsed as well.
    const after = lintText(file, next, analyzeOptions, context, overlay);
    const undo = (): void => {
      for (const key of created.keys()) if (!before.has(key)) {
        created.delete(key);
        context.invalidate(key);
      }
    };
    // An analysis that threw is reported (exit 2), not mistaken for a fix that made things worse.
    if (isInternalError(after)) {
      undo();
      return { result: after, fixed, text: current === text ? null : current, created: [...created.values()] };
    }
    if (after.parseErrors.length > result.parseErrors.length || after.skipped) {
      undo();
      break;
    }
    current = next;
    result = after;
    fixed += chosen.length;
  }
  return { result, fixed, text: current === text ? null : current, created: [...created.values()] };
}

/** A notebook's text with cell edits applied to its cells' sources; null when it no longer reads as a notebook. */
function applyNotebookEdits(text: string, edits: readonly TextEdit[]): string | null {
  const read = readIpynb(text);
  if (!read.ok) return null;
  const sources = applyCellEdits(read.notebook.cells, edits);
  // A cell without a `source` key has no value to rewrite: such a fix is not applied.
  try {
    return writeCellSources(text, sources);
  } catch {
    return null;
  }
}

/**
 * Fixes one file on disk and writes it back; files that do not round-trip through UTF-8 are left
 * alone. The files the fixes create are written first, never over a different file: when one is
 * in the way by then, nothing is written.
 */
export async function fixFile(
  file: string,
  initial: AnalysisResult,
  analyzeOptions: AnalyzeOptions,
  options: FixOptions,
  context: Projects,
): Promise<FixOutcome> {
  const none: FixOutcome = { result: initial, fixed: 0, text: null, created: [] };
  if (!initial.findings.some((f) => isApplicable(f, options))) return none;
  const read = readSource(file, analyzeOptions.maxFileSize);
  if ('skipped' in read || !read.lossless) return none;
  const outcome = await fixText(file, read.text, initial, analyzeOptions, options, context);
  if (outcome.text === null) return outcome;
  const toWrite = outcome.created.filter((f) => diskSources.readFile(f.path) !== f.text);
  for (const f of toWrite) {
    try {
      // `wx`: fail rather than replace a file that appeared since the analysis.
      fs.writeFileSync(f.path, f.text, { encoding: 'utf8', flag: 'wx' });
    } catch {
      return none;
    }
  }
  fs.writeFileSync(file, (read.bom ? '\uFEFF' : '') + outcome.text, 'utf8');
  return outcome;
}

export function newFixContext(files: Iterable<string> = []): Projects {
  return createProjects(diskSources, files);
}

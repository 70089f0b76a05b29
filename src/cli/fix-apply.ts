import * as fs from 'node:fs';
import {
  type AnalysisResult,
  type AnalyzeContext,
  type AnalyzeOptions,
  applyEdits,
  compatibleFixes,
  createProjects,
  type Finding,
  type Fix,
  initLanguage,
  languageOf,
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
}

export function isApplicable(finding: Finding, options: FixOptions): finding is Finding & { fix: Fix } {
  return finding.fix !== null && finding.fix.edits.length > 0 && (finding.fix.safe || options.unsafe);
}

/**
 * Applies fixes to a text until none is left to apply; `initial` is the text's current analysis.
 * The rounds re-analyze in this thread, which may not have loaded the file's parser: when the
 * first analysis ran on worker threads, this one never did, and every round failed unseen.
 */
export async function fixText(
  file: string,
  text: string,
  initial: AnalysisResult,
  analyzeOptions: AnalyzeOptions,
  options: FixOptions,
  context: AnalyzeContext,
): Promise<FixOutcome> {
  const language = languageOf({ path: file });
  if (language) await initLanguage(language);
  let current = text;
  let result = initial;
  let fixed = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const chosen = compatibleFixes(result.findings.filter((f) => isApplicable(f, options)).map((f) => f.fix!));
    if (chosen.length === 0) break;
    const next = applyEdits(current, chosen.flatMap((fix) => fix.edits));
    if (next === current) break;
    // A fix must not make the file parse worse; stop at the last text that parsed as well.
    const after = lintText(file, next, analyzeOptions, context);
    // An analysis that threw is reported (exit 2), not mistaken for a fix that made things worse.
    if (isInternalError(after)) return { result: after, fixed, text: current === text ? null : current };
    if (after.parseErrors.length > result.parseErrors.length || after.skipped) break;
    current = next;
    result = after;
    fixed += chosen.length;
  }
  return { result, fixed, text: current === text ? null : current };
}

/** Fixes one file on disk and writes it back; files that do not round-trip through UTF-8 are left alone. */
export async function fixFile(
  file: string,
  initial: AnalysisResult,
  analyzeOptions: AnalyzeOptions,
  options: FixOptions,
  context: AnalyzeContext,
): Promise<FixOutcome> {
  if (!initial.findings.some((f) => isApplicable(f, options))) return { result: initial, fixed: 0, text: null };
  const read = readSource(file, analyzeOptions.maxFileSize);
  if ('skipped' in read || !read.lossless) return { result: initial, fixed: 0, text: null };
  const outcome = await fixText(file, read.text, initial, analyzeOptions, options, context);
  if (outcome.text !== null) fs.writeFileSync(file, (read.bom ? '\uFEFF' : '') + outcome.text, 'utf8');
  return outcome;
}

export function newFixContext(files: Iterable<string> = []): AnalyzeContext {
  return createProjects(diskSources, files);
}


import { analyze, importEffects, type Finding, type ImportEffect } from '../analysis';
import { readSource } from '../workspace/read-source';
import type { ImportRefusal } from './protocol';
import type { BenchLanguage } from './types';

// The benchmark's pre-flight, before anything runs: a module that does work when imported is
// refused, with the line and what to change, instead of being run. The harness imports the module
// (and every pool worker imports it again), so a module-level process pool would run in the
// harness, be blamed on the function, and under spawn start again in each worker until the
// timeout; a server would listen, a worker script's message loop would run on the main thread.
//
// Static first, from the analyzer's own facts: CL201 (missing-main-guard: module-level code that
// creates processes), CL203 (self-spawning-worker-without-guard), and the JS front end's import
// effects (a server that listens at load, worker code using parentPort/workerData at load). What
// the analyzer cannot see (a pool created in another module's helper) the harnesses' import
// guards stop while importing (python_harness.py _ImportGuard, node-common.ts guardImport).

/** Larger files are not analyzed here (the analyzer's own limit is higher; the import guard remains). */
const MAX_PREFLIGHT_BYTES = 2 * 1024 * 1024;

/** The rules whose findings mean "importing this module does work", per language. */
const RULES: Record<BenchLanguage, string[]> = { python: ['CL201'], node: ['CL203'] };

const REASON: Record<string, ImportRefusal['reason']> = {
  CL201: 'process-at-import',
  CL203: 'self-spawning-worker',
  server: 'server-at-import',
  'worker-script': 'worker-script',
};

const FALLBACK_FIX: Record<string, string> = {
  CL201: 'Move the module-level code that creates processes under `if __name__ == "__main__":` (the fix of CL201, missing-main-guard).',
  CL203: 'Guard the code that starts this file again (`if (isMainThread) { … }`, the fix of CL203).',
};

/**
 * Why `file` must not be imported by the benchmark, or null when nothing says so. `text` is the
 * file's content when the caller has it. A failure of the analysis itself is no refusal: the
 * import guard still stands behind it.
 */
export async function preflight(file: string, language: BenchLanguage, text?: string): Promise<ImportRefusal | null> {
  let source = text;
  try {
    if (source === undefined) {
      const read = readSource(file, MAX_PREFLIGHT_BYTES);
      if ('skipped' in read) return null;
      source = read.text;
    }
    const document = { path: file, text: source };
    const result = await analyze(document, { select: RULES[language] });
    const findings = result.findings.filter((f) => RULES[language].includes(f.rule));
    const effects = await importEffects(document);
    const first = earliest(findings, effects);
    if (!first) return null;
    return 'rule' in first ? fromFinding(file, first) : fromEffect(file, first);
  } catch {
    return null;
  }
}

function earliest(findings: Finding[], effects: ImportEffect[]): Finding | ImportEffect | null {
  const all: (Finding | ImportEffect)[] = [...findings, ...effects];
  all.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column);
  return all[0] ?? null;
}

function fromFinding(file: string, finding: Finding): ImportRefusal {
  const fix = finding.fix
    ? `${finding.fix.description} (the quick fix of ${finding.rule}, ${finding.name}; \`concurrency-lens check --fix\` or the editor's code action applies it).`
    : FALLBACK_FIX[finding.rule];
  return {
    stage: 'static',
    reason: REASON[finding.rule],
    rule: finding.rule,
    path: file,
    line: finding.range.start.line + 1,
    column: finding.range.start.column + 1,
    message: finding.message,
    fix,
  };
}

function fromEffect(file: string, effect: ImportEffect): ImportRefusal {
  return {
    stage: 'static',
    reason: REASON[effect.kind],
    rule: null,
    path: file,
    line: effect.range.start.line + 1,
    column: effect.range.start.column + 1,
    message: `${effect.message.charAt(0).toUpperCase()}${effect.message.slice(1)}.`,
    fix: effect.fix,
  };
}

/** `path:line:column` of the refusal, with the path as `relative` gives it. */
export function refusalLocation(refusal: ImportRefusal, relative: (p: string) => string = (p) => p): string {
  return `${relative(refusal.path)}${refusal.line ? `:${refusal.line}${refusal.column ? `:${refusal.column}` : ''}` : ''}`;
}

const sentence = (text: string): string => {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
};

/** The refusal as the result's error (kind `refused`): one message with the place and the fix. */
export function refusalMessage(refusal: ImportRefusal, functionName: string, relative: (p: string) => string = (p) => p): string {
  const found = refusal.stage === 'static' ? 'found before running anything' : 'stopped while importing the module';
  return (
    `not benchmarked: importing the module does work of its own, ${found} (${refusalLocation(refusal, relative)}${refusal.rule ? `, ${refusal.rule}` : ''}). ` +
    `${sentence(refusal.message)} ${WHY(functionName)} ${sentence(refusal.fix)}`
  );
}

const WHY = (functionName: string): string =>
  `The benchmark imports the module to call ${functionName}() and every pool worker imports it again, so that work would run there and its time be blamed on the function.`;

/** The refusal for a terminal: what, where, why, and the fix, on lines of their own. */
export function formatRefusal(refusal: ImportRefusal, functionName: string, relative: (p: string) => string = (p) => p): string {
  const found = refusal.stage === 'static' ? 'found by the pre-flight check; nothing was run' : "stopped by the harness's import guard";
  return [
    `${functionName}() was not benchmarked: importing its module does work of its own (${found}).`,
    `  ${refusalLocation(refusal, relative)}${refusal.rule ? ` (${refusal.rule})` : ''}: ${sentence(refusal.message)}`,
    `  ${WHY(functionName)}`,
    `  fix: ${sentence(refusal.fix)}`,
    '',
  ].join('\n');
}

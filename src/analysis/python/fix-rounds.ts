import type { Fix, TextEdit } from '../core/types';
import { applyEdits } from '../core/apply-edits';
import { spendWork } from '../core/budget';
import { compatibleFixes } from '../core/fix-all';
import { LineIndex } from '../core/lines';
import { isRuleEnabled } from '../core/selection';
import { SuppressionLedger, parseSuppressions } from '../core/suppression';
import { PythonModel } from './model';
import type { PythonRule, PythonRuleContext } from './rule';
import { parsePython } from './syntax';

// A fix whose result another rule would flag at once (a module-level thread pool turned into a
// process pool now needs a main guard, which only the new text's model can place) is completed
// here, the way `check --fix` would over several rounds: apply it, re-parse, run the follow-up
// rules, apply the fixes of findings that are new, repeat. The editor then offers the whole change
// as one edit. Re-parsing costs a whole parse: callers use it only where an edit on the original
// text cannot do (executor-swap.ts makes the pool size edit directly).

/** Rounds after the first: a follow-up fix may make another one possible. */
const MAX_ROUNDS = 3;

interface FollowedFix {
  fix: Fix;
  /** The codes of the rules whose fixes were applied after it, in order. */
  followUps: string[];
}

export function withFollowUps(context: FollowUpContext, fix: Fix, followUps: readonly PythonRule[]): FollowedFix {
  const { model } = context;
  const before = new Set(findingsOf(context, model, followUps).map((f) => f.key));
  let text = applyEdits(model.source, fix.edits);
  const applied: string[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const next = modelOf(model, text);
    if (!next || next.nodesOfType('ERROR').length > 0) break;
    const fresh = findingsOf(context, next, followUps).filter((f) => !before.has(f.key) && f.fix);
    const chosen = compatibleFixes(fresh.map((f) => f.fix!));
    if (chosen.length === 0) break;
    text = applyEdits(text, chosen.flatMap((f) => f.edits));
    for (const f of fresh) if (chosen.includes(f.fix!) && !applied.includes(f.code)) applied.push(f.code);
  }
  if (applied.length === 0) return { fix, followUps: [] };
  return {
    fix: { ...fix, edits: [differenceEdit(model.source, text)] },
    followUps: applied,
  };
}

/** What the follow-up rules run with: the finding's own settings (GIL, options), any model. */
export type FollowUpContext = Omit<PythonRuleContext, 'report' | 'suppressions'>;

const NO_SUPPRESSIONS = new SuppressionLedger(parseSuppressions([]));

interface Reported {
  code: string;
  key: string;
  fix: Fix | null;
}

function findingsOf(context: FollowUpContext, model: PythonModel, rules: readonly PythonRule[]): Reported[] {
  const out: Reported[] = [];
  for (const rule of rules) {
    // A rule the user turned off does not get its fix in through another's.
    if (!isRuleEnabled(rule.meta, context.options)) continue;
    rule.check({
      ...context,
      model,
      // Follow-up rules are ordinary ones (never CL900): nothing reads the ledger.
      suppressions: NO_SUPPRESSIONS,
      // Findings are told apart by rule and message: positions move when a fix adds lines.
      report: (report) => out.push({ code: rule.meta.code, key: `${rule.meta.code}\n${report.message}`, fix: report.fix ?? null }),
    });
  }
  return out;
}

function modelOf(original: PythonModel, text: string): PythonModel | null {
  // A re-parse is work done for the original file: it counts against that file's budget.
  spendWork(original.nodeCount);
  try {
    return new PythonModel(original.path, text, parsePython(text).root, original.resolver, false);
  } catch {
    return null; // no parser, or a text it cannot take: offer the first fix alone
  }
}

/** One edit turning `before` into `after`: the span between their common prefix and suffix. */
export function differenceEdit(before: string, after: string): TextEdit {
  let prefix = 0;
  const shorter = Math.min(before.length, after.length);
  while (prefix < shorter && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (
    suffix < shorter - prefix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) {
    suffix++;
  }
  // Never split a CRLF pair: an edit boundary between `\r` and `\n` is a line the editor cannot address.
  while (prefix > 0 && before[prefix - 1] === '\r' && before[prefix] === '\n') prefix--;
  while (suffix > 0 && before[before.length - suffix] === '\n' && before[before.length - suffix - 1] === '\r') suffix--;
  const lines = new LineIndex(before);
  return {
    range: { start: lines.positionAt(prefix), end: lines.positionAt(before.length - suffix) },
    text: after.slice(prefix, after.length - suffix),
  };
}

import type { AnalyzeOptions, FindingSubject, Fix, RelatedInformation, RuleMeta } from '../core/types';
import type { JsModel } from './model';
import type { Node } from './parse';

// The shape of a JS/TS rule module: ESLint-style metadata beside its check.

export interface JsReport {
  /** The node whose range the finding covers; its start line is the reported line. */
  node: Node | { loc: Node['loc']; range: Node['range'] };
  message: string;
  fix?: Fix | null;
  related?: RelatedInformation[];
  /** The benchmarkable (exported) function the finding is about (CL104). */
  subject?: FindingSubject | null;
}

export interface JsRuleContext {
  model: JsModel;
  options: AnalyzeOptions;
  report(report: JsReport): void;
}

export interface JsRule {
  meta: RuleMeta;
  check(context: JsRuleContext): void;
}

export function jsMeta(meta: Omit<RuleMeta, 'languages'>): RuleMeta {
  return { ...meta, languages: ['javascript'] };
}

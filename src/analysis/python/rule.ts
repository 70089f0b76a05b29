import type { AnalyzeOptions, FindingSubject, Fix, RelatedInformation, RuleMeta } from '../core/types';
import type { PythonModel } from './model';
import type { PyNode } from './syntax';

// The shape of a Python rule module: ESLint-style metadata beside its check.

export interface PythonReport {
  /** The node whose range the finding covers; its start line is the reported line. */
  node: PyNode;
  message: string;
  fix?: Fix | null;
  related?: RelatedInformation[];
  /** The benchmarkable function the finding is about (CL101–CL103). */
  subject?: FindingSubject | null;
}

export interface PythonRuleContext {
  model: PythonModel;
  options: AnalyzeOptions;
  /** The GIL of the target interpreter, from the `python.gil` setting and the interpreter's report. */
  gilEnabled: boolean;
  report(report: PythonReport): void;
}

export interface PythonRule {
  meta: RuleMeta;
  check(context: PythonRuleContext): void;
}

export function pyMeta(meta: Omit<RuleMeta, 'languages'>): RuleMeta {
  return { ...meta, languages: ['python'] };
}

import type { RuleModule } from '../core/runner';
import type { AnalyzeOptions, FindingSubject, Fix, RelatedInformation } from '../core/types';
import type { PythonModel } from './model';
import type { PyNode } from './syntax';

// The shape of a Python rule module: its catalogue metadata beside its check (src/analysis/catalog.ts).

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

/** A rule module: its metadata from the catalogue (`ruleMeta`) beside its check. */
export type PythonRule = RuleModule<PythonRuleContext>;

import type { RuleModule } from '../core/runner';
import type { SuppressionLedger } from '../core/suppression';
import type { AnalyzeOptions, FindingSubject, Fix, Range, RelatedInformation } from '../core/types';
import type { PythonModel } from './model';
import type { PyNode } from './syntax';

// The shape of a Python rule module: its catalogue metadata beside its check (src/analysis/catalog.ts).

export type PythonReport = PythonReportBody &
  (
    | {
        /** The node whose range the finding covers; its start line is the reported line. */
        node: PyNode;
      }
    | {
        /** A range inside a node (a code in a suppression comment: CL900). */
        range: Range;
      }
  );

interface PythonReportBody {
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
  /** What the file's suppression comments covered so far: read by CL900, which runs last. */
  suppressions: SuppressionLedger;
  /**
   * The module is a notebook's cells (AnalyzeOptions.notebook): an interactive `__main__` with no
   * file behind it. There is no `if __name__ == "__main__":` to add, and worker processes started
   * with spawn or forkserver cannot re-import anything defined in it.
   */
  notebook: boolean;
  report(report: PythonReport): void;
}

/** A rule module: its metadata from the catalogue (`ruleMeta`) beside its check. */
export type PythonRule = RuleModule<PythonRuleContext>;

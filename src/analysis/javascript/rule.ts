import type { RuleModule } from '../core/runner';
import type { SuppressionLedger } from '../core/suppression';
import type { AnalyzeOptions, FindingSubject, Fix, Range, RelatedInformation } from '../core/types';
import type { JsModel } from './model';
import type { Node } from './parse';

// The shape of a JS/TS rule module: its catalogue metadata beside its check (src/analysis/catalog.ts).

export type JsReport = JsReportBody &
  (
    | {
        /** The node whose range the finding covers; its start line is the reported line. */
        node: Node | { range: Node['range'] };
      }
    | {
        /** A range inside a node (a code in a suppression comment: CL900). */
        range: Range;
      }
  );

interface JsReportBody {
  message: string;
  fix?: Fix | null;
  related?: RelatedInformation[];
  /** The benchmarkable (exported) function the finding is about (CL104). */
  subject?: FindingSubject | null;
}

export interface JsRuleContext {
  model: JsModel;
  options: AnalyzeOptions;
  /** What the file's suppression comments covered so far: read by CL900, which runs last. */
  suppressions: SuppressionLedger;
  report(report: JsReport): void;
}

/** A rule module: its metadata from the catalogue (`ruleMeta`) beside its check. */
export type JsRule = RuleModule<JsRuleContext>;

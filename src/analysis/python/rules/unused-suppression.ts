import type { PythonRule } from '../rule';
import { ruleMeta } from '../../catalog';
import { unusedSuppressions } from '../../core/unused-suppressions';

// The check is the same for both languages (core/unused-suppressions.ts); the runner runs it after
// the other rules, once it knows what each suppression covered (core/runner.ts).
export const rule: PythonRule = {
  meta: ruleMeta('CL900'),
  readsSuppressions: true,
  check(context) {
    // Code the parser could not read may hold the finding a suppression is there for (a line
    // being typed): silent until the file parses.
    if (context.model.root.hasError) return;
    for (const unused of unusedSuppressions(context.suppressions, 'python', context.model.source)) context.report(unused);
  },
};

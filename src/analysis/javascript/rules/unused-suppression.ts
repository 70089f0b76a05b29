import type { JsRule } from '../rule';
import { ruleMeta } from '../../catalog';
import { unusedSuppressions } from '../../core/unused-suppressions';

// The check is the same for both languages (core/unused-suppressions.ts); the runner runs it after
// the other rules, once it knows what each suppression covered (core/runner.ts). A JS/TS file that
// does not parse has no model, so no rule runs on it.
export const rule: JsRule = {
  meta: ruleMeta('CL900'),
  readsSuppressions: true,
  check(context) {
    for (const unused of unusedSuppressions(context.suppressions, 'javascript', context.model.source)) context.report(unused);
  },
};

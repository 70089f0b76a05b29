import { type PythonRule, pyMeta } from '../rule';

// PLACEHOLDER: metadata only, the check is not written yet.
export const rule: PythonRule = {
  meta: pyMeta({
    code: 'CL403',
    name: 'inconsistent-lock-order',
    defaultSeverity: 'warning',
    summary: 'Two locks acquired in opposite orders in the same module',
    fixable: false,
  }),
  check() {},
};

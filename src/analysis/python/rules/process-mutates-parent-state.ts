import { type PythonRule, pyMeta } from '../rule';

// PLACEHOLDER: metadata only, the check is not written yet.
export const rule: PythonRule = {
  meta: pyMeta({
    code: 'CL404',
    name: 'process-mutates-parent-state',
    defaultSeverity: 'warning',
    summary: 'A process task mutates module state the parent never sees',
    fixable: false,
  }),
  check() {},
};

import { type PythonRule, pyMeta } from '../rule';

// PLACEHOLDER: metadata only, the check is not written yet.
export const rule: PythonRule = {
  meta: pyMeta({
    code: 'CL301',
    name: 'hardcoded-worker-count',
    defaultSeverity: 'warning',
    summary: 'Process pool sized with an integer literal instead of the machine\'s CPU count',
    fixable: true,
  }),
  check() {},
};

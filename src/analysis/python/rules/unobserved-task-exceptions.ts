import { type PythonRule, pyMeta } from '../rule';

// PLACEHOLDER: metadata only, the check is not written yet.
export const rule: PythonRule = {
  meta: pyMeta({
    code: 'CL501',
    name: 'unobserved-task-exceptions',
    defaultSeverity: 'warning',
    summary: 'Futures or async results discarded, so task exceptions are never seen',
    fixable: true,
  }),
  check() {},
};

import { type PythonRule, pyMeta } from '../rule';

// PLACEHOLDER: metadata only, the check is not written yet.
export const rule: PythonRule = {
  meta: pyMeta({
    code: 'CL302',
    name: 'unbounded-workers',
    defaultSeverity: 'warning',
    summary: 'Thread or process count grows with the input',
    fixable: true,
  }),
  check() {},
};

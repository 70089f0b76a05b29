import { type PythonRule, pyMeta } from '../rule';

// PLACEHOLDER: metadata only, the check is not written yet.
export const rule: PythonRule = {
  meta: pyMeta({
    code: 'CL204',
    name: 'fork-with-threads',
    defaultSeverity: 'warning',
    summary: 'The fork start method chosen in a module that also starts threads',
    fixable: true,
  }),
  check() {},
};

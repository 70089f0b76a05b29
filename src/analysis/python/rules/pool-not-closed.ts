import { type PythonRule, pyMeta } from '../rule';

// PLACEHOLDER: metadata only, the check is not written yet.
export const rule: PythonRule = {
  meta: pyMeta({
    code: 'CL502',
    name: 'pool-not-closed',
    defaultSeverity: 'warning',
    summary: 'Pool or executor created in a function and never shut down',
    fixable: true,
  }),
  check() {},
};

import { type PythonRule, pyMeta } from '../rule';

// PLACEHOLDER: metadata only, the check is not written yet.
export const rule: PythonRule = {
  meta: pyMeta({
    code: 'CL303',
    name: 'cpu-count-may-be-none',
    defaultSeverity: 'warning',
    summary: 'os.cpu_count() used in arithmetic or comparison without a fallback for None',
    fixable: true,
  }),
  check() {},
};

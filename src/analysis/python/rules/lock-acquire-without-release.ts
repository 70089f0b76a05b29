import { type PythonRule, pyMeta } from '../rule';

// PLACEHOLDER: metadata only, the check is not written yet.
export const rule: PythonRule = {
  meta: pyMeta({
    code: 'CL402',
    name: 'lock-acquire-without-release',
    defaultSeverity: 'warning',
    summary: 'lock.acquire() whose release() is not in a finally block',
    fixable: true,
  }),
  check() {},
};

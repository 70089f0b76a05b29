import { type PythonRule, pyMeta } from '../rule';

// PLACEHOLDER: metadata only, the check is not written yet.
export const rule: PythonRule = {
  meta: pyMeta({
    code: 'CL401',
    name: 'unsynchronized-shared-mutation',
    defaultSeverity: 'warning',
    summary: 'Read-modify-write of shared state in a thread task outside any lock',
    fixable: true,
  }),
  check() {},
};

import { type PythonRule, pyMeta } from '../rule';

// PLACEHOLDER: metadata only, the check is not written yet.
export const rule: PythonRule = {
  meta: pyMeta({
    code: 'CL505',
    name: 'preexec-fn-with-threads',
    defaultSeverity: 'warning',
    summary: 'subprocess with preexec_fn, unsafe in a process that has threads',
    fixable: true,
  }),
  check() {},
};

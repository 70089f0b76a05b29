import { type PythonRule, pyMeta } from '../rule';

// PLACEHOLDER: metadata only, the check is not written yet.
export const rule: PythonRule = {
  meta: pyMeta({
    code: 'CL504',
    name: 'bad-thread-instantiation',
    defaultSeverity: 'warning',
    summary: 'threading.Thread created with neither target= nor a subclass',
    fixable: false,
  }),
  check() {},
};

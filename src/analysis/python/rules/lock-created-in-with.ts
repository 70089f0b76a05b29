import { type PythonRule, pyMeta } from '../rule';

// PLACEHOLDER: metadata only, the check is not written yet.
export const rule: PythonRule = {
  meta: pyMeta({
    code: 'CL408',
    name: 'lock-created-in-with',
    defaultSeverity: 'error',
    summary: 'with threading.Lock(): creates a fresh lock that guards nothing',
    fixable: false,
  }),
  check() {},
};

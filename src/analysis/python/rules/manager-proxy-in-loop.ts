import { type PythonRule, pyMeta } from '../rule';

// PLACEHOLDER: metadata only, the check is not written yet.
export const rule: PythonRule = {
  meta: pyMeta({
    code: 'CL406',
    name: 'manager-proxy-in-loop',
    defaultSeverity: 'info',
    summary: 'A Manager proxy mutated inside a loop, one round trip per item',
    fixable: false,
  }),
  check() {},
};

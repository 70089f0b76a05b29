import { type PythonRule, pyMeta } from '../rule';

// PLACEHOLDER: metadata only, the check is not written yet.
export const rule: PythonRule = {
  meta: pyMeta({
    code: 'CL201',
    name: 'missing-main-guard',
    defaultSeverity: 'error',
    summary: 'Module-level code creates processes without an if __name__ == "__main__": guard',
    fixable: true,
  }),
  check() {},
};

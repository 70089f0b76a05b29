import { type PythonRule, pyMeta } from '../rule';

// PLACEHOLDER: metadata only, the check is not written yet.
export const rule: PythonRule = {
  meta: pyMeta({
    code: 'CL107',
    name: 'blocking-call-in-async',
    defaultSeverity: 'warning',
    summary: 'Blocking call (sleep, requests, file or subprocess I/O) directly inside an async def',
    fixable: true,
  }),
  check() {},
};

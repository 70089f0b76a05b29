import { type PythonRule, pyMeta } from '../rule';

// PLACEHOLDER: metadata only, the check is not written yet.
export const rule: PythonRule = {
  meta: pyMeta({
    code: 'CL405',
    name: 'join-before-queue-drained',
    defaultSeverity: 'warning',
    summary: 'join() on a process before draining the queue it puts to',
    fixable: false,
  }),
  check() {},
};

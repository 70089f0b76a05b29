import type { FrontEnd, LanguageProject } from '../core/front-end';

// Stands in for the JS/TS front end in bundles built without it (scripts/build.mjs: the
// benchmark engine's bundle, whose only analysis is the static workload of a Python function).
// Offering no services, it makes the engine answer "nothing to say" for JS/TS files there, and
// keeps the 10 MB `typescript` package out of that bundle.

function absent(): never {
  throw new Error('JS/TS analysis is not part of this bundle');
}

export const javascriptFrontEnd: FrontEnd<LanguageProject> = {
  language: 'javascript',
  createProject: () => ({ invalidate() {} }),
  analyze: absent,
};

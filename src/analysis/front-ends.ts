import type { Language } from './core/types';
import type { FrontEnd } from './core/front-end';
import type { PythonProject } from './python/analyze';
import type { JsProject } from './javascript/analyze';

// The registry of front ends (core/front-end.ts), each loaded on first use: index.ts and the
// notebook analysis (notebook/analyze.ts) both dispatch through it.

export type FrontEnds = { python: FrontEnd<PythonProject>; javascript: FrontEnd<JsProject> };

// `require` inside the function, not a static import: the module (and its parser) is evaluated
// only when a file of that language comes. esbuild keeps such requires lazy in the bundles.
const loaders: { [L in Language]: () => FrontEnds[L] } = {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  python: () => (require('./python') as typeof import('./python')).pythonFrontEnd,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  javascript: () => (require('./javascript') as typeof import('./javascript')).javascriptFrontEnd,
};
const loaded: Partial<FrontEnds> = {};
const initialised = new Set<Language>();

export function frontEnd<L extends Language>(language: L): FrontEnds[L] {
  return (loaded[language] ??= loaders[language]()) as FrontEnds[L];
}

/** The languages whose front end this process has loaded (tests check a Python run loads no JS). */
export function loadedLanguages(): Language[] {
  return (Object.keys(loaded) as Language[]).sort();
}

/** Loads a language's parser (wasm) ahead of use; `analyze` does it on demand. */
export async function initLanguage(language: Language): Promise<void> {
  if (initialised.has(language)) return;
  await frontEnd(language).init?.();
  initialised.add(language);
}

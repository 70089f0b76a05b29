import * as fs from 'node:fs';
import * as path from 'node:path';
import { findOnPath } from './executables';
import type { BenchLanguage, BenchRequest } from './types';

// Which program runs the harness: the interpreter (the request's, else the first on PATH) and the
// harness script beside the bundle. Kept apart from the session so that finding files on disk
// (the part that differs between dist/ and src/) sits in one place.

/** The harness's command line. */
export interface Launcher {
  command: string;
  args: string[];
}

/** Why no harness can start: `spawn` when the interpreter is missing, `internal` when the build is. */
export interface LaunchProblem {
  error: string;
  kind: 'spawn' | 'internal';
}

/** Where python_harness.py and node-harness.js are: beside the bundle, or in dist/ when running from src/. */
export function harnessDirectory(explicit?: string): string {
  if (explicit) return explicit;
  // __dirname is dist/ in every bundle (dist/profiling.js, dist/cli.js) and src/profiling/ from sources.
  const candidates = [path.join(__dirname, 'harness'), path.join(__dirname, '..', '..', 'dist', 'harness')];
  return candidates.find((dir) => fs.existsSync(dir)) ?? candidates[0];
}

export function resolveLauncher(language: BenchLanguage, request: BenchRequest): Launcher | LaunchProblem {
  const dir = harnessDirectory(request.harnessDir);
  if (language === 'python') {
    const script = path.join(dir, 'python_harness.py');
    if (!fs.existsSync(script)) return { error: `the Python harness is missing (${script}); run the build`, kind: 'internal' };
    const python = request.python ?? findOnPath(['python3', 'python']);
    if (!python) return { error: 'no Python interpreter found: python3 and python are not on PATH (pass --python PATH)', kind: 'spawn' };
    return { command: python, args: [script] };
  }
  // The Node harness is bundled to JS by the build; from sources, src/profiling/harness/ has no
  // .js, so the built one in dist/ is used.
  const candidates = [path.join(dir, 'node-harness.js'), path.join(__dirname, '..', '..', 'dist', 'harness', 'node-harness.js')];
  const script = candidates.find((c) => fs.existsSync(c));
  if (!script) return { error: `the Node harness is missing (${candidates[0]}); run the build`, kind: 'internal' };
  const node = request.node ?? findOnPath(['node']) ?? process.execPath;
  return { command: node, args: [script] };
}

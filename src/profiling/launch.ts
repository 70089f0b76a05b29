import * as fs from 'node:fs';
import * as path from 'node:path';
import { findOnPath, resolveExecutable } from './executables';
import { SUBREAPER_ENV } from './protocol';
import type { BenchLanguage, BenchRequest } from './types';

// Which program runs the harness: the interpreter (the request's, else the first on PATH) and the
// harness script beside the bundle. Kept apart from the session so that finding files on disk
// (the part that differs between dist/ and src/) sits in one place.

/** The harness's command line. */
export interface Launcher {
  command: string;
  args: string[];
  /** The interpreter, for messages (the command, or the node a subreaper launcher execs). */
  label: string;
  /**
   * Why the harness will not be its tree's subreaper, when that is known before it starts; when
   * null, the harness says in its ready reply whether it is one.
   */
  noSubreaper: string | null;
}

/**
 * Node cannot call prctl, so on Linux the Node harness is started through python3: it sets
 * PR_SET_CHILD_SUBREAPER (36), which execve preserves, says so in SUBREAPER_ENV, and execs node
 * in the same process (same pid: the engine's process group and ancestry still name it). -I -S:
 * no user site, no PYTHON* variables, no site import, so nothing of the user's runs here.
 */
const SUBREAPER_LAUNCHER = [
  'import os, sys',
  'try:',
  '    import ctypes',
  `    if ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0: os.environ[${JSON.stringify(SUBREAPER_ENV)}] = "1"`,
  'except Exception:',
  '    pass',
  'os.execv(sys.argv[1], sys.argv[1:])',
].join('\n');

const ONLY_LINUX = "the benchmark follows the harness's descendants on Linux only (elsewhere any process that leaves its process group, detached or setsid, may outlive it)";

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
    return { command: python, args: [script], label: python, noSubreaper: process.platform === 'linux' ? null : ONLY_LINUX };
  }
  // The Node harness is bundled to JS by the build; from sources, src/profiling/harness/ has no
  // .js, so the built one in dist/ is used.
  const candidates = [path.join(dir, 'node-harness.js'), path.join(__dirname, '..', '..', 'dist', 'harness', 'node-harness.js')];
  const script = candidates.find((c) => fs.existsSync(c));
  if (!script) return { error: `the Node harness is missing (${candidates[0]}); run the build`, kind: 'internal' };
  const node = request.node ?? findOnPath(['node']) ?? process.execPath;
  if (process.platform !== 'linux') return { command: node, args: [script], label: node, noSubreaper: ONLY_LINUX };
  const python = resolveExecutable(request.python ?? 'python3');
  // A node that cannot be run keeps its own `spawn` failure, not a launcher's crash.
  if (!python || !resolveExecutable(node)) {
    const why = `Node cannot make itself its tree's subreaper, and ${request.python ? `the Python given (${request.python}) cannot be run` : 'no python3 is on PATH'} to start it as one (pass --python PATH)`;
    return { command: node, args: [script], label: node, noSubreaper: why };
  }
  return { command: python, args: ['-I', '-S', '-c', SUBREAPER_LAUNCHER, node, script], label: node, noSubreaper: null };
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { readSource } from '../workspace/read-source';

// How the benchmark imports the user's module: the way the project itself does, so that its
// relative imports (`from .util import f`), its absolute intra-project imports
// (`from pkg.util import f`) and, for Node, its package's `exports` and `type` work as they do
// when the project runs. Pure look-ups on the file system, no process started; the harnesses
// (harness/python_harness.py, harness/node-common.ts) act on the answer.
//
// Python: the module's dotted name comes from the `__init__.py` chain above the file (a regular
// package), or from a `src/` layout under the project root (pyproject.toml, setup.cfg,
// setup.py), where PEP 420 namespace packages need no `__init__.py`. The folder that holds the
// top-level package goes first on sys.path, as `python -m pkg.work` from the project root would
// have it; the project root (and its src/) follow, so that sibling packages import too. A file in
// no package is a script: its own folder first, as `python file.py` has it. Every pool worker
// (spawn, forkserver, fork, sub-interpreters) imports the module by the same dotted name, so a
// function pickled by reference (module + qualified name) is found there.
//
// Node: the module is imported by its file URL, which is what Node's resolver gives for any
// specifier that reaches the file (the module cache is keyed by the resolved URL); the nearest
// package.json says whether it is ESM or CommonJS (`type`, the extension) and which specifier
// of the package's `exports` names it, for the report.

/** Files that mark a Python project's root. */
export const PYTHON_PROJECT_MARKERS = ['pyproject.toml', 'setup.cfg', 'setup.py'] as const;

export type PythonLayout =
  /** In a regular package: an `__init__.py` in the file's folder and up the chain. */
  | 'package'
  /** Under `<project>/src/`: imported relative to src/ (namespace packages allowed). */
  | 'src-layout'
  /** In no package: imported under its file name, its folder first on sys.path. */
  | 'script';

export interface PythonImportTarget {
  language: 'python';
  /**
   * The dotted name the harness imports (`pkg.work`), or null when the file cannot have one
   * (its name is not an identifier, e.g. `my-script.py`): then the harness loads it from its path
   * under a private name, as for a script.
   */
  module: string | null;
  /** Folders put at the front of sys.path, in this order, in the harness and in every worker. */
  sysPath: string[];
  /** The nearest folder above the file with pyproject.toml, setup.cfg or setup.py; null when none. */
  projectRoot: string | null;
  layout: PythonLayout;
  /** One sentence for the report: how the module is imported, and why. */
  how: string;
}

export type NodeModuleFormat = 'module' | 'commonjs' | 'typescript';

export interface NodeImportTarget {
  language: 'node';
  /** The folder of the nearest package.json; null when there is none. */
  packageRoot: string | null;
  packageName: string | null;
  /** How Node loads it: ESM, CommonJS, or TypeScript (the harness transpiles it to CommonJS). */
  format: NodeModuleFormat;
  /** The package's own specifier (`name/sub`) that its `exports` map to this file, when one does. */
  specifier: string | null;
  how: string;
}

export type ImportTarget = PythonImportTarget | NodeImportTarget;

/** What the look-ups need from the file system (tests may pass a fake). */
export interface FileProbe {
  isFile(file: string): boolean;
  isDirectory(dir: string): boolean;
  readText(file: string): string | null;
}

export const diskProbe: FileProbe = {
  isFile: (file) => {
    try {
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  },
  isDirectory: (dir) => {
    try {
      return fs.statSync(dir).isDirectory();
    } catch {
      return false;
    }
  },
  readText: (file) => {
    // package.json only: small, but bounded all the same.
    const read = readSource(file, 1024 * 1024);
    return 'text' in read ? read.text : null;
  },
};

const PYTHON_IDENTIFIER = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u;
const PYTHON_KEYWORDS = new Set(
  ('False None True and as assert async await break class continue def del elif else except finally for from global if ' +
    'import in is lambda nonlocal not or pass raise return try while with yield').split(' '),
);

/** Whether `name` can be one part of a dotted module name. */
export function isPythonIdentifier(name: string): boolean {
  return PYTHON_IDENTIFIER.test(name) && !PYTHON_KEYWORDS.has(name);
}

/** The folders from `dir` up to the file system's root, nearest first. */
function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    out.push(d);
    if (path.dirname(d) === d) return out;
  }
}

/** The nearest folder at or above `dir` holding one of `markers`. */
function nearestWith(dir: string, markers: readonly string[], probe: FileProbe): string | null {
  return ancestors(dir).find((d) => markers.some((m) => probe.isFile(path.join(d, m)))) ?? null;
}

const within = (parent: string, child: string): boolean => {
  const rel = path.relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
};

/** How to import the Python file `file` (absolute) the way its project does. */
export function pythonImportTarget(file: string, probe: FileProbe = diskProbe): PythonImportTarget {
  const absolute = path.resolve(file);
  const dir = path.dirname(absolute);
  const stem = path.basename(absolute).replace(/\.[^.]+$/, '');
  const projectRoot = nearestWith(dir, PYTHON_PROJECT_MARKERS, probe);
  const srcDir = projectRoot && probe.isDirectory(path.join(projectRoot, 'src')) ? path.join(projectRoot, 'src') : null;
  // The project's own folders, after the one the module needs: sibling packages import from there.
  const extras = [projectRoot, srcDir].filter((d): d is string => d !== null);
  const withExtras = (first: string): string[] => [...new Set([first, ...extras])];

  // `pkg/__init__.py` itself is the package `pkg`.
  const isInit = stem === '__init__';
  const parts: string[] = isInit ? [] : [stem];
  let top = dir;
  while (probe.isFile(path.join(top, '__init__.py')) && isPythonIdentifier(path.basename(top)) && path.dirname(top) !== top) {
    parts.unshift(path.basename(top));
    top = path.dirname(top);
  }
  const inPackage = top !== dir;
  const valid = parts.length > 0 && parts.every(isPythonIdentifier);

  if (inPackage && valid) {
    const module = parts.join('.');
    const layout: PythonLayout = srcDir !== null && top === srcDir ? 'src-layout' : 'package';
    return {
      language: 'python',
      module,
      sysPath: withExtras(top),
      projectRoot,
      layout,
      how: `imported as ${module} with ${top} first on sys.path (the __init__.py chain${layout === 'src-layout' ? ' under the src/ layout' : ''}), as \`python -m ${module}\` would`,
    };
  }
  // No __init__.py here: a src/ layout still names it relative to src/ (namespace packages).
  if (!inPackage && srcDir !== null && within(srcDir, absolute)) {
    const rel = path.relative(srcDir, absolute).replace(/\.[^.]+$/, '').split(path.sep);
    if (rel[rel.length - 1] === '__init__') rel.pop();
    if (rel.length > 0 && rel.every(isPythonIdentifier)) {
      const module = rel.join('.');
      return {
        language: 'python',
        module,
        sysPath: withExtras(srcDir),
        projectRoot,
        layout: 'src-layout',
        how: `imported as ${module} with ${srcDir} first on sys.path (the src/ layout of ${projectRoot})`,
      };
    }
  }
  const module = isPythonIdentifier(stem) && !isInit ? stem : null;
  const how =
    inPackage && !valid
      ? `loaded from its path: ${path.basename(absolute)} is in a package, but ${parts.find((p) => !isPythonIdentifier(p)) ?? stem} is not a valid module name, so relative imports cannot work`
      : `imported as a script (${module ?? 'under a private name'}) with its folder first on sys.path, as \`python ${path.basename(absolute)}\` would` +
        (projectRoot && projectRoot !== dir ? `; the project root ${projectRoot} follows` : '');
  return { language: 'python', module, sysPath: withExtras(dir), projectRoot, layout: 'script', how };
}

// ---- Node ----------------------------------------------------------------------------------

interface PackageJson {
  name?: unknown;
  type?: unknown;
  exports?: unknown;
  main?: unknown;
}

/** Conditions Node's resolver matches for `import()` and `require()`, in the order it tries them. */
const CONDITIONS = ['node', 'import', 'require', 'module-sync', 'default'];

/** The targets an `exports` value can resolve to (every condition Node could pick). */
function exportTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(exportTargets);
  if (value !== null && typeof value === 'object') {
    const entries = value as Record<string, unknown>;
    return Object.keys(entries)
      .filter((k) => CONDITIONS.includes(k) || !k.startsWith('.'))
      .flatMap((k) => exportTargets(entries[k]));
  }
  return [];
}

/** The subpath of the package (`.`, `./util`) that `exports` maps to `rel` (`./src/util.js`), or null. */
export function exportedSubpath(exportsField: unknown, rel: string): string | null {
  if (exportsField === undefined || exportsField === null) return null;
  const isSubpathMap =
    typeof exportsField === 'object' && !Array.isArray(exportsField) && Object.keys(exportsField as object).some((k) => k.startsWith('.'));
  const map: Record<string, unknown> = isSubpathMap ? (exportsField as Record<string, unknown>) : { '.': exportsField };
  const strip = (p: string): string => p.replace(/^\.\//, '');
  const wanted = strip(path.posix.normalize(rel));
  for (const [subpath, value] of Object.entries(map)) {
    for (const target of exportTargets(value)) {
      const star = target.indexOf('*');
      if (star === -1) {
        if (strip(path.posix.normalize(target)) === wanted) return subpath;
        continue;
      }
      const prefix = strip(target.slice(0, star));
      const suffix = target.slice(star + 1);
      if (subpath.includes('*') && wanted.startsWith(prefix) && wanted.endsWith(suffix) && wanted.length > prefix.length + suffix.length) {
        return subpath.replace('*', wanted.slice(prefix.length, wanted.length - suffix.length));
      }
    }
  }
  return null;
}

/** How Node loads the JS/TS file `file` (absolute), and how its package names it. */
export function nodeImportTarget(file: string, probe: FileProbe = diskProbe): NodeImportTarget {
  const absolute = path.resolve(file);
  const ext = path.extname(absolute).toLowerCase();
  const packageRoot = nearestWith(path.dirname(absolute), ['package.json'], probe);
  let pkg: PackageJson = {};
  if (packageRoot) {
    try {
      const parsed: unknown = JSON.parse(probe.readText(path.join(packageRoot, 'package.json')) ?? '{}');
      if (parsed !== null && typeof parsed === 'object') pkg = parsed as PackageJson;
    } catch {
      // Node itself refuses a malformed package.json at import; the harness reports that.
    }
  }
  const packageName = typeof pkg.name === 'string' ? pkg.name : null;
  const typeField = pkg.type === 'module' ? 'module' : 'commonjs';
  const format: NodeModuleFormat = ['.ts', '.mts', '.cts', '.tsx'].includes(ext)
    ? 'typescript'
    : ext === '.mjs'
      ? 'module'
      : ext === '.cjs'
        ? 'commonjs'
        : typeField;
  let specifier: string | null = null;
  if (packageRoot && packageName) {
    const rel = `./${path.relative(packageRoot, absolute).split(path.sep).join('/')}`;
    const subpath = exportedSubpath(pkg.exports, rel);
    if (subpath !== null) specifier = subpath === '.' ? packageName : `${packageName}/${subpath.replace(/^\.\//, '')}`;
    else if (pkg.exports === undefined && typeof pkg.main === 'string' && path.posix.normalize(`./${pkg.main}`) === path.posix.normalize(rel)) specifier = packageName;
  }
  const formatText =
    format === 'typescript'
      ? 'TypeScript, transpiled to CommonJS by the harness'
      : format === 'module'
        ? `ESM (${ext === '.mjs' ? 'the .mjs extension' : 'package.json "type": "module"'})`
        : `CommonJS (${ext === '.cjs' ? 'the .cjs extension' : packageRoot ? 'package.json has no "type": "module"' : 'no package.json'})`;
  const how =
    `imported by its file URL, as Node resolves it${specifier ? ` (the package's ${specifier})` : ''}: ${formatText}` +
    (packageRoot ? `; package root ${packageRoot}` : '');
  return { language: 'node', packageRoot, packageName, format, specifier, how };
}

/** The import target of a benchmark's file, by its language. */
export function importTarget(file: string, language: 'python' | 'node', probe: FileProbe = diskProbe): ImportTarget {
  return language === 'python' ? pythonImportTarget(file, probe) : nodeImportTarget(file, probe);
}

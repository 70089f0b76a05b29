import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore = require('ignore');
import { isCheckablePath } from '../analysis';
import type { ConfigResolver } from './config';
import { readBounded } from './read-source';

// Turns the paths on the command line into the list of files to analyze: folders are walked
// (honouring nested .gitignore files and the configuration's `exclude`, skipping dependency and
// tool folders); files named explicitly are always analyzed, as ruff and black do, unless
// `forceExclude` is set (pre-commit hooks pass every changed file).

/** Folders that hold installed dependencies, VCS data or caches, never project source. */
export const SKIPPED_DIRS = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  '.venv',
  'venv',
  '__pycache__',
  'site-packages',
  '.tox',
  '.nox',
  '.eggs',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.direnv',
]);

export interface FileEntry {
  absolute: string;
  /** The path to show: as given on the command line, or joined onto the folder given. */
  display: string;
}

export class PathNotFoundError extends Error {
  constructor(readonly given: string) {
    super(`path not found: ${given}`);
    this.name = 'PathNotFoundError';
  }
}

export interface WalkOptions {
  configs: ConfigResolver;
  forceExclude?: boolean;
  /** Unreadable folders are reported here and skipped. */
  onWarning?: (message: string) => void;
}

interface IgnoreLayer {
  dir: string;
  rules: ignore.Ignore;
  /** The file the rules came from, for messages. */
  file: string;
}

export function collectFiles(paths: readonly string[], cwd: string, options: WalkOptions): FileEntry[] {
  const seen = new Set<string>();
  const out: FileEntry[] = [];
  const add = (absolute: string, display: string): void => {
    if (seen.has(absolute)) return;
    seen.add(absolute);
    out.push({ absolute, display });
  };
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absolute);
    } catch {
      throw new PathNotFoundError(given);
    }
    const display = path.isAbsolute(given) ? absolute : path.normalize(given);
    if (stat.isDirectory()) {
      const layers = ancestorIgnores(absolute);
      const ignoredBy = ignoringFile(layers, absolute);
      if (ignoredBy) {
        // Everything below would be skipped silently: say why, and how to check it anyway.
        options.onWarning?.(`${display} is ignored by ${ignoredBy}; name its files explicitly to check them`);
      }
      walkDirectory(absolute, display, layers, options, add);
    } else if (!options.forceExclude || !options.configs.configFor(absolute).isExcluded(absolute)) {
      add(absolute, display);
    }
  }
  return out;
}

function walkDirectory(
  dir: string,
  display: string,
  layers: IgnoreLayer[],
  options: WalkOptions,
  add: (absolute: string, display: string) => void,
): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    options.onWarning?.(`cannot read folder ${display}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return;
  }
  const own = readIgnoreFile(path.join(dir, '.gitignore'));
  const active = own ? [...layers, { dir, rules: own, file: path.join(dir, '.gitignore') }] : layers;
  // Byte order, not locale order, so the output is the same on every machine.
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const config = options.configs.configFor(dir, true);
  for (const entry of entries) {
    const absolute = path.join(dir, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      // Linked files are followed; linked folders are not, which rules out cycles.
      try {
        isFile = fs.statSync(absolute).isFile();
      } catch {
        isFile = false;
      }
      isDirectory = false;
    }
    if (isDirectory) {
      if (SKIPPED_DIRS.has(entry.name) || isVirtualEnv(absolute)) continue;
      if (isIgnored(active, absolute, true) || config.isExcluded(absolute)) continue;
      walkDirectory(absolute, path.join(display, entry.name), active, options, add);
    } else if (isFile && isCheckablePath(entry.name)) {
      if (isIgnored(active, absolute, false)) continue;
      // A nested configuration may govern files of this folder differently from the folder itself.
      if (options.configs.configFor(absolute).isExcluded(absolute)) continue;
      add(absolute, path.join(display, entry.name));
    }
  }
}

/** A virtual environment under any name (`env/`, `.env311/`) has a pyvenv.cfg at its top. */
function isVirtualEnv(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'pyvenv.cfg'));
}

/** Bounded like sources: a .gitignore that is a FIFO or a device must not stall the walk. */
const MAX_IGNORE_FILE_SIZE = 4 * 1024 * 1024;

function readIgnoreFile(file: string): ignore.Ignore | null {
  const read = readBounded(file, MAX_IGNORE_FILE_SIZE);
  return 'bytes' in read ? ignore().add(read.bytes.toString('utf8')) : null;
}

/**
 * The ignore files that apply above a walked folder: when it sits inside a git work tree, the
 * .gitignore files from the repository root down to the folder's parent, and .git/info/exclude.
 * Outside a repository only the walked tree's own .gitignore files count.
 */
function ancestorIgnores(start: string): IgnoreLayer[] {
  const chain: string[] = [];
  let dir = path.dirname(start);
  let root: string | null = fs.existsSync(path.join(start, '.git')) ? start : null;
  while (!root) {
    chain.push(dir);
    if (fs.existsSync(path.join(dir, '.git'))) {
      root = dir;
      break;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return [];
    dir = parent;
  }
  const layers: IgnoreLayer[] = [];
  const excludeFile = path.join(root, '.git', 'info', 'exclude');
  const exclude = readIgnoreFile(excludeFile);
  if (exclude) layers.push({ dir: root, rules: exclude, file: excludeFile });
  for (const folder of chain.reverse()) {
    const file = path.join(folder, '.gitignore');
    const rules = readIgnoreFile(file);
    if (rules) layers.push({ dir: folder, rules, file });
  }
  return layers;
}

/** The ignore file whose rules leave `dir` (or a folder above it, within the layers) ignored, if any. */
function ignoringFile(layers: readonly IgnoreLayer[], dir: string): string | null {
  for (let current = dir; ; current = path.dirname(current)) {
    const deciding = layers.filter((layer) => {
      const rel = path.relative(layer.dir, current);
      return rel && !rel.startsWith('..') && !path.isAbsolute(rel);
    });
    if (deciding.length === 0) return null;
    if (isIgnored(deciding, current, true)) {
      const rel = (layer: IgnoreLayer): string => `${path.relative(layer.dir, current).split(path.sep).join('/')}/`;
      return [...deciding].reverse().find((layer) => layer.rules.test(rel(layer)).ignored)?.file ?? 'a .gitignore';
    }
    if (path.dirname(current) === current) return null;
  }
}

function isIgnored(layers: readonly IgnoreLayer[], absolute: string, isDirectory: boolean): boolean {
  // Deeper files are consulted last so that their `!negations` can re-include what a parent ignored.
  let ignored = false;
  for (const layer of layers) {
    const rel = path.relative(layer.dir, absolute).split(path.sep).join('/');
    if (!rel || rel.startsWith('..')) continue;
    const result = layer.rules.test(isDirectory ? `${rel}/` : rel);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}

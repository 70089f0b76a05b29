import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch = require('picomatch');
import { parse as parseToml, TomlError } from 'smol-toml';
import {
  allRules,
  type AnalyzeOptions,
  findRule,
  type GilSetting,
  type RuleMeta,
  type SeveritySetting,
  testProfileSeverities,
} from '../analysis';
import { formatBytes, notRegularReason, readBounded } from './read-source';

// Project configuration shared by the CLI and the language server (README.md, "Project
// configuration"): `[tool.concurrency-lens]` in pyproject.toml or a `concurrency-lens.json` file,
// found by walking up from the analyzed file; the nearest one wins, and callers' own settings
// (CLI flags, editor settings) are layered on top with `mergeOptions`.

export const JSON_CONFIG_NAME = 'concurrency-lens.json';
export const PYPROJECT_NAME = 'pyproject.toml';
const TOOL_KEY = 'concurrency-lens';

/** A configuration problem the user must fix; the CLI prints the message and exits with 2. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(file ? `${file}: ${message}` : message);
    this.name = 'ConfigError';
  }
}

export interface ProjectConfig {
  /** The file it came from (absolute), or null for the built-in defaults. */
  file: string | null;
  /** The folder `exclude` globs are relative to. */
  root: string;
  select?: string[];
  ignore?: string[];
  severity?: Record<string, SeveritySetting>;
  python?: { gil?: GilSetting };
  exclude: string[];
  /** Globs of test files (the test-file profile); absent: DEFAULT_TEST_FILES; empty: no profile. */
  testFiles?: string[];
  /** Severities in test files, over the catalogue's test-file profile. */
  testSeverity?: Record<string, SeveritySetting>;
  /** Ruff's per-file-ignores: glob (as in `exclude`) → rules ignored in the files it matches. */
  perFileIgnores?: { glob: string; rules: string[] }[];
}

export interface ResolvedConfig {
  config: ProjectConfig;
  /** The options every file of this configuration shares (see `optionsFor` for one file's). */
  options: AnalyzeOptions;
  /** Whether an absolute path falls under one of the config's `exclude` globs. */
  isExcluded(absolutePath: string): boolean;
  /** Whether an absolute path is a test file (`test-files`, DEFAULT_TEST_FILES by default). */
  isTestFile(absolutePath: string): boolean;
  /**
   * One file's options: the shared ones, the test-file profile when it is a test file, then the
   * caller's overrides (CLI flags, editor settings), then the `per-file-ignores` that match it,
   * which apply whatever the selection (as in ruff).
   */
  optionsFor(absolutePath: string, overrides?: AnalyzeOptions): AnalyzeOptions;
}

/**
 * Test files by the conventions of pytest, unittest, Jest, Mocha and Vitest. Globs without a
 * slash match a file or folder name at any depth, so `tests` covers everything below a tests/
 * folder (the same rules as `exclude`).
 */
export const DEFAULT_TEST_FILES: readonly string[] = [
  'test', 'tests', 'testing', '__tests__', 'test_*.py', '*_test.py', 'conftest.py', '*.test.*', '*.spec.*',
];

const KNOWN_KEYS = ['select', 'ignore', 'severity', 'python', 'exclude', 'test-files', 'test-severity', 'per-file-ignores'] as const;
const PYTHON_KEYS = ['gil'] as const;
const GIL_VALUES: readonly GilSetting[] = ['auto', 'enabled', 'disabled'];
const SEVERITY_VALUES: readonly SeveritySetting[] = ['error', 'warning', 'info', 'off'];

type Table = Record<string, unknown>;

function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

function suggestion(value: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(value.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(value.length / 3)) ? ` (did you mean '${best}'?)` : '';
}

/**
 * Whether a `select`/`ignore` entry names something: `ALL`, a rule code, a code prefix (`CL1`) or a
 * rule name, as selection.ts matches them. Returns an error message when it does not.
 */
export function checkRulePattern(pattern: string, rules: readonly RuleMeta[] = allRules()): string | null {
  const p = pattern.trim();
  if (!p) return 'empty rule code';
  if (p.toUpperCase() === 'ALL') return null;
  if (rules.some((r) => r.code.startsWith(p.toUpperCase()) || r.name === p.toLowerCase())) return null;
  const names = rules.flatMap((r) => [r.code, r.name]);
  return `unknown rule '${p}'${suggestion(p, names)}; run \`concurrency-lens rules\` for the list`;
}

function stringList(value: unknown, where: string, file: string): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((v): v is string => typeof v === 'string')) {
    throw new ConfigError(`${where} must be a list of strings`, file);
  }
  return list;
}

function ruleList(value: unknown, where: string, file: string): string[] {
  const list = stringList(value, where, file).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  for (const pattern of list) {
    const problem = checkRulePattern(pattern);
    if (problem) throw new ConfigError(`${where}: ${problem}`, file);
  }
  return list;
}

function unknownKey(key: string, known: readonly string[], where: string, file: string): never {
  throw new ConfigError(
    `unknown key '${key}'${where ? ` in [${where}]` : ''}${suggestion(key, known)}; expected one of: ${known.join(', ')}`,
    file,
  );
}

/** A key's dotted path for messages: `tool.concurrency-lens.select`, or `select` in a JSON file. */
function at(where: string, key: string): string {
  return where ? `${where}.${key}` : key;
}

/**
 * Validates a raw configuration table (the `[tool.concurrency-lens]` table or the JSON object);
 * `where` is the table's dotted path in its file, empty for a top-level object.
 */
function severityTable(value: unknown, where: string, file: string): Record<string, SeveritySetting> {
  if (!isTable(value)) throw new ConfigError(`${where} must be a table of rule = "error|warning|info|off"`, file);
  const table: Record<string, SeveritySetting> = {};
  for (const [rule, level] of Object.entries(value)) {
    const meta = findRule(rule);
    if (!meta) {
      const names = allRules().flatMap((r) => [r.code, r.name]);
      throw new ConfigError(`${where}: unknown rule '${rule}'${suggestion(rule, names)}`, file);
    }
    if (typeof level !== 'string' || !SEVERITY_VALUES.includes(level as SeveritySetting)) {
      throw new ConfigError(`${where}.${rule}: invalid value ${JSON.stringify(level)}; expected one of: ${SEVERITY_VALUES.join(', ')}`, file);
    }
    // Keyed by code so that a name and a code for the same rule cannot disagree silently.
    table[meta.code] = level as SeveritySetting;
  }
  return table;
}

export function validateConfig(raw: unknown, file: string, where: string): ProjectConfig {
  if (!isTable(raw)) throw new ConfigError(where ? `[${where}] must be a table` : 'the configuration must be a JSON object', file);
  const config: ProjectConfig = { file, root: path.dirname(file), exclude: [] };
  for (const [key, value] of Object.entries(raw)) {
    switch (key) {
      case 'select':
        config.select = ruleList(value, at(where, 'select'), file);
        break;
      case 'ignore':
        config.ignore = ruleList(value, at(where, 'ignore'), file);
        break;
      case 'exclude':
        config.exclude = stringList(value, at(where, 'exclude'), file);
        break;
      case 'severity':
        config.severity = severityTable(value, at(where, 'severity'), file);
        break;
      case 'test-severity':
        config.testSeverity = severityTable(value, at(where, 'test-severity'), file);
        break;
      case 'test-files':
        config.testFiles = stringList(value, at(where, 'test-files'), file);
        break;
      case 'per-file-ignores': {
        const table = at(where, 'per-file-ignores');
        if (!isTable(value)) throw new ConfigError(`${table} must be a table of "glob" = ["CODE", ...]`, file);
        config.perFileIgnores = Object.entries(value).map(([glob, rules]) => ({ glob, rules: ruleList(rules, `${table}."${glob}"`, file) }));
        break;
      }
      case 'python': {
        if (!isTable(value)) throw new ConfigError(`${at(where, 'python')} must be a table`, file);
        const python: { gil?: GilSetting } = {};
        for (const [pyKey, pyValue] of Object.entries(value)) {
          if (pyKey !== 'gil') unknownKey(pyKey, PYTHON_KEYS, at(where, 'python'), file);
          if (typeof pyValue !== 'string' || !GIL_VALUES.includes(pyValue as GilSetting)) {
            throw new ConfigError(
              `${at(where, 'python')}.gil: invalid value ${JSON.stringify(pyValue)}; expected one of: ${GIL_VALUES.join(', ')}`,
              file,
            );
          }
          python.gil = pyValue as GilSetting;
        }
        config.python = python;
        break;
      }
      case '$schema':
        // Editors add it to JSON files for completion; it carries no setting.
        if (!where) break;
        unknownKey(key, KNOWN_KEYS, where, file);
        break;
      default:
        unknownKey(key, KNOWN_KEYS, where, file);
    }
  }
  return config;
}

/** Far beyond any real configuration file; a bound so a FIFO or `/dev/zero` under its name cannot hang the run. */
const MAX_CONFIG_SIZE = 4 * 1024 * 1024;

function readText(file: string): string {
  const read = readBounded(file, MAX_CONFIG_SIZE);
  if ('skipped' in read) {
    const reason = read.skipped.startsWith('file is too large') ? `larger than ${formatBytes(MAX_CONFIG_SIZE)}` : read.skipped;
    throw new ConfigError(`cannot read configuration: ${reason}`, file);
  }
  return read.bytes.toString('utf8');
}

function parseTomlFile(file: string, text: string): Table {
  try {
    return parseToml(text) as Table;
  } catch (error) {
    const detail = error instanceof TomlError ? `line ${error.line}, column ${error.column}: ${error.message.split('\n')[0]}` : (error as Error).message;
    throw new ConfigError(`invalid TOML (${detail})`, file);
  }
}

/** The `[tool.concurrency-lens]` table of a pyproject.toml, or undefined when it has none. */
function pyprojectTable(file: string, text: string): unknown {
  const tool = parseTomlFile(file, text).tool;
  return isTable(tool) ? tool[TOOL_KEY] : undefined;
}

/**
 * Loads one configuration file: a pyproject.toml (its `[tool.concurrency-lens]` table), a
 * concurrency-lens.json, or any other .toml/.json file holding the same keys at top level
 * (or under `[tool.concurrency-lens]`). Throws ConfigError on any problem.
 */
export function loadConfigFile(file: string): ProjectConfig {
  const absolute = path.resolve(file);
  const text = readText(absolute);
  const base = path.basename(absolute);
  if (absolute.toLowerCase().endsWith('.json')) {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`invalid JSON (${(error as Error).message})`, absolute);
    }
    return validateConfig(raw, absolute, '');
  }
  if (absolute.toLowerCase().endsWith('.toml')) {
    const table = pyprojectTable(absolute, text);
    if (table !== undefined) return validateConfig(table, absolute, `tool.${TOOL_KEY}`);
    if (base === PYPROJECT_NAME) return { file: absolute, root: path.dirname(absolute), exclude: [] };
    return validateConfig(parseTomlFile(absolute, text), absolute, '');
  }
  throw new ConfigError('unsupported configuration file: expected a .toml or .json file', absolute);
}

/**
 * A configuration file found by name that is not a regular file (a FIFO, a link to `/dev/zero`, a
 * folder): never read (it could block or never end) and treated as absent, but the user is told,
 * since settings they expect do not apply. `reason` is read-source.ts's, e.g.
 * `not a regular file (a FIFO)`.
 */
export type UnreadableConfigHandler = (file: string, reason: string) => void;

/** What the CLI and the server say about an unreadable configuration file (after its path). */
export function unreadableConfigMessage(reason: string): string {
  return `cannot read configuration: ${reason}; ignored, as if absent`;
}

/** The configuration file that governs a folder itself (not its parents), if any. */
function configFileIn(dir: string, onUnreadable?: UnreadableConfigHandler): string | null {
  const json = path.join(dir, JSON_CONFIG_NAME);
  if (isRegularFile(json, onUnreadable)) return json;
  const pyproject = path.join(dir, PYPROJECT_NAME);
  if (isRegularFile(pyproject, onUnreadable)) {
    // A pyproject.toml without our table does not stop the search (as with ruff); the cheap text
    // test avoids parsing, and failing on, unrelated pyproject files.
    const text = readText(pyproject);
    if (text.includes(TOOL_KEY) && pyprojectTable(pyproject, text) !== undefined) return pyproject;
  }
  return null;
}

/** A missing file is silently absent; one that exists as anything but a regular file is reported. */
function isRegularFile(file: string, onUnreadable?: UnreadableConfigHandler): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return false;
  }
  if (stat.isFile()) return true;
  onUnreadable?.(file, notRegularReason(stat));
  return false;
}

export function toAnalyzeOptions(config: ProjectConfig): AnalyzeOptions {
  const options: AnalyzeOptions = {};
  if (config.select) options.select = [...config.select];
  if (config.ignore) options.ignore = [...config.ignore];
  if (config.severity) options.severity = { ...config.severity };
  if (config.python?.gil) options.python = { gil: config.python.gil };
  return options;
}

/**
 * Layers caller settings over project options. A `select` in the overrides starts the selection
 * afresh (the project's `select` and `ignore` are dropped, as ruff does for a later layer), while
 * an `ignore` adds to the ignores in effect; severities and python settings override per key.
 */
export function mergeOptions(base: AnalyzeOptions, overrides: AnalyzeOptions): AnalyzeOptions {
  const merged: AnalyzeOptions = { ...base, ...overrides };
  if (overrides.select && overrides.select.length > 0) {
    merged.select = [...overrides.select];
    merged.ignore = overrides.ignore ? [...overrides.ignore] : undefined;
  } else {
    merged.select = base.select;
    const ignore = [...(base.ignore ?? []), ...(overrides.ignore ?? [])];
    merged.ignore = ignore.length > 0 ? ignore : undefined;
  }
  if (base.severity || overrides.severity) merged.severity = { ...base.severity, ...(defined(overrides.severity) as Record<string, SeveritySetting>) };
  if (base.python || overrides.python) merged.python = { ...base.python, ...defined(overrides.python) };
  for (const key of Object.keys(merged) as (keyof AnalyzeOptions)[]) if (merged[key] === undefined) delete merged[key];
  return merged;
}

function defined<T extends object>(value: T | undefined): Partial<T> {
  // An override that is present but undefined must not erase the project's value.
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Compiles `exclude` globs, relative to `root`, into a test on absolute paths. */
export function excludeMatcher(root: string, globs: readonly string[], outsideByName = false): (absolutePath: string) => boolean {
  if (globs.length === 0) return () => false;
  // Globs without a slash match a file or folder name at any depth (as in .gitignore); globs with
  // one match the path from the config's folder. A path is excluded when it or a folder above it
  // matches, so `build` and `build/**` both exclude everything below build/. A path outside the
  // folder never matches, unless `outsideByName`: then its file name alone is matched.
  const anywhere: string[] = [];
  const anchored: string[] = [];
  for (const raw of globs) {
    let glob = raw.trim().replace(/\\/g, '/');
    if (!glob) continue;
    if (glob.startsWith('./')) glob = glob.slice(2);
    const rooted = glob.startsWith('/');
    glob = glob.replace(/^\/+/, '').replace(/\/+$/, '');
    if (!glob) continue;
    (rooted || glob.includes('/') ? anchored : anywhere).push(glob);
  }
  const matchName = anywhere.length > 0 ? picomatch(anywhere, { dot: true }) : () => false;
  const matchPath = anchored.length > 0 ? picomatch(anchored, { dot: true }) : () => false;
  return (absolutePath) => {
    const rel = path.relative(root, absolutePath);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return outsideByName && matchName(path.basename(absolutePath));
    const segments = rel.split(path.sep);
    for (let i = 1; i <= segments.length; i++) {
      if (matchName(segments[i - 1]) || matchPath(segments.slice(0, i).join('/'))) return true;
    }
    return false;
  };
}

function resolved(config: ProjectConfig): ResolvedConfig {
  const options = toAnalyzeOptions(config);
  // Outside the folder (the defaults are rooted at the working directory; `check ../other`),
  // folders cannot be read against it, but a file's own name still says what it is:
  // `test_pool.py` is a test file wherever it lives.
  const isTestFile = excludeMatcher(config.root, config.testFiles ?? DEFAULT_TEST_FILES, true);
  const perFile = (config.perFileIgnores ?? []).map(({ glob, rules }) => ({ matches: excludeMatcher(config.root, [glob]), rules }));
  const inTests: AnalyzeOptions = { ...options, severity: { ...options.severity, ...testProfileSeverities(), ...config.testSeverity } };
  return {
    config,
    options,
    isExcluded: excludeMatcher(config.root, config.exclude),
    isTestFile,
    optionsFor(absolutePath, overrides = {}) {
      const merged = mergeOptions(isTestFile(absolutePath) ? inTests : options, overrides);
      const ignored = perFile.filter((p) => p.matches(absolutePath)).flatMap((p) => p.rules);
      return ignored.length > 0 ? { ...merged, ignore: [...(merged.ignore ?? []), ...ignored] } : merged;
    },
  };
}

/**
 * Finds and caches configurations for files and folders. With `explicitFile` (the CLI's
 * `--config`), that file governs everything; otherwise each path gets the nearest configuration
 * found walking up from it, or the defaults when there is none.
 */
export class ConfigResolver {
  private readonly byDir = new Map<string, ResolvedConfig>();
  private readonly byFile = new Map<string, ResolvedConfig>();
  private readonly fixed: ResolvedConfig | null;
  private readonly defaults: ResolvedConfig;
  private readonly rootDefaults: { root: string; config: ResolvedConfig }[];

  /**
   * `roots`: folders the caller was asked to look at (the CLI's named folders, the editor's
   * workspace folders). Without a configuration file the defaults are rooted at the working
   * directory, so the test-file profile's folder names (`tests/`) are read from there; a folder
   * outside it (`check ../other`, a workspace folder elsewhere) is read from the named root
   * instead, as if the tool had been started there.
   * `onUnreadable` hears of each discovered configuration file that is not a regular file, once
   * per resolver (each folder is looked at once): a new resolver after a change reports it again.
   */
  constructor(
    explicitFile?: string,
    cwd: string = process.cwd(),
    roots: readonly string[] = [],
    private readonly onUnreadable?: UnreadableConfigHandler,
  ) {
    this.defaults = resolved({ file: null, root: cwd, exclude: [] });
    this.fixed = explicitFile ? resolved(loadConfigFile(path.resolve(cwd, explicitFile))) : null;
    this.rootDefaults = [...new Set(roots.map((r) => path.resolve(cwd, r)))]
      .filter((root) => !isWithin(cwd, root))
      .sort((a, b) => b.length - a.length)
      .map((root) => ({ root, config: resolved({ file: null, root, exclude: [] }) }));
  }

  /** The configuration for a file, or for a folder when `isDirectory`. */
  configFor(target: string, isDirectory = false): ResolvedConfig {
    if (this.fixed) return this.fixed;
    const absolute = path.resolve(target);
    return this.forDir(isDirectory ? absolute : path.dirname(absolute));
  }

  /** Forget cached lookups (the server calls it when a configuration file changes). */
  clear(): void {
    this.byDir.clear();
    this.byFile.clear();
  }

  private forDir(dir: string): ResolvedConfig {
    const cached = this.byDir.get(dir);
    if (cached) return cached;
    const file = configFileIn(dir, this.onUnreadable);
    let result: ResolvedConfig;
    if (file) {
      result = this.byFile.get(file) ?? resolved(loadConfigFile(file));
      this.byFile.set(file, result);
    } else {
      const parent = path.dirname(dir);
      result = parent === dir ? this.defaults : this.forDir(parent);
      // The defaults reached from a folder outside the working directory: its named root's.
      if (result === this.defaults) result = this.rootDefaults.find((r) => isWithin(r.root, dir))?.config ?? result;
    }
    this.byDir.set(dir, result);
    return result;
  }
}

function isWithin(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The folders a command line names (a file counts as its folder), for `ConfigResolver`'s roots. */
export function namedRoots(paths: readonly string[], cwd: string): string[] {
  return paths
    .filter((p) => p !== '-')
    .map((p) => {
      const absolute = path.resolve(cwd, p);
      try {
        return fs.statSync(absolute).isDirectory() ? absolute : path.dirname(absolute);
      } catch {
        return path.dirname(absolute);
      }
    });
}

/** Convenience for one-off callers: the nearest configuration of a file or folder. */
export function resolveConfig(target: string, explicitFile?: string): ResolvedConfig {
  let isDirectory = false;
  try {
    isDirectory = fs.statSync(target).isDirectory();
  } catch {
    // A path that does not exist (an unsaved editor buffer, --stdin-filename) is looked up as a file.
  }
  return new ConfigResolver(explicitFile).configFor(target, isDirectory);
}

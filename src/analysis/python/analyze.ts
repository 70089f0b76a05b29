import * as path from 'node:path';
import type { AnalyzeOptions, Finding, ParseProblem, SourceProvider, TextChange } from '../core/types';
import { type LanguageProject, MODEL_CACHE_CHARS } from '../core/front-end';
import { runRules } from '../core/runner';
import { parseSuppressions } from '../core/suppression';
import { type BindingKind, type ModuleResolver, PythonModel } from './model';
import { IncrementalPythonParser } from './incremental';
import { type PyNode, parsePython, rangeOf } from './syntax';
import { pythonRules } from './rules';
import type { PythonRuleContext } from './rule';

/**
 * Parses and models Python files on demand for cross-file resolution (`from helpers import work`),
 * each file once per project. The CLI keeps one per run; the language server one per workspace.
 */
export class PythonProject implements ModuleResolver, LanguageProject {
  private readonly models = new Map<string, { text: string; model: PythonModel | null }>();
  private readonly building = new Set<string>();
  /** For each cached file, the cached files whose models resolved names to it (see releaseModels). */
  private readonly importers = new Map<string, Set<string>>();
  /** Open documents keep their previous tree, so an edit re-parses only what changed. */
  private readonly parsers = new Map<string, IncrementalPythonParser>();
  /** Per file not modelled: the names (as `kind\0name`) its source cannot bind (find). */
  private readonly unbound = new Map<string, Set<string>>();

  constructor(private readonly sources: SourceProvider | undefined) {}

  open(filePath: string): void {
    const key = path.resolve(filePath);
    if (!this.parsers.has(key)) this.parsers.set(key, new IncrementalPythonParser());
  }

  close(filePath: string): void {
    const key = path.resolve(filePath);
    this.parsers.get(key)?.dispose();
    this.parsers.delete(key);
  }

  /**
   * The model of a file. For an open document, `edits` (how the last parsed text became `text`)
   * let its parser reuse the previous tree; null or absent means a fresh parse.
   */
  model(filePath: string, text: string, edits?: readonly TextChange[] | null): PythonModel {
    const key = path.resolve(filePath);
    const cached = this.models.get(key);
    if (cached && cached.text === text && cached.model) {
      this.touch(key, cached);
      return cached.model;
    }
    const parser = this.parsers.get(key);
    const parsed = parser ? parser.parse(text, edits ?? undefined) : parsePython(text);
    // An open document's parse may move nodes of its previous model into the new tree
    // (IncrementalPythonParser): the models that resolved names to that one go with it.
    if (parser) this.dropImporters(key);
    this.building.add(key);
    try {
      const model = new PythonModel(filePath, text, parsed.root, this);
      this.models.set(key, { text, model });
      return model;
    } finally {
      this.building.delete(key);
    }
  }

  private recordImporter(key: string, fromPath: string): void {
    const from = path.resolve(fromPath);
    if (from === key) return;
    let set = this.importers.get(key);
    if (!set) this.importers.set(key, (set = new Set()));
    set.add(from);
  }

  /** Marks a cached entry as used last: the map's order is least recently used first. */
  private touch(key: string, entry: { text: string; model: PythonModel | null }): void {
    this.models.delete(key);
    this.models.set(key, entry);
  }

  /**
   * Between the files of a batch run: drops the least recently used models until the cached
   * sources fit the bound. A dropped file takes with it every model that resolved a name to it
   * (directly or through others): a kept model never refers to a copy of a file that is no longer
   * the cached one, so a later file sees one model per file, as if nothing had been dropped.
   */
  releaseModels(maxChars = MODEL_CACHE_CHARS): void {
    let chars = 0;
    for (const { text } of this.models.values()) chars += text.length;
    if (chars <= maxChars) return;
    for (const [victim, entry] of this.models) {
      if (chars <= maxChars) break;
      if (!entry.model) continue;
      chars -= this.drop([victim]);
    }
  }

  /** Drops the models of `keys` and of every file whose model resolved names to one of them; returns their characters. */
  private drop(keys: string[]): number {
    let chars = 0;
    const stack = [...keys];
    while (stack.length > 0) {
      const key = stack.pop()!;
      const dropped = this.models.get(key);
      if (!dropped) continue;
      chars += dropped.text.length;
      this.models.delete(key);
      for (const importer of this.importers.get(key) ?? []) stack.push(importer);
      this.importers.delete(key);
    }
    return chars;
  }

  /** Drops the models that resolved names to the model of `key` (directly or through others). */
  private dropImporters(key: string): void {
    const importers = this.importers.get(key);
    if (!importers) return;
    this.importers.delete(key);
    this.drop([...importers]);
  }

  /** Forget a file (the server calls this when a file changes on disk or in the editor). */
  invalidate(filePath: string): void {
    this.models.delete(path.resolve(filePath));
    this.unbound.delete(path.resolve(filePath));
  }

  resolveModule(fromPath: string, module: string, level: number): PythonModel | null {
    return this.find(fromPath, module, level, null);
  }

  resolveModuleBinding(fromPath: string, module: string, level: number, name: string, kind: BindingKind): PythonModel | null {
    return this.find(fromPath, module, level, { name, kind });
  }

  resolveModulePath(fromPath: string, module: string, level: number): string | null {
    if (!this.sources) return null;
    for (const { candidate, key } of cachedCandidates(fromPath, module, level)) {
      if (this.building.has(key)) return null;
      const cached = this.models.get(key);
      if (cached) {
        if (!cached.model) continue;
        return cached.model.path;
      }
      if (this.sources.readFile(candidate) === undefined) {
        this.models.set(key, { text: '', model: null });
        continue;
      }
      return candidate;
    }
    return null;
  }

  /**
   * The module's model, as the import would find it. With `binding`: null, without parsing the
   * file, when its source cannot bind the name so (bindingIn); the caller would find nothing in
   * that model, and most cross-file lookups are of names the module does not define.
   */
  private find(fromPath: string, module: string, level: number, binding: { name: string; kind: BindingKind } | null): PythonModel | null {
    if (!this.sources) return null;
    for (const { candidate, key } of cachedCandidates(fromPath, module, level)) {
      if (this.building.has(key)) return null; // an import cycle: stop here
      const cached = this.models.get(key);
      if (cached) {
        if (!cached.model) continue;
        this.touch(key, cached);
        this.recordImporter(key, fromPath);
        return cached.model;
      }
      const absentKey = binding ? `${binding.kind}\0${binding.name}` : '';
      if (binding && this.unbound.get(key)?.has(absentKey)) return null;
      const text = this.sources.readFile(candidate);
      if (text === undefined) {
        this.models.set(key, { text: '', model: null });
        continue;
      }
      if (binding && !mayBind(text, binding.name, binding.kind)) {
        if (this.unbound.size > 4096) this.unbound.clear();
        let set = this.unbound.get(key);
        if (!set) this.unbound.set(key, (set = new Set()));
        set.add(absentKey);
        return null;
      }
      const model = this.model(candidate, text);
      this.recordImporter(key, fromPath);
      return model;
    }
    return null;
  }
}

/**
 * Whether a module's source may bind `name` at all (`binding`), or with a `def`/`class`
 * statement. Necessary conditions only: a binding's name is the text of an identifier of the
 * file, and a definition's name follows its keyword with only the parser's extras between them
 * (whitespace, line continuations, comments); a name glued to other identifier characters only
 * makes a match more likely.
 */
function mayBind(text: string, name: string, kind: BindingKind): boolean {
  if (!text.includes(name)) return false;
  if (kind === 'binding') return true;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${kind}(?:[\\s\\\\\u2060\u200B]|#[^\\r\\n]*)+${escaped}`).test(text);
}

/** Candidate files per (importing file, module, level): every resolution of a name asks again. */
const candidateCache = new Map<string, { candidate: string; key: string }[]>();

function cachedCandidates(fromPath: string, module: string, level: number): { candidate: string; key: string }[] {
  const cacheKey = `${fromPath}\0${module}\0${level}`;
  let list = candidateCache.get(cacheKey);
  if (!list) {
    if (candidateCache.size > 4096) candidateCache.clear();
    list = moduleCandidates(fromPath, module, level).map((candidate) => ({ candidate, key: path.resolve(candidate) }));
    candidateCache.set(cacheKey, list);
  }
  return list;
}

function moduleCandidates(fromPath: string, module: string, level: number): string[] {
  const parts = module ? module.split('.') : [];
  const bases: string[] = [];
  let dir = path.dirname(path.resolve(fromPath));
  if (level > 0) {
    for (let i = 1; i < level; i++) dir = path.dirname(dir);
    bases.push(dir);
  } else {
    // Absolute imports of local modules: the file's folder and a few above it (project roots).
    for (let i = 0; i < 6; i++) {
      bases.push(dir);
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  const out: string[] = [];
  for (const base of bases) {
    if (parts.length === 0) {
      out.push(path.join(base, '__init__.py'));
      continue;
    }
    out.push(path.join(base, ...parts) + '.py');
    out.push(path.join(base, ...parts, '__init__.py'));
  }
  return out;
}

export function analyzePythonModel(model: PythonModel, options: AnalyzeOptions): Finding[] {
  const comments = model.nodesOfType('comment').map((c) => ({ line: c.startRow, text: model.text(c), offset: c.startIndex }));
  const suppressions = parseSuppressions(comments);
  const gilSetting = options.python?.gil ?? 'auto';
  const gilEnabled = gilSetting === 'disabled' ? false : gilSetting === 'enabled' ? true : options.python?.interpreterGilEnabled !== false;
  return runRules<PythonRuleContext>(pythonRules, model.path, options, suppressions, (report, ledger) => ({
    model,
    options,
    gilEnabled,
    suppressions: ledger,
    notebook: options.notebook === true,
    report: (found) => report({ ...found, range: 'range' in found ? found.range : rangeOf(found.node) }),
  }));
}

export function pythonParseProblems(model: PythonModel): ParseProblem[] {
  const problems: ParseProblem[] = [];
  for (const node of model.nodesOfType('ERROR')) {
    problems.push({ message: 'Syntax error', range: rangeOf(node) });
  }
  return problems.concat(missingNodes(model));
}

/** The syntax errors of a parsed tree, for a text parsed without a model (a notebook cell). */
export function treeParseProblems(root: PyNode): ParseProblem[] {
  const problems: ParseProblem[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (!node.hasError && node.type !== 'ERROR') continue;
    if (node.type === 'ERROR') problems.push({ message: 'Syntax error', range: rangeOf(node) });
    for (const child of node.children) stack.push(child);
  }
  return problems.concat(missingNodes(root));
}

function missingNodes(model: PythonModel | PyNode): ParseProblem[] {
  // tree-sitter marks inserted tokens as zero-width nodes; report them as "missing".
  const out: ParseProblem[] = [];
  const stack = ['root' in model ? model.root : model];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (!node.hasError) continue;
    for (const child of node.children) {
      if (child.startIndex === child.endIndex && child.type !== 'ERROR' && child.type !== 'block' && child.type !== 'module' && !child.named) {
        out.push({ message: `Syntax error: missing \`${child.type}\``, range: rangeOf(child) });
      }
      stack.push(child);
    }
  }
  return out;
}

import * as path from 'node:path';
import type { AnalyzeOptions, Finding, ParseProblem, SourceProvider } from '../core/types';
import { runRules } from '../core/runner';
import { parseSuppressions } from '../core/suppression';
import { clearFacts } from '../core/facts';
import { MODEL_CACHE_CHARS } from '../core/front-end';
import { JsModel, type JsProjectLike } from './model';
import { spawnSites } from './workers';
import { parseJs, rangeOf } from './parse';
import { isJsPath } from '../languages';
import { jsRules } from './rules';
import type { JsRuleContext } from './rule';
import type { SpawnSite } from './spawn-site';

// Only files that mention one of these can spawn a worker; the others need no parse for the reverse index.
const SPAWN_HINT = /\bWorker\b|\bfork\b|Piscina|Tinypool|workerpool|\bspawn\b|\bexecFile\b/;

interface Entry {
  text: string;
  model: JsModel | null;
  parseError: ParseProblem | null;
}

/**
 * Parses and models JS/TS files on demand, each once per project and text. Besides the analyzed
 * file it answers two cross-file questions: what a worker script the file spawns does (CL106), and
 * whether another file of the tree spawns this one (then this one is a worker script). For the
 * second, give it the files of the tree (`setFiles`); files modeled earlier in the run count too.
 * The CLI keeps one per run; the language server one per workspace.
 */
export class JsProject implements JsProjectLike {
  private readonly entries = new Map<string, Entry>();
  private readonly building = new Set<string>();
  private files = new Set<string>();
  private scanned = false;
  private readonly spawnIndex = new Map<string, { model: JsModel; site: SpawnSite }[]>();
  private readonly indexed = new Set<string>();
  private readonly existing = new Map<string, boolean>();

  constructor(
    private readonly sources: SourceProvider | undefined,
    files: Iterable<string> = [],
  ) {
    this.setFiles(files);
  }

  /** The files of the analyzed tree (any language; only JS/TS files are read). */
  setFiles(files: Iterable<string>): void {
    this.files = new Set([...files].filter(isJsPath).map((f) => path.resolve(f)));
    this.scanned = false;
  }

  /** Parse (or reuse) a file's model; null with the parse problem when it does not parse. */
  load(filePath: string, text: string, languageId?: string): Entry {
    const key = path.resolve(filePath);
    const cached = this.entries.get(key);
    if (cached && cached.text === text) return cached;
    if (cached) this.invalidate(filePath);
    const parsed = parseJs(filePath, text, languageId);
    let entry: Entry;
    if (!parsed.program) entry = { text, model: null, parseError: parsed.error };
    else {
      this.building.add(key);
      try {
        entry = { text, model: new JsModel(filePath, text, parsed.program, parsed.comments, this), parseError: null };
      } finally {
        this.building.delete(key);
      }
    }
    this.entries.set(key, entry);
    if (entry.model) this.index(entry.model);
    return entry;
  }

  invalidate(filePath: string): void {
    const key = path.resolve(filePath);
    this.entries.delete(key);
    this.indexed.delete(key);
    for (const [target, list] of this.spawnIndex) {
      const kept = list.filter((s) => path.resolve(s.model.path) !== key);
      if (kept.length > 0) this.spawnIndex.set(target, kept);
      else this.spawnIndex.delete(target);
    }
    // Facts derived from other files (worker-script role, received buffers) may change with it.
    for (const entry of this.entries.values()) if (entry.model) clearFacts(entry.model);
  }

  /**
   * Drops the cached models once their sources exceed the bound. The spawn index keeps the
   * models of files that spawn workers (what their sites send is a fact of that model).
   */
  releaseModels(maxChars = MODEL_CACHE_CHARS): void {
    let chars = 0;
    for (const { text } of this.entries.values()) chars += text.length;
    if (chars > maxChars) this.entries.clear();
  }

  modelAt(filePath: string): JsModel | null {
    const key = path.resolve(filePath);
    if (this.building.has(key)) return null;
    const cached = this.entries.get(key);
    if (cached) return cached.model;
    const text = this.sources?.readFile(filePath);
    if (text === undefined) return null;
    return this.load(filePath, text).model;
  }

  spawnersOf(filePath: string): { model: JsModel; site: SpawnSite }[] {
    this.scanFiles();
    return this.spawnIndex.get(path.resolve(filePath)) ?? [];
  }

  private index(model: JsModel): void {
    const key = path.resolve(model.path);
    if (this.indexed.has(key)) return;
    this.indexed.add(key);
    for (const site of spawnSites(model)) {
      // The first candidate that exists is the script; without sources, the most likely one.
      const target = site.scriptCandidates.find((c) => this.exists(c)) ?? site.scriptCandidates[0];
      if (!target) continue;
      const list = this.spawnIndex.get(target) ?? [];
      list.push({ model, site });
      this.spawnIndex.set(target, list);
    }
  }

  private exists(filePath: string): boolean {
    if (this.entries.has(filePath)) return true;
    let known = this.existing.get(filePath);
    if (known === undefined) {
      known = this.files.has(filePath) || this.sources?.readFile(filePath) !== undefined;
      this.existing.set(filePath, known);
    }
    return known;
  }

  private scanFiles(): void {
    if (this.scanned || !this.sources) return;
    this.scanned = true;
    for (const file of this.files) {
      if (this.indexed.has(file) || this.building.has(file)) continue;
      const text = this.sources.readFile(file);
      if (text === undefined || !SPAWN_HINT.test(text)) continue;
      this.load(file, text);
    }
  }

  /** The worker script a spawn site runs, when it is a file of the tree. */
  scriptModel(site: SpawnSite): JsModel | null {
    for (const candidate of site.scriptCandidates) {
      const model = this.modelAt(candidate);
      if (model) return model;
    }
    return null;
  }
}

export function analyzeJsModel(model: JsModel, options: AnalyzeOptions): Finding[] {
  const suppressions = parseSuppressions(model.comments);
  return runRules<JsRuleContext>(jsRules, model.path, options, suppressions, (report, ledger) => ({
    model,
    options,
    suppressions: ledger,
    report: (found) => report({ ...found, range: 'range' in found ? found.range : rangeOf(found.node) }),
  }));
}

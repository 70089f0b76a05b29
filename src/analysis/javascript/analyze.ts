import * as path from 'node:path';
import type { AnalyzeOptions, Finding, ParseProblem, SourceProvider } from '../core/types';
import { runRules } from '../core/runner';
import { parseSuppressions } from '../core/suppression';
import { clearFacts } from '../core/facts';
import { type IndexPart, MODEL_CACHE_CHARS } from '../core/front-end';
import { JsModel, type JsProjectLike, type SpawnerRef } from './model';
import { spawnSites } from './workers';
import { parseJs } from './parse';
import { isJsPath } from '../languages';
import type { SpawnSite } from './spawn-site';
import { jsRules } from './rules';
import type { JsRuleContext } from './rule';

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
  private readonly spawnIndex = new Map<string, SpawnerRef[]>();
  private readonly indexed = new Set<string>();
  /** Tree files already looked at for spawn sites (here or, through addIndex, by another worker). */
  private examined = new Set<string>();
  private readonly existing = new Map<string, boolean>();
  /** LanguageProject.betweenSteps: after a parse, after a model is built, after each rule. */
  betweenSteps?: () => void;

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
    this.examined = new Set();
  }

  /** Parse (or reuse) a file's model; null with the parse problem when it does not parse. */
  load(filePath: string, text: string, languageId?: string): Entry {
    const key = path.resolve(filePath);
    const cached = this.entries.get(key);
    if (cached && cached.text === text) return cached;
    if (cached) this.invalidate(filePath);
    const parsed = parseJs(filePath, text, languageId);
    // The parser's own tree is garbage now: the model is built beside the ESTree alone.
    this.betweenSteps?.();
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
    this.betweenSteps?.();
    return entry;
  }

  invalidate(filePath: string): void {
    const key = path.resolve(filePath);
    this.entries.delete(key);
    this.indexed.delete(key);
    this.examined.delete(key);
    for (const [target, list] of this.spawnIndex) {
      const kept = list.filter((s) => s.path !== key);
      if (kept.length > 0) this.spawnIndex.set(target, kept);
      else this.spawnIndex.delete(target);
    }
    // Facts derived from other files (worker-script role, received buffers) may change with it.
    for (const entry of this.entries.values()) if (entry.model) clearFacts(entry.model);
  }

  /**
   * Drops the cached models once their sources exceed the bound. Nothing else holds a model: the
   * spawn index keeps where each site is (SpawnerRef), not the spawner's model.
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

  spawnersOf(filePath: string): readonly SpawnerRef[] {
    this.scanFiles();
    return this.spawnIndex.get(path.resolve(filePath)) ?? [];
  }

  private index(model: JsModel): IndexPart['sites'] {
    const key = path.resolve(model.path);
    if (this.indexed.has(key)) return [];
    this.indexed.add(key);
    const added: IndexPart['sites'] = [];
    for (const site of spawnSites(model)) {
      // The first candidate that exists is the script; without sources, the most likely one.
      const target = site.scriptCandidates.find((c) => this.exists(c)) ?? site.scriptCandidates[0];
      if (!target) continue;
      const ref: SpawnerRef = { path: key, start: site.node.range[0], sendsData: site.workerData !== null };
      this.addSite(target, ref);
      added.push({ target, ...ref });
    }
    return added;
  }

  private addSite(target: string, ref: SpawnerRef): void {
    const list = this.spawnIndex.get(target) ?? [];
    list.push(ref);
    // By file and offset, not by when a file was indexed: the same whichever file came first.
    list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.start - b.start));
    this.spawnIndex.set(target, list);
  }

  private sitesOf(file: string): IndexPart['sites'] {
    const sites: IndexPart['sites'] = [];
    for (const [target, list] of this.spawnIndex) for (const ref of list) if (ref.path === file) sites.push({ target, ...ref });
    return sites;
  }

  /** Scans every `parts`-th file of the tree from `part` (LanguageProject.buildIndex). */
  buildIndex(part: number, parts: number, afterFile?: () => void): IndexPart {
    const index: IndexPart = { files: [], sites: [] };
    let position = 0;
    for (const file of this.files) {
      if (position++ % parts !== part) continue;
      index.files.push(file);
      index.sites.push(...this.scanFile(file));
      afterFile?.();
    }
    return index;
  }

  /** Adopts a part another worker built; its files are not scanned again here. */
  addIndex(index: IndexPart): void {
    const fresh = new Set<string>();
    for (const file of index.files) {
      if (this.examined.has(file) || this.indexed.has(file)) continue;
      this.examined.add(file);
      fresh.add(file);
    }
    for (const { target, ...ref } of index.sites) {
      if (fresh.has(ref.path)) this.addSite(target, ref);
    }
    for (const file of fresh) this.indexed.add(file);
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

  /**
   * Indexes the spawn sites of every file of the tree that may spawn a worker. The models built
   * for it are not cached: a tree has megabytes of such files, and holding them all while the
   * first file is analyzed was the peak of a run (each worker of a pool holding its own copy).
   */
  private scanFiles(): void {
    if (this.scanned || !this.sources) return;
    this.scanned = true;
    for (const file of this.files) this.scanFile(file);
  }

  private scanFile(file: string): IndexPart['sites'] {
    if (!this.sources || this.examined.has(file)) return [];
    this.examined.add(file);
    if (this.indexed.has(file)) return this.sitesOf(file);
    if (this.building.has(file)) return [];
    const text = this.sources.readFile(file);
    if (text === undefined || !SPAWN_HINT.test(text)) return [];
    const parsed = parseJs(file, text);
    if (!parsed.program) return [];
    let model: JsModel;
    this.building.add(file);
    try {
      model = new JsModel(file, text, parsed.program, parsed.comments, this);
    } finally {
      this.building.delete(file);
    }
    return this.index(model);
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

export function analyzeJsModel(model: JsModel, options: AnalyzeOptions, betweenSteps?: () => void): Finding[] {
  const suppressions = parseSuppressions(model.comments);
  const rules = betweenSteps ? jsRules.map((rule) => ({ ...rule, check: (context: JsRuleContext) => (rule.check(context), betweenSteps()) })) : jsRules;
  return runRules<JsRuleContext>(rules, model.path, options, suppressions, (report, ledger) => ({
    model,
    options,
    suppressions: ledger,
    report: (found) => report({ ...found, range: 'node' in found ? model.rangeOf(found.node) : found.range }),
  }));
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  type CancellationToken,
  CodeActionKind,
  type CodeAction,
  type CodeLens,
  CodeLensRefreshRequest,
  type Connection,
  DidChangeConfigurationNotification,
  type InitializeResult,
  MessageType,
  ProposedFeatures,
  ShowMessageNotification,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import {
  type AnalysisResult,
  type AnalyzeOptions,
  DEFAULT_MAX_FILE_SIZE,
  type Finding,
  isMeasurable,
  languageOf,
  type TextChange,
} from '../analysis';
import { ConfigError, ConfigResolver, excludeMatcher, mergeOptions, unreadableConfigMessage } from '../workspace/config';
import { DEFAULT_SETTINGS, type ServerSettings, readSettings, settingsOverrides } from './settings';
import { SOURCE, notAnalyzedDiagnostic, notAnalyzedReason, parseDiagnostic, pathToUri, toDiagnostic } from './diagnostics';
import {
  FIX_ALL_KIND,
  FIX_ALL_QUICK_FIX_TITLE,
  LEGACY_FIX_ALL_KIND,
  documentationActions,
  requestedFixAllKind,
  fixAllAction,
  quickFixes,
  toLspEdit,
} from './code-actions';
import { collectFiles } from '../workspace/walk';
import { tooLargeReason } from '../workspace/read-source';
import { Debouncer, debounceFor } from './debounce';
import { AnalysisPool, CancelledError, type Lane, type RequestSubject, SLOW_LANE_CHARS, SLOW_LANE_MS, type SlotInfo } from './analysis-pool';
import type { JobResult, WorkerJob } from './worker-protocol';
import { importersOf } from './dependents';
import { benchImporters } from './bench-importers';
import {
  BENCHMARK_COMMAND,
  BENCHMARK_TARGET_REQUEST,
  type BenchmarkCommandArgs,
  type BenchmarkTarget,
  type BenchmarkTargetParams,
  EXECUTOR_SWAP_REQUEST,
  type ExecutorSwapParams,
  type ExecutorSwapResult,
  MEASUREMENTS_NOTIFICATION,
  type MeasurementSummary,
  type MeasurementsMap,
  ANALYZE_WORKSPACE_REQUEST,
  type AnalyzeWorkspaceResult,
  type InitializationOptions,
  SHOW_RULE_DOCS_COMMAND,
  STATUS_NOTIFICATION,
  type StatusParams,
  TIMING_REQUEST,
  type WorkspaceStatus,
  type TimingResult,
} from '../protocol/lsp';
import { benchLensCommand, measurementNote } from './measurements';
import { NOTEBOOK_SELECTOR, NotebookSync } from './notebooks';

// The language server (vscode-eslint's shape): off the extension host's thread, and any LSP
// client (Neovim, Helix, Zed) gets the same diagnostics and fixes. This thread routes messages and
// keeps the latest findings; the engine runs on worker threads (analysis-pool.ts), and requests
// run on a worker that is not analyzing (but a large document's), so they are answered while a
// file is being analyzed.

interface DocumentState {
  version: number;
  findings: Finding[];
  /** The findings are an earlier text's (JS/TS kept through a syntax error): their fixes do not apply. */
  stale?: boolean;
  /** Server-side milliseconds of the last analysis, for the status bar and the measurements. */
  millis: number;
}

/** The worker (and its generation) that parsed a document last: its edits are valid only there. */
interface ParsedBy {
  lane: SlotInfo['lane'];
  generation: number;
}

export function startServer(connection: Connection): void {
  // Record each edit as offsets in the text it applied to, for incremental Python parsing.
  const pendingEdits = new Map<string, TextChange[] | null>();
  const documents = new TextDocuments<TextDocument>({
    create: TextDocument.create,
    update(document, changes, version) {
      let current = document;
      let edits: TextChange[] | null = pendingEdits.has(document.uri) ? pendingEdits.get(document.uri)! : [];
      for (const change of changes) {
        if ('range' in change && edits) {
          edits.push({ startIndex: current.offsetAt(change.range.start), endIndex: current.offsetAt(change.range.end), text: change.text });
        } else {
          edits = null; // a full-text replacement: parse afresh
        }
        current = TextDocument.update(current, [change], version);
      }
      pendingEdits.set(document.uri, edits);
      return current;
    },
  });
  const state = new Map<string, DocumentState>();
  const settingsCache = new Map<string, Promise<ServerSettings>>();
  let configResolver = new ConfigResolver();
  let supportsConfiguration = false;
  /**
   * For a client without `workspace/configuration`: the settings it pushed (initializationOptions,
   * then each workspace/didChangeConfiguration), else the defaults. Nothing sent is fine.
   */
  let pushedSettings: ServerSettings = DEFAULT_SETTINGS;
  let supportsCodeLensRefresh = false;
  /** Benchmarks the client has stored: file path → function name → summary. */
  let measurements = new Map<string, Map<string, MeasurementSummary>>();
  let workspaceFolders: string[] = [];
  /** Client commands the code actions may name (InitializationOptions). */
  let clientCommands = new Set<string>();
  /** The last Analyze Workspace: per file not open, its findings count and whether it was skipped. */
  let workspaceRun: {
    state: WorkspaceStatus['state'];
    total: number;
    files: Map<string, { findings: number; skipped: boolean }>;
    /** Files it could not read (reported only in its summary). */
    unread: number;
    finishedAt?: string;
  } | null = null;

  /**
   * An open document too large to analyze: none of its text is parsed (not for diagnostics, not as
   * another file's import, not for lenses or hovers), and the log says so once until it shrinks.
   */
  const tooLargeLogged = new Set<string>();
  function isTooLarge(document: TextDocument): boolean {
    const length = document.getText().length;
    if (length <= DEFAULT_MAX_FILE_SIZE) {
      tooLargeLogged.delete(document.uri);
      return false;
    }
    if (!tooLargeLogged.has(document.uri)) {
      tooLargeLogged.add(document.uri);
      log(`${filePathOf(document)}: skipped (${tooLargeReason(length, DEFAULT_MAX_FILE_SIZE)})`);
    }
    return true;
  }

  // Open documents win over the disk for cross-file facts: unsaved edits count. The workers get
  // the open documents' text before each job (analysis-pool.ts); a document too large to analyze
  // goes as null, so no worker parses it as another file's import. Files that are not open are
  // read by the worker as the CLI reads them (workspace/read-source.ts): regular files, bounded.
  const openByPath = new Map<string, string>();
  let workspaceFiles: string[] | undefined;
  const pool = new AnalysisPool(path.join(__dirname, 'server-worker.js'), {
    textOf(file) {
      const uri = openByPath.get(file);
      const open = uri ? documents.get(uri) : undefined;
      if (!open) return undefined;
      return isTooLarge(open) ? null : open.getText();
    },
    openPaths: () => openByPath.keys(),
    files: () => workspaceFiles,
    log: (message) => log(message),
  });
  /** Per document: the worker that parsed it last, and when its last edit came. */
  const parsedBy = new Map<string, ParsedBy>();
  const lastMillis = new Map<string, number>();
  const timings: number[] = [];
  const updateTimings: number[] = [];
  const publishTimings: number[] = [];
  const record = (list: number[], ms: number): void => {
    list.push(ms);
    if (list.length > 1000) list.shift();
  };

  /**
   * The lane of a document: slow when large or slow last time, and back only when clearly fast
   * again (half the threshold), so a document near it does not move at every edit (a move parses
   * it afresh on the other worker).
   */
  const lanes = new Map<string, Lane>();
  function laneOf(document: TextDocument): Lane {
    const millis = lastMillis.get(document.uri) ?? 0;
    const wasSlow = lanes.get(document.uri) === 'slow';
    const slow = document.getText().length > SLOW_LANE_CHARS || millis > (wasSlow ? SLOW_LANE_MS / 2 : SLOW_LANE_MS);
    const lane = slow ? 'slow' : 'fast';
    lanes.set(document.uri, lane);
    return lane;
  }
  const subjectOf = (document: TextDocument): RequestSubject => ({ lane: laneOf(document), chars: document.getText().length });

  const log = (message: string): void => connection.console.log(`[${new Date().toISOString()}] ${message}`);

  // Notebook cells come over notebook document sync, not as text documents (notebooks.ts).
  const notebooks = new NotebookSync(connection, {
    pool,
    optionsFor: (uri, filePath) => notebookOptions(uri, filePath),
    analyzesOnType: async (uri) => (await settingsFor(uri)).run === 'onType',
    withMeasurement: (finding) => withMeasurement(finding),
    log,
    changed: () => sendStatus(),
  });

  connection.onInitialize((params): InitializeResult => {
    supportsConfiguration = !!params.capabilities.workspace?.configuration;
    if (params.initializationOptions !== undefined && params.initializationOptions !== null) pushedSettings = readSettings(sectionOf(params.initializationOptions));
    supportsCodeLensRefresh = !!params.capabilities.workspace?.codeLens?.refreshSupport;
    const workspaceEdit = params.capabilities.workspace?.workspaceEdit;
    notebooks.supportsCreateFile = !!workspaceEdit?.documentChanges && !!workspaceEdit.resourceOperations?.includes('create');
    workspaceFolders = (params.workspaceFolders ?? [])
      .map((f) => URI.parse(f.uri))
      .filter((u) => u.scheme === 'file')
      .map((u) => u.fsPath);
    // Files of a workspace folder without a configuration file read the test-file profile's
    // folder names from that folder, whatever the server's working directory.
    configResolver = newConfigResolver();
    const commands = (params.initializationOptions as InitializationOptions | undefined)?.clientCommands;
    clientCommands = new Set(Array.isArray(commands) ? commands.filter((c) => typeof c === 'string') : []);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        notebookDocumentSync: { notebookSelector: NOTEBOOK_SELECTOR, save: true },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND, LEGACY_FIX_ALL_KIND, CodeActionKind.SourceFixAll] },
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
      },
      serverInfo: { name: 'concurrency-lens' },
    };
  });

  connection.onInitialized(() => {
    if (supportsConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'concurrencyLens' });
    log('server ready');
    logConfigurations();
    pool.warmUp();
    // The workspace's files let a JS file started by `new Worker(path)` elsewhere count as a
    // worker script before the spawning file is opened. Off the initialize path: it walks the tree.
    setImmediate(() => {
      try {
        const files = collectFiles(workspaceFolders, workspaceFolders[0] ?? process.cwd(), { configs: configResolver });
        workspaceFiles = files.map((f) => f.absolute);
        pool.filesChanged();
        log(`indexed ${files.length} workspace file(s)`);
      } catch (error) {
        log(`could not list the workspace files: ${(error as Error).message}`);
      }
    });
  });

  function settingsFor(uri: string): Promise<ServerSettings> {
    if (!supportsConfiguration) return Promise.resolve(pushedSettings);
    let cached = settingsCache.get(uri);
    if (!cached) {
      cached = connection.workspace
        .getConfiguration({ scopeUri: uri, section: 'concurrencyLens' })
        .then(readSettings, () => DEFAULT_SETTINGS);
      settingsCache.set(uri, cached);
    }
    return cached;
  }

  function filePathOf(document: TextDocument): string {
    const uri = URI.parse(document.uri);
    if (uri.scheme === 'file') return uri.fsPath;
    // Untitled and virtual documents: a stable pseudo-path with the right extension.
    const ext = { python: '.py', typescript: '.ts', typescriptreact: '.tsx', javascriptreact: '.jsx' }[document.languageId] ?? '.js';
    return `/__${uri.scheme}__/${uri.path.replace(/[^\w.-]+/g, '_')}${path.extname(uri.path) ? '' : ext}`;
  }

  /** Which configuration file governs each workspace folder (nearest first, as for its files). */
  function logConfigurations(): void {
    for (const folder of workspaceFolders) {
      try {
        const file = configResolver.configFor(folder, true).config.file;
        log(`configuration for ${folder}: ${file ?? 'none (defaults; pyproject.toml [tool.concurrency-lens] or concurrency-lens.json would be read)'}`);
      } catch (error) {
        reportConfigError(error);
      }
    }
    if (workspaceFolders.length === 0) log('configuration: no workspace folder (each file uses the nearest configuration above it)');
  }

  /** The engine options for a notebook, as validate() decides them for a file; null: not analyzed. */
  async function notebookOptions(uri: string, filePath: string): Promise<AnalyzeOptions | null> {
    const settings = await settingsFor(uri);
    return settings.enable ? optionsForPath(filePath, settings) : null;
  }

  /**
   * The engine options for a file path under the configuration that governs it and the client's
   * settings; null when the configuration or the settings exclude it. An unreadable configuration
   * is reported (once per change) and the settings alone apply.
   */
  function optionsForPath(filePath: string, settings: ServerSettings): AnalyzeOptions | null {
    let resolved;
    try {
      resolved = configResolver.configFor(filePath);
    } catch (error) {
      reportConfigError(error);
      resolved = null;
    }
    if (resolved?.isExcluded(filePath) || isExcludedBySetting(filePath, settings)) return null;
    return resolved ? resolved.optionsFor(filePath, settingsOverrides(settings)) : mergeOptions({}, settingsOverrides(settings));
  }

  function sendStatus(): void {
    let findings = 0;
    let files = 0;
    let skipped = 0;
    for (const [uri, s] of state) {
      findings += s.findings.length;
      if (tooLargeLogged.has(uri)) skipped++;
      else files++;
    }
    findings += notebooks.findingCount;
    files += notebooks.notebookCount;
    const params: StatusParams = { state: 'ready', findings, files, skipped };
    if (workspaceRun) {
      // The run's files, with the open documents' live findings in place of the run's.
      const status: WorkspaceStatus = {
        state: workspaceRun.state,
        files: 0,
        total: workspaceRun.total,
        findings,
        skipped: skipped + workspaceRun.unread,
        finishedAt: workspaceRun.finishedAt,
      };
      for (const [file, entry] of workspaceRun.files) {
        if (openByPath.has(file)) continue;
        status.findings += entry.findings;
        if (entry.skipped) status.skipped++;
        else status.files++;
      }
      status.files += files;
      params.workspace = status;
    }
    void connection.sendNotification(STATUS_NOTIFICATION, params);
  }

  /** Callbacks waiting for a document's next analysis to finish (freshFindings). */
  const analysed = new Map<string, (() => void)[]>();

  /** Documents with an analysis running (validate), so that a waiting request does not start another. */
  const validating = new Map<string, number>();

  async function validate(document: TextDocument): Promise<void> {
    validating.set(document.uri, (validating.get(document.uri) ?? 0) + 1);
    try {
      await validateNow(document);
    } finally {
      const running = (validating.get(document.uri) ?? 1) - 1;
      if (running > 0) validating.set(document.uri, running);
      else validating.delete(document.uri);
      const waiting = analysed.get(document.uri);
      analysed.delete(document.uri);
      for (const resolve of waiting ?? []) resolve();
    }
  }

  /**
   * The findings of the document's current text, waiting (up to a few seconds) for the analysis of
   * the latest edit: a fix computed on an earlier text lands in the wrong place, and a code action
   * request (the lightbulb, a fix-all on save) comes right after typing. undefined: not analyzed.
   */
  async function freshFindings(uri: string): Promise<DocumentState | undefined> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const document = documents.get(uri);
      const current = state.get(uri);
      if (!document) return undefined;
      if (current && current.version === document.version) return current;
      if (Date.now() > deadline) return undefined;
      // With run: onSave no analysis may be on its way: ask for one now. Not while one runs: a new
      // one would supersede it, its end would wake this loop to schedule yet another, and the
      // request would wait out the deadline with nothing (the job reads the latest text anyway).
      if (!debouncer.isPending(uri) && !validating.has(uri)) schedule(document, true);
      const done = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
        const list = analysed.get(uri) ?? [];
        list.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
        analysed.set(uri, list);
      });
      // Analyzed, yet no state: disabled, excluded or not a language it knows.
      if (done && !state.get(uri) && documents.get(uri)?.version === document.version) return undefined;
    }
  }

  async function validateNow(document: TextDocument): Promise<void> {
    const settings = await settingsFor(document.uri);
    const filePath = filePathOf(document);
    if (!settings.enable || !languageOf({ path: filePath, languageId: document.languageId })) {
      state.delete(document.uri);
      void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
      sendStatus();
      return;
    }
    const options = optionsForPath(filePath, settings);
    if (!options) {
      state.delete(document.uri);
      void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
      return;
    }
    if (isTooLarge(document)) {
      // Checked before anything parses it; the edits since the last parse no longer describe a
      // tree the parser holds, so the next analysis (once it fits) parses afresh.
      pendingEdits.set(document.uri, null);
      state.set(document.uri, { version: document.version, findings: [], millis: 0 });
      void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics: [notAnalyzedDiagnostic(tooLargeReason(document.getText().length, DEFAULT_MAX_FILE_SIZE))] });
      sendStatus();
      return;
    }
    const started = performance.now();
    let version = document.version;
    let outcome: JobResult | null;
    try {
      outcome = await pool.analyze(laneOf(document), filePath, (slot) => {
        // Made when the job starts: the text and edits of that moment, not of the request.
        const current = documents.get(document.uri);
        if (!current || isTooLarge(current)) throw new CancelledError();
        version = current.version;
        const last = parsedBy.get(current.uri);
        const edits = last && last.lane === slot.lane && last.generation === slot.generation ? (pendingEdits.get(current.uri) ?? null) : null;
        pendingEdits.delete(current.uri);
        parsedBy.set(current.uri, { lane: slot.lane, generation: slot.generation });
        return { op: 'analyze', path: filePath, languageId: current.languageId, edits, options };
      });
    } catch (error) {
      if (error instanceof CancelledError) {
        if (documents.get(document.uri)) schedule(document, true); // grew too large meanwhile
        return;
      }
      parsedBy.delete(document.uri); // the worker's tree may not match: parse afresh next time
      log(`analysis failed for ${document.uri}: ${(error as Error).message}`);
      return;
    }
    if (!outcome || outcome.op !== 'analyze') return; // superseded by a newer edit
    const received = performance.now();
    const { result, millis } = outcome;
    lastMillis.set(document.uri, millis);
    record(timings, millis);
    if (documents.get(document.uri)?.version !== version) return; // a newer edit is on its way
    const previous = state.get(document.uri);
    // JS/TS mid-edit syntax errors yield no findings: keep the last good ones (docs/architecture.md).
    const notAnalyzed = notAnalyzedReason(result);
    const keepPrevious = result.language === 'javascript' && result.parseErrors.length > 0 && !notAnalyzed && previous;
    const findings = keepPrevious ? previous.findings : result.findings;
    state.set(document.uri, { version, findings, millis, stale: !!keepPrevious });
    const diagnostics = findings.map((f, i) => toDiagnostic(withMeasurement(f), i, pathToUri));
    if (notAnalyzed) {
      log(`${filePath}: skipped (${notAnalyzed})`);
      diagnostics.push(notAnalyzedDiagnostic(notAnalyzed));
    } else if (settings.showSyntaxErrors) {
      // Syntax errors are the language servers' to report (Pylance, Ruff, tsserver), unless asked for.
      for (const problem of result.parseErrors.slice(0, 1)) diagnostics.push(parseDiagnostic(problem));
    }
    void connection.sendDiagnostics({ uri: document.uri, version, diagnostics });
    record(updateTimings, performance.now() - started);
    record(publishTimings, performance.now() - received);
    sendStatus();
  }

  /**
   * Configuration errors, per file: the file's stamp when they were shown and the messages shown
   * since. A broken file fails every analysis (every keystroke in any document it governs), and a
   * pop-up each time buried the editor; the log still gets every occurrence.
   */
  const shownConfigErrors = new Map<string, { stamp: string; messages: Set<string> }>();

  /** Made anew when a configuration file changes, so an unreadable one is reported again then. */
  function newConfigResolver(): ConfigResolver {
    return new ConfigResolver(undefined, process.cwd(), workspaceFolders, (file, reason) =>
      reportConfigProblem(`${file}: ${unreadableConfigMessage(reason)}`, file, MessageType.Warning),
    );
  }

  function reportConfigError(error: unknown): void {
    const message = error instanceof ConfigError ? error.message : String(error);
    reportConfigProblem(message, error instanceof ConfigError ? (error.file ?? '') : '', MessageType.Error);
  }

  function reportConfigProblem(message: string, file: string, type: MessageType): void {
    log(`configuration ${type === MessageType.Error ? 'error' : 'warning'}: ${message}`);
    // The stamp catches an edit on disk even when the client sends no watched-file events.
    const stamp = file ? fileStamp(file) : '';
    let shown = shownConfigErrors.get(file);
    if (!shown || shown.stamp !== stamp) {
      shown = { stamp, messages: new Set() };
      shownConfigErrors.set(file, shown);
    }
    if (shown.messages.has(message)) return;
    shown.messages.add(message);
    // A notification, not window.showErrorMessage: that sends a request, and a client without
    // window/showMessageRequest rejected it, unhandled, which ended the server.
    void connection.sendNotification(ShowMessageNotification.type, { type, message: `Concurrency Lens: ${message}` });
  }

  /** The finding with its subject's measurement cited (and any contradiction said), when measured. */
  function withMeasurement(finding: Finding): Finding {
    if (!finding.subject || !isMeasurable(finding.rule)) return finding;
    const measured = measurements.get(finding.subject.path)?.get(finding.subject.functionName);
    if (!measured) return finding;
    return { ...finding, message: finding.message + measurementNote(finding.rule, measured) };
  }

  function refreshCodeLenses(): void {
    if (supportsCodeLensRefresh) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => {});
  }

  function isExcludedBySetting(filePath: string, settings: ServerSettings): boolean {
    if (settings.exclude.length === 0) return false;
    const root = workspaceFolders.find((f) => filePath.startsWith(f + path.sep)) ?? path.dirname(filePath);
    return excludeMatcher(root, settings.exclude)(filePath);
  }

  const debouncer = new Debouncer();
  /** When each open document was last edited (performance.now()): its next edit's debounce reads it. */
  const lastEditAt = new Map<string, number>();
  /**
   * After an edit, wait about as long as the document's last analysis took, or hardly at all after
   * a pause (debounce.ts). `sinceLastEdit`: for the document's own edit (see debounceFor).
   */
  const schedule = (document: TextDocument, immediate = false, sinceLastEdit?: number): void => {
    debouncer.run(document.uri, immediate ? 0 : debounceFor(lastMillis.get(document.uri), document.getText().length, sinceLastEdit), () => {
      const current = documents.get(document.uri);
      if (current) void validate(current);
    });
  };

  /** The open documents that import the changed one, directly or through each other: re-check them. */
  const revalidateDependents = (changed: TextDocument): void => {
    const others = documents.all().filter((d) => d.uri !== changed.uri);
    const candidates = others.map((d) => ({ key: d.uri, path: filePathOf(d), languageId: d.languageId, text: isTooLarge(d) ? '' : d.getText() }));
    for (const uri of importersOf({ path: filePathOf(changed), languageId: changed.languageId }, candidates)) {
      const other = documents.get(uri);
      if (other) schedule(other);
    }
  };

  // TextDocuments fires onDidChangeContent after onDidOpen for the same text: that one must not
  // analyze the document a second time (once the settings' await let the first finish, it did).
  const justOpened = new Set<string>();
  documents.onDidOpen((e) => {
    const filePath = filePathOf(e.document);
    openByPath.set(filePath, e.document.uri);
    pool.changed(filePath);
    justOpened.add(e.document.uri);
    schedule(e.document, true);
  });
  documents.onDidChangeContent(async (e) => {
    const filePath = filePathOf(e.document);
    // Every worker reads the new text before its next job; an analysis of the old one is stale.
    pool.changed(filePath);
    const opening = justOpened.delete(e.document.uri);
    // Read before the settings' await: the edit's own arrival, not when the settings came.
    const now = performance.now();
    const since = opening ? Infinity : now - (lastEditAt.get(e.document.uri) ?? -Infinity);
    if (!opening) lastEditAt.set(e.document.uri, now);
    const settings = await settingsFor(e.document.uri);
    if (opening) {
      // Its text may differ from the disk the importers were analyzed with.
      if (settings.run === 'onType') {
        revalidateDependents(e.document);
        notebooks.revalidateImporters({ path: filePath, languageId: e.document.languageId });
      }
      return;
    }
    if (settings.run === 'onType') {
      pool.supersede(filePath);
      schedule(e.document, false, since);
      revalidateDependents(e.document);
      notebooks.revalidateImporters({ path: filePath, languageId: e.document.languageId });
    }
  });
  documents.onDidSave(async (e) => {
    const settings = await settingsFor(e.document.uri);
    if (settings.run === 'onSave') schedule(e.document, true);
    pool.invalidated(filePathOf(e.document));
    revalidateDependents(e.document);
    notebooks.revalidateImporters({ path: filePathOf(e.document), languageId: e.document.languageId });
  });
  documents.onDidClose((e) => {
    debouncer.cancel(e.document.uri);
    const filePath = filePathOf(e.document);
    openByPath.delete(filePath);
    pool.closed(filePath);
    pendingEdits.delete(e.document.uri);
    parsedBy.delete(e.document.uri);
    lastMillis.delete(e.document.uri);
    lastEditAt.delete(e.document.uri);
    lanes.delete(e.document.uri);
    tooLargeLogged.delete(e.document.uri);
    justOpened.delete(e.document.uri);
    state.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    sendStatus();
  });

  connection.onDidChangeConfiguration((params) => {
    if (!supportsConfiguration && params?.settings !== undefined && params.settings !== null) pushedSettings = readSettings(sectionOf(params.settings));
    settingsCache.clear();
    for (const document of documents.all()) schedule(document, true);
    notebooks.revalidateAll();
    refreshCodeLenses();
  });

  connection.onDidChangeWatchedFiles((params) => {
    let configChanged = false;
    for (const change of params.changes) {
      const file = URI.parse(change.uri).fsPath;
      const base = path.basename(file);
      if (base === 'pyproject.toml' || base === 'concurrency-lens.json') configChanged = true;
      pool.invalidated(file);
    }
    if (configChanged) {
      configResolver = newConfigResolver();
      shownConfigErrors.clear();
    }
    for (const document of documents.all()) schedule(document, true);
    notebooks.revalidateAll();
  });

  connection.onCodeAction(async (params): Promise<CodeAction[]> => {
    if (notebooks.notebookOf(params.textDocument.uri)) return notebooks.codeActions(params);
    const current = await freshFindings(params.textDocument.uri);
    const document = documents.get(params.textDocument.uri);
    if (!document || !current || current.version !== document.version) return [];
    const language = languageOf({ path: filePathOf(document), languageId: document.languageId });
    if (!language) return [];
    const only = params.context.only;
    const requested = requestedFixAllKind(only);
    const fixAllKind = requested ?? FIX_ALL_KIND;
    const wantsFixAll = only !== undefined && requested !== null;
    const diagnostics = params.context.diagnostics;
    const actions: CodeAction[] = [];
    if (!only || only.includes(CodeActionKind.QuickFix)) {
      const fixes = quickFixes(document, language, diagnostics, current.findings, current.stale);
      // Ours first (the finding's fix, when it has one), then "Fix all", the suppressions, "Measure it", the docs.
      const own = fixes.filter((a) => a.isPreferred);
      actions.push(...own);
      const mine = diagnostics.filter((d) => d.source === SOURCE);
      if (!current.stale && mine.length > 0) {
        const fixAll = fixAllAction(document, current.findings, CodeActionKind.QuickFix, FIX_ALL_QUICK_FIX_TITLE);
        // With the diagnostics: VS Code lists actions without any after all the others.
        if (fixAll) actions.push({ ...fixAll, diagnostics: mine });
      }
      actions.push(...fixes.filter((a) => !a.isPreferred));
      actions.push(...measureActions(diagnostics, current.findings));
      if (clientCommands.has(SHOW_RULE_DOCS_COMMAND)) actions.push(...documentationActions(diagnostics, SHOW_RULE_DOCS_COMMAND));
    }
    if ((!only || wantsFixAll) && !current.stale) {
      const fixAll = fixAllAction(document, current.findings, fixAllKind);
      if (fixAll) actions.push(fixAll);
    }
    return actions;
  });

  /** "Measure it" on CL101–CL104: benchmark the finding's task function. */
  function measureActions(diagnostics: readonly import('vscode-languageserver/node').Diagnostic[], findings: readonly Finding[]): CodeAction[] {
    const actions: CodeAction[] = [];
    const seen = new Set<string>();
    for (const diagnostic of diagnostics) {
      if (diagnostic.source !== SOURCE || typeof diagnostic.code !== 'string' || !isMeasurable(diagnostic.code)) continue;
      const finding = findings.find(
        (f) => f.rule === diagnostic.code && f.range.start.line === diagnostic.range.start.line && f.range.start.column === diagnostic.range.start.character,
      );
      const subject = finding?.subject;
      if (!subject) continue;
      const key = `${subject.path}#${subject.functionName}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const pools = languageOf({ path: subject.path }) === 'javascript' ? 'worker_threads vs child_process' : 'threads vs processes';
      const title = `Measure it: benchmark \`${subject.functionName}\` (${pools})`;
      const args: BenchmarkCommandArgs = { uri: pathToUri(subject.path), functionName: subject.functionName, line: subject.line };
      actions.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title, command: BENCHMARK_COMMAND, arguments: [args] } });
    }
    return actions;
  }

  /** A request answered by a worker: null when cancelled, or when the worker failed (logged). */
  async function ask(what: string, subject: RequestSubject, job: WorkerJob, token?: CancellationToken): Promise<JobResult | null> {
    try {
      return await pool.request(subject, job, () => token?.isCancellationRequested ?? false);
    } catch (error) {
      if (!(error instanceof CancelledError)) log(`${what} failed: ${(error as Error).message}`);
      return null;
    }
  }

  connection.onCodeLens(async (params, token): Promise<CodeLens[]> => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    const settings = await settingsFor(document.uri);
    if (!settings.enable || !settings.codeLens.enable) return [];
    const filePath = filePathOf(document);
    // Benchmarks import the module from disk: only files (not untitled or virtual documents).
    if (URI.parse(document.uri).scheme !== 'file' || isTooLarge(document)) return [];
    const answer = await ask(`code lenses for ${document.uri}`, subjectOf(document), { op: 'lenses', path: filePath, languageId: document.languageId }, token);
    const lenses = answer?.op === 'lenses' ? answer.lenses : [];
    const measured = measurements.get(filePath);
    return lenses.map((lens): CodeLens => {
      const summary = measured?.get(lens.functionName);
      const args: BenchmarkCommandArgs = { uri: document.uri, functionName: lens.functionName, line: lens.line };
      const { title, tooltip } = benchLensCommand(document.languageId, summary);
      const range = { start: { line: lens.lensLine, character: 0 }, end: { line: lens.lensLine, character: 0 } };
      // Command.tooltip is LSP 3.17; the args carry it too for vscode-languageclient, which drops it.
      const command = { title, tooltip, command: BENCHMARK_COMMAND, arguments: [{ ...args, tooltip }] };
      return { range, command };
    });
  });

  connection.onNotification(MEASUREMENTS_NOTIFICATION, (params: MeasurementsMap) => {
    const next = new Map<string, Map<string, MeasurementSummary>>();
    for (const [uri, functions] of Object.entries(params ?? {})) {
      let file: string;
      try {
        file = URI.parse(uri).fsPath;
      } catch {
        continue;
      }
      next.set(file, new Map(Object.entries(functions ?? {})));
    }
    measurements = next;
    for (const document of documents.all()) schedule(document, true);
    refreshCodeLenses();
  });

  connection.onRequest(BENCHMARK_TARGET_REQUEST, async (params: BenchmarkTargetParams, token): Promise<BenchmarkTarget> => {
    if (notebooks.notebookOf(params.uri)) {
      return { ok: false, message: 'A function defined in a notebook cannot be benchmarked: the harness imports it from a module file. Move it into a module next to the notebook (the CL206 quick fix does) and benchmark it there.' };
    }
    const document = documents.get(params.uri);
    const filePath = document ? filePathOf(document) : URI.parse(params.uri).fsPath;
    const open = documents.all().filter((d) => d.uri !== params.uri && URI.parse(d.uri).scheme === 'file' && !isTooLarge(d));
    // Files that import this one: their calls of the function can pre-fill the inputs.
    const importers = await benchImporters(filePath, document?.languageId, open.map((d) => ({ key: filePathOf(d), path: filePathOf(d), languageId: d.languageId, text: d.getText() })));
    const request = { line: params.position?.line, character: params.position?.character, functionName: params.functionName, importers };
    // The worker reads the open document (never one too large) or the file from disk.
    const subject = document ? subjectOf(document) : { lane: 'fast' as const, chars: 0 };
    try {
      const answer = await pool.request(subject, { op: 'target', path: filePath, languageId: document?.languageId, request }, () => token.isCancellationRequested);
      if (answer?.op === 'target') return answer.target;
      return { ok: false, message: 'Cancelled.' };
    } catch (error) {
      log(`benchmark target failed for ${params.uri}: ${(error as Error).message}`);
      return { ok: false, message: `Internal error: ${(error as Error).message}` };
    }
  });

  connection.onRequest(EXECUTOR_SWAP_REQUEST, async (params: ExecutorSwapParams): Promise<ExecutorSwapResult> => {
    const definingPath = URI.parse(params.uri).fsPath;
    // The defining file and every open Python document (task sites may import the function). The
    // worker reads each from the open documents (never one too large) or from disk.
    const paths = [definingPath];
    for (const document of documents.all()) {
      if (isTooLarge(document)) continue;
      const filePath = filePathOf(document);
      if (isPythonDocument(filePath, document.languageId) && URI.parse(document.uri).scheme === 'file' && !paths.includes(filePath)) paths.push(filePath);
    }
    let found = null;
    try {
      // A command over several files, run where any request runs (analysis-pool.ts).
      const answer = await pool.request({ lane: 'fast', chars: 0 }, { op: 'swap', paths, definingPath, functionName: params.functionName, to: params.to });
      if (answer?.op === 'swap') found = answer.outcome;
    } catch (error) {
      log(`executor swap failed for ${params.uri}: ${(error as Error).message}`);
    }
    const outcome = found ?? { fixes: [], sites: 0, notes: [] };
    if (outcome.sites === 0) {
      const family = params.to === 'process' ? 'processes' : 'threads';
      outcome.notes.unshift(`No task site in the open files runs \`${params.functionName}\` on ${params.to === 'process' ? 'threads' : 'processes'}: nothing to move to ${family}.`);
    }
    const changes: NonNullable<ExecutorSwapResult['edit']>['changes'] = {};
    for (const { path: file, fix } of outcome.fixes) {
      const uri = pathToUri(file);
      (changes[uri] ??= []).push(...fix.edits.map(toLspEdit));
    }
    return { edit: outcome.fixes.length > 0 ? { changes } : null, sites: outcome.sites, changed: outcome.fixes.length, notes: outcome.notes };
  });

  // Answered by a worker that is not analyzing (analysis-pool.ts): the document's lane worker when
  // idle, else the request worker, so a hover does not wait for the analysis of the file being
  // typed in. A large document's hover waits on the slow lane, where its model is.
  connection.onHover(async (params, token) => {
    if (notebooks.notebookOf(params.textDocument.uri)) return notebooks.hover(params, () => token.isCancellationRequested);
    const document = documents.get(params.textDocument.uri);
    if (!document || isTooLarge(document)) return null;
    const job = { op: 'hover' as const, path: filePathOf(document), languageId: document.languageId, position: { line: params.position.line, column: params.position.character } };
    const answer = await ask(`hover on ${document.uri}`, subjectOf(document), job, token);
    const hover = answer?.op === 'hover' ? answer.hover : null;
    if (!hover) return null;
    return {
      contents: { kind: 'markdown', value: hover.markdown },
      range: {
        start: { line: hover.range.start.line, character: hover.range.start.column },
        end: { line: hover.range.end.line, character: hover.range.end.column },
      },
    };
  });

  connection.onRequest(ANALYZE_WORKSPACE_REQUEST, async (_params, token): Promise<AnalyzeWorkspaceResult> => {
    const progress = await connection.window.createWorkDoneProgress();
    progress.begin('Concurrency Lens: analyzing workspace', 0, undefined, true);
    try {
      const settings = await settingsFor(workspaceFolders[0] ? pathToUri(workspaceFolders[0]) : '');
      const thisRun = { state: 'running' as WorkspaceStatus['state'], total: 0, files: new Map<string, { findings: number; skipped: boolean }>(), unread: 0, finishedAt: undefined as string | undefined };
      workspaceRun = thisRun;
      sendStatus();
      // The status follows the run, at most every 250 ms (a large workspace has thousands of files).
      let lastStatus = Date.now();
      // A worker of its own: the open documents keep being analyzed while it runs.
      const run = pool.workspace(
        { op: 'workspace', folders: workspaceFolders, overrides: settingsOverrides(settings) },
        (result) => {
          thisRun.files.set(result.path, { findings: result.findings.length, skipped: !!result.skipped });
          const uri = pathToUri(result.path);
          if (documents.get(uri)) return; // open documents are kept live by validate()
          void connection.sendDiagnostics({ uri, diagnostics: result.findings.map((f, i) => toDiagnostic(withMeasurement(f), i, pathToUri)) });
        },
        (done, total) => {
          progress.report(Math.round((done / Math.max(total, 1)) * 100), `${done}/${total} files`);
          thisRun.total = total;
          if (Date.now() - lastStatus > 250 && workspaceRun === thisRun) {
            lastStatus = Date.now();
            sendStatus();
          }
        },
      );
      token.onCancellationRequested(run.cancel);
      progress.token.onCancellationRequested(run.cancel);
      const summary = await run.result;
      thisRun.finishedAt = new Date().toISOString();
      if (summary?.op !== 'workspace') {
        thisRun.state = 'cancelled';
        if (workspaceRun === thisRun) sendStatus();
        return { files: 0, findings: 0, cancelled: true };
      }
      thisRun.state = summary.cancelled ? 'cancelled' : 'done';
      let skippedResults = 0;
      for (const entry of thisRun.files.values()) if (entry.skipped) skippedResults++;
      thisRun.unread = Math.max(0, summary.skipped - skippedResults);
      if (workspaceRun === thisRun) sendStatus();
      log(`analyzed the workspace: ${summary.files} file(s), ${summary.findings} finding(s), ${summary.skipped} skipped${summary.cancelled ? ' (cancelled)' : ''}`);
      return { files: summary.files, findings: summary.findings, cancelled: summary.cancelled, skipped: summary.skipped };
    } finally {
      progress.done();
    }
  });

  // medianMs: the engine's time per analysis (in the worker). updateMedianMs: from the debounce
  // firing to the diagnostics sent, queueing and messaging included: the server's time per update.
  // publishMedianMs: this (the request) thread's part of an update, from the worker's result to
  // the diagnostics sent.
  connection.onRequest(TIMING_REQUEST, (): TimingResult & { updateCount: number; updateMedianMs: number | null; publishMedianMs: number | null } => {
    const median = (list: number[]): number | null => {
      const sorted = [...list].sort((a, b) => a - b);
      return sorted.length ? sorted[Math.floor(sorted.length / 2)] : null;
    };
    return {
      count: timings.length,
      medianMs: median(timings),
      updateCount: updateTimings.length,
      updateMedianMs: median(updateTimings),
      publishMedianMs: median(publishTimings),
    };
  });

  connection.onShutdown(() => pool.dispose());

  documents.listen(connection);
  notebooks.listen();
  connection.listen();
}

/** Settings as pushed: `{ "concurrencyLens": { … } }` (as VS Code sends them) or the section itself. */
function sectionOf(value: unknown): unknown {
  if (value && typeof value === 'object' && 'concurrencyLens' in value) return (value as { concurrencyLens: unknown }).concurrencyLens;
  return value;
}

/** Changes when the file's content does (size, modification time, or a new file in its place). */
function fileStamp(file: string): string {
  try {
    const stat = fs.statSync(file);
    return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

function isPythonDocument(filePath: string, languageId: string): boolean {
  return languageOf({ path: filePath, languageId }) === 'python';
}

function main(): void {
  // No engine on this thread: the analysis workers load the parsers (analysis-worker.ts).
  const connection = createConnection(ProposedFeatures.all);
  startServer(connection);
}

/**
 * The server over this process's stdin and stdout, whatever its command line says: the CLI's
 * `concurrency-lens server --stdio` (src/cli/server-command.ts) loads this bundle and calls it.
 */
export function startStdioServer(): void {
  startServer(createConnection(ProposedFeatures.all, process.stdin, process.stdout));
}

if (require.main === module) main();

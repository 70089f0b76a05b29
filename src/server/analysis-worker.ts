import { parentPort } from 'node:worker_threads';
import { analyzeNotebookLoaded, benchLenses, benchmarkTarget, createProjects, executorSwaps, hoverAt, initEngine, analyzeLoaded, notebookModule, cellLineReferences, type SourceDocument } from '../analysis';
import { ConfigResolver } from '../workspace/config';
import { readSource } from '../workspace/read-source';
import { analyzeWorkspaceFolders } from './workspace-analysis';
import type { CancelMessage, FromWorker, JobResult, ToWorker, WorkerJob } from './worker-protocol';

// An analysis worker of the language server (dist/server-worker.js, started by analysis-pool.ts):
// the engine runs here, so the request thread keeps answering while a large file is analyzed.
// The engine API is the one the server called before (src/analysis/index.ts).

const port = parentPort;
if (!port) throw new Error('server-worker must run in a worker thread');
const send = (message: FromWorker): void => port.postMessage(message);

/** Open documents as the editor has them: they win over the disk for cross-file facts. */
const open = new Map<string, string | null>();
const sources = {
  readFile(file: string): string | undefined {
    if (open.has(file)) return open.get(file) ?? undefined; // null: too large, never parsed
    const read = readSource(file);
    return 'text' in read ? read.text : undefined;
  },
};
const projects = createProjects(sources);
const cancelled = new Set<number>();

function documentOf(path: string, languageId?: string): SourceDocument | null {
  const text = sources.readFile(path);
  return text === undefined ? null : { path, text, languageId };
}

async function run(id: number, job: WorkerJob): Promise<JobResult> {
  switch (job.op) {
    case 'analyze': {
      const started = performance.now();
      const text = open.get(job.path);
      if (typeof text !== 'string') throw new Error(`${job.path} is not open`);
      projects.pythonProject.invalidate(job.path);
      // Open documents keep their parse tree: the edits since the last analysis re-parse only what changed.
      projects.open({ path: job.path, languageId: job.languageId });
      const result = analyzeLoaded({ path: job.path, text, languageId: job.languageId, edits: job.edits }, { ...job.options, sources }, projects);
      return { op: 'analyze', result, millis: performance.now() - started };
    }
    case 'hover': {
      const document = documentOf(job.path, job.languageId);
      return { op: 'hover', hover: document ? hoverAt(document, job.position, projects) : null };
    }
    case 'lenses': {
      const document = documentOf(job.path, job.languageId);
      return { op: 'lenses', lenses: document ? benchLenses(document, projects) : [] };
    }
    case 'target': {
      const document = documentOf(job.path, job.languageId);
      if (!document) return { op: 'target', target: { ok: false, message: `Cannot read ${job.path}, or it is too large to analyze.` } };
      return { op: 'target', target: benchmarkTarget(document, job.request, projects) };
    }
    case 'swap': {
      const documents = job.paths.flatMap((p) => documentOf(p) ?? []);
      return { op: 'swap', outcome: executorSwaps(documents, job.definingPath, job.functionName, job.to, projects) };
    }
    case 'notebook': {
      const started = performance.now();
      // The module is never anyone's import: its model is rebuilt from the cells each time.
      projects.pythonProject.invalidate(job.path);
      const result = analyzeNotebookLoaded(job.path, job.cells, { ...job.options, sources }, { pythonProject: projects.pythonProject });
      return { op: 'notebook', outcome: { findings: result.findings, parseErrors: result.parseErrors, skipped: result.skipped }, millis: performance.now() - started };
    }
    case 'notebookHover': {
      // The hover of the module the cells make, at the cell position's module position.
      const module = notebookModule(job.cells);
      projects.pythonProject.invalidate(job.path);
      const at = module.fromCell({ cell: job.cell, line: job.position.line, character: job.position.column });
      if (!at) return { op: 'notebookHover', hover: null };
      const hover = hoverAt({ path: job.path, text: module.text, languageId: 'python' }, { line: at.line, column: at.character }, projects);
      const start = hover && module.toCell(hover.range.start.line, hover.range.start.column);
      const end = hover && module.toCell(hover.range.end.line, hover.range.end.column);
      // A range that is not within the cell asked about (it spans cells) is narrowed to nothing.
      if (!hover || !start || start.cell !== job.cell) return { op: 'notebookHover', hover: null };
      const range = { start: { line: start.line, column: start.character }, end: end && end.cell === job.cell ? { line: end.line, column: end.character } : { line: start.line, column: start.character } };
      return { op: 'notebookHover', hover: { markdown: cellLineReferences(hover.markdown, module), range } };
    }
    case 'workspace': {
      // A worker of its own (analysis-pool.ts): its projects are not the open documents' ones.
      const summary = await analyzeWorkspaceFolders(job.folders, {
        configResolver: new ConfigResolver(undefined, process.cwd(), job.folders),
        overrides: job.overrides,
        sources,
        projects,
        isCancelled: () => cancelled.has(id),
        onProgress: (done, total) => send({ type: 'progress', id, done, total }),
        onResult: (result) => send({ type: 'file', id, result }),
      });
      cancelled.delete(id);
      return { op: 'workspace', ...summary };
    }
  }
}

port.on('message', (message: ToWorker | CancelMessage) => {
  if ('cancel' in message) {
    cancelled.add(message.cancel);
    return;
  }
  for (const { path, text } of message.sync) {
    open.set(path, text);
    projects.invalidate(path);
  }
  for (const path of message.closed) {
    open.delete(path);
    projects.close(path);
    projects.invalidate(path);
  }
  for (const path of message.invalidated) projects.invalidate(path);
  if (message.files) projects.setFiles(message.files);
  run(message.id, message.job).then(
    (result) => send({ type: 'done', id: message.id, result }),
    (error: unknown) => send({ type: 'failed', id: message.id, message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});

initEngine().then(
  () => send({ type: 'ready' }),
  (error: unknown) => send({ type: 'fatal', message: error instanceof Error ? error.message : String(error) }),
);

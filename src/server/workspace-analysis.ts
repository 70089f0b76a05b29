import { type AnalysisResult, type AnalyzeContext, type AnalyzeOptions, type SourceProvider, analyzeLoaded, isNotebookPath } from '../analysis';
import { type ConfigResolver, mergeOptions } from '../workspace/config';
// The CLI's file discovery and reading are the same job here: one implementation for both.
import { collectFiles } from '../workspace/walk';
import { readSource } from '../workspace/read-source';

// "Analyze workspace": every analyzable file (not notebooks) under the workspace folders (honouring .gitignore
// and `exclude`, as the CLI does), reported as it goes so the Problems panel fills progressively.

export interface WorkspaceAnalysisOptions {
  configResolver: ConfigResolver;
  overrides: AnalyzeOptions;
  sources: SourceProvider;
  projects: AnalyzeContext;
  isCancelled(): boolean;
  onProgress(done: number, total: number): void;
  onResult(result: AnalysisResult): void;
}

export interface WorkspaceSummary {
  files: number;
  findings: number;
  cancelled: boolean;
  /** Files not analyzed: unreadable, too large, binary, or skipped by the engine (work budget). */
  skipped: number;
}

export async function analyzeWorkspaceFolders(folders: readonly string[], options: WorkspaceAnalysisOptions): Promise<WorkspaceSummary> {
  const summary: WorkspaceSummary = { files: 0, findings: 0, cancelled: false, skipped: 0 };
  if (folders.length === 0) return summary;
  const files = collectFiles(folders, folders[0], { configs: options.configResolver });
  let lastYield = Date.now();
  for (const [index, file] of files.entries()) {
    if (options.isCancelled()) {
      summary.cancelled = true;
      break;
    }
    // Notebooks are reported only while open (notebooks.ts): diagnostics of a notebook go on its
    // cells' URIs, which only the client that opened it knows. The CLI checks closed ones.
    if (isNotebookPath(file.absolute)) {
      options.onProgress(index + 1, files.length);
      continue;
    }
    const read = readSource(file.absolute);
    if ('text' in read) {
      const config = options.configResolver.configFor(file.absolute);
      const analyzeOptions = { ...config.optionsFor(file.absolute, options.overrides), sources: options.sources };
      try {
        const result = analyzeLoaded({ path: file.absolute, text: read.text }, analyzeOptions, options.projects);
        summary.findings += result.findings.length;
        if (result.skipped) summary.skipped++;
        options.onResult(result);
      } catch {
        // One file the engine cannot handle must not stop the workspace run; the CLI reports details.
        summary.skipped++;
      }
    } else {
      summary.skipped++;
    }
    summary.files++;
    options.onProgress(index + 1, files.length);
    // Let cancellation and other requests (typing in an open file) through every ~50 ms.
    if (Date.now() - lastYield > 50) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = Date.now();
    }
  }
  return summary;
}

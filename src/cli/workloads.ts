import * as path from 'node:path';
import { createProjects, initLanguage, languageOf, taskReport, type TaskReport } from '../analysis';
import { ConfigResolver, namedRoots } from '../workspace/config';
import { diskSources, readSource } from '../workspace/read-source';
import { collectFiles } from '../workspace/walk';
import { colorsFor, type Colors, unreadableConfigWarning } from './format-text';
import { escapeControls } from './escape';

// `concurrency-lens workloads PATH...`: every task site (a callable handed to a thread, process,
// interpreter or async executor), what it runs and how the analyzer classes that work, with the
// evidence. The same classification CL101/CL102/CL103 act on, so this answers "why did (or
// didn't) it fire?".

export type WorkloadsFormat = 'text' | 'json';

export interface WorkloadsFlags {
  format: WorkloadsFormat;
  config?: string;
  color?: boolean;
}

export interface WorkloadsIO {
  cwd: string;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** One task of the JSON document (a stable interface: 1-based lines and columns). */
export interface WorkloadsTaskJson {
  path: string;
  line: number;
  column: number;
  executor: string;
  family: TaskReport['family'];
  function: string | null;
  workload: TaskReport['workload'];
  evidence: { path: string; line: number; reason: string }[];
}

export interface WorkloadsJson {
  version: 1;
  tasks: WorkloadsTaskJson[];
}

export function runWorkloads(paths: readonly string[], flags: WorkloadsFlags, io: WorkloadsIO): number {
  const errColors = colorsFor(io.stderr, flags.color);
  const configs = new ConfigResolver(flags.config, io.cwd, namedRoots(paths, io.cwd), (file, reason) =>
    io.stderr.write(unreadableConfigWarning(file, reason, io.cwd, errColors)),
  );
  const entries = collectFiles(paths.length > 0 ? paths : ['.'], io.cwd, {
    configs,
    onWarning: (message) => io.stderr.write(`${errColors.yellow('warning')}: ${escapeControls(message)}\n`),
  });
  const files = entries.filter((entry) => languageOf({ path: entry.absolute }) === 'python');
  // One project for the run, so a task function imported from another file of the tree resolves
  // (and each file is parsed once).
  const projects = createProjects(diskSources, files.map((f) => f.absolute));
  const display = displayer(io.cwd, new Map(files.map((f) => [f.absolute, f.display])));
  const tasks: WorkloadsTaskJson[] = [];
  for (const file of files) {
    const read = readSource(file.absolute);
    if ('skipped' in read) {
      io.stderr.write(`${errColors.dim('note')}: ${escapeControls(file.display)}: skipped (${read.skipped})\n`);
      continue;
    }
    for (const task of taskReport({ path: file.absolute, text: read.text }, projects)) {
      tasks.push({
        path: file.display,
        line: task.range.start.line + 1,
        column: task.range.start.column + 1,
        executor: task.executor,
        family: task.family,
        function: task.function,
        workload: task.workload,
        evidence: task.evidence.map((e) => ({ path: display(e.path), line: e.range.start.line + 1, reason: e.reason })),
      });
    }
  }
  if (flags.format === 'json') {
    const document: WorkloadsJson = { version: 1, tasks };
    io.stdout.write(`${JSON.stringify(document)}\n`);
  } else {
    const colors = colorsFor(io.stdout, flags.color);
    for (const task of tasks) io.stdout.write(`${textLine(colors, task)}\n`);
    io.stderr.write(`${tasks.length} task site${tasks.length === 1 ? '' : 's'} in ${files.length} Python file${files.length === 1 ? '' : 's'}\n`);
  }
  return 0;
}

/** Must be awaited before `runWorkloads`: the Python parser is wasm. */
export function loadWorkloadsEngine(): Promise<void> {
  return initLanguage('python');
}

/** `app.py:12:5: fetch [thread, ThreadPoolExecutor] io: `requests.get` blocks on I/O (line 7); +1 more` */
function textLine(c: Colors, task: WorkloadsTaskJson): string {
  // Paths (and evidence, which may quote them) with control characters escaped, as `check` prints them.
  const where = `${c.bold(escapeControls(task.path))}${c.dim(`:${task.line}:${task.column}:`)}`;
  const executor = task.executor.split('.').pop() ?? task.executor;
  const fn = task.function ?? '(unresolved)';
  const first = task.evidence[0];
  const evidence = first ? escapeControls(`${first.reason}${first.path !== task.path ? ` (${first.path})` : ''}`) : 'no I/O, no calls into unseen code and no work that grows with the input';
  const more = task.evidence.length > 1 ? c.dim(`; +${task.evidence.length - 1} more`) : '';
  return `${where} ${fn} [${task.family}, ${executor}] ${c.bold(task.workload)}: ${evidence}${more}`;
}

/** Paths of evidence as the run shows files: the walked display name, else relative to cwd. */
function displayer(cwd: string, byAbsolute: Map<string, string>): (enginePath: string) => string {
  return (enginePath) => {
    const absolute = path.resolve(cwd, enginePath);
    const known = byAbsolute.get(absolute);
    if (known) return known;
    const rel = path.relative(cwd, absolute);
    return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : absolute;
  };
}

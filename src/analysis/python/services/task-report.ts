import type { TaskEvidence, TaskReport } from '../../core/front-end';
import type { FunctionInfo, PythonModel } from '../model';
import { rangeOf } from '../syntax';
import { type TaskSite, type TaskTarget, taskSites } from '../tasks';
import { type Workload, classifyWorkload, libraryCallableWorkload, siteClass, siteConstructedWith, siteParamTypes } from '../workload';

// `concurrency-lens workloads`: every task site of a file with the class of the work it runs
// and the evidence. It shows the same classification CL101/CL102/CL103 read, so a user can see
// why one fired or stayed silent.

const INTERPRETER_EXECUTOR = 'concurrent.futures.InterpreterPoolExecutor';

export function pythonTaskReport(model: PythonModel): TaskReport[] {
  const reports: TaskReport[] = [];
  for (const site of taskSites(model)) {
    const fn = reportedFunction(model, site.target);
    // The same classification CL101/CL102 make, on the subclass the site instantiates.
    // A library's callable handed over as it is (`run_sync(self._fp.read)`): the catalogue's class
    // of that one call, named as written. The rules leave such sites alone (no function to swap).
    const library = fn ? null : libraryCallableWorkload(model, site);
    const workload: Workload | null = fn ? classifyWorkload(fn, siteClass(model, site), siteConstructedWith(model, site), siteParamTypes(model, site, fn)) : library;
    reports.push({
      range: rangeOf(site.call.callee),
      executor: site.executor,
      family: familyOf(site),
      function: fn ? fn.name : library && site.callableNode ? model.text(site.callableNode) : null,
      workload: workload ? workload.kind : 'unknown',
      evidence: workload ? evidenceOf(workload) : [unresolved(model, site)],
    });
  }
  return reports;
}

/** The function a site runs: through `functools.partial`, and lambdas too (they are functions of the model). */
function reportedFunction(model: PythonModel, target: TaskTarget): FunctionInfo | null {
  // A loop rather than recursion: partials can nest.
  let current = target;
  while (current.kind === 'partial') current = current.inner;
  if (current.kind === 'function') return current.fn;
  if (current.kind === 'lambda') return model.functionOf(current.node) ?? null;
  return null;
}

function familyOf(site: TaskSite): TaskReport['family'] {
  // The interpreter pool counts as a process pool for the rules (no shared GIL), but a user
  // reading the report should see what it really is.
  if (site.executor === INTERPRETER_EXECUTOR) return 'interpreter';
  const family: string = site.family;
  return family === 'thread' || family === 'process' || family === 'interpreter' || family === 'async' ? family : 'thread';
}

/** The decisive evidence first (the kind the class names), then the rest, without repeats. */
function evidenceOf(workload: Workload): TaskEvidence[] {
  const decisive = (kind: string): boolean =>
    workload.kind === kind || (workload.kind === 'mixed' && (kind === 'io' || kind === 'cpu' || kind === 'native'));
  const ordered = [...workload.evidence].sort((a, b) => Number(decisive(b.kind)) - Number(decisive(a.kind)));
  const seen = new Set<string>();
  const out: TaskEvidence[] = [];
  for (const e of ordered) {
    const key = `${e.path}\u0000${e.node.startIndex}\u0000${e.reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: e.path, range: rangeOf(e.node), reason: e.reason });
  }
  return out;
}

function unresolved(model: PythonModel, site: TaskSite): TaskEvidence {
  const node = site.callableNode ?? site.call.node;
  const reason = site.callableNode
    ? `the task callable \`${model.text(site.callableNode)}\` does not resolve to a function the analyzer can see`
    : 'the task has no callable the analyzer can see';
  return { path: model.path, range: rangeOf(node), reason };
}

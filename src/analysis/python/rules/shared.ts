import type { FindingSubject, RelatedInformation } from '../../core/types';
import type { FunctionInfo, PythonModel } from '../model';
import { type PyNode, childByField, namedChildren, rangeOf } from '../syntax';
import type { TaskSite } from '../tasks';
import type { Evidence, Workload } from '../workload';

/** The node a task-site finding covers: the callee (`executor.submit`, `threading.Thread`). */
export function siteNode(site: TaskSite): PyNode {
  return site.call.callee;
}

/** Related information citing the evidence of a workload class (capped: the first few are enough). */
export function evidenceRelated(workload: Workload, kind: Evidence['kind'], limit = 3): RelatedInformation[] {
  return workload.evidence
    .filter((e) => e.kind === kind)
    .slice(0, limit)
    .map((e) => ({ path: e.path, range: rangeOf(e.node), message: e.reason }));
}

/**
 * The task function as a benchmark subject, when the benchmark harness can import it by name:
 * a module-level `def` (not a lambda, a closure, a method, or one defined under the main guard).
 */
export function benchSubject(fn: FunctionInfo | null): FindingSubject | null {
  if (!fn || fn.isLambda || fn.parentFunction || fn.parentClass || fn.inMainGuard) return null;
  return { functionName: fn.name, path: fn.model.path, line: fn.node.startRow };
}

/**
 * The exception names an `except` clause catches, as written (`except (A, B) as e:` gives A and
 * B); null for a bare `except:`, which catches everything. `except*` clauses give none.
 */
export function caughtNames(model: PythonModel, clause: PyNode): string[] | null {
  let caught = childByField(clause, 'value');
  if (!caught) return clause.children.some((c) => c.type === 'except*') ? [] : null;
  if (caught.type === 'as_pattern') caught = namedChildren(caught)[0] ?? null;
  if (!caught) return [];
  const names = caught.type === 'tuple' || caught.type === 'parenthesized_expression' ? namedChildren(caught) : [caught];
  return names.map((n) => model.text(n));
}

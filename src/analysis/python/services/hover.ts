import type { Range } from '../../core/types';
import type { FunctionInfo, PythonModel } from '../model';
import { rangeOf } from '../syntax';
import { taskSites, targetFunction } from '../tasks';
import { classifyWorkload, type WorkloadKind } from '../workload';

// Hover on a task function's name: its workload class and the evidence behind it, so a user can
// see why a CL101/CL102/CL103 fired (or why none did).

const LABEL: Record<WorkloadKind, string> = {
  cpu: 'CPU-bound',
  io: 'I/O-bound',
  native: 'native (releases the GIL)',
  trivial: 'trivial',
  mixed: 'mixed CPU and I/O',
  unknown: 'unknown',
};

export interface HoverInfo {
  range: Range;
  markdown: string;
}

export function pythonTaskHover(model: PythonModel, line: number, column: number): HoverInfo | null {
  const targets = new Map<FunctionInfo, string[]>();
  for (const site of taskSites(model)) {
    const fn = targetFunction(site.target);
    if (!fn || fn.model !== model || !fn.nameNode) continue;
    const uses = targets.get(fn) ?? [];
    uses.push(`${site.family === 'thread' ? 'threads' : 'processes'} (\`${model.text(site.call.callee)}\`, line ${site.call.node.startRow + 1})`);
    targets.set(fn, uses);
  }
  for (const [fn, uses] of targets) {
    const name = fn.nameNode!;
    const inside =
      name.startRow === line && column >= name.startCol && column <= name.endCol;
    if (!inside) continue;
    const workload = classifyWorkload(fn);
    const evidence = workload.evidence
      .filter((e) => workload.kind === 'mixed' || workload.kind === 'unknown' || e.kind === workload.kind)
      .slice(0, 5)
      .map((e) => `- ${e.reason}${e.path !== model.path ? ` (in \`${e.path}\`)` : ''}`);
    const lines = [
      `**Concurrency Lens**: \`${fn.name}\` is **${LABEL[workload.kind]}**`,
      '',
      ...(evidence.length > 0 ? evidence : [workload.kind === 'trivial' ? '- no loops and no calls that do work' : '- no evidence either way']),
      '',
      `Run on ${[...new Set(uses)].join(', ')}.`,
    ];
    return { range: rangeOf(name), markdown: lines.join('\n') };
  }
  return null;
}

import * as path from 'node:path';
import { ruleMeta } from '../../catalog';
import type { JsRule } from '../rule';
import { classifyWorkerScript } from '../worker-tasks';
import { spawnSites } from '../workers';
import { evidenceRelated, head } from './shared';

export const rule: JsRule = {
  meta: ruleMeta('CL106'),
  check(context) {
    const { model } = context;
    if (!model.project) return;
    for (const site of spawnSites(model)) {
      if (site.family !== 'thread' || site.selfSpawn || site.scriptCandidates.length === 0) continue;
      const script = site.scriptCandidates.map((c) => model.project!.modelAt(c)).find((m) => m !== null);
      if (!script || script === model) continue;
      const workload = classifyWorkerScript(script);
      if (workload.kind !== 'io') continue;
      const name = path.relative(model.directory, script.path) || path.basename(script.path);
      context.report({
        node: head(model, site.node),
        message:
          `The worker script \`${name}\` only awaits async I/O (${workload.evidence[0].reason}). ` +
          'Async I/O is already concurrent on the main thread: the worker adds start-up and message-copying cost without a speed-up. Call it from the main thread.',
        related: evidenceRelated(script, workload.evidence, script.path),
      });
    }
  },
};

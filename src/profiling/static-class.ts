import * as fs from 'node:fs';
import { PythonProject, initEngine } from '../analysis';
import { classifyWorkload, describeWorkload } from '../analysis/python/workload';
import type { WorkloadClassification } from './types';

// The static analyzer's opinion of the benchmarked function (src/analysis: the same workload
// classes the lint rules use), so the report can set "the code looks CPU-bound" beside "it
// measured CPU-bound". Loaded lazily: it brings the parser's wasm in.

const diskSources = {
  readFile(file: string): string | undefined {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  },
};

export async function staticWorkloadOf(file: string, functionName: string): Promise<WorkloadClassification['static']> {
  await initEngine();
  const text = fs.readFileSync(file, 'utf8');
  const model = new PythonProject(diskSources).model(file, text);
  const fn = model.functions.find((f) => f.name === functionName && !f.parentFunction && !f.parentClass);
  if (!fn) return null;
  const workload = classifyWorkload(fn);
  return { kind: workload.kind, reason: describeWorkload(workload) };
}

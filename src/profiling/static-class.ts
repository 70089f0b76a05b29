import * as fs from 'node:fs';
// Python modules only, not '../analysis': the index pulls in the JS/TS analyzer and with it the
// whole `typescript` package (10 MB) that a Python classification never needs.
import { PythonProject } from '../analysis/python/analyze';
import { ensurePythonParser } from '../analysis/python/syntax';
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
  await ensurePythonParser();
  const text = fs.readFileSync(file, 'utf8');
  const model = new PythonProject(diskSources).model(file, text);
  const fn = model.functions.find((f) => f.name === functionName && !f.parentFunction && !f.parentClass);
  if (!fn) return null;
  const workload = classifyWorkload(fn);
  return { kind: workload.kind, reason: describeWorkload(workload) };
}

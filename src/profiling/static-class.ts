import { createProjects, staticWorkload } from '../analysis';
import { diskSources, readSource } from '../workspace/read-source';
import type { WorkloadClassification } from './types';

// The static analyzer's opinion of the benchmarked function (the same workload classes the lint
// rules use), so the report can set "the code looks CPU-bound" beside "it measured CPU-bound".
// Through the engine's entry point, which loads only the front end of the file's language. The
// file and the modules it imports are read as the linter reads them (src/workspace/read-source.ts):
// an import of a FIFO or of a link to /dev/zero must not block the benchmark or fill its memory.

export async function staticWorkloadOf(file: string, functionName: string): Promise<WorkloadClassification['static']> {
  const read = readSource(file);
  if ('skipped' in read) return null;
  return staticWorkload({ path: file, text: read.text }, functionName, createProjects(diskSources));
}

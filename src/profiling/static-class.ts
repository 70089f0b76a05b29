import * as fs from 'node:fs';
import { createProjects, staticWorkload } from '../analysis';
import type { WorkloadClassification } from './types';

// The static analyzer's opinion of the benchmarked function (the same workload classes the lint
// rules use), so the report can set "the code looks CPU-bound" beside "it measured CPU-bound".
// Through the engine's entry point, which loads only the front end of the file's language.

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
  const text = fs.readFileSync(file, 'utf8');
  return staticWorkload({ path: file, text }, functionName, createProjects(diskSources));
}

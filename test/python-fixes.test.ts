import * as path from 'node:path';
import { analyze, createProjects } from '../src/analysis';
import { FIXTURES, diskSources, listFiles } from './support/fixtures';
import { defineFixTests } from './support/fix-tests';

// Every fix offered on the Python fixtures, applied and re-analyzed, plus the golden fixes/*.py
// (see test/support/fix-tests.ts for what is checked).

const python = path.join(FIXTURES, 'python');
const isGolden = (f: string): boolean => f.endsWith('.fixed.py');

defineFixTests({
  fixtures: listFiles(python, ['.py']).filter((f) => !isGolden(f)),
  goldens: listFiles(path.join(python, 'fixes'), ['.py']).filter((f) => !isGolden(f)),
  run: (file, text) => analyze({ path: file, text }, { sources: diskSources }, createProjects(diskSources)),
  mayIntroduce: {
    // The swap brings its own main guard and CPU-sized pool (fix-rounds.ts), so no CL201 or CL301.
    CL101: ['CL404', 'CL405'],
    // Moving a process task to threads turns "the parent never sees it" (CL404) into a data race.
    CL102: ['CL401'],
  },
  marker: /^#\s*fix:\s*([A-Z0-9, ]+)/,
  goldenOf: (file) => file.replace(/\.py$/, '.fixed.py'),
});

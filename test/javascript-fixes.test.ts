import * as path from 'node:path';
import { JS_EXTENSIONS, analyze, createProjects } from '../src/analysis';
import { FIXTURES, diskSources, listFiles } from './support/fixtures';
import { defineFixTests } from './support/fix-tests';

// Every fix offered on the JS/TS fixtures, applied and re-analyzed, plus the golden fixes/*
// (see test/support/fix-tests.ts for what is checked).

const root = path.join(FIXTURES, 'javascript');
const all = listFiles(root, JS_EXTENSIONS);
const isGolden = (f: string): boolean => /\.fixed\.[cm]?[jt]sx?$/.test(f);

defineFixTests({
  fixtures: all.filter((f) => !isGolden(f) && !f.includes(`${path.sep}parse-errors${path.sep}`)),
  goldens: listFiles(path.join(root, 'fixes'), JS_EXTENSIONS).filter((f) => !isGolden(f)),
  run: (file, text) => analyze({ path: file, text }, { sources: diskSources }, createProjects(diskSources, all)),
  mayIntroduce: {},
  marker: /^\/\/\s*fix:\s*([A-Z0-9, ]+)/,
  goldenOf: (file) => {
    const ext = path.extname(file);
    return file.slice(0, -ext.length) + '.fixed' + ext;
  },
});

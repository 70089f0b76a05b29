import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeLoaded, createProjects, initEngine } from '../src/analysis';
import { initPythonParser, parsePython } from '../src/analysis/python/syntax';
import { withLoneCrAsLf } from '../src/analysis/core/lines';

// Lint throughput against parse-only throughput over the same Python files, in one run
// (issue 14): `node --import tsx scripts/bench-parse.ts [ROOT] [PASSES]`, ROOT defaulting to
// /usr/lib/python3.11. Three figures, alternating per pass, medians reported:
//   tree-sitter   the wasm parse alone (parse, delete the tree)
//   parse+copy    parsePython: the parse and the plain-JS copy of the tree the model reads
//   lint          the whole analysis (analyzeLoaded: model, facts, every rule), the files of the
//                 tree available to cross-file resolution from memory, as the CLI has them on disk
// Not a test: nothing asserts on timing.

const root = process.argv[2] ?? '/usr/lib/python3.11';
const passes = Number(process.argv[3] ?? 3);

function collect(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== '__pycache__' && entry.name !== 'site-packages') collect(full, out);
    else if (entry.isFile() && entry.name.endsWith('.py')) out.push(full);
  }
  return out;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  await initEngine();
  const parser = await initPythonParser();
  const files = collect(root).map((p) => ({ path: p, text: fs.readFileSync(p, 'utf8') }));
  const byPath = new Map(files.map((f) => [path.resolve(f.path), f.text]));
  const sources = { readFile: (p: string) => byPath.get(path.resolve(p)) };
  const lines = files.reduce((n, f) => n + f.text.split('\n').length, 0);
  const times: Record<'tree-sitter' | 'parse+copy' | 'lint', number[]> = { 'tree-sitter': [], 'parse+copy': [], lint: [] };
  // CPU seconds too: on a shared machine the wall time also counts the other processes' turns.
  const cpu: Record<'tree-sitter' | 'parse+copy' | 'lint', number[]> = { 'tree-sitter': [], 'parse+copy': [], lint: [] };
  const run = {
    'tree-sitter': () => {
      for (const f of files) parser.parse(withLoneCrAsLf(f.text))?.delete();
    },
    'parse+copy': () => {
      for (const f of files) parsePython(f.text);
    },
    lint: () => {
      const projects = createProjects(sources, files.map((f) => f.path));
      for (const f of files) {
        analyzeLoaded(f, { sources }, projects);
        projects.releaseModels();
      }
    },
  };
  for (let pass = 0; pass <= passes; pass++) {
    for (const name of Object.keys(run) as (keyof typeof run)[]) {
      const started = performance.now();
      const startedCpu = process.cpuUsage();
      run[name]();
      const used = process.cpuUsage(startedCpu);
      if (pass > 0) {
        // pass 0 warms up
        times[name].push((performance.now() - started) / 1000);
        cpu[name].push((used.user + used.system) / 1e6);
      }
    }
  }
  const rate = (name: keyof typeof run): number => lines / median(times[name]);
  console.log(`${files.length} files, ${lines} lines, ${passes} passes (medians)`);
  for (const name of Object.keys(run) as (keyof typeof run)[]) {
    console.log(`${name.padEnd(12)} ${median(times[name]).toFixed(2)} s  ${Math.round(rate(name))} lines/s  (CPU ${median(cpu[name]).toFixed(2)} s)`);
  }
  console.log(`lint / tree-sitter parse: ${((100 * rate('lint')) / rate('tree-sitter')).toFixed(0)}%`);
  console.log(`lint / parse+copy:        ${((100 * rate('lint')) / rate('parse+copy')).toFixed(0)}%`);
  const cpuRatio = (a: keyof typeof run, b: keyof typeof run): string => ((100 * median(cpu[b])) / median(cpu[a])).toFixed(0);
  console.log(`by CPU time: lint / tree-sitter ${cpuRatio('lint', 'tree-sitter')}%, lint / parse+copy ${cpuRatio('lint', 'parse+copy')}%`);
}

void main();

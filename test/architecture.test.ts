import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

// The layers of docs/architecture.md, enforced: which folder of src/ may import which, what may
// be imported from the engine (its entry point only), where the VS Code and LSP packages may
// appear, and no import cycles among src/ files (type-only imports count: a cycle of types is
// still two modules that cannot be understood apart). vscode-eslint gets the same guarantee
// from separate packages; this test is the single-package version of it.

const SRC = path.join(__dirname, '..', 'src');

type Layer = 'analysis' | 'profiling' | 'workspace' | 'protocol' | 'server' | 'cli' | 'extension' | 'webview' | 'eslint-plugin';

/** What each layer may import besides itself: a layer, or specific files of one. */
const ALLOWED: Record<Layer, readonly string[]> = {
  analysis: [],
  profiling: ['analysis/index.ts', 'workspace/read-source.ts'],
  workspace: ['analysis/index.ts'],
  protocol: ['analysis/index.ts'],
  server: ['analysis/index.ts', 'workspace', 'protocol'],
  cli: ['analysis/index.ts', 'profiling', 'workspace'],
  extension: ['analysis/languages.ts', 'profiling', 'protocol'],
  webview: ['protocol/panel.ts'],
  'eslint-plugin': ['analysis/index.ts', 'workspace'],
};

/** npm packages only some layers may use. */
const PACKAGES: Record<string, readonly Layer[]> = {
  vscode: ['extension'],
  'vscode-languageclient': ['extension'],
  '@vscode/python-extension': ['extension'],
  'vscode-languageserver': ['server'],
  'vscode-languageserver-textdocument': ['server'],
  commander: ['cli'],
  'cli-progress': ['cli'],
};

interface Import {
  from: string;
  specifier: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

const IMPORT = /(?:^|\n)\s*(import|export)\s+(type\s+)?[^'";]*?\s+from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|\b(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)|import\s+\w+\s*=\s*require\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): Import[] {
  const text = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: Import[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const specifier = m[3] ?? m[4] ?? m[5] ?? m[6];
    if (specifier) out.push({ from: file, specifier, typeOnly: !!m[2] });
  }
  return out;
}

function resolveLocal(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return null;
}

const rel = (file: string): string => path.relative(SRC, file).split(path.sep).join('/');
const layerOf = (file: string): Layer | null => {
  const top = rel(file).split('/')[0];
  return top in ALLOWED ? (top as Layer) : null;
};
const packageName = (specifier: string): string => {
  const parts = specifier.replace(/^node:/, '').split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
};

/** Every import under src/ that breaks a rule, as "from → to: why". */
export function layerViolations(files: string[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const layer = layerOf(file);
    if (!layer) {
      problems.push(`${rel(file)}: not in a known layer (${Object.keys(ALLOWED).join(', ')})`);
      continue;
    }
    for (const imp of importsOf(file)) {
      const target = resolveLocal(file, imp.specifier);
      if (!target) {
        if (imp.specifier.startsWith('.')) {
          if (!/\.json$/.test(imp.specifier)) problems.push(`${rel(file)}: ${imp.specifier} does not resolve`);
          continue;
        }
        const allowedIn = PACKAGES[packageName(imp.specifier)];
        if (allowedIn && !allowedIn.includes(layer)) problems.push(`${rel(file)} → ${imp.specifier}: only ${allowedIn.join(', ')} may use it`);
        continue;
      }
      const targetLayer = layerOf(target);
      if (!targetLayer || targetLayer === layer) continue;
      const ok = ALLOWED[layer].some((allowed) => allowed === targetLayer || allowed === rel(target));
      if (!ok) problems.push(`${rel(file)} → ${rel(target)}: ${layer} may import ${ALLOWED[layer].join(', ') || 'nothing outside itself'}`);
    }
  }
  return problems;
}

/** Strongly connected components with more than one file (Tarjan), each as a sorted list. */
export function importCycles(files: string[]): string[][] {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    graph.set(file, importsOf(file).map((i) => resolveLocal(file, i.specifier)).filter((t): t is string => t !== null && /\.tsx?$/.test(t)));
  }
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  // Iterative Tarjan: a recursive one would be fine at this size, but the engine's rule is "no recursion over trees".
  for (const start of graph.keys()) {
    if (indices.has(start)) continue;
    const work: { node: string; next: number }[] = [{ node: start, next: 0 }];
    indices.set(start, index);
    low.set(start, index++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const edges = graph.get(frame.node) ?? [];
      if (frame.next < edges.length) {
        const to = edges[frame.next++];
        if (!indices.has(to)) {
          indices.set(to, index);
          low.set(to, index++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, next: 0 });
        } else if (onStack.has(to)) low.set(frame.node, Math.min(low.get(frame.node)!, indices.get(to)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === indices.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(rel(member));
        } while (member !== frame.node);
        if (component.length > 1) cycles.push(component.sort());
      }
    }
  }
  return cycles;
}

const FILES = sourceFiles(SRC).filter((f) => !rel(f).startsWith('webview/') || /\.ts$/.test(f));

test('every import under src/ follows the layers (docs/architecture.md)', () => {
  assert.deepEqual(layerViolations(FILES), []);
});

test('no import cycles among src/ files, type-only imports included', () => {
  assert.deepEqual(importCycles(FILES), []);
});

test('the checks catch a forbidden import and a cycle (they are not vacuous)', () => {
  const tmp = fs.mkdtempSync(path.join(SRC, 'analysis', '.arch-probe-'));
  try {
    const a = path.join(tmp, 'a.ts');
    const b = path.join(tmp, 'b.ts');
    fs.writeFileSync(a, "import { b } from './b';\nimport { startServer } from '../../server/server';\nexport const a = b;\n");
    fs.writeFileSync(b, "import type { a } from './a';\nexport const b = 1 as unknown as typeof a;\n");
    const probe = [a, b];
    assert.deepEqual(layerViolations(probe).map((p) => p.replace(/^analysis\/[^/]+\//, '')), ['a.ts → server/server.ts: analysis may import nothing outside itself']);
    assert.equal(importCycles(probe).length, 1);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Range } from '../types';

// web-tree-sitter's ESM build relies on import.meta.url, which a CJS bundle empties: require the
// CJS entry explicitly (DESIGN.md).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const TreeSitter = require('web-tree-sitter') as typeof import('web-tree-sitter');

/**
 * A plain copy of the tree-sitter tree. Rules walk it many times; copying once gives stable node
 * identity (usable as Map keys), parent pointers without wasm calls, and lets the wasm tree be
 * deleted at once (DESIGN.md: memory grows without `.delete()`).
 */
export interface PyNode {
  type: string;
  named: boolean;
  field: string | null;
  startIndex: number;
  endIndex: number;
  startRow: number;
  startCol: number;
  endRow: number;
  endCol: number;
  children: PyNode[];
  parent: PyNode | null;
  hasError: boolean;
}

export interface ParsedPython {
  root: PyNode;
  source: string;
  errors: PyNode[];
}

// Punctuation carries no meaning for the rules; dropping it keeps the copy small.
const DROPPED_TOKENS = new Set(['(', ')', '[', ']', '{', '}', ',', ':', '.', ';', '\n']);

let parserPromise: Promise<import('web-tree-sitter').Parser> | null = null;

function findWasm(fileName: string, packageName: string): string {
  const candidates = [path.join(__dirname, fileName), path.join(__dirname, '..', fileName)];
  for (const candidate of candidates) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return require.resolve(`${packageName}/${fileName}`);
}

export function initPythonParser(): Promise<import('web-tree-sitter').Parser> {
  parserPromise ??= (async () => {
    await TreeSitter.Parser.init({
      locateFile: (name: string) => findWasm(name, 'web-tree-sitter'),
    });
    const language = await TreeSitter.Language.load(
      findWasm('tree-sitter-python.wasm', 'tree-sitter-python'),
    );
    const parser = new TreeSitter.Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return parserPromise;
}

let readyParser: import('web-tree-sitter').Parser | null = null;

export async function ensurePythonParser(): Promise<void> {
  readyParser = await initPythonParser();
}

export function parsePython(source: string): ParsedPython {
  if (!readyParser) throw new Error('Python parser not initialised: await ensurePythonParser() first');
  const tree = readyParser.parse(source);
  if (!tree) throw new Error('tree-sitter returned no tree');
  try {
    return copyTree(tree, source);
  } finally {
    tree.delete();
  }
}

function copyTree(tree: import('web-tree-sitter').Tree, source: string): ParsedPython {
  const cursor = tree.walk();
  const errors: PyNode[] = [];
  const make = (parent: PyNode | null): PyNode => {
    const start = cursor.startPosition;
    const end = cursor.endPosition;
    const type = cursor.nodeType;
    const node: PyNode = {
      type,
      named: cursor.nodeIsNamed,
      field: cursor.currentFieldName,
      startIndex: cursor.startIndex,
      endIndex: cursor.endIndex,
      startRow: start.row,
      startCol: start.column,
      endRow: end.row,
      endCol: end.column,
      children: [],
      parent,
      hasError: false,
    };
    if (type === 'ERROR' || cursor.nodeIsMissing) {
      errors.push(node);
      for (let p: PyNode | null = node; p; p = p.parent) p.hasError = true;
    }
    return node;
  };
  // Iterative walk: deeply nested input must not overflow the JS stack.
  const root = make(null);
  let current = root;
  try {
    if (!cursor.gotoFirstChild()) return { root, source, errors };
    for (;;) {
      const keep = cursor.nodeIsNamed || cursor.currentFieldName !== null || !DROPPED_TOKENS.has(cursor.nodeType);
      let node: PyNode | null = null;
      if (keep) {
        node = make(current);
        current.children.push(node);
      }
      if (node && cursor.gotoFirstChild()) {
        current = node;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return { root, source, errors };
        if (current === root) return { root, source, errors };
        current = current.parent ?? root;
      }
    }
  } finally {
    cursor.delete();
  }
}

export function textOf(source: string, node: PyNode): string {
  return source.slice(node.startIndex, node.endIndex);
}

export function childByField(node: PyNode, field: string): PyNode | null {
  for (const child of node.children) if (child.field === field) return child;
  return null;
}

export function childrenByField(node: PyNode, field: string): PyNode[] {
  return node.children.filter((child) => child.field === field);
}

export function namedChildren(node: PyNode): PyNode[] {
  return node.children.filter((child) => child.named);
}

export function firstChildOfType(node: PyNode, type: string): PyNode | null {
  for (const child of node.children) if (child.type === type) return child;
  return null;
}

export function rangeOf(node: PyNode): Range {
  return {
    start: { line: node.startRow, column: node.startCol },
    end: { line: node.endRow, column: node.endCol },
  };
}

/** Iterative pre-order walk; return false from `enter` to skip a node's children. */
export function walk(node: PyNode, enter: (node: PyNode) => boolean | void): void {
  const stack: PyNode[] = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (enter(current) === false) continue;
    for (let i = current.children.length - 1; i >= 0; i--) stack.push(current.children[i]);
  }
}

export function ancestors(node: PyNode): PyNode[] {
  const out: PyNode[] = [];
  for (let p = node.parent; p; p = p.parent) out.push(p);
  return out;
}

const SCOPE_TYPES = new Set(['function_definition', 'class_definition', 'lambda']);

export function isScopeNode(node: PyNode): boolean {
  return SCOPE_TYPES.has(node.type);
}

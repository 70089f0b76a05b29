import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineIndex, withLoneCrAsLf } from '../core/lines';
import type { Range } from '../core/types';

// web-tree-sitter's ESM build relies on import.meta.url, which a CJS bundle empties: require the
// CJS entry explicitly (docs/architecture.md).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const TreeSitter = require('web-tree-sitter') as typeof import('web-tree-sitter');

/**
 * A plain copy of the tree-sitter tree. Rules walk it many times; copying once gives stable node
 * identity (usable as Map keys), parent pointers without wasm calls, and lets the wasm tree be
 * deleted at once (docs/architecture.md: memory grows without `.delete()`).
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
  /**
   * The context the model of this tree derived for the node (model.ts contextOf), kept on the node
   * rather than in a map of every node: each copied tree has one model. Null until asked for.
   */
  context: unknown;
  /**
   * For the copies of an editor's document (IncrementalPythonParser): the tree-sitter node id,
   * which is the address of the node's slot in its parent's children. 0 otherwise.
   */
  treeId: number;
}

export interface ParsedPython {
  root: PyNode;
  source: string;
  errors: PyNode[];
  /** Nodes taken over from the previous copy of the document (IncrementalPythonParser), not copied again. */
  reused: number;
  /** Whether only the edited top-level statements were parsed again (incremental.ts spliceTopLevel). */
  spliced: boolean;
}

/** The children of every leaf: most nodes are leaves, and one array each was most of the copy's garbage. */
const NO_CHILDREN: PyNode[] = Object.freeze([]) as unknown as PyNode[];

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

/**
 * The cursor functions of tree-sitter's wasm module, called without web-tree-sitter's wrappers.
 * Each wrapper writes the cursor into the module's transfer buffer before its call (and reads it
 * back after a move): five to seven crossings per node, which cost as much as the parse itself.
 * The wasm functions keep the cursor in that buffer between calls (tree-sitter's
 * lib/binding/web-tree-sitter.c: every move writes it back), so the copy writes it once and
 * reads it back once. web-tree-sitter 0.25 (pinned) builds its module on the options object
 * `Parser.init` receives; when the functions are not found there, the copy uses the public API.
 */
interface RawCursorModule {
  HEAP32: Int32Array;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_missing_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_named_wasm(tree: number): number;
  _ts_tree_cursor_current_node_wasm(tree: number): void;
}

const RAW_FUNCTIONS = [
  '_ts_tree_cursor_goto_first_child_wasm',
  '_ts_tree_cursor_goto_next_sibling_wasm',
  '_ts_tree_cursor_goto_parent_wasm',
  '_ts_tree_cursor_current_node_type_id_wasm',
  '_ts_tree_cursor_current_field_id_wasm',
  '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm',
  '_ts_tree_cursor_current_node_is_missing_wasm',
  '_ts_tree_cursor_current_node_is_named_wasm',
  '_ts_tree_cursor_current_node_wasm',
] as const;

let raw: { module: RawCursorModule; transfer: number } | null = null;
let rawEnabled = true;

/** Whether copies use the raw cursor functions; `enabled` false makes them use the public API (tests compare the two). */
export function rawCursorCopy(enabled?: boolean): boolean {
  if (enabled !== undefined) rawEnabled = enabled;
  return raw !== null && rawEnabled;
}

export function initPythonParser(): Promise<import('web-tree-sitter').Parser> {
  parserPromise ??= (async () => {
    const moduleOptions: Record<string, unknown> = {
      locateFile: (name: string) => findWasm(name, 'web-tree-sitter'),
    };
    await TreeSitter.Parser.init(moduleOptions);
    const init = moduleOptions._ts_init;
    if (typeof init === 'function' && moduleOptions.HEAP32 instanceof Int32Array && RAW_FUNCTIONS.every((f) => typeof moduleOptions[f] === 'function')) {
      // ts_init only writes the language versions into the transfer buffer and returns its address.
      raw = { module: moduleOptions as unknown as RawCursorModule, transfer: (init as () => number)() };
    }
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
let symbols: SymbolTables | null = null;

/** Type and field names by id: reading ids across the wasm boundary is cheaper than strings. */
interface SymbolTables {
  types: string[];
  named: boolean[];
  fields: (string | null)[];
  /** 1 for the anonymous tokens the copy drops (DROPPED_TOKENS). */
  dropped: Uint8Array;
}

export async function ensurePythonParser(): Promise<void> {
  readyParser = await initPythonParser();
  const language = readyParser.language!;
  const types: string[] = [];
  const named: boolean[] = [];
  for (let id = 0; id < language.nodeTypeCount; id++) {
    types.push(language.nodeTypeForId(id) ?? '');
    named.push(language.nodeTypeIsNamed(id));
  }
  const fields: (string | null)[] = [null];
  for (let id = 1; id <= language.fieldCount; id++) fields.push(language.fieldNameForId(id));
  const dropped = new Uint8Array(types.length);
  for (let id = 0; id < types.length; id++) dropped[id] = !named[id] && DROPPED_TOKENS.has(types[id]) ? 1 : 0;
  symbols = { types, named, fields, dropped };
}

/** The parser, once ensurePythonParser has run. */
export function requireParser(): import('web-tree-sitter').Parser {
  if (!readyParser) throw new Error('Python parser not initialised: await ensurePythonParser() first');
  return readyParser;
}

// tree-sitter-python ends lines only at `\n` (a lone `\r` is whitespace to it, so a file with
// classic Mac endings is one long line that parses as nothing useful), while Python itself and
// editors end them at `\r` too. The parser reads a view of the text with every lone `\r` as `\n`:
// same length, so every offset it reports is an offset of the real text, and rows and columns are
// computed from those offsets with the editors' line rules (core/lines.ts).

export function parsePython(source: string): ParsedPython {
  const tree = requireParser().parse(withLoneCrAsLf(source));
  if (!tree) throw new Error('tree-sitter returned no tree');
  try {
    return copyTree(tree, source, false, null);
  } finally {
    tree.delete();
  }
}

/** The cursor moves and reads the copy makes, over the raw wasm functions or the public API. */
interface CursorOps {
  typeId(): number;
  fieldId(): number;
  start(): number;
  end(): number;
  isMissing(): boolean;
  isNamed(): boolean;
  firstChild(): boolean;
  nextSibling(): boolean;
  parent(): boolean;
  /** The current node's id (the address of its slot in its parent's children). */
  id(): number;
  /** Frees the cursor. */
  done(): void;
}

type TreeCursor = import('web-tree-sitter').TreeCursor;

function rawCursorOps(tree: import('web-tree-sitter').Tree, cursor: TreeCursor, { module, transfer }: NonNullable<typeof raw>): CursorOps {
  const handle = (tree as unknown as Record<number, number>)[0];
  const state = cursor as unknown as Record<number, number>;
  const slot = transfer >> 2;
  for (let i = 0; i < 4; i++) module.HEAP32[slot + i] = state[i];
  return {
    typeId: () => module._ts_tree_cursor_current_node_type_id_wasm(handle),
    fieldId: () => module._ts_tree_cursor_current_field_id_wasm(handle),
    start: () => module._ts_tree_cursor_start_index_wasm(handle),
    end: () => module._ts_tree_cursor_end_index_wasm(handle),
    isMissing: () => module._ts_tree_cursor_current_node_is_missing_wasm(handle) === 1,
    isNamed: () => module._ts_tree_cursor_current_node_is_named_wasm(handle) === 1,
    firstChild: () => module._ts_tree_cursor_goto_first_child_wasm(handle) === 1,
    nextSibling: () => module._ts_tree_cursor_goto_next_sibling_wasm(handle) === 1,
    parent: () => module._ts_tree_cursor_goto_parent_wasm(handle) === 1,
    id: () => {
      // The node is written where the cursor is kept: keep the cursor's four words aside.
      const heap = module.HEAP32;
      const a = heap[slot];
      const b = heap[slot + 1];
      const c = heap[slot + 2];
      const d = heap[slot + 3];
      module._ts_tree_cursor_current_node_wasm(handle);
      const id = heap[slot];
      heap[slot] = a;
      heap[slot + 1] = b;
      heap[slot + 2] = c;
      heap[slot + 3] = d;
      return id;
    },
    done: () => {
      // The moves kept the cursor in the buffer (its stack may have moved): hand it back to the
      // wrapper object, which frees it. HEAP32 is read again: the memory may have grown.
      for (let i = 0; i < 4; i++) state[i] = module.HEAP32[slot + i];
      cursor.delete();
    },
  };
}

function publicCursorOps(cursor: TreeCursor): CursorOps {
  return {
    typeId: () => cursor.nodeTypeId,
    fieldId: () => cursor.currentFieldId,
    start: () => cursor.startIndex,
    end: () => cursor.endIndex,
    isMissing: () => cursor.nodeIsMissing,
    isNamed: () => cursor.nodeIsNamed,
    firstChild: () => cursor.gotoFirstChild(),
    nextSibling: () => cursor.gotoNextSibling(),
    parent: () => cursor.gotoParent(),
    id: () => cursor.currentNode.id,
    done: () => cursor.delete(),
  };
}

/** One edit in offsets: `[start, oldEnd)` of the old text became `[start, newEnd)` of the new one. */
export interface OffsetEdit {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** The previous copy of a document and the edits since, for copyTree to take subtrees over from. */
export interface PreviousCopy {
  parsed: ParsedPython;
  edits: readonly OffsetEdit[];
}

/** Where an offset of the new text was in the old one; -1 inside an edit. */
function oldOffset(offset: number, edits: readonly OffsetEdit[]): number {
  let at = offset;
  for (let i = edits.length - 1; i >= 0; i--) {
    const edit = edits[i];
    if (at >= edit.newEnd) at = at - edit.newEnd + edit.oldEnd;
    else if (at > edit.start) return -1;
  }
  return at;
}

/**
 * Finds nodes of the previous copy by where they started and their tree-sitter id. The copy asks
 * in document order, so the path of the last search is kept and each search starts from the
 * deepest node of it that holds the offset. Reads offsets only: moved nodes keep their old ones
 * until the walk is over (relocate).
 */
class OldNodes {
  private readonly path: PyNode[];

  constructor(root: PyNode) {
    this.path = [root];
  }

  at(offset: number, id: number): PyNode | null {
    const path = this.path;
    while (path.length > 1) {
      const top = path[path.length - 1];
      if (top.startIndex <= offset && (offset < top.endIndex || top.startIndex === offset)) break;
      path.pop();
    }
    let node = path[path.length - 1];
    for (;;) {
      if (node.startIndex === offset && node.treeId === id) return node;
      const children = node.children;
      let lo = 0;
      let hi = children.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (children[mid].startIndex <= offset) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (found < 0) return null;
      // Zero-width siblings can start where the next one does.
      for (let j = found; j >= 0 && children[j].startIndex === offset; j--) if (children[j].treeId === id) return children[j];
      const child = children[found];
      if (child.endIndex <= offset && child.startIndex !== offset) return null;
      path.push(child);
      node = child;
    }
  }
}

/**
 * Copies the tree-sitter tree into PyNodes. With `ids`, each node keeps its tree-sitter id; with
 * `previous` too, a node whose id the previous copy holds is that copy's node, moved: the id is
 * the address of the node's slot in its parent's children, and tree-sitter shares a subtree
 * between the old and the new tree without changing it (a subtree an edit touched is never
 * reused), so the same slot means the same parent data, hence the same children, types, fields
 * and widths all the way down; only where it starts, its parent, and its own field (which the
 * parent's production gives) can differ. The old tree is alive during the copy, so no address it
 * holds can belong to a new node. Moved nodes get their offsets shifted, their rows and columns
 * recomputed and their model context cleared: the previous copy is not usable afterwards.
 */
export function copyTree(tree: import('web-tree-sitter').Tree, source: string, ids: boolean, previous: PreviousCopy | null): ParsedPython {
  if (!symbols) throw new Error('Python parser not initialised');
  const { types, named: namedTypes, fields, dropped } = symbols;
  const lines = new LineIndex(source);
  const starts = lines.starts;
  const walker = tree.walk();
  const finder = previous ? new OldNodes(previous.parsed.root) : null;
  const cursor = raw && rawEnabled ? rawCursorOps(tree, walker, raw) : publicCursorOps(walker);
  const errors: PyNode[] = [];
  /** Moved nodes and by how much they move, relocated once the walk is done (nodeAt reads old offsets). */
  const moved: PyNode[] = [];
  const shifts: number[] = [];
  let rowHint = 0;
  const make = (parent: PyNode | null, typeId: number, fieldId: number, startIndex: number, endIndex: number, treeId: number): PyNode => {
    // web-tree-sitter names an id outside the language's table (the error symbol) "ERROR".
    const type = types[typeId] ?? 'ERROR';
    const startRow = lines.lineAt(startIndex, rowHint);
    rowHint = startRow;
    const endRow = lines.lineAt(endIndex, startRow);
    const node: PyNode = {
      type,
      named: namedTypes[typeId] ?? cursor.isNamed(),
      field: fields[fieldId] ?? null,
      startIndex,
      endIndex,
      startRow,
      startCol: startIndex - starts[startRow],
      endRow,
      endCol: endIndex - starts[endRow],
      children: NO_CHILDREN,
      parent,
      hasError: false,
      context: null,
      treeId,
    };
    // Only zero-width nodes can be "missing": ask the wasm side just for those.
    if (type === 'ERROR' || (startIndex === endIndex && cursor.isMissing())) {
      errors.push(node);
      for (let p: PyNode | null = node; p; p = p.parent) p.hasError = true;
    }
    return node;
  };
  const done = (): ParsedPython => (moved.length === 0 ? { root, source, errors, reused: 0, spliced: false } : relocate(root, source, lines, moved, shifts, errors, previous!.parsed.errors));
  // Iterative walk: deeply nested input must not overflow the JS stack.
  const root = make(null, cursor.typeId(), 0, cursor.start(), cursor.end(), ids ? cursor.id() : 0);
  let current = root;
  try {
    if (!cursor.firstChild()) return done();
    for (;;) {
      const typeId = cursor.typeId();
      const fieldId = cursor.fieldId();
      const type = types[typeId];
      const startIndex = cursor.start();
      const endIndex = cursor.end();
      // Zero-width tokens are kept: a MISSING `)` is how tree-sitter reports `def f(:`.
      const keep = dropped[typeId] !== 1 || fieldId !== 0 || startIndex === endIndex;
      let node: PyNode | null = null;
      let descend = false;
      if (keep) {
        const treeId = ids ? cursor.id() : 0;
        const at = previous ? oldOffset(startIndex, previous.edits) : -1;
        const old = at >= 0 ? finder!.at(at, treeId) : null;
        if (old && old.endIndex - old.startIndex === endIndex - startIndex && old.type === (type ?? 'ERROR')) {
          node = old;
          node.parent = current;
          node.field = fields[fieldId] ?? null;
          moved.push(node);
          shifts.push(startIndex - old.startIndex);
          if (node.hasError) for (let p: PyNode | null = current; p && !p.hasError; p = p.parent) p.hasError = true;
        } else {
          node = make(current, typeId, fieldId, startIndex, endIndex, treeId);
          descend = true;
        }
        if (current.children === NO_CHILDREN) current.children = [node];
        else current.children.push(node);
      }
      if (descend && cursor.firstChild()) {
        current = node!;
        continue;
      }
      while (!cursor.nextSibling()) {
        if (!cursor.parent()) return done();
        if (current === root) return done();
        current = current.parent ?? root;
      }
    }
  } finally {
    cursor.done();
  }
}

/**
 * The moved subtrees at their new offsets, rows and columns, with no model context; the errors
 * of the copy (the new nodes' and the moved ones') in document order, as a plain copy lists them.
 */
function relocate(root: PyNode, source: string, lines: LineIndex, moved: PyNode[], shifts: number[], errors: PyNode[], oldErrors: PyNode[]): ParsedPython {
  const starts = lines.starts;
  const isError = new Set(errors);
  const wasError = new Set(oldErrors);
  let reused = 0;
  let rowHint = 0;
  const stack: PyNode[] = [];
  for (let i = 0; i < moved.length; i++) {
    const shift = shifts[i];
    stack.push(moved[i]);
    while (stack.length > 0) {
      const node = stack.pop()!;
      reused++;
      const startIndex = node.startIndex + shift;
      const endIndex = node.endIndex + shift;
      const startRow = lines.lineAt(startIndex, rowHint);
      rowHint = startRow;
      const endRow = lines.lineAt(endIndex, startRow);
      node.startIndex = startIndex;
      node.endIndex = endIndex;
      node.startRow = startRow;
      node.startCol = startIndex - starts[startRow];
      node.endRow = endRow;
      node.endCol = endIndex - starts[endRow];
      node.context = null;
      if (wasError.has(node)) isError.add(node);
      for (let c = node.children.length - 1; c >= 0; c--) stack.push(node.children[c]);
    }
  }
  const ordered: PyNode[] = [];
  if (isError.size > 0) {
    const walkStack: PyNode[] = [root];
    while (walkStack.length > 0) {
      const node = walkStack.pop()!;
      if (isError.has(node)) ordered.push(node);
      if (!node.hasError) continue;
      for (let c = node.children.length - 1; c >= 0; c--) walkStack.push(node.children[c]);
    }
  }
  return { root, source, errors: ordered, reused, spliced: false };
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

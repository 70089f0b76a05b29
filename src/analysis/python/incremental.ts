import { LineIndex, positionIn, withLoneCrAsLf } from '../core/lines';
import type { TextChange } from '../core/types';
import { type OffsetEdit, type ParsedPython, type PyNode, copyTree, parsePython, requireParser } from './syntax';

export type { TextChange };

/**
 * Incremental parsing for the editor. An edit inside top-level statements re-parses just those
 * statements and splices them into the previous copy (spliceTopLevel). Otherwise the previous
 * tree-sitter tree of the document is edited and re-parsed, and the subtrees the new tree shares
 * with it are taken over from the previous copy instead of copied again (syntax.ts copyTree).
 *
 * Why the splice: tree-sitter's re-parse of tree-sitter-python trees grows with the file, edit
 * or no edit. With the parser's debug log on, a re-parse of an unedited 5,000-line file reuses no
 * top-level statement whole: the hidden `module_repeat1` nodes that hold them are "fragile" (the
 * repetition's shift/reduce entry has two actions), and a statement's first token was lexed in a
 * state whose lex mode differs from the one the re-parse is in (every state of this grammar has
 * external tokens, so tree-sitter does not reuse it), so the parser descends into every statement
 * and reuses only its pieces: thousands of shifts, re-lexed tokens and reductions per re-parse.
 */
export class IncrementalPythonParser {
  private tree: import('web-tree-sitter').Tree | null = null;
  private source = '';
  private copy: ParsedPython | null = null;

  /**
   * `edits` describe how the previous text became `source`; without them the parse starts afresh.
   * The previous result's nodes may be moved into the new one: a caller keeps only the latest.
   */
  parse(source: string, edits?: readonly TextChange[]): ParsedPython {
    const parser = requireParser();
    let old: import('web-tree-sitter').Tree | null = null;
    const moved: OffsetEdit[] = [];
    if (this.tree && edits && edits.length > 0) {
      let text = this.source;
      for (const edit of edits) {
        const next = text.slice(0, edit.startIndex) + edit.text + text.slice(edit.endIndex);
        const change = toTreeSitterEdit(text, next, edit);
        // Edited even when the splice answers: a later re-parse with this tree must know of every
        // edit since it was parsed.
        this.tree.edit(change);
        moved.push({ start: change.startIndex, oldEnd: change.oldEndIndex, newEnd: change.newEndIndex });
        text = next;
      }
      // Only trust the old tree when the edits really reproduce the new text.
      if (text === source) old = this.tree;
    }
    if (old && this.copy && spliceEnabled) {
      const spliced = spliceTopLevel(this.copy, source, oneEdit(moved));
      if (spliced) {
        this.copy = spliced;
        this.source = source;
        return spliced;
      }
    }
    const tree = parser.parse(withLoneCrAsLf(source), old ?? undefined);
    if (!tree) throw new Error('tree-sitter returned no tree');
    // The old tree lives until the copy is made: the ids the previous copy recorded are addresses
    // in it, and no address of it can be handed to a new node while it holds them. Nodes a splice
    // made hold no id (0), so they are copied again.
    const previous = old && this.copy ? { parsed: this.copy, edits: moved } : null;
    this.copy = null;
    try {
      this.copy = copyTree(tree, source, true, previous);
    } finally {
      this.tree?.delete();
      this.tree = tree;
      this.source = source;
    }
    return this.copy;
  }

  dispose(): void {
    this.tree?.delete();
    this.tree = null;
    this.copy = null;
  }
}

let spliceEnabled = true;

/** Whether edits may be spliced (spliceTopLevel); `enabled` false makes every edit a tree-sitter re-parse (tests compare the two). */
export function topLevelSplice(enabled?: boolean): boolean {
  if (enabled !== undefined) spliceEnabled = enabled;
  return spliceEnabled;
}

/**
 * The edit as the parser saw it, in its view of the texts (lone `\r` as `\n`). A `\r` just before
 * the edit may change in that view (`\r` + an inserted `\n` stops being a lone `\r`), so the edit
 * starts one character earlier there. Rows and columns count lines as the view does, which is the
 * editors' count (core/lines.ts).
 */
function toTreeSitterEdit(oldText: string, newText: string, change: TextChange): import('web-tree-sitter').Edit {
  const startIndex = change.startIndex > 0 && oldText.charCodeAt(change.startIndex - 1) === 13 ? change.startIndex - 1 : change.startIndex;
  const newEndIndex = change.startIndex + change.text.length;
  const point = (text: string, index: number): { row: number; column: number } => {
    const { line, column } = positionIn(text, index);
    return { row: line, column };
  };
  return {
    startIndex,
    oldEndIndex: change.endIndex,
    newEndIndex,
    startPosition: point(oldText, startIndex),
    oldEndPosition: point(oldText, change.endIndex),
    newEndPosition: point(newText, newEndIndex),
  };
}

/** Successive edits (each in the text the previous one made) as one: the span of the first text that changed, and what it became. */
function oneEdit(edits: readonly OffsetEdit[]): OffsetEdit {
  let { start, oldEnd, newEnd } = edits[0];
  for (let i = 1; i < edits.length; i++) {
    const edit = edits[i];
    // Past `newEnd` the intermediate text is the first text moved by `newEnd - oldEnd`.
    const end = Math.max(newEnd, edit.oldEnd);
    oldEnd += end - newEnd;
    newEnd = end + edit.newEnd - edit.oldEnd;
    start = Math.min(start, edit.start);
  }
  return { start, oldEnd, newEnd };
}

/** How many top-level statements the splice looks through, each side of the edit, for an unedited one to start or end at. */
const MARGIN_SEARCH = 16;

/** Spans up to this many characters are spliced even when they are most of the file. */
const SPLICE_ANY_SPAN = 8192;

/**
 * The previous copy with the top-level statements around one edit parsed again, or null when
 * that might not be what a parse of the whole text gives (the caller then re-parses the file).
 *
 * The span parsed again runs from the start of an unedited top-level statement before the edit
 * (or from the start of the text) to the start of the top-level statement after an unedited one
 * after the edit (or to the end of the text). Those two statements are the margins: the
 * statements before the span end, in a parse of the whole text, on the lookahead of the first
 * margin's first token, which the edit did not change; a parse that reaches a margin at module
 * level, with no block or string open, goes on the same way whatever came before it; and the
 * statements after the span begin at module level after the second margin, as they did in the
 * previous parse. So the splice holds when:
 *   - the previous copy's errors are all between the margins (an error leaves the parser
 *     recovering, with the scanner's indentation and string stacks possibly not empty, and its
 *     recovery weighs the whole stack: the statements before the span must have been parsed
 *     without one; after it, the new parse reaches the second margin with none, and the margin,
 *     parsed as it was before, shows the previous parse had left the span there as it does);
 *   - the margins are statements (not comments, which are extras, nor errors) starting at
 *     column 0, where the external scanner starts afresh as it does at the start of a text;
 *   - the span parses without an error, so the parse of the whole text reaches the second margin
 *     at module level with every block and string closed;
 *   - the span's first and last statements are the margins, node for node as before: each was
 *     parsed from the same tokens, and nothing the edit did joined it to a neighbour (a decorator
 *     or an `else:` typed above it, a bracket or a quote opened before it).
 * test/python-syntax-speed.test.ts compares thousands of random edits with fresh parses.
 */
function spliceTopLevel(previous: ParsedPython, source: string, edit: OffsetEdit): ParsedPython | null {
  const oldRoot = previous.root;
  const oldSource = previous.source;
  // A root that is an error holds no statements to keep.
  if (oldRoot.type !== 'module') return null;
  const children = oldRoot.children;
  const delta = edit.newEnd - edit.oldEnd;
  // The previous copy's errors must all be in the span (see below).
  let firstError = children.length;
  let lastError = -1;
  if (oldRoot.hasError) {
    for (let i = 0; i < children.length; i++) {
      if (!children[i].hasError) continue;
      firstError = Math.min(firstError, i);
      lastError = i;
    }
    // An error made by no statement (a zero-width token of the module itself).
    if (lastError < 0) return null;
  }
  // The first statement that ends at or after the edit's start.
  let lo = 0;
  let hi = children.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (children[mid].endIndex < edit.start) lo = mid + 1;
    else hi = mid;
  }
  // A margin before the edit: an unedited statement (ending before the edit, so that the
  // character after it is unedited too) at or before `from`; -1 means the span starts at the
  // text's start, null that none is near.
  const marginBefore = (from: number): number | null => {
    for (let i = from, looked = 0; i >= 0; i--, looked++) {
      if (looked === MARGIN_SEARCH) return null;
      if (children[i].endIndex < edit.start && isMargin(children[i], oldSource)) return i;
    }
    return -1;
  };
  // A margin after the edit, at or after `from`; -1 means the span runs to the text's end.
  const marginAfter = (from: number): number | null => {
    for (let i = from, looked = 0; i < children.length; i++, looked++) {
      if (looked === MARGIN_SEARCH) return null;
      if (isMargin(children[i], oldSource)) return i;
    }
    return -1;
  };
  let first = lo;
  while (first < children.length && (children[first].startIndex <= edit.oldEnd || first <= lastError)) first++;
  let before = marginBefore(lo - 1);
  let after = marginAfter(first);
  // A margin the edit joined to its neighbour (a comment at column 0 typed over a `def` makes
  // its body part of the statement above) moves one margin further out, twice at most.
  for (let widened = 0; ; widened++) {
    if (before === null || after === null || firstError <= before) return null;
    const spanStart = before < 0 ? 0 : children[before].startIndex;
    const suffixFrom = after < 0 ? children.length : after + 1;
    const oldSpanEnd = suffixFrom < children.length ? children[suffixFrom].startIndex : oldSource.length;
    // A fresh parse of most of a large file costs more than tree-sitter's re-parse of it.
    if (oldSpanEnd - spanStart > SPLICE_ANY_SPAN && oldSpanEnd - spanStart > oldSource.length / 2) return null;
    const spanText = source.slice(spanStart, oldSpanEnd + delta);
    const span = parsePython(spanText);
    if (span.root.hasError || span.errors.length > 0) return null;
    const spanChildren = span.root.children;
    const leads = before < 0 || (spanChildren.length > 0 && sameTree(children[before], spanChildren[0], -spanStart));
    const ends = after < 0 || (spanChildren.length > 0 && sameTree(children[after], spanChildren[spanChildren.length - 1], delta - spanStart));
    // Accepted: from here on the previous copy is taken apart.
    if (leads && ends) return splice(previous, source, span, before, after, delta);
    if (widened === 2) return null;
    if (!leads) before = marginBefore(before - 1);
    if (!ends) after = marginAfter(after + 1);
  }
}

/**
 * The new copy: the previous copy's statements before the margin `before` (-1: none), the span's,
 * and the previous copy's after the margin `after` (-1: none), moved by `delta`.
 */
function splice(previous: ParsedPython, source: string, span: ParsedPython, before: number, after: number, delta: number): ParsedPython {
  const oldRoot = previous.root;
  const children = oldRoot.children;
  const spanStart = before < 0 ? 0 : children[before].startIndex;
  const suffixFrom = after < 0 ? children.length : after + 1;
  const spanChildren = span.root.children;
  const spanText = span.source;
  const spanRow = before < 0 ? 0 : children[before].startRow;
  const spanLines = new LineIndex(spanText).lineCount;
  const rowDelta = suffixFrom < children.length ? spanRow + spanLines - 1 - children[suffixFrom].startRow : 0;
  const root: PyNode = {
    ...oldRoot,
    children: [],
    parent: null,
    // The span and the statements around it have no error.
    hasError: false,
    context: null,
    treeId: 0,
  };
  if (spanStart === 0) {
    root.startIndex = span.root.startIndex;
    root.startRow = span.root.startRow;
    root.startCol = span.root.startCol;
  }
  if (suffixFrom === children.length) {
    root.endIndex = spanStart + span.root.endIndex;
    root.endRow = spanRow + span.root.endRow;
    root.endCol = span.root.endCol;
  } else {
    root.endIndex = oldRoot.endIndex + delta;
    root.endRow = oldRoot.endRow + rowDelta;
  }
  let reused = 0;
  const stack: PyNode[] = [];
  /** Moves a statement into the new root; returns how many nodes it holds. */
  const take = (top: PyNode, shift: number, rows: number): number => {
    let nodes = 0;
    top.parent = root;
    root.children.push(top);
    stack.push(top);
    while (stack.length > 0) {
      const node = stack.pop()!;
      nodes++;
      node.startIndex += shift;
      node.endIndex += shift;
      node.startRow += rows;
      node.endRow += rows;
      // Columns stay: the span starts a line, and the nodes after it are on lines that start at
      // or after the second margin, which starts a line after the edit.
      node.context = null;
      for (let c = node.children.length - 1; c >= 0; c--) stack.push(node.children[c]);
    }
    return nodes;
  };
  for (let i = 0; i < before; i++) reused += take(children[i], 0, 0);
  for (const child of spanChildren) take(child, spanStart, spanRow);
  for (let i = suffixFrom; i < children.length; i++) reused += take(children[i], delta, rowDelta);
  return { root, source, errors: [], reused, spliced: true };
}

/** A top-level statement the span may start or end with: not a comment or an error, at column 0. */
function isMargin(node: PyNode, source: string): boolean {
  if (node.type === 'comment' || node.type === 'ERROR' || node.hasError || node.startIndex === node.endIndex) return false;
  const before = node.startIndex === 0 ? 10 : source.charCodeAt(node.startIndex - 1);
  return before === 10 || before === 13;
}

/** Whether two copies are the same tree, `b`'s offsets being `a`'s moved by `shift`. */
function sameTree(a: PyNode, b: PyNode, shift: number): boolean {
  const left: PyNode[] = [a];
  const right: PyNode[] = [b];
  while (left.length > 0) {
    const x = left.pop()!;
    const y = right.pop()!;
    if (x.type !== y.type || x.named !== y.named || x.field !== y.field || x.hasError !== y.hasError) return false;
    if (x.startIndex + shift !== y.startIndex || x.endIndex + shift !== y.endIndex) return false;
    if (x.children.length !== y.children.length) return false;
    for (let c = 0; c < x.children.length; c++) {
      left.push(x.children[c]);
      right.push(y.children[c]);
    }
  }
  return true;
}

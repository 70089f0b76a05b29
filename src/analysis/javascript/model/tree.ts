import { spendWork } from '../../core/budget';
import * as path from 'node:path';
import type { CommentText } from '../../core/suppression';
import { type LineEnding, LineIndex } from '../../core/lines';
import type { Node, TSESTree } from '../parse';
import type { Position, Range } from '../../core/types';

/** Anything with source offsets: a node, a comment, a part of a node (rules/shared.ts head). */
export type Ranged = { range: [number, number] };
import { type CallLike, type FunctionNode, type LoopNode, isFunction } from '../syntax';

// The tree index: each node's parent, the nodes rules ask about by kind (in source order), and
// positions in the source. The walk (scope.ts) fills it; every layer above reads it.

export class TreeIndex {
  readonly calls: CallLike[] = [];
  readonly functions: FunctionNode[] = [];
  readonly loops: LoopNode[] = [];
  readonly assignments: TSESTree.AssignmentExpression[] = [];
  readonly updates: TSESTree.UpdateExpression[] = [];
  readonly awaits: (TSESTree.AwaitExpression | TSESTree.ForOfStatement)[] = [];
  readonly conditionals: (TSESTree.IfStatement | TSESTree.ConditionalExpression)[] = [];

  protected readonly parents = new Map<Node, Node>();
  /** The walk records the enclosing function of the node kinds rules ask about; the rest on demand. */
  protected readonly enclosing = new Map<Node, FunctionNode | null>();
  /** Lines as the editor counts them (`\n`, `\r\n`, lone `\r`), the same count as every `loc` (parse.ts). */
  private readonly lines: LineIndex;

  constructor(
    readonly path: string,
    readonly source: string,
    readonly program: TSESTree.Program,
    readonly comments: CommentText[],
  ) {
    this.lines = new LineIndex(source);
  }

  parent(node: Node): Node | null {
    return this.parents.get(node) ?? null;
  }

  /** Each step charges the analysis' work budget (core/budget.ts): walks up grow with depth. */
  *ancestors(node: Node): Generator<Node> {
    for (let p = this.parents.get(node); p; p = this.parents.get(p)) {
      spendWork(1);
      yield p;
    }
  }

  text(node: Node | { range: [number, number] }): string {
    return this.source.slice(node.range[0], node.range[1]);
  }

  /**
   * Where a node starts and ends, 0-based lines (as editors count them) and UTF-16 columns, from
   * its offsets: the parser is asked for no \`loc\` (parse.ts), which was three objects per node.
   */
  startOf(node: Ranged): Position {
    return this.lines.positionAt(node.range[0]);
  }

  endOf(node: Ranged): Position {
    return this.lines.positionAt(node.range[1]);
  }

  rangeOf(node: Ranged): Range {
    const start = this.lines.positionAt(node.range[0]);
    return { start, end: this.lines.positionAt(node.range[1], start.line) };
  }

  /** The 0-based line a node starts on. */
  lineOf(node: Ranged): number {
    return this.lines.positionAt(node.range[0]).line;
  }

  /** 0-based line and UTF-16 column of a source offset. */
  positionAt(offset: number): { line: number; column: number } {
    return this.lines.positionAt(offset);
  }

  /** A line's text without its line ending. */
  lineText(line: number): string {
    return this.lines.lineText(line);
  }

  get lineCount(): number {
    return this.lines.lineCount;
  }

  /** The file's own line ending, for the lines a fix adds. */
  get eol(): LineEnding {
    return this.lines.eol;
  }

  contains(outer: Node, inner: Node): boolean {
    return outer.range[0] <= inner.range[0] && inner.range[1] <= outer.range[1];
  }

  /** The nearest function around a node (not the node itself), or null at module level. */
  enclosingFunction(node: Node): FunctionNode | null {
    const cached = this.enclosing.get(node);
    if (cached !== undefined) return cached;
    let result: FunctionNode | null = null;
    for (const a of this.ancestors(node)) {
      if (isFunction(a)) {
        result = a;
        break;
      }
    }
    this.enclosing.set(node, result);
    return result;
  }

  /** The statement directly in the program body that contains the node. */
  topLevelStatement(node: Node): TSESTree.ProgramStatement | null {
    let current: Node = node;
    for (const a of this.ancestors(node)) {
      if (a.type === 'Program') return current as TSESTree.ProgramStatement;
      current = a;
    }
    return node.type === 'Program' ? null : (current as TSESTree.ProgramStatement);
  }

  /** The directory the file is in (worker script paths resolve against it). */
  get directory(): string {
    return path.dirname(path.resolve(this.path));
  }
}

import * as path from 'node:path';
import { parse, type TSESTree } from '@typescript-eslint/typescript-estree';
import type { ParseProblem, Position, Range } from '../core/types';
import type { CommentText } from '../core/suppression';
import { LineIndex } from '../core/lines';

// typescript-estree parsing (docs/architecture.md). It throws on the first syntax error, so a file that does not
// parse yields one parse problem and no tree: the caller reports the problem and analyzes nothing.

export type Node = TSESTree.Node;
export type { TSESTree };

export interface ParsedJs {
  program: TSESTree.Program | null;
  comments: CommentText[];
  error: ParseProblem | null;
}

const KNOWN_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.jsx', '.ts', '.tsx', '.mts', '.cts']);
const LANGUAGE_EXTENSIONS: Record<string, string> = {
  javascript: '.js',
  javascriptreact: '.jsx',
  typescript: '.ts',
  typescriptreact: '.tsx',
};

/**
 * The path handed to the parser: typescript-estree picks TS vs JS and JSX from the extension, so an
 * editor buffer without one (untitled, `.es6`) borrows the extension of its language id.
 */
export function parserPath(filePath: string, languageId?: string): string {
  const ext = path.extname(filePath).toLowerCase();
  if (KNOWN_EXTENSIONS.has(ext)) return filePath;
  return filePath + (LANGUAGE_EXTENSIONS[languageId ?? ''] ?? '.ts');
}

export function parseJs(filePath: string, text: string, languageId?: string): ParsedJs {
  const file = parserPath(filePath, languageId);
  const ext = path.extname(file).toLowerCase();
  try {
    const program = parse(text, {
      filePath: file,
      loc: true,
      range: true,
      // Comments matter only for suppressions; collecting them costs a second scan of the file.
      comment: text.includes('clens'),
      tokens: false,
      jsx: ext === '.jsx' || ext === '.tsx',
      jsDocParsingMode: 'none',
      errorOnUnknownASTType: false,
    });
    relocate(program, text);
    const comments: CommentText[] = (program.comments ?? []).map((c) => ({
      // A block comment's directive applies from where it ends (`/* clens-ignore-next-line */`).
      line: (c.type === 'Block' ? c.loc.end.line : c.loc.start.line) - 1,
      text: c.type === 'Block' ? `/*${c.value}*/` : `//${c.value}`,
    }));
    return { program, comments, error: null };
  } catch (error) {
    return { program: null, comments: [], error: { ...parseProblem(error, new LineIndex(text)), fatal: true } };
  }
}

// U+2028 and U+2029 end lines in ECMAScript, and TypeScript's line map (hence every `loc` of
// typescript-estree) counts them, but editors and the LSP do not: one of them in a comment put
// every later finding a line too low. LF, CR and CRLF count alike in both, so only a file holding
// U+2028/U+2029 needs its positions recomputed, from the offsets (`range`), the editors' way
// (test/reliability-engine.test.ts checks that agreement on CR, CRLF and U+0085).
const ECMASCRIPT_ONLY_LINE_BREAK = /[\u2028\u2029]/;
const NOT_CHILDREN = new Set(['parent', 'loc', 'range']);

/** Rewrites `loc` of every node and comment from its `range`, lines counted as editors count them. */
function relocate(program: TSESTree.Program, text: string): void {
  if (!ECMASCRIPT_ONLY_LINE_BREAK.test(text)) return;
  const lines = new LineIndex(text);
  const locate = (node: { range: [number, number]; loc: TSESTree.SourceLocation }): void => {
    const start = lines.positionAt(node.range[0]);
    const end = lines.positionAt(node.range[1], start.line);
    // A new object: typescript-estree may share one `loc` between nodes with different ranges.
    node.loc = { start: { line: start.line + 1, column: start.column }, end: { line: end.line + 1, column: end.column } };
  };
  for (const comment of program.comments ?? []) locate(comment);
  // Iterative: deeply nested files must not overflow the stack here either.
  const stack: object[] = [program];
  while (stack.length > 0) {
    const node = stack.pop() as Record<string, unknown>;
    locate(node as unknown as Node);
    for (const key in node) {
      if (NOT_CHILDREN.has(key)) continue;
      const value = node[key];
      if (Array.isArray(value)) {
        for (const child of value) if (isNode(child)) stack.push(child);
      } else if (isNode(value)) {
        stack.push(value);
      }
    }
  }
}

function isNode(value: unknown): value is object {
  return typeof value === 'object' && value !== null && 'type' in value && 'range' in value;
}

interface EstreeError {
  message?: string;
  /** Offset of the error in the text (typescript-estree's TSError). */
  index?: number;
  location?: { start: { line: number; column: number; offset?: number }; end: { line: number; column: number; offset?: number } };
}

/**
 * typescript-estree converts the TypeScript tree recursively, a few stack frames per level, so
 * valid code nested about a thousand levels deep (a 900-term `+` chain, 10,000 nested arrays)
 * exhausts the stack. The engine cannot grow its stack, so the file is reported as not
 * analyzed, with the reason, rather than as an opaque parser failure the summary passes over.
 */
function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

function parseProblem(error: unknown, lines: LineIndex): ParseProblem {
  if (isStackOverflow(error)) {
    return {
      message: 'Too deeply nested to analyze: the JavaScript/TypeScript parser ran out of stack on this file',
      range: zeroRange(),
    };
  }
  const e = (error ?? {}) as EstreeError;
  const message = typeof e.message === 'string' && e.message ? e.message : String(error);
  const startOffset = e.location?.start.offset ?? e.index;
  if (typeof startOffset !== 'number') {
    // Not a syntax error of the file (an internal failure of the parser): still one clear message.
    return { message: `Could not parse the file: ${message}`, range: zeroRange() };
  }
  // From the offsets, not the error's line numbers: those count U+2028/U+2029 as line breaks.
  const start: Position = lines.positionAt(startOffset);
  let end: Position = lines.positionAt(Math.max(startOffset, e.location?.end.offset ?? startOffset));
  if (end.line === start.line && end.column <= start.column) {
    // Widen a zero-width error to the rest of its token so editors can show it.
    const token = /^\S+/.exec(lines.lineText(start.line).slice(start.column))?.[0] ?? '';
    end = { line: start.line, column: start.column + token.length };
  }
  return { message: `Syntax error: ${message}`, range: { start, end } };
}

function zeroRange(): Range {
  return { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } };
}

/** ESTree locations are 1-based lines and 0-based UTF-16 columns; the engine is 0-based for both. */
export function rangeOf(node: { loc: TSESTree.SourceLocation }): Range {
  return {
    start: { line: node.loc.start.line - 1, column: node.loc.start.column },
    end: { line: node.loc.end.line - 1, column: node.loc.end.column },
  };
}

export function startOf(node: { loc: TSESTree.SourceLocation }): Position {
  return { line: node.loc.start.line - 1, column: node.loc.start.column };
}

export function endOf(node: { loc: TSESTree.SourceLocation }): Position {
  return { line: node.loc.end.line - 1, column: node.loc.end.column };
}

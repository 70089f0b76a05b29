import * as path from 'node:path';
import { parse, type TSESTree } from '@typescript-eslint/typescript-estree';
import type { ParseProblem, Position, Range } from '../core/types';
import type { CommentText } from '../core/suppression';

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
    const comments: CommentText[] = (program.comments ?? []).map((c) => ({
      // A block comment's directive applies from where it ends (`/* clens-ignore-next-line */`).
      line: (c.type === 'Block' ? c.loc.end.line : c.loc.start.line) - 1,
      text: c.type === 'Block' ? `/*${c.value}*/` : `//${c.value}`,
    }));
    return { program, comments, error: null };
  } catch (error) {
    return { program: null, comments: [], error: parseProblem(error, text) };
  }
}

interface EstreeError {
  message?: string;
  lineNumber?: number;
  column?: number;
  location?: { start: { line: number; column: number }; end: { line: number; column: number } };
}

function parseProblem(error: unknown, text: string): ParseProblem {
  const e = (error ?? {}) as EstreeError;
  const message = typeof e.message === 'string' && e.message ? e.message : String(error);
  const startLine = e.location?.start.line ?? e.lineNumber;
  const startColumn = e.location?.start.column ?? e.column;
  if (typeof startLine !== 'number' || typeof startColumn !== 'number') {
    // Not a syntax error of the file (an internal failure of the parser): still one clear message.
    return { message: `Could not parse the file: ${message}`, range: zeroRange() };
  }
  const start: Position = { line: Math.max(0, startLine - 1), column: Math.max(0, startColumn) };
  const endLoc = e.location?.end;
  let end: Position = endLoc ? { line: endLoc.line - 1, column: endLoc.column } : start;
  if (end.line === start.line && end.column <= start.column) {
    // Widen a zero-width error to the rest of its token so editors can show it.
    const lineText = text.split('\n')[start.line] ?? '';
    const token = /^\S+/.exec(lineText.slice(start.column))?.[0] ?? '';
    end = { line: start.line, column: start.column + Math.max(token.length, 0) };
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

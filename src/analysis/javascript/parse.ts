import * as path from 'node:path';
import { parse, type TSESTree } from '@typescript-eslint/typescript-estree';
import * as ts from 'typescript';
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
  let program: TSESTree.Program;
  let legacy: ReadonlyMap<number, LegacyLiteral> = NO_LEGACY_LITERALS;
  try {
    try {
      program = parseText(text, file, ext);
    } catch (error) {
      const sloppy = isStackOverflow(error) ? null : sloppyScript(file, text, ext);
      if (!sloppy) throw error;
      // Same offsets: an error now is a real one, and where it says.
      program = parseText(sloppy.text, file, ext);
      legacy = sloppy.literals;
    }
  } catch (error) {
    return { program: null, comments: [], error: { ...parseProblem(error, new LineIndex(text)), fatal: true } };
  }
  if (legacy.size > 0) restoreLegacyLiterals(program, legacy);
  const lines = program.comments?.length ? new LineIndex(text) : null;
  const comments: CommentText[] = (program.comments ?? []).map((c) => ({
    // A block comment's directive applies from where it ends (`/* clens-ignore-next-line */`).
    line: lines!.positionAt(c.type === 'Block' ? c.range[1] : c.range[0]).line,
    text: c.type === 'Block' ? `/*${c.value}*/` : `//${c.value}`,
    offset: c.range[0],
  }));
  return { program, comments, error: null };
}

// typescript-estree parses a file as a module when its extension says so (`.mjs`, `.mts`) or when
// it has `import`/`export`, and as a script otherwise, which is what Node does with `.js`/`.cjs`
// outside `"type": "module"` packages; its `sourceType` option cannot change more than that.
function parseText(text: string, file: string, ext: string): TSESTree.Program {
  return parse(text, {
    filePath: file,
    // Offsets only: a node's line and column come from them (model/tree.ts), as editors count lines.
    // The three \`loc\` objects per node were over a third of the tree's memory.
    loc: false,
    range: true,
    // Comments matter only for suppressions; collecting them costs a second scan of the file.
    comment: text.includes('clens'),
    tokens: false,
    jsx: ext === '.jsx' || ext === '.tsx',
    jsDocParsingMode: 'none',
    errorOnUnknownASTType: false,
  });
}

// ---- sloppy-mode scripts ---------------------------------------------------------------------
//
// TypeScript's scanner rejects the legacy literals of ECMAScript Annex B everywhere, and
// typescript-estree throws on any scanner error, whatever `sourceType` says. In sloppy-mode
// scripts they are valid JavaScript (`fs.chmodSync(f, 0644)`), so a file that fails only for them
// is parsed again with each such literal replaced by a modern one of the same length (every
// offset stays), and the literals get their real `raw` and `value` back in the tree.

/** TypeScript's diagnostic codes for legacy literals that sloppy-mode code allows, and the literal kind. */
const SLOPPY_LEGAL = new Map<number, 'number' | 'string'>([
  [1121, 'number'], // "Octal literals are not allowed": 0644
  [1489, 'number'], // "Decimals with leading zeros are not allowed": 08, 09.5
  [1487, 'string'], // "Octal escape sequences are not allowed": '\101'
  [1488, 'string'], // "Escape sequence '\8' is not allowed"
]);
const SCRIPT_EXTENSIONS = new Set(['.js', '.cjs', '.jsx']);
/** Cheap test before a second parse: a digit after `0`, or a digit escape. */
const MAY_HAVE_LEGACY_LITERAL = /0\d|\\\d/;

interface LegacyLiteral {
  start: number;
  end: number;
  raw: string;
  value: number | string;
}

const NO_LEGACY_LITERALS: ReadonlyMap<number, LegacyLiteral> = new Map();

function sloppyScript(file: string, text: string, ext: string): { text: string; literals: Map<number, LegacyLiteral> } | null {
  // Modules (and so `.mjs`) are strict code, and TypeScript has no legacy literals at all.
  if (!SCRIPT_EXTENSIONS.has(ext) || !MAY_HAVE_LEGACY_LITERAL.test(text)) return null;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ext === '.jsx' ? ts.ScriptKind.JSX : ts.ScriptKind.JS);
  if (ts.isExternalModule(source)) return null;
  // The scanner's diagnostics, which typescript-estree reads from the same field to decide to throw.
  const diagnostics = (source as ts.SourceFile & { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
  const literals = new Map<number, LegacyLiteral>();
  for (const diagnostic of diagnostics) {
    const kind = SLOPPY_LEGAL.get(diagnostic.code);
    if (!kind || diagnostic.start === undefined) continue;
    // The last character the diagnostic covers is in the literal (a leading `-` may be included).
    const node = tokenAt(source, diagnostic.start + Math.max(1, diagnostic.length ?? 1) - 1);
    const literal = kind === 'number' ? node && ts.isNumericLiteral(node) : node && ts.isStringLiteral(node);
    // In strict code these literals are syntax errors: the first parse's error stands.
    if (!node || !literal || inStrictCode(node, source)) continue;
    const start = node.getStart(source);
    const raw = text.slice(start, node.end);
    literals.set(start, { start, end: node.end, raw, value: kind === 'number' ? Number((node as ts.NumericLiteral).text) : (node as ts.StringLiteral).text });
  }
  if (literals.size === 0) return null;
  const pieces: string[] = [];
  let at = 0;
  for (const literal of [...literals.values()].sort((a, b) => a.start - b.start)) {
    const length = literal.end - literal.start;
    pieces.push(text.slice(at, literal.start));
    // `.000` and `'   '` are complete tokens: whatever followed the literal still parses the same.
    pieces.push(typeof literal.value === 'number' ? `.${'0'.repeat(length - 1)}` : `${literal.raw[0]}${' '.repeat(length - 2)}${literal.raw[0]}`);
    at = literal.end;
  }
  pieces.push(text.slice(at));
  return { text: pieces.join(''), literals };
}

/** The innermost node of the TypeScript tree around an offset (an iterative descent). */
function tokenAt(source: ts.SourceFile, offset: number): ts.Node | null {
  let node: ts.Node = source;
  for (;;) {
    let next: ts.Node | undefined;
    ts.forEachChild(node, (child) => {
      if (child.pos <= offset && offset < child.end) next = child;
      return next;
    });
    if (!next) return node === source ? null : node;
    node = next;
  }
}

/** Class bodies, and a script or function whose directive prologue has `'use strict'`. */
function inStrictCode(node: ts.Node, source: ts.SourceFile): boolean {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isClassLike(n)) return true;
    const body = ts.isSourceFile(n) ? n : ts.isFunctionLike(n) ? (n as ts.SignatureDeclaration & { body?: ts.Node }).body : undefined;
    if (body && (ts.isSourceFile(body) || ts.isBlock(body)) && hasUseStrict(body.statements, source)) return true;
  }
  return false;
}

function hasUseStrict(statements: ts.NodeArray<ts.Statement>, source: ts.SourceFile): boolean {
  for (const statement of statements) {
    if (!ts.isExpressionStatement(statement) || !ts.isStringLiteral(statement.expression)) return false;
    // The directive is the raw text: `'use\x20strict'` is a string, not a directive.
    if (statement.expression.getText(source).slice(1, -1) === 'use strict') return true;
  }
  return false;
}

// Positions: the tree keeps offsets only (`range`), and the model turns them into lines and
// columns the editors' way (core/lines.ts): U+2028 and U+2029, which end lines in ECMAScript and
// in TypeScript's line map, do not there (test/reliability-engine.test.ts checks that agreement
// on CR, CRLF, U+0085 and U+2028).
const NOT_CHILDREN = new Set(['parent', 'loc', 'range']);

/** Gives legacy literals (sloppyScript) back their text and value. */
function restoreLegacyLiterals(program: TSESTree.Program, legacy: ReadonlyMap<number, LegacyLiteral>): void {
  // Iterative: deeply nested files must not overflow the stack here either.
  const stack: object[] = [program];
  while (stack.length > 0) {
    const node = stack.pop() as Record<string, unknown>;
    restoreLegacy(node as unknown as Node, legacy);
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

function restoreLegacy(node: Node, legacy: ReadonlyMap<number, LegacyLiteral>): void {
  if (node.type === 'Literal') {
    const literal = legacy.get(node.range[0]);
    if (!literal) return;
    const restored = node as { raw: string; value: unknown; range: [number, number] };
    restored.raw = literal.raw;
    restored.value = literal.value;
    restored.range = [literal.start, literal.end];
  } else if (node.type === 'ExpressionStatement' && node.directive !== undefined) {
    // A directive's text is its literal's raw text without the quotes (`'\101';`).
    const literal = legacy.get(node.expression.range[0]);
    if (literal) (node as { directive: string }).directive = literal.raw.slice(1, -1);
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
      beyondLimit: true,
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

import type { Range, TextEdit } from '../core/types';
import { fact } from '../core/facts';
import { type LineEnding, LineIndex } from '../core/lines';
import type { Binding, PythonModel } from './model';
import { type PyNode, childByField, namedChildren, rangeOf } from './syntax';

// Building blocks of the Python fixes: replace a node, add an import only when it is missing,
// wrap statements in a block. Fix tests apply these and re-parse the result.

/**
 * The lines of the model's source as the editor counts them (rows of PyNode are counted the same
 * way, syntax.ts), once per model. Fixes read lines through this, never `split('\n')`: with CRLF a
 * split keeps the `\r`, with lone-CR endings it sees one line.
 */
export const sourceLineIndex = fact((model: PythonModel) => new LineIndex(model.source));

/** The line ending new lines of a fix use: the file's own. */
export function eolOf(model: PythonModel): LineEnding {
  return sourceLineIndex(model).eol;
}

export function replaceNode(node: PyNode, text: string): TextEdit {
  return { range: rangeOf(node), text };
}

export function insertAt(line: number, column: number, text: string): TextEdit {
  const position = { line, column };
  return { range: { start: position, end: position }, text };
}

/** Module-level names whose binding is an import, in file order; built once per model, not per fix. */
const moduleImports = fact((model: PythonModel) => {
  const list: [string, Binding][] = [];
  for (const [name, bindings] of model.moduleScope.bindings) {
    const last = bindings[bindings.length - 1];
    if (last.kind === 'import') list.push([name, last]);
  }
  return list;
});

/** The local name under which `module` is imported as a module (`import multiprocessing as mp` → `mp`). */
export function moduleAlias(model: PythonModel, module: string): string | null {
  for (const [name, last] of moduleImports(model)) {
    if (!last.importModule && last.qualified === module) {
      // `import a.b` binds `a`; only `import a.b as x` or a single-segment module gives a usable alias.
      if (!module.includes('.') || name !== module.split('.')[0]) return name;
      return module;
    }
    if (last.importModule && `${last.importModule.module}.${last.importModule.name}` === module && last.importModule.level === 0) {
      return name;
    }
  }
  return null;
}

/** The local name bound to `module.name` by a from-import, if any. */
export function importedName(model: PythonModel, module: string, name: string): string | null {
  for (const [local, last] of moduleImports(model)) {
    if (last.importModule?.level === 0 && last.importModule.module === module && last.importModule.name === name) {
      return local;
    }
  }
  return null;
}

/**
 * An expression naming `module.name`, reusing what the file already imports, plus the import edit
 * when nothing usable is imported yet (`from module import name`).
 */
export function referenceTo(
  model: PythonModel,
  module: string,
  name: string,
  style: 'from' | 'qualified' = 'from',
): { text: string; edits: TextEdit[] } {
  const local = importedName(model, module, name);
  if (local && !isShadowed(model, local)) return { text: local, edits: [] };
  const alias = moduleAlias(model, module);
  if (alias) return { text: `${alias}.${name}`, edits: [] };
  const bound = model.moduleScope.bindings.has(name);
  if (!bound && style === 'from') return { text: name, edits: [addImport(model, `from ${module} import ${name}`)] };
  return { text: `${module}.${name}`, edits: [addImport(model, `import ${module}`)] };
}

function isShadowed(model: PythonModel, name: string): boolean {
  const bindings = model.moduleScope.bindings.get(name) ?? [];
  return bindings.some((b) => b.kind !== 'import');
}

/** Insert an import line after the last top-level import (or after the docstring / at the top). */
export function addImport(model: PythonModel, statement: string): TextEdit {
  let anchor: PyNode | null = null;
  const top = namedChildren(model.root);
  for (const node of top) {
    if (node.type === 'import_statement' || node.type === 'import_from_statement' || node.type === 'future_import_statement') {
      anchor = node;
    } else if (node.type === 'comment' && !anchor) {
      continue;
    } else if (!anchor && node.type === 'expression_statement' && namedChildren(node)[0]?.type === 'string' && node === top.find((n) => n.type !== 'comment')) {
      anchor = node; // module docstring
    } else {
      break;
    }
  }
  // `statement` may span lines (`\n` inside it): each gets the file's ending.
  const eol = eolOf(model);
  const text = `${statement.split('\n').join(eol)}${eol}`;
  if (anchor) return insertAt(anchor.endRow + 1, 0, text);
  // Keep a shebang or encoding comment first.
  const lines = sourceLineIndex(model);
  let line = 0;
  while (line < lines.lineCount && /^#(!|.*coding[:=])/.test(lines.lineText(line))) line++;
  return insertAt(line, 0, text);
}

export function lineIndent(model: PythonModel, row: number): string {
  return /^[ \t]*/.exec(sourceLineIndex(model).lineText(row))?.[0] ?? '';
}

/**
 * The unit of indentation the file uses (default four spaces): the indentation of the first line
 * that follows a line ending in `:`, beyond that line's own. Lines are read without their endings,
 * so CRLF and CR files are measured like LF ones.
 */
export const indentUnit = fact((model: PythonModel): string => {
  const lines = sourceLineIndex(model);
  for (let row = 0; row + 1 < lines.lineCount; row++) {
    const header = lines.lineText(row);
    if (!/:[ \t]*$/.test(header)) continue;
    const body = /^([ \t]+)\S/.exec(lines.lineText(row + 1))?.[1];
    if (!body) continue;
    const own = /^[ \t]*/.exec(header)?.[0] ?? '';
    // Under an indented header (the first `:` line can be nested), only the extra indentation is
    // the unit; a body that does not extend its header's indentation says nothing about it.
    if (body.length > own.length && body.startsWith(own)) return body.slice(own.length);
  }
  return '    ';
});

export function rangeOfRows(startRow: number, endRowExclusive: number): Range {
  return { start: { line: startRow, column: 0 }, end: { line: endRowExclusive, column: 0 } };
}

/** The keyword argument `name=` node of a call, or null. */
export function keywordArgument(call: PyNode, name: string, text: (n: PyNode) => string): PyNode | null {
  const args = childByField(call, 'arguments');
  if (!args) return null;
  for (const arg of namedChildren(args)) {
    if (arg.type !== 'keyword_argument') continue;
    const key = childByField(arg, 'name');
    if (key && text(key) === name) return arg;
  }
  return null;
}

import type { Range, TextEdit } from '../core/types';
import { fact } from '../core/facts';
import { type LineEnding, LineIndex } from '../core/lines';
import type { Binding, PythonModel } from './model';
import { type PyNode, childByField, namedChildren, rangeOf } from './syntax';
import { STDLIB_MODULES } from './stdlib-modules';

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

/**
 * Insert code after the last top-level import (or after the docstring / at the top): the place
 * for a module-level definition a fix adds. `statement` may span lines (`\n` inside it).
 */
export function insertAfterImports(model: PythonModel, statement: string): TextEdit {
  const imports = topImports(model);
  const eol = eolOf(model);
  const text = `${statement.split('\n').join(eol)}${eol}`;
  const anchor = imports.length > 0 ? imports[imports.length - 1].node : moduleDocstring(model);
  if (anchor) return insertAt(anchor.endRow + 1, 0, text);
  return insertAt(headerEnd(model), 0, text);
}

/**
 * Add `import m` or `from m import n` where isort and Ruff's I001 (default settings) would put
 * it: in the standard-library section, plain imports before from-imports, in module order; a new
 * standard-library section goes first, a blank line above the other imports.
 */
export function addImport(model: PythonModel, statement: string): TextEdit {
  const added = parseImportLine(statement);
  const imports = topImports(model);
  const eol = eolOf(model);
  const line = `${statement}${eol}`;
  if (!added || imports.length === 0) return insertAfterImports(model, statement);
  const section = imports.filter((i) => i.section === 'stdlib');
  if (section.length === 0) {
    const firstOther = imports.find((i) => i.section !== 'future');
    // Only future imports: the new line follows them, in a section of its own.
    if (!firstOther) return insertAt(imports[imports.length - 1].node.endRow + 1, 0, `${eol}${line}`);
    return insertAt(firstOther.node.startRow, 0, `${line}${eol}`);
  }
  const sameKind = section.filter((i) => i.plain === added.plain);
  const after = sameKind.find((i) => compareModules(i.module, added.module) > 0);
  if (after) return insertAt(after.node.startRow, 0, line);
  if (sameKind.length > 0) return insertAt(sameKind[sameKind.length - 1].node.endRow + 1, 0, line);
  // No import of this kind yet: plain ones go before the first from-import, from-imports after the last plain one.
  if (added.plain) return insertAt(section[0].node.startRow, 0, line);
  return insertAt(section[section.length - 1].node.endRow + 1, 0, line);
}

interface TopImport {
  node: PyNode;
  module: string;
  /** `import m` rather than `from m import n`. */
  plain: boolean;
  section: 'future' | 'stdlib' | 'other';
}

/** The imports at the top of the module, before its first other statement, once per model. */
const topImports = fact((model: PythonModel): TopImport[] => {
  const out: TopImport[] = [];
  const docstring = moduleDocstring(model);
  for (const node of namedChildren(model.root)) {
    if (node.type === 'comment' || node === docstring) continue;
    if (node.type === 'future_import_statement') {
      out.push({ node, module: '__future__', plain: false, section: 'future' });
      continue;
    }
    if (node.type !== 'import_statement' && node.type !== 'import_from_statement') break;
    const plain = node.type === 'import_statement';
    const nameNode = plain ? childByField(node, 'name') : childByField(node, 'module_name');
    const name = nameNode?.type === 'aliased_import' ? childByField(nameNode, 'name') : nameNode;
    const module = name ? model.text(name) : '';
    const relative = module.startsWith('.') || name?.type === 'relative_import';
    out.push({ node, module, plain, section: !relative && STDLIB_MODULES.has(module.split('.')[0]) ? 'stdlib' : 'other' });
  }
  return out;
});

function parseImportLine(statement: string): { module: string; plain: boolean } | null {
  const match = /^(?:import\s+([\w.]+)|from\s+([\w.]+)\s+import\s)/.exec(statement);
  if (!match) return null;
  return { module: match[1] ?? match[2], plain: match[1] !== undefined };
}

/** isort's default order (`force_sort_within_sections` off, `case_sensitive` off). */
function compareModules(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function moduleDocstring(model: PythonModel): PyNode | null {
  const first = namedChildren(model.root).find((n) => n.type !== 'comment');
  return first?.type === 'expression_statement' && namedChildren(first)[0]?.type === 'string' ? first : null;
}

/** The first row after a shebang or encoding comment, which must stay first. */
function headerEnd(model: PythonModel): number {
  const lines = sourceLineIndex(model);
  let line = 0;
  while (line < lines.lineCount && /^#(!|.*coding[:=])/.test(lines.lineText(line))) line++;
  return line;
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

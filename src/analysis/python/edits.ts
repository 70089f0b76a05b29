import type { Range, TextEdit } from '../core/types';
import { fact } from '../core/facts';
import type { Binding, PythonModel } from './model';
import { type PyNode, childByField, namedChildren, rangeOf } from './syntax';

// Building blocks of the Python fixes: replace a node, add an import only when it is missing,
// wrap statements in a block. Fix tests apply these and re-parse the result.

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
  if (anchor) return insertAt(anchor.endRow + 1, 0, `${statement}\n`);
  // Keep a shebang or encoding comment first.
  const lines = model.source.split('\n');
  let line = 0;
  while (line < lines.length && /^#(!|.*coding[:=])/.test(lines[line])) line++;
  return insertAt(line, 0, `${statement}\n`);
}

export function lineIndent(model: PythonModel, row: number): string {
  const line = model.source.split('\n')[row] ?? '';
  return /^[ \t]*/.exec(line)?.[0] ?? '';
}

/** The unit of indentation the file uses (default four spaces). */
export function indentUnit(model: PythonModel): string {
  const match = /^(?:[^\n]*:[ \t]*\n)([ \t]+)\S/m.exec(model.source);
  return match ? match[1] : '    ';
}

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

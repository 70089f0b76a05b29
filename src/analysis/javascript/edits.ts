import * as path from 'node:path';
import type { Range, TextEdit } from '../core/types';
import type { Binding, JsModel } from './model';
import type { Node, TSESTree } from './parse';
import { pushChildren, unwrap } from './syntax';

// Building blocks of the JS/TS fixes: naming an export of a module (reusing the file's own import
// when it has one, adding one in the file's module style otherwise), `await` with the parentheses
// it needs, and wrapping statements in a block.

const BUILTINS = new Set([
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dns', 'events', 'fs', 'http', 'http2', 'https', 'net',
  'os', 'path', 'process', 'readline', 'stream', 'timers', 'tls', 'url', 'util', 'worker_threads', 'zlib', 'perf_hooks',
]);

/** An import specifier or destructured `require` property a fix leaves unused, and the statement holding it. */
interface Dropped {
  spec: Node;
  statement: Node;
  /** The statement's other specifiers: none means the whole statement goes. */
  siblings: readonly Node[];
}

export class ImportPlan {
  private readonly added = new Map<string, string[]>();
  /** Names added to an existing statement, after its last specifier. */
  private readonly merged: { statement: Node; last: Node; name: string }[] = [];
  private readonly dropped: Dropped[] = [];

  constructor(private readonly model: JsModel) {}

  /**
   * An expression for `module.name` in this file: the file's own binding when it imports it, its
   * namespace otherwise (`os.availableParallelism`), else the bare name with an import added. Null
   * when the name is taken by something else.
   */
  use(module: string, name: string): string | null {
    const model = this.model;
    let namespace: string | null = null;
    for (const b of model.allBindings()) {
      if (b.scope !== model.program) continue;
      if (b.kind !== 'import' && b.kind !== 'const' && b.kind !== 'let' && b.kind !== 'var') continue;
      const q = model.qname(b.id);
      if (q === `${module}.${name}`) return b.name;
      if (q === module && namespace === null) namespace = b.name;
    }
    if (namespace !== null) return `${namespace}.${name}`;
    const dot = module.indexOf('.');
    if (dot !== -1) {
      // `fs.promises.readFile` through the file's own `fs` namespace.
      const parent = module.slice(0, dot);
      for (const b of model.allBindings()) {
        if (b.scope === model.program && model.qname(b.id) === parent && b.kind !== 'let') return `${b.name}${module.slice(dot)}.${name}`;
      }
    }
    const pending = this.added.get(module);
    if (pending?.includes(name)) return name;
    if (model.isNameTaken(name)) return null;
    if (this.mergeInto(module, name)) return name;
    this.added.set(module, [...(pending ?? []), name]);
    return name;
  }

  /** Adds `name` to an existing `import { … } from 'module'` / `const { … } = require('module')`. */
  private mergeInto(module: string, name: string): boolean {
    const model = this.model;
    for (const stmt of model.program.body) {
      if (stmt.type === 'ImportDeclaration' && stmt.importKind !== 'type') {
        const specs = stmt.specifiers.filter((s): s is TSESTree.ImportSpecifier => s.type === 'ImportSpecifier');
        if (specs.length === 0 || normalize(String(stmt.source.value)) !== module) continue;
        this.merged.push({ statement: stmt, last: specs[specs.length - 1], name });
        return true;
      }
      if (stmt.type === 'VariableDeclaration' && stmt.declarations.length === 1) {
        const d = stmt.declarations[0];
        if (d.id.type !== 'ObjectPattern' || !d.init) continue;
        const init = unwrap(d.init);
        if (init.type !== 'CallExpression' || model.requiredModule(init) !== module) continue;
        const props = d.id.properties;
        const last = props[props.length - 1];
        if (!last || last.type === 'RestElement') continue;
        this.merged.push({ statement: stmt, last, name });
        return true;
      }
    }
    return false;
  }

  /**
   * Removes the import specifier (`import { readFileSync } from 'fs'`) or destructured `require`
   * property (`const { execSync } = require('child_process')`) that declares `binding`, when `use`
   * is its only use: the fix replaces that use, and a reviewer would delete the leftover import.
   * The whole statement goes when nothing else is left in it.
   */
  dropIfUnused(binding: Binding | null, use: TSESTree.Identifier): void {
    const model = this.model;
    if (!binding || binding.scope !== model.program) return;
    if (model.references(binding).some((r) => r !== use)) return;
    // Uses the scope walk does not record (type positions: `typeof readFileSync`): the name
    // written anywhere but its declaration and this call keeps the import.
    const name = binding.name.replace(/[$]/g, '\\$');
    if ((model.source.match(new RegExp(`(?<![\\w$])${name}(?![\\w$])`, 'g'))?.length ?? 0) !== 2) return;
    const spec = model.parent(binding.id);
    if (!spec) return;
    if (binding.kind === 'import') {
      const statement = model.parent(spec);
      if (spec.type !== 'ImportSpecifier' || statement?.type !== 'ImportDeclaration') return;
      this.dropped.push({ spec, statement, siblings: statement.specifiers.filter((s) => s !== spec) });
      return;
    }
    if (binding.kind !== 'const' && binding.kind !== 'let' && binding.kind !== 'var') return;
    if (spec.type !== 'Property' || spec.value !== binding.id) return;
    const pattern = model.parent(spec);
    const declarator = pattern ? model.parent(pattern) : null;
    const statement = declarator ? model.parent(declarator) : null;
    if (pattern?.type !== 'ObjectPattern' || declarator?.type !== 'VariableDeclarator' || declarator.id !== pattern || !declarator.init) return;
    if (statement?.type !== 'VariableDeclaration' || statement.declarations.length !== 1) return;
    const init = unwrap(declarator.init);
    if (init.type !== 'CallExpression' || model.requiredModule(init) === null) return;
    this.dropped.push({ spec, statement, siblings: pattern.properties.filter((p) => p !== spec) });
  }

  edits(): TextEdit[] {
    const model = this.model;
    const out: TextEdit[] = [];
    const eol = model.eol;
    const esm = usesEsm(model);
    // A name merged into a statement that also loses a specifier takes that specifier's place.
    const replaced = new Map<Dropped, string[]>();
    for (const m of this.merged) {
      const d = this.dropped.find((x) => x.statement === m.statement);
      if (d) replaced.set(d, [...(replaced.get(d) ?? []), m.name]);
      else out.push({ range: { start: model.endOf(m.last), end: model.endOf(m.last) }, text: `, ${m.name}` });
    }
    const lines: string[] = [];
    for (const [module, names] of this.added) {
      const prefix = usesNodePrefix(model);
      const spec = BUILTINS.has(module.split('.')[0]) && prefix ? `node:${module.replace('.', '/')}` : module.replace('.', '/');
      lines.push(esm ? `import { ${names.join(', ')} } from '${spec}';` : `const { ${names.join(', ')} } = require('${spec}');`);
    }
    // New lines end the way the file's lines do: a bare `\n` in a CRLF or CR file mixes endings.
    const text = lines.join(eol);
    const after = lines.length > 0 ? lastPrologueStatement(model, esm) : null;
    let placed = lines.length === 0;
    for (const d of this.dropped) {
      const names = replaced.get(d);
      if (names) {
        out.push({ range: model.rangeOf(d.spec), text: names.join(', ') });
        continue;
      }
      if (d.siblings.length > 0) {
        out.push({ range: specifierRange(model, d) , text: '' });
        continue;
      }
      // The new imports go where the emptied statement was when they would have followed it.
      if (!placed && d.statement === after) {
        out.push({ range: model.rangeOf(d.statement), text });
        placed = true;
        continue;
      }
      const range = statementLines(model, d.statement);
      if (range) out.push({ range, text: '' });
    }
    if (placed) return out;
    if (after) {
      const at = afterStatement(model, after);
      return [...out, { range: { start: at, end: at }, text: `${eol}${text}` }];
    }
    const first = model.program.body[0];
    const at = first ? { line: model.startOf(first).line, column: 0 } : { line: model.source.startsWith('#!') ? 1 : 0, column: 0 };
    const needsNewline = !first && at.line >= model.lineCount;
    return [...out, { range: { start: at, end: at }, text: needsNewline ? `${eol}${text}${eol}` : `${text}${eol}` }];
  }
}

/** A specifier with the comma that separates it from the next one (or, for the last, from the previous one). */
function specifierRange(model: JsModel, d: Dropped): Range {
  const all = [...d.siblings, d.spec].sort((a, b) => a.range[0] - b.range[0]);
  const i = all.indexOf(d.spec);
  if (i < all.length - 1) return { start: model.startOf(d.spec), end: model.startOf(all[i + 1]) };
  return { start: model.endOf(all[i - 1]), end: model.endOf(d.spec) };
}

/** The lines of a statement that has them to itself (a trailing comment goes with it), else null. */
function statementLines(model: JsModel, statement: Node): Range | null {
  const start = model.startOf(statement);
  const end = model.endOf(statement);
  if (model.lineText(start.line).slice(0, start.column).trim() !== '') return null;
  const rest = model.lineText(end.line).slice(end.column).trim();
  if (rest !== '' && !rest.startsWith('//')) return null;
  if (end.line + 1 < model.lineCount) return { start: { line: start.line, column: 0 }, end: { line: end.line + 1, column: 0 } };
  if (start.line === 0) return { start: { line: 0, column: 0 }, end: { line: end.line, column: model.lineText(end.line).length } };
  return { start: { line: start.line - 1, column: model.lineText(start.line - 1).length }, end: { line: end.line, column: model.lineText(end.line).length } };
}

function normalize(spec: string): string {
  const m = spec.startsWith('node:') ? spec.slice(5) : spec;
  return m.replace(/^(fs|dns|timers|stream|readline)\/promises$/, '$1.promises');
}

/** ES modules: `.mjs`/`.mts`, or a file with `import`/`export`; CommonJS: `.cjs`/`.cts`, `require`, plain `.js`. */
export function usesEsm(model: JsModel): boolean {
  const ext = path.extname(model.path).toLowerCase();
  if (ext === '.mjs' || ext === '.mts') return true;
  if (ext === '.cjs' || ext === '.cts') return false;
  for (const stmt of model.program.body) {
    if (stmt.type === 'ImportDeclaration' || stmt.type === 'ExportNamedDeclaration' || stmt.type === 'ExportDefaultDeclaration' || stmt.type === 'ExportAllDeclaration') {
      return true;
    }
  }
  if (model.calls.some((c) => c.type === 'CallExpression' && model.requiredModule(c) !== null)) return false;
  return ext === '.ts' || ext === '.tsx';
}

function usesNodePrefix(model: JsModel): boolean {
  let bare = false;
  for (const stmt of model.program.body) {
    const spec = stmt.type === 'ImportDeclaration' ? String(stmt.source.value) : null;
    if (spec?.startsWith('node:')) return true;
    if (spec && BUILTINS.has(spec.split('/')[0])) bare = true;
  }
  for (const call of model.calls) {
    if (call.type !== 'CallExpression' || model.requiredModule(call) === null) continue;
    const arg = call.arguments[0];
    const spec = arg?.type === 'Literal' ? String(arg.value) : '';
    if (spec.startsWith('node:')) return true;
    if (BUILTINS.has(spec.split('/')[0])) bare = true;
  }
  return !bare;
}

/** The last import (ESM), or the last statement of the leading directives-and-requires run (CommonJS). */
function lastPrologueStatement(model: JsModel, esm: boolean): Node | null {
  let last: Node | null = null;
  for (const stmt of model.program.body) {
    if (stmt.type === 'ImportDeclaration' || stmt.type === 'TSImportEqualsDeclaration') {
      last = stmt;
      continue;
    }
    if (esm) continue;
    if (stmt.type === 'ExpressionStatement' && stmt.directive) {
      last = stmt;
      continue;
    }
    if (stmt.type === 'VariableDeclaration' && stmt.declarations.every((d) => d.init && isRequireLike(model, d.init))) {
      last = stmt;
      continue;
    }
    break;
  }
  if (!last && esm) {
    const first = model.program.body[0];
    if (first?.type === 'ExpressionStatement' && first.directive) return first;
  }
  return last;
}

function isRequireLike(model: JsModel, expr: Node): boolean {
  let node = unwrap(expr);
  while (node.type === 'MemberExpression') node = unwrap(node.object);
  return node.type === 'CallExpression' && model.requiredModule(node) !== null;
}

/** Where to add a line after a statement: past a trailing `// comment` on its last line, if any. */
export function afterStatement(model: JsModel, node: Node): { line: number; column: number } {
  const end = model.endOf(node);
  const text = model.lineText(end.line);
  const rest = text.slice(end.column).trim();
  if (rest === '' || rest.startsWith('//')) return { line: end.line, column: text.length };
  return end;
}

/** `await <text>` where `node` stood, parenthesised when the context binds tighter than `await`. */
export function awaitText(model: JsModel, node: Node, text: string): string {
  const parent = model.parent(node);
  const bare = `await ${text}`;
  if (!parent) return bare;
  switch (parent.type) {
    case 'VariableDeclarator':
    case 'ExpressionStatement':
    case 'ReturnStatement':
    case 'ThrowStatement':
    case 'ArrayExpression':
    case 'SpreadElement':
    case 'TemplateLiteral':
    case 'JSXExpressionContainer':
      return bare;
    case 'AssignmentExpression':
      return parent.right === node ? bare : `(${bare})`;
    case 'Property':
      return parent.value === node ? bare : `(${bare})`;
    case 'CallExpression':
    case 'NewExpression':
      return parent.callee === node ? `(${bare})` : bare;
    case 'ConditionalExpression':
      return parent.test === node ? `(${bare})` : bare;
    case 'ArrowFunctionExpression':
      return parent.body === node ? bare : `(${bare})`;
    default:
      return `(${bare})`;
  }
}

/** The file's indentation unit (two spaces unless the file says otherwise). */
export function indentUnit(model: JsModel): string {
  for (let line = 0; line < Math.min(model.lineCount, 400); line++) {
    const m = /^(\t| +)\S/.exec(model.lineText(line));
    if (m) return m[1] === '\t' ? '\t' : m[1].length >= 4 ? '    ' : m[1].length === 1 ? '  ' : m[1];
  }
  return '  ';
}

/**
 * Replaces whole lines `first..last` (statements that start and end their lines) with
 * `<header> {` + the lines indented one level + `}`. Null when other code shares those lines.
 */
export function wrapLines(model: JsModel, first: Node, last: Node, header: string): TextEdit | null {
  const start = model.startOf(first);
  const end = model.endOf(last);
  const startLine = start.line;
  const endLine = end.line;
  const firstText = model.lineText(startLine);
  const lastText = model.lineText(endLine);
  if (firstText.slice(0, start.column).trim() !== '') return null;
  const tail = lastText.slice(end.column).trim();
  if (tail !== '' && !tail.startsWith('//')) return null;
  const base = /^\s*/.exec(firstText)?.[0] ?? '';
  const unit = indentUnit(model);
  // Lines inside a multi-line template literal are string content: indenting them would change it.
  const frozen = new Set<number>();
  const stack: Node[] = [];
  const collect = (n: Node): void => {
    if (n.type !== 'TemplateLiteral') return;
    // The lines after the one the literal starts on, through the one it ends on.
    const from = model.lineOf(n);
    const to = model.endOf(n).line;
    for (let l = from + 1; l <= to; l++) frozen.add(l);
  };
  stack.push(first);
  for (const stmt of model.program.body) if (stmt.range[0] >= first.range[0] && stmt.range[1] <= last.range[1]) stack.push(stmt);
  const seen = new Set<Node>();
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    collect(n);
    pushChildren(n, stack);
  }
  const body: string[] = [];
  for (let line = startLine; line <= endLine; line++) {
    const text = model.lineText(line);
    body.push(text.trim() === '' || frozen.has(line) ? text : `${base}${unit}${text.slice(base.length)}`);
  }
  const eol = model.eol;
  const text = `${base}${header} {${eol}${body.join(eol)}${eol}${base}}`;
  return { range: { start: { line: startLine, column: 0 }, end: { line: endLine, column: lastText.length } }, text };
}

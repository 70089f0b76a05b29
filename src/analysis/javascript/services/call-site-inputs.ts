import * as path from 'node:path';
import { COPIES, type CallSiteInputs } from '../../core/bench-inputs';
import type { Binding, JsModel } from '../model';
import type { Node, TSESTree } from '../parse';
import { type FunctionNode, pushChildren, unwrap } from '../syntax';
import { exportedFunctions } from '../exports';

// The benchmark's inputs from a real call of the function: `compute(data, 5)` gives
// `Array(8).fill([data, 5])` with `data`'s value inlined, `for (const n of SIZES) hash(n)` gives
// `Array.from(SIZES, (n) => [n])`. The harness evaluates the inputs with only the module's
// exports, `require` and the globals in scope (src/profiling/harness/node-harness.ts
// evaluateInputs), so an argument is used only when every name it reads is one of those, or a
// constant whose value is itself such an expression (inlined). A handler's `req.query.n` or a
// parameter keeps the signature's guess.

const MAX_INLINE_DEPTH = 3;
const MAX_INPUTS_LENGTH = 300;

/** Globals the inputs expression may read (the harness evaluates it in its own realm). */
const GLOBALS = new Set([
  'Math', 'Array', 'Number', 'String', 'Boolean', 'Object', 'JSON', 'BigInt', 'Date', 'Map', 'Set', 'RegExp', 'Buffer',
  'ArrayBuffer', 'SharedArrayBuffer', 'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'undefined', 'NaN', 'Infinity', 'parseInt', 'parseFloat',
  'structuredClone', 'require',
]);
/** Expressions with effects or a context of their own: never copied into the inputs. */
const REFUSED = new Set([
  'ClassExpression', 'ThisExpression', 'Super', 'AwaitExpression', 'YieldExpression',
  'AssignmentExpression', 'UpdateExpression', 'ImportExpression', 'MetaProperty', 'TaggedTemplateExpression', 'JSXElement',
]);
const EXTENSIONS = ['', '.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.tsx', '.jsx', '/index.js', '/index.ts', '/index.mjs'];

/** The first call of the exported function `name` (defined in `target`) whose arguments the harness can evaluate: this file, then `others`. */
export function jsCallSiteInputs(target: JsModel, fn: FunctionNode, name: string, others: readonly JsModel[] = []): CallSiteInputs | null {
  for (const model of [target, ...others.filter((m) => m.path !== target.path)]) {
    for (const call of model.calls) {
      if (call.type !== 'CallExpression' || !callsTarget(model, call, target, fn, name)) continue;
      if (model === target && model.contains(fn, call)) continue; // recursion: its own parameters
      const found = fromCall(model, call, target, fn);
      if (found) return found;
    }
  }
  return null;
}

function callsTarget(model: JsModel, call: TSESTree.CallExpression, target: JsModel, fn: FunctionNode, name: string): boolean {
  const callee = unwrap(call.callee);
  if (model === target) return callee.type === 'Identifier' && model.functionOf(callee) === fn;
  // `import { name } from './mod'`, `const { name } = require('./mod')`, `mod.name(…)` with `mod` the module.
  if (callee.type === 'Identifier') {
    const b = model.resolve(callee);
    return !!b && importsTarget(model, b, target.path, [name]);
  }
  if (callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier' && callee.property.name === name) {
    const object = unwrap(callee.object);
    const b = object.type === 'Identifier' ? model.resolve(object) : null;
    return !!b && importsTarget(model, b, target.path, []);
  }
  return false;
}

/** The binding takes `member` (a path of properties) of the module at `targetPath`. */
function importsTarget(model: JsModel, b: Binding, targetPath: string, member: string[]): boolean {
  let spec: string | null = null;
  let taken: string[] | null = null;
  if (b.kind === 'import' && b.module) {
    spec = b.module;
    taken = b.imported === '*' || b.imported === 'default' ? [] : b.imported ? [b.imported] : null;
  } else if (b.init && b.path && model.isConstant(b)) {
    const init = unwrap(b.init);
    if (init.type === 'CallExpression') spec = model.requiredModule(init);
    taken = b.path;
  }
  if (!spec || !taken || !spec.startsWith('.')) return false;
  if (taken.join('.') !== member.join('.')) return false;
  const base = path.resolve(path.dirname(model.path), spec);
  if (EXTENSIONS.some((ext) => path.resolve(base + ext) === path.resolve(targetPath))) return true;
  // TypeScript imports `./cpu.ts` as `./cpu.js`.
  const ts = /\.([cm]?)tsx?$/.exec(targetPath);
  return !!ts && path.resolve(base) === path.resolve(targetPath.slice(0, ts.index) + `.${ts[1]}js`);
}

function fromCall(model: JsModel, call: TSESTree.CallExpression, target: JsModel, fn: FunctionNode): CallSiteInputs | null {
  const args = call.arguments as Node[];
  const required = fn.params.filter((p) => p.type !== 'RestElement' && p.type !== 'AssignmentPattern').length;
  if (args.length < required || args.some((a) => a.type === 'SpreadElement')) return null;
  const texts = args.map((a) => portable(model, a, target));
  if (texts.every((t) => t !== null)) return offer(model, call, `Array(${COPIES}).fill([${texts.join(', ')}])`);
  // `for (const n of SIZES) hash(n)`: one item per iteration.
  const loop = enclosingForOf(model, call);
  if (!loop) return null;
  const left = loop.left.type === 'VariableDeclaration' ? loop.left.declarations[0]?.id : null;
  if (!left || left.type !== 'Identifier' || loop.left.type !== 'VariableDeclaration' || loop.left.declarations.length !== 1) return null;
  const iterable = portable(model, loop.right as Node, target);
  if (iterable === null) return null;
  const inLoop = args.map((a) => portable(model, a, target, new Set([left.name])));
  if (inLoop.some((t) => t === null)) return null;
  return offer(model, call, `Array.from(${iterable}, (${left.name}) => [${inLoop.join(', ')}])`);
}

function enclosingForOf(model: JsModel, node: Node): TSESTree.ForOfStatement | null {
  for (let current = model.parent(node); current; current = model.parent(current)) {
    if (current.type === 'FunctionDeclaration' || current.type === 'FunctionExpression' || current.type === 'ArrowFunctionExpression') return null;
    if (current.type === 'ForOfStatement') return current.await ? null : current;
  }
  return null;
}

function offer(model: JsModel, call: TSESTree.CallExpression, inputs: string): CallSiteInputs | null {
  if (inputs.length > MAX_INPUTS_LENGTH || inputs.includes('\n')) return null;
  const text = model.text(call as Node).replace(/\s+/g, ' ');
  return { inputs, path: model.path, line: model.lineOf(call), call: text.length > 80 ? `${text.slice(0, 77)}…` : text };
}

/**
 * The expression's text as the harness can evaluate it (constants inlined), or null. `allowed`:
 * a loop variable the caller binds in `Array.from(…, (n) => …)`.
 */
function portable(model: JsModel, expr: Node, target: JsModel, allowed: ReadonlySet<string> = new Set(), depth = 0): string | null {
  const exported = new Set(model === target ? exportedFunctions(target).map((e) => e.name) : []);
  const replacements: { start: number; end: number; text: string }[] = [];
  const stack: Node[] = [expr];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (REFUSED.has(node.type)) return null;
    if (node.type === 'MemberExpression') {
      stack.push(node.object as Node);
      if (node.computed) stack.push(node.property as Node);
      continue;
    }
    if (node.type === 'Property') {
      if (node.computed) stack.push(node.key as Node);
      stack.push(node.value as Node);
      continue;
    }
    if (node.type === 'Identifier') {
      if (allowed.has(node.name)) continue;
      const b = model.resolve(node);
      if (!b) {
        if (GLOBALS.has(node.name)) continue;
        return null;
      }
      // A parameter of a function written inside the expression (`Array.from(…, (_, i) => i)`).
      if (b.kind === 'param' && b.paramOf && b.paramOf.range[0] >= expr.range[0] && b.paramOf.range[1] <= expr.range[1]) continue;
      if (b.kind === 'function' && exported.has(node.name) && model.topLevelBinding(node.name) === b) continue;
      const value = inlinable(model, b);
      if (!value || depth >= MAX_INLINE_DEPTH) return null;
      const text = portable(model, value, target, new Set(), depth + 1);
      if (text === null) return null;
      // `{ n }` keeps its key: `{ n: (…) }`.
      const parent = model.parent(node);
      const shorthand = parent?.type === 'Property' && parent.shorthand && parent.value === node;
      replacements.push({ start: node.range[0], end: node.range[1], text: shorthand ? `${node.name}: (${text})` : `(${text})` });
      continue;
    }
    pushChildren(node, stack);
  }
  let out = '';
  let at = expr.range[0];
  for (const r of replacements.sort((a, b) => a.start - b.start)) {
    out += model.source.slice(at, r.start) + r.text;
    at = r.end;
  }
  out += model.source.slice(at, expr.range[1]);
  return out.replace(/\s*\n\s*/g, ' ');
}

/** A plain `const x = value` (or a let/var never assigned again): its value, to inline. */
function inlinable(model: JsModel, b: Binding): Node | null {
  if (b.kind !== 'const' && b.kind !== 'let' && b.kind !== 'var') return null;
  if (!b.init || !b.path || b.path.length > 0 || b.loop || !model.isConstant(b)) return null;
  return b.init as Node;
}

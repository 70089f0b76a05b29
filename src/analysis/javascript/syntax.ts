import type { Node, TSESTree } from './parse';

// Small, tree-shape helpers shared by the model, the detectors and the fixes.

export type FunctionNode = TSESTree.FunctionDeclaration | TSESTree.FunctionExpression | TSESTree.ArrowFunctionExpression;
export type LoopNode =
  | TSESTree.ForStatement
  | TSESTree.ForInStatement
  | TSESTree.ForOfStatement
  | TSESTree.WhileStatement
  | TSESTree.DoWhileStatement;
export type CallLike = TSESTree.CallExpression | TSESTree.NewExpression;

export function isFunction(node: Node | null | undefined): node is FunctionNode {
  return (
    !!node &&
    (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression')
  );
}

export function isLoop(node: Node | null | undefined): node is LoopNode {
  return (
    !!node &&
    (node.type === 'ForStatement' ||
      node.type === 'ForInStatement' ||
      node.type === 'ForOfStatement' ||
      node.type === 'WhileStatement' ||
      node.type === 'DoWhileStatement')
  );
}

export function isCallLike(node: Node | null | undefined): node is CallLike {
  return !!node && (node.type === 'CallExpression' || node.type === 'NewExpression');
}

/** Strips what does not change a value at run time: TS assertions, `!`, optional chains, parentheses (ESTree has none). */
export function unwrap(node: Node): Node {
  let current = node;
  for (;;) {
    switch (current.type) {
      case 'TSAsExpression':
      case 'TSSatisfiesExpression':
      case 'TSNonNullExpression':
      case 'TSTypeAssertion':
      case 'TSInstantiationExpression':
      case 'ChainExpression':
        current = current.expression;
        continue;
      default:
        return current;
    }
  }
}

/** The name of a member access (`a.b`, `a['b']`), or null when it is computed from data. */
export function memberName(node: TSESTree.MemberExpression): string | null {
  if (!node.computed) return node.property.type === 'Identifier' ? node.property.name : node.property.type === 'PrivateIdentifier' ? `#${node.property.name}` : null;
  return staticString(node.property);
}

/** A string known without running the code: literals and templates without substitutions. */
export function staticString(node: Node | null | undefined): string | null {
  if (!node) return null;
  const n = unwrap(node);
  if (n.type === 'Literal' && typeof n.value === 'string') return n.value;
  if (n.type === 'TemplateLiteral' && n.expressions.length === 0) return n.quasis[0]?.value.cooked ?? null;
  return null;
}

export function numericLiteral(node: Node | null | undefined): number | null {
  if (!node) return null;
  const n = unwrap(node);
  if (n.type === 'Literal' && typeof n.value === 'number') return n.value;
  if (n.type === 'Literal' && typeof n.value === 'bigint') return Number(n.value);
  return null;
}

/** The property name of an object-literal property, when static. */
export function propertyName(prop: TSESTree.Property | TSESTree.MethodDefinition | TSESTree.PropertyDefinition): string | null {
  if (!prop.computed) {
    if (prop.key.type === 'Identifier') return prop.key.name;
    if (prop.key.type === 'Literal') return String(prop.key.value);
    return null;
  }
  return staticString(prop.key);
}

/** The value of `key` in an object literal (last one wins, as at run time); spreads make it unknown. */
export function objectProperty(object: TSESTree.ObjectExpression, key: string): TSESTree.Property | null {
  let found: TSESTree.Property | null = null;
  for (const prop of object.properties) {
    if (prop.type === 'Property' && propertyName(prop) === key) found = prop;
  }
  return found;
}

export function calleeName(call: CallLike): string | null {
  const callee = unwrap(call.callee);
  if (callee.type === 'Identifier') return callee.name;
  if (callee.type === 'MemberExpression') return memberName(callee);
  return null;
}

/** True when evaluating the expression twice is the same as once (for fixes that duplicate or drop an evaluation). */
export function isSideEffectFree(node: Node): boolean {
  const n = unwrap(node);
  switch (n.type) {
    case 'Identifier':
    case 'Literal':
    case 'ThisExpression':
      return true;
    case 'TemplateLiteral':
      return n.expressions.every(isSideEffectFree);
    case 'MemberExpression':
      return isSideEffectFree(n.object) && (!n.computed || isSideEffectFree(n.property));
    case 'BinaryExpression':
      return n.left.type !== 'PrivateIdentifier' && isSideEffectFree(n.left) && isSideEffectFree(n.right);
    case 'UnaryExpression':
      return n.operator !== 'delete' && isSideEffectFree(n.argument);
    default:
      return false;
  }
}

export const TYPED_ARRAYS = new Set([
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float16Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
]);

/** Typed arrays `Atomics` operates on (floats and clamped bytes throw a TypeError). */
export const ATOMIC_TYPED_ARRAYS = new Set([
  'Int8Array',
  'Uint8Array',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'BigInt64Array',
  'BigUint64Array',
]);

export const ARRAY_ITERATION_METHODS = new Set([
  'forEach',
  'map',
  'flatMap',
  'filter',
  'reduce',
  'reduceRight',
  'some',
  'every',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
]);

export function isIterationCall(call: TSESTree.CallExpression): boolean {
  const callee = unwrap(call.callee);
  return callee.type === 'MemberExpression' && ARRAY_ITERATION_METHODS.has(memberName(callee) ?? '');
}

// The model is built on this module, so the two helpers below name only what they read of it.

/** `Array.from({ length: n }, fn)` calls `fn` n times. */
export function isArrayFrom(model: { qname(expr: Node): string | null }, call: TSESTree.CallExpression): boolean {
  return model.qname(call.callee) === 'Array.from';
}

/** Whether the body of a loop statement waits for each iteration (`await` directly inside it). */
export function loopAwaits(
  model: { readonly awaits: readonly Node[]; enclosingFunction(node: Node): FunctionNode | null },
  loop: Node,
): boolean {
  if (loop.type === 'ForOfStatement' && loop.await) return true;
  if (!isLoop(loop)) return false;
  const awaits = model.awaits;
  // Awaits are in source order: start at the first one after the loop begins.
  let lo = 0;
  let hi = awaits.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (awaits[mid].range[0] <= loop.range[0]) lo = mid + 1;
    else hi = mid;
  }
  const fn = model.enclosingFunction(loop);
  for (let i = lo; i < awaits.length && awaits[i].range[0] < loop.range[1]; i++) {
    if (model.enclosingFunction(awaits[i]) === fn) return true;
  }
  return false;
}

const NOT_CHILDREN: ReadonlySet<string> = new Set(['parent', 'loc', 'range']);
/** Also skips type annotations, for walks that only care about values. */
export const WITHOUT_TYPES: ReadonlySet<string> = new Set([...NOT_CHILDREN, 'typeAnnotation']);

/** Pushes a node's child nodes onto an explicit stack (iterative walks: no recursion on deep input). */
export function pushChildren(node: Node, stack: Node[], skip: ReadonlySet<string> = NOT_CHILDREN): void {
  const record = node as unknown as Record<string, unknown>;
  for (const key in record) {
    if (skip.has(key)) continue;
    const value = record[key];
    if (Array.isArray(value)) {
      for (const child of value) if (child && typeof child === 'object' && 'type' in child) stack.push(child as Node);
    } else if (value && typeof value === 'object' && 'type' in (value as object)) {
      stack.push(value as Node);
    }
  }
}

import { fact } from '../core/facts';
import type { Node, TSESTree } from './parse';
import type { Binding, JsModel } from './model';
import {
  type FunctionNode,
  WITHOUT_TYPES,
  isArrayFrom,
  isFunction,
  isIterationCall,
  isLoop,
  loopAwaits,
  memberName,
  numericLiteral,
  pushChildren,
  unwrap,
} from './syntax';

// The CPU-heavy code detector (CL104): work that is super-linear or large whatever the input.
// Nested loops that both grow with the same input, loops over large constant ranges doing
// arithmetic, busy-wait loops on the clock, recursion that branches, synchronous key derivation
// and key generation, synchronous compression of data. Each hotspot keeps its evidence (the lines
// and why). Loops over small or fixed collections never count.

export type HotspotKind = 'nested-loops' | 'large-loop' | 'busy-wait' | 'recursion' | 'sync-crypto' | 'sync-zlib';

export interface Evidence {
  node: Node;
  reason: string;
}

export interface Hotspot {
  /** The loop (statement or `items.forEach(…)` call) or the call; its start line is the reported line. */
  node: Node;
  kind: HotspotKind;
  /** A short phrase for messages: "nested loops (line 14 inside line 12)". */
  reason: string;
  evidence: Evidence[];
  /** For calls: the qualified callee (`crypto.pbkdf2Sync`). */
  callee?: string;
}

/** Below this constant bound a loop does too little to matter, nested or not. */
export const SMALL_BOUND = 1000;
/** A single loop over at least this many iterations, doing arithmetic, blocks noticeably. */
export const LARGE_BOUND = 100_000;
/** An empty loop (`for (let i = 0; i < 1e9; i++) {}`) burns time only from this many iterations on. */
export const BUSY_BOUND = 10_000_000;

const SYNC_CRYPTO = new Set([
  'crypto.pbkdf2Sync',
  'crypto.scryptSync',
  'crypto.generateKeyPairSync',
  'crypto.generatePrimeSync',
  'crypto.checkPrimeSync',
  'bcrypt.hashSync',
  'bcrypt.compareSync',
  'bcrypt.genSaltSync',
  'bcryptjs.hashSync',
  'bcryptjs.compareSync',
  'bcryptjs.genSaltSync',
]);
const ZLIB_SYNC = /^zlib\.(gzip|gunzip|deflate|inflate|deflateRaw|inflateRaw|unzip|brotliCompress|brotliDecompress|zstdCompress|zstdDecompress)Sync$/;
const ARITHMETIC = new Set(['+', '-', '*', '/', '%', '**', '<<', '>>', '>>>', '&', '|', '^']);
const ARITHMETIC_ASSIGN = new Set(['+=', '-=', '*=', '/=', '%=', '**=', '<<=', '>>=', '>>>=', '&=', '|=', '^=']);

export type Bound = { kind: 'const'; n: number } | { kind: 'data' } | { kind: 'cpus' } | { kind: 'unknown' };

/** How many times a loop runs, as far as the code says. */
export function loopBound(model: JsModel, loop: Node): Bound {
  switch (loop.type) {
    case 'ForStatement':
      return forBound(model, loop);
    case 'WhileStatement':
    case 'DoWhileStatement':
      return loop.test ? comparisonBound(model, loop.test, null) ?? { kind: 'unknown' } : { kind: 'unknown' };
    case 'ForOfStatement':
      return collectionBound(model, loop.right);
    case 'ForInStatement':
      return collectionBound(model, loop.right);
    case 'CallExpression': {
      if (isArrayFrom(model, loop)) return collectionBound(model, loop);
      const callee = unwrap(loop.callee);
      return callee.type === 'MemberExpression' ? collectionBound(model, callee.object) : { kind: 'unknown' };
    }
    default:
      return { kind: 'unknown' };
  }
}

function forBound(model: JsModel, loop: TSESTree.ForStatement): Bound {
  if (!loop.test) return { kind: 'unknown' };
  const counter = loopCounter(loop);
  const fromTest = comparisonBound(model, loop.test, counter);
  if (fromTest && fromTest.kind !== 'const') return fromTest;
  if (fromTest?.kind === 'const' && fromTest.n !== 0) return fromTest;
  // Counting down: `for (let i = n; i > 0; i--)` runs from the initial value.
  const down =
    (loop.update?.type === 'UpdateExpression' && loop.update.operator === '--') ||
    (loop.update?.type === 'AssignmentExpression' && loop.update.operator === '-=');
  if (down && loop.init?.type === 'VariableDeclaration') {
    const init = loop.init.declarations[0]?.init;
    if (init) {
      const n = constantValue(model, init);
      if (n !== null) return { kind: 'const', n: Math.abs(n) };
      return sizeBound(model, init) ?? { kind: 'unknown' };
    }
  }
  return fromTest ?? { kind: 'unknown' };
}

function loopCounter(loop: TSESTree.ForStatement): string | null {
  if (loop.init?.type === 'VariableDeclaration') {
    const id = loop.init.declarations[0]?.id;
    return id?.type === 'Identifier' ? id.name : null;
  }
  if (loop.init?.type === 'AssignmentExpression' && loop.init.left.type === 'Identifier') return loop.init.left.name;
  return null;
}

function comparisonBound(model: JsModel, test: Node, counter: string | null): Bound | null {
  const t = unwrap(test);
  if (t.type === 'LogicalExpression' && t.operator === '&&') return comparisonBound(model, t.left, counter) ?? comparisonBound(model, t.right, counter);
  if (t.type !== 'BinaryExpression' || t.left.type === 'PrivateIdentifier') return null;
  if (!['<', '<=', '>', '>=', '!=', '!=='].includes(t.operator)) return null;
  const left = unwrap(t.left);
  const right = unwrap(t.right);
  const isCounter = (n: Node): boolean => n.type === 'Identifier' && (counter === null || n.name === counter);
  const other = isCounter(left) ? right : isCounter(right) ? left : null;
  if (!other) return null;
  const n = constantValue(model, other);
  if (n !== null) return { kind: 'const', n: t.operator === '<=' || t.operator === '>=' ? n + 1 : n };
  return sizeBound(model, other) ?? { kind: 'unknown' };
}

function sizeBound(model: JsModel, expr: Node): Bound | null {
  const node = unwrap(expr);
  const q = model.qname(node);
  if (q === 'os.availableParallelism' || q === 'os.cpus.length') return { kind: 'cpus' };
  if (node.type === 'CallExpression' && model.qname(node.callee) === 'os.availableParallelism') return { kind: 'cpus' };
  if (node.type === 'MemberExpression') {
    const name = memberName(node);
    if (name === 'length' || name === 'size' || name === 'byteLength') {
      // `os.cpus().length`, and `cpus.length` with `const cpus = os.cpus()`.
      const object = model.valueOf(node.object);
      if (object.type === 'CallExpression' && model.qname(object.callee) === 'os.cpus') return { kind: 'cpus' };
      if (object.type === 'ArrayExpression' && name === 'length') return { kind: 'const', n: object.elements.length };
      return { kind: 'data' };
    }
  }
  if (node.type === 'Identifier' && model.valueOf(node) !== node) return sizeBound(model, model.valueOf(node));
  return null;
}

/** How a pool size or loop bound grows: with the CPUs (`os.cpus().length`, `availableParallelism()`), a constant, or the data. */
export function sizeKind(model: JsModel, expr: Node): Bound {
  const n = constantValue(model, expr);
  if (n !== null) return { kind: 'const', n };
  return sizeBound(model, expr) ?? { kind: 'unknown' };
}

function collectionBound(model: JsModel, expr: Node): Bound {
  const value = model.valueOf(expr);
  if (value.type === 'ArrayExpression') return { kind: 'const', n: value.elements.length };
  if (value.type === 'ObjectExpression' && value.properties.every((p) => p.type === 'Property')) return { kind: 'const', n: value.properties.length };
  if (value.type === 'CallExpression' || value.type === 'NewExpression') {
    const q = model.qname(value.callee);
    if (q === 'os.cpus') return { kind: 'cpus' };
    // `Object.keys(x)` has as many items as `x`; the method is not called on a collection named `Object`.
    if ((q === 'Object.keys' || q === 'Object.values' || q === 'Object.entries') && value.arguments[0]) return collectionBound(model, value.arguments[0]);
    if (q === 'Array' && value.arguments.length === 1) {
      const n = constantValue(model, value.arguments[0]);
      return n !== null ? { kind: 'const', n } : sizeBound(model, value.arguments[0]) ?? { kind: 'unknown' };
    }
    if (q === 'Array.from' && value.arguments[0]) {
      const arg = model.valueOf(value.arguments[0]);
      if (arg.type === 'ObjectExpression') {
        const length = arg.properties.find((p): p is TSESTree.Property => p.type === 'Property' && !p.computed && p.key.type === 'Identifier' && p.key.name === 'length');
        if (length) {
          const n = constantValue(model, length.value);
          return n !== null ? { kind: 'const', n } : sizeBound(model, length.value) ?? { kind: 'unknown' };
        }
      }
      return collectionBound(model, value.arguments[0]);
    }
    const callee = unwrap(value.callee);
    // `Array(n).fill(0)`, `[...Array(n).keys()]` keep the count of their receiver.
    if (callee.type === 'MemberExpression' && ['fill', 'keys', 'entries', 'values'].includes(memberName(callee) ?? '')) {
      return collectionBound(model, callee.object);
    }
  }
  const size = sizeBound(model, value);
  return size ?? { kind: 'data' };
}

/** A number known from the source: literals, `1e6`, `10 ** 6`, constants bound to them. */
export function constantValue(model: JsModel, expr: Node, depth = 0): number | null {
  if (depth > 6) return null;
  const direct = numericLiteral(expr);
  if (direct !== null) return direct;
  const node = model.valueOf(expr);
  if (node !== unwrap(expr)) return constantValue(model, node, depth + 1);
  if (node.type === 'UnaryExpression' && node.operator === '-') {
    const v = constantValue(model, node.argument, depth + 1);
    return v === null ? null : -v;
  }
  if (node.type === 'BinaryExpression' && node.left.type !== 'PrivateIdentifier') {
    const a = constantValue(model, node.left, depth + 1);
    const b = constantValue(model, node.right, depth + 1);
    if (a === null || b === null) return null;
    switch (node.operator) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        return b === 0 ? null : a / b;
      case '**':
        return a ** b;
      case '<<':
        return a << b;
      default:
        return null;
    }
  }
  return null;
}

function isSmall(bound: Bound): boolean {
  return (bound.kind === 'const' && bound.n < SMALL_BOUND) || bound.kind === 'cpus';
}

/** The body a loop repeats: the statement body, or the callback of `items.forEach(…)`. */
function loopBody(model: JsModel, loop: Node): Node | null {
  if (isLoop(loop)) return loop.body;
  if (loop.type === 'CallExpression') {
    const cb = isArrayFrom(model, loop) ? loop.arguments[1] : loop.arguments[0];
    const fn = cb ? model.functionOf(cb) : null;
    return fn && model.contains(loop, fn) ? fn.body : null;
  }
  return null;
}

/** Loop statements and inline iteration calls (`xs.map(x => …)`) of the file, in source order. */
export const allLoops = fact((model: JsModel) => {
  const out: Node[] = [...model.loops];
  for (const call of model.calls) {
    if (call.type !== 'CallExpression') continue;
    if ((isIterationCall(call) || (isArrayFrom(model, call) && call.arguments.length > 1)) && loopBody(model, call)) out.push(call);
  }
  out.sort((a, b) => a.range[0] - b.range[0]);
  return out;
});

/** The function whose flow a node belongs to, counting inline iteration callbacks as part of their caller. */
function flowFunction(model: JsModel, node: Node): FunctionNode | null {
  let fn = model.enclosingFunction(node);
  while (fn) {
    const cb = model.callbackOf(fn);
    if (cb && cb.call.type === 'CallExpression' && (isIterationCall(cb.call) || isArrayFrom(model, cb.call))) {
      fn = model.enclosingFunction(cb.call);
      continue;
    }
    return fn;
  }
  return null;
}

function doesArithmetic(model: JsModel, body: Node): Evidence | null {
  const stack: Node[] = [body];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'BinaryExpression' && ARITHMETIC.has(n.operator)) return { node: n, reason: `arithmetic (\`${n.operator}\`)` };
    if (n.type === 'AssignmentExpression' && ARITHMETIC_ASSIGN.has(n.operator)) return { node: n, reason: `arithmetic (\`${n.operator}\`)` };
    if (n.type === 'UpdateExpression') return { node: n, reason: `arithmetic (\`${n.operator}\`)` };
    if (n.type === 'CallExpression' && (model.qname(n.callee) ?? '').startsWith('Math.')) return { node: n, reason: `\`${model.qname(n.callee)}\`` };
    if (isFunction(n) && n !== body) continue;
    pushChildren(n, stack);
  }
  return null;
}

/** What decides how often a loop runs: the collection it walks, or its test. */
function loopDriver(model: JsModel, loop: Node): Node[] {
  switch (loop.type) {
    case 'ForOfStatement':
    case 'ForInStatement':
      return [loop.right];
    case 'ForStatement':
      return [loop.test, loop.init].filter((n): n is NonNullable<typeof n> => !!n);
    case 'WhileStatement':
    case 'DoWhileStatement':
      return [loop.test];
    case 'CallExpression': {
      if (isArrayFrom(model, loop)) return loop.arguments[0] ? [loop.arguments[0]] : [];
      const callee = unwrap(loop.callee);
      return callee.type === 'MemberExpression' ? [callee.object] : [];
    }
    default:
      return [];
  }
}

/**
 * An inner loop over something the outer loop's current item produced (`for (const v of row)`,
 * `entries` read from the dequeued directory) walks nested data once: linear, not quadratic.
 * Counting loops bounded by the outer counter (`j < i`, `d * d <= n`) stay quadratic.
 */
function walksOuterItem(model: JsModel, outer: Node, inner: Node): boolean {
  if (inner.type === 'ForStatement' && loopBound(model, inner).kind !== 'data') return false;
  // A counting loop walks what its test compares with (`j < row.length`), whatever it starts from (`j = i + 1`).
  const stack = inner.type === 'ForStatement' ? (inner.test ? [inner.test] : []) : [...loopDriver(model, inner)];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'Identifier') {
      const binding = model.resolve(n);
      // Declared by the outer loop's iteration (its item, or something read from it), not by the inner loop itself.
      if (binding && model.contains(outer, binding.id) && !model.contains(inner, binding.id)) return true;
      continue;
    }
    if (isFunction(n)) continue;
    pushChildren(n, stack, WITHOUT_TYPES);
  }
  return false;
}

function line(model: JsModel, node: Node): number {
  return model.lineOf(node) + 1;
}

/**
 * What a loop walks or counts up to, as a key two loops share when they grow with the same input:
 * `for (const a of xs)`, `xs.forEach(…)` and `i < xs.length` all give `xs`; `i < n` gives `n`.
 */
function driverKey(model: JsModel, loop: Node): string | null {
  switch (loop.type) {
    case 'ForOfStatement':
    case 'ForInStatement':
      return exprKey(model, loop.right, 0);
    case 'ForStatement': {
      const test = loop.test ? unwrap(loop.test) : null;
      if (test?.type !== 'BinaryExpression' || test.left.type === 'PrivateIdentifier') return null;
      const counter = loopCounter(loop);
      const left = unwrap(test.left);
      const other = left.type === 'Identifier' && left.name === counter ? test.right : test.left;
      return constantValue(model, other) === null ? exprKey(model, other, 0) : null;
    }
    case 'CallExpression': {
      if (isArrayFrom(model, loop)) {
        const arg = loop.arguments[0] ? model.valueOf(loop.arguments[0]) : null;
        const length = arg?.type === 'ObjectExpression' ? arg.properties.find((p): p is TSESTree.Property => p.type === 'Property' && !p.computed && p.key.type === 'Identifier' && p.key.name === 'length') : undefined;
        if (length) return exprKey(model, length.value, 0);
        return loop.arguments[0] ? exprKey(model, loop.arguments[0], 0) : null;
      }
      const callee = unwrap(loop.callee);
      return callee.type === 'MemberExpression' ? exprKey(model, callee.object, 0) : null;
    }
    default:
      return null;
  }
}

function exprKey(model: JsModel, expr: Node, depth: number): string {
  const node = unwrap(expr);
  if (depth < 6) {
    if (node.type === 'Identifier') {
      const binding = model.resolve(node);
      if (!binding) return node.name;
      const init = binding.init && binding.path?.length === 0 && !binding.loop && model.isConstant(binding) ? unwrap(binding.init) : null;
      // Aliases of the same data share a key: `const items = req.body.items`.
      if (init && (init.type === 'Identifier' || init.type === 'MemberExpression')) return exprKey(model, init, depth + 1);
      return `binding@${binding.id.range[0]}`;
    }
    if (node.type === 'MemberExpression' && ['length', 'size'].includes(memberName(node) ?? '')) return exprKey(model, node.object, depth + 1);
    if (node.type === 'CallExpression') {
      const q = model.qname(node.callee);
      if ((q === 'Object.keys' || q === 'Object.values' || q === 'Object.entries') && node.arguments[0]) return exprKey(model, node.arguments[0], depth + 1);
      const callee = unwrap(node.callee);
      if (callee.type === 'MemberExpression' && ['keys', 'values', 'entries', 'slice'].includes(memberName(callee) ?? '')) return exprKey(model, callee.object, depth + 1);
    }
    if (node.type === 'MemberExpression') {
      const name = memberName(node);
      if (name !== null) return `${exprKey(model, node.object, depth + 1)}.${name}`;
    }
  }
  return model.text(node).replace(/\s+/g, '');
}

/** The loop's own counters: `i` of `for (let i = …)`, the index parameter of `xs.forEach((x, i) => …)`. */
function counterBindings(model: JsModel, loop: Node): Set<Binding> {
  const out = new Set<Binding>();
  const ids: Node[] = [];
  if (loop.type === 'ForStatement' && loop.init?.type === 'VariableDeclaration') for (const d of loop.init.declarations) ids.push(d.id);
  if (loop.type === 'CallExpression') {
    const cb = loop.arguments[isArrayFrom(model, loop) ? 1 : 0];
    const fn = cb ? model.functionOf(cb) : null;
    const index = fn?.params[1];
    if (index) ids.push(index);
  }
  for (const id of ids) {
    if (id.type !== 'Identifier') continue;
    const binding = model.resolve(id) ?? [...model.allBindings()].find((b) => b.id === id);
    if (binding) out.add(binding);
  }
  return out;
}

/** Whether a counting loop's test reads the outer loop's counter as a number: `j < i`, `d * d <= n`. */
function boundedByOuterCounter(model: JsModel, outer: Node, inner: Node): boolean {
  if (inner.type !== 'ForStatement' && inner.type !== 'WhileStatement' && inner.type !== 'DoWhileStatement') return false;
  if (!inner.test) return false;
  const counters = counterBindings(model, outer);
  if (counters.size === 0) return false;
  const stack: Node[] = [inner.test];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'Identifier') {
      const binding = model.resolve(n);
      const parent = model.parent(n);
      // `row.length` walks the item; the counter itself is a number the inner loop counts to.
      if (binding && counters.has(binding) && !(parent?.type === 'MemberExpression' && parent.object === n)) return true;
      continue;
    }
    if (isFunction(n)) continue;
    pushChildren(n, stack, WITHOUT_TYPES);
  }
  return false;
}

/** Per outer iteration, at least this many inner iterations is large work whatever the input size. */
const LARGE_PER_ITEM = 10_000;

/**
 * Why a pair of nested loops is more than linear work, or null when it is not: both walk the same
 * input (`xs` × `xs`, `i < n` × `j < n`), the inner one counts to the outer counter (`j < i`), or
 * the iterations multiply to a large constant. Loops over two different collections (rows ×
 * columns, messages × ports) visit each pair once: linear in the cells, not flagged.
 */
function superLinear(model: JsModel, outer: Node, inner: Node, outerBound: Bound, innerBound: Bound): string | null {
  if (outerBound.kind === 'const' && innerBound.kind === 'const') {
    const product = outerBound.n * innerBound.n;
    return product >= LARGE_BOUND ? `${product.toLocaleString('en-US')} iterations` : null;
  }
  if (innerBound.kind === 'const' && innerBound.n >= LARGE_PER_ITEM) return `${innerBound.n.toLocaleString('en-US')} iterations per item`;
  if (outerBound.kind === 'const' && outerBound.n >= LARGE_PER_ITEM) return `${outerBound.n.toLocaleString('en-US')} passes over the data`;
  if (boundedByOuterCounter(model, outer, inner)) return 'the inner bound grows with the outer counter';
  const a = driverKey(model, outer);
  if (a !== null && a === driverKey(model, inner)) return 'both over the same input';
  return null;
}

const CLOCKS = new Set(['Date.now', 'performance.now', 'process.hrtime', 'process.hrtime.bigint', 'perf_hooks.performance.now']);

/** Whether an expression reads the clock: `Date.now()`, `new Date()`, `performance.now()`, `process.hrtime.bigint()`. */
function readsClock(model: JsModel, expr: Node): boolean {
  const stack: Node[] = [expr];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'CallExpression' && CLOCKS.has(model.qname(n.callee) ?? '')) return true;
    if (n.type === 'NewExpression' && model.qname(n.callee) === 'Date' && n.arguments.length === 0) return true;
    if (isFunction(n)) continue;
    pushChildren(n, stack, WITHOUT_TYPES);
  }
  return false;
}

/**
 * `while (Date.now() < end) {}`: a loop that waits by spinning on the clock (directly in its test,
 * or through a variable the body sets from the clock), without awaiting anything.
 */
function busyWait(model: JsModel, loop: Node): Evidence | null {
  if (loop.type !== 'WhileStatement' && loop.type !== 'DoWhileStatement' && loop.type !== 'ForStatement') return null;
  if (!loop.test || loopAwaits(model, loop)) return null;
  if (readsClock(model, loop.test)) return { node: loop, reason: 'a busy-wait loop on the clock' };
  const stack: Node[] = [loop.test];
  const names = new Set<Binding>();
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'Identifier') {
      const b = model.resolve(n);
      if (b) names.add(b);
      continue;
    }
    pushChildren(n, stack, WITHOUT_TYPES);
  }
  for (const a of model.assignments) {
    if (!model.contains(loop.body, a) || a.left.type !== 'Identifier') continue;
    const b = model.resolve(a.left);
    if (b && names.has(b) && readsClock(model, a.right)) return { node: loop, reason: 'a busy-wait loop on the clock' };
  }
  return null;
}

/**
 * A function that calls itself two or more times on a smaller number (`fib(n - 1) + fib(n - 2)`,
 * `hanoi(n - 1, …)` twice): exponential in its argument. Tree walks (`walk(node.left)`) and
 * memoised versions (`memo[n] = …`, `cache.get(n)`) are linear and do not count.
 */
function branchingRecursion(model: JsModel, fn: FunctionNode): Hotspot | null {
  const binding = model.functionBinding(fn);
  if (!binding) return null;
  const params = new Set<Binding>();
  for (const b of model.allBindings()) if (b.paramOf === fn) params.add(b);
  const candidates: TSESTree.CallExpression[] = [];
  for (const call of model.calls) {
    if (call.type !== 'CallExpression' || !model.contains(fn, call) || model.functionOf(call.callee) !== fn) continue;
    // A part of the input as an argument (`walk(node.left)`, `stringify(obj[i], depth - 1)`) descends a structure: linear.
    if (call.arguments.some((arg) => unwrap(arg).type === 'MemberExpression')) return null;
    if (call.arguments.some((arg) => decrements(model, arg, params))) candidates.push(call);
  }
  if (candidates.length < 2 || memoised(model, fn)) return null;
  // Calls in different branches of one `if`/`?:`/`switch` exclude each other: only one runs per call.
  const selfCalls = candidates.filter((c) => candidates.some((other) => other !== c && !exclusive(model, c, other)));
  if (selfCalls.length < 2) return null;
  const name = binding.name;
  return {
    node: selfCalls[0],
    kind: 'recursion',
    reason: `recursion that branches (\`${name}\` calls itself ${selfCalls.length === 2 ? 'twice' : `${selfCalls.length} times`} per call)`,
    evidence: [
      { node: selfCalls[0], reason: `\`${name}\` calls itself here` },
      { node: selfCalls[1], reason: 'and here: the calls multiply with each level' },
    ],
  };
}

/** Whether two nodes sit in different branches of the same `if`, `?:` or `switch`. */
function exclusive(model: JsModel, a: Node, b: Node): boolean {
  const above = new Set<Node>(model.ancestors(a));
  for (const common of model.ancestors(b)) {
    if (!above.has(common)) continue;
    return common.type === 'IfStatement' || common.type === 'ConditionalExpression' || common.type === 'SwitchStatement';
  }
  return false;
}

/** `n - 1`, `n - 2`, `n / 2` on a parameter: the argument shrinks by a step. */
function decrements(model: JsModel, arg: Node, params: Set<Binding>): boolean {
  const a = unwrap(arg);
  if (a.type !== 'BinaryExpression' || (a.operator !== '-' && a.operator !== '/')) return false;
  const left = unwrap(a.left as Node);
  const b = left.type === 'Identifier' ? model.resolve(left) : null;
  return !!b && params.has(b) && numericLiteral(a.right) !== null;
}

function memoised(model: JsModel, fn: FunctionNode): boolean {
  for (const call of model.calls) {
    if (call.type !== 'CallExpression' || !model.contains(fn, call)) continue;
    const callee = unwrap(call.callee);
    if (callee.type === 'MemberExpression' && ['has', 'get', 'set'].includes(memberName(callee) ?? '')) return true;
  }
  for (const a of model.assignments) {
    if (model.contains(fn, a) && a.left.type === 'MemberExpression' && a.left.computed) return true;
  }
  const stack: Node[] = [fn.body];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'BinaryExpression' && n.operator === 'in') return true;
    pushChildren(n, stack, WITHOUT_TYPES);
  }
  return false;
}

/** Every CPU-heavy spot of the file, outermost loops only. */
export const cpuHotspots = fact((model: JsModel) => {
  const hotspots: Hotspot[] = [];
  const loops = allLoops(model);
  const bounds = new Map<Node, Bound>();
  const boundOf = (loop: Node): Bound => {
    let b = bounds.get(loop);
    if (!b) {
      b = loopBound(model, loop);
      bounds.set(loop, b);
    }
    return b;
  };
  let coveredUntil = -1;
  for (let index = 0; index < loops.length; index++) {
    const loop = loops[index];
    // Loops are in source order, so the ones inside a reported loop follow it directly.
    if (loop.range[0] < coveredUntil) continue;
    const spin = busyWait(model, loop);
    if (spin) {
      hotspots.push({ node: loop, kind: 'busy-wait', reason: spin.reason, evidence: [spin] });
      coveredUntil = loop.range[1];
      continue;
    }
    const bound = boundOf(loop);
    if (!isSmall(bound) && !loopAwaits(model, loop)) {
      let inner: { loop: Node; why: string } | undefined;
      for (let j = index + 1; j < loops.length && loops[j].range[0] < loop.range[1]; j++) {
        const other = loops[j];
        if (
          !model.contains(loop, other) ||
          !(isLoop(loop) || isLoop(other)) ||
          isSmall(boundOf(other)) ||
          flowFunction(model, other) !== flowFunction(model, loop) ||
          loopAwaits(model, other) ||
          walksOuterItem(model, loop, other)
        ) {
          continue;
        }
        const why = superLinear(model, loop, other, bound, boundOf(other));
        if (why) {
          inner = { loop: other, why };
          break;
        }
      }
      if (inner) {
        const reason = `nested loops (line ${line(model, inner.loop)} inside line ${line(model, loop)}, ${inner.why})`;
        hotspots.push({
          node: loop,
          kind: 'nested-loops',
          reason,
          evidence: [
            { node: loop, reason: `outer loop ${describeBound(bound)}` },
            { node: inner.loop, reason: `inner loop ${describeBound(boundOf(inner.loop))}` },
          ],
        });
        coveredUntil = loop.range[1];
        continue;
      }
    }
    if (loopAwaits(model, loop)) continue;
    if (bound.kind === 'const' && bound.n >= BUSY_BOUND && isLoop(loop) && isEmptyStatement(loop.body)) {
      // Counting to a large number with nothing in the body: work for its own sake, a busy loop.
      const reason = `an empty loop of ${bound.n.toLocaleString('en-US')} iterations (busy work)`;
      hotspots.push({ node: loop, kind: 'busy-wait', reason, evidence: [{ node: loop, reason: `loop of ${bound.n.toLocaleString('en-US')} iterations with an empty body` }] });
      coveredUntil = loop.range[1];
      continue;
    }
    if (bound.kind === 'const' && bound.n >= LARGE_BOUND) {
      const body = loopBody(model, loop);
      const arithmetic = body ? doesArithmetic(model, body) : null;
      if (arithmetic) {
        hotspots.push({
          node: loop,
          kind: 'large-loop',
          reason: `a loop of ${bound.n.toLocaleString('en-US')} iterations doing ${arithmetic.reason}`,
          evidence: [{ node: loop, reason: `loop of ${bound.n.toLocaleString('en-US')} iterations` }, arithmetic],
        });
        coveredUntil = loop.range[1];
      }
    }
  }
  for (const call of model.calls) {
    if (call.type !== 'CallExpression') continue;
    const q = model.qname(call.callee);
    if (!q) continue;
    const written = model.text(unwrap(call.callee)).replace(/\s+/g, '');
    if (SYNC_CRYPTO.has(q)) {
      hotspots.push({ node: call, kind: 'sync-crypto', reason: `\`${written}\``, callee: q, evidence: [{ node: call, reason: `\`${written}\` runs on the calling thread` }] });
    } else if (ZLIB_SYNC.test(q) && call.arguments[0] && !isConstantData(model, call.arguments[0])) {
      hotspots.push({ node: call, kind: 'sync-zlib', reason: `\`${written}\` on data`, callee: q, evidence: [{ node: call, reason: `\`${written}\` compresses on the calling thread` }] });
    }
  }
  for (const fn of model.functions) {
    const recursion = branchingRecursion(model, fn);
    if (recursion) hotspots.push(recursion);
  }
  hotspots.sort((a, b) => a.node.range[0] - b.node.range[0]);
  return hotspots;
});

function isEmptyStatement(body: Node): boolean {
  return body.type === 'EmptyStatement' || (body.type === 'BlockStatement' && body.body.length === 0);
}

function isConstantData(model: JsModel, expr: Node): boolean {
  const v = model.valueOf(expr);
  return v.type === 'Literal' || (v.type === 'TemplateLiteral' && v.expressions.length === 0);
}

function describeBound(bound: Bound): string {
  switch (bound.kind) {
    case 'const':
      return `over ${bound.n.toLocaleString('en-US')} iterations`;
    case 'data':
      return 'over the data';
    case 'cpus':
      return 'over the CPUs';
    default:
      return 'with an open bound';
  }
}

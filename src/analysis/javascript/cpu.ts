import { fact } from '../core/facts';
import type { Node, TSESTree } from './parse';
import type { JsModel } from './model';
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

// The CPU-heavy code detector (CL104): nested loops, loops over large constant ranges doing
// arithmetic, synchronous key derivation and key generation, synchronous compression of data. Each
// hotspot keeps its evidence (the lines and why). Loops with small constant bounds never count.

export type HotspotKind = 'nested-loops' | 'large-loop' | 'sync-crypto' | 'sync-zlib';

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
      return { kind: 'data' };
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
      const object = unwrap(node.object);
      if (object.type === 'CallExpression' && model.qname(object.callee) === 'os.cpus') return { kind: 'cpus' };
      return { kind: 'data' };
    }
  }
  return null;
}

function collectionBound(model: JsModel, expr: Node): Bound {
  const value = model.valueOf(expr);
  if (value.type === 'ArrayExpression') return { kind: 'const', n: value.elements.length };
  if (value.type === 'CallExpression' || value.type === 'NewExpression') {
    const q = model.qname(value.callee);
    if (q === 'os.cpus') return { kind: 'cpus' };
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
  const stack = [...loopDriver(model, inner)];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'Identifier') {
      const binding = model.resolve(n);
      if (binding && model.contains(outer, binding.id)) return true;
      continue;
    }
    if (isFunction(n)) continue;
    pushChildren(n, stack, WITHOUT_TYPES);
  }
  return false;
}

function line(node: Node): number {
  return node.loc.start.line;
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
    const bound = boundOf(loop);
    if (!isSmall(bound) && !loopAwaits(model, loop)) {
      let inner: Node | undefined;
      for (let j = index + 1; j < loops.length && loops[j].range[0] < loop.range[1]; j++) {
        const other = loops[j];
        if (
          model.contains(loop, other) &&
          (isLoop(loop) || isLoop(other)) &&
          !isSmall(boundOf(other)) &&
          flowFunction(model, other) === flowFunction(model, loop) &&
          !loopAwaits(model, other) &&
          !walksOuterItem(model, loop, other)
        ) {
          inner = other;
          break;
        }
      }
      if (inner) {
        const reason = `nested loops (line ${line(inner)} inside line ${line(loop)})`;
        hotspots.push({
          node: loop,
          kind: 'nested-loops',
          reason,
          evidence: [
            { node: loop, reason: `outer loop ${describeBound(bound)}` },
            { node: inner, reason: `inner loop ${describeBound(boundOf(inner))}` },
          ],
        });
        coveredUntil = loop.range[1];
        continue;
      }
    }
    if (loopAwaits(model, loop)) continue;
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
    if (SYNC_CRYPTO.has(q)) {
      hotspots.push({ node: call, kind: 'sync-crypto', reason: `\`${q}\``, callee: q, evidence: [{ node: call, reason: `\`${q}\` runs on the calling thread` }] });
    } else if (ZLIB_SYNC.test(q) && call.arguments[0] && !isConstantData(model, call.arguments[0])) {
      hotspots.push({ node: call, kind: 'sync-zlib', reason: `\`${q}\` on data`, callee: q, evidence: [{ node: call, reason: `\`${q}\` compresses on the calling thread` }] });
    }
  }
  hotspots.sort((a, b) => a.node.range[0] - b.node.range[0]);
  return hotspots;
});

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

/** Hotspots a function runs: in its body (nested callbacks included) and in the same-file functions it calls. */
export function hotspotsOf(model: JsModel, fn: FunctionNode | null, seen = new Set<FunctionNode | null>()): Hotspot[] {
  if (seen.has(fn)) return [];
  seen.add(fn);
  const out: Hotspot[] = [];
  const within = (n: Node): boolean => (fn ? model.contains(fn, n) : true);
  for (const h of cpuHotspots(model)) if (within(h.node)) out.push(h);
  for (const call of model.calls) {
    if (call.type !== 'CallExpression' || !within(call)) continue;
    const target = model.functionOf(call.callee);
    if (target && target !== fn && !(fn && model.contains(fn, target))) out.push(...hotspotsOf(model, target, seen));
  }
  return out;
}

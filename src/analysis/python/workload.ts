import { type PyNode, childByField, namedChildren, walk } from './syntax';
import { type Binding, type CallInfo, type ClassInfo, type FunctionInfo, type PythonModel, type Value, isLoopNode } from './model';
import { type TaskSite, classAncestry, isDelayed, targetFunction, taskSites } from './tasks';
import { fact } from '../core/facts';
import { type Effect, callEffect } from './effects';
import { CALLS_ARGUMENT_AFTER, RUNS_FOREVER, methodByName } from './effects/methods';
import { libraryName, receiverType, typeOfValue, valueOf } from './effects/receivers';
import { hasOwnEntry, methodEffect, resultType } from './effects';
import { canonicalName } from './names';
import { OPERATOR_CLASSES, operatorArgument } from './effects/native';
import { type ConstructedWith, constructedWith } from './constructed-with';

// Workload classification (README.md, "How the analyzer decides"): what kind of work a task
// callable does, with the evidence. Every call is looked up in the effect catalogue (effects/)
// or followed into workspace code; loops are judged by whether their work grows with the input.
// The class is the one the dominant evidence gives: `unknown` means the decisive work is in code
// the analyzer cannot see, not that it saw one call it does not know. Precision beats recall:
// CL101 fires on `cpu` and CL102 on `io`, so a `cpu` needs every call accounted for.

export type WorkloadKind = 'io' | 'cpu' | 'native' | 'trivial' | 'mixed' | 'unknown';

export interface Evidence {
  kind: 'io' | 'cpu' | 'native' | 'unknown';
  path: string;
  node: PyNode;
  reason: string;
  /** An `io` that waits on another thread or process (a queue's `get`, a join), not on the outside. */
  waitsOnWorker?: boolean;
}

export interface Workload {
  kind: WorkloadKind;
  evidence: Evidence[];
}

/** What the classifier keeps about each piece of evidence, beyond what it reports. */
interface Item extends Evidence {
  /**
   * io: `io` (waits on the network, a child, a timer), `file` (a local file's contents), `fs`
   * (metadata), `wait` (another thread). cpu: `strong` (a loop over the input, branching recursion) or `light` (one call of
   * a library that works on its input). unknown: `dominant` (the call may decide the class) or
   * `minor`.
   */
  grade: 'io' | 'file' | 'fs' | 'wait' | 'strong' | 'light' | 'dominant' | 'minor' | 'native';
  /** A dominant unknown that is a callable the function was handed: its callers choose it. */
  callback?: boolean;
  /**
   * A minor unknown that only says the function is long: straight-line code with no I/O, no loops
   * and no unseen calls does a bounded amount of work, which a caller weighs as a cheap call.
   */
  bounded?: boolean;
  /**
   * A minor unknown that only says a pass over the input does little work per item, with every
   * call in it seen (`[x[i] for i in key]`): pure-Python work that grows with the input but too
   * little to call CPU-bound. It does not outweigh the I/O or native work beside it; alone it
   * leaves the class unknown.
   */
  slight?: boolean;
}

/** Why a call leaves the class open: decided in `run` once the loops around the call are known. */
interface Verdict {
  reason: string;
  dominant: boolean;
  /** A callable the function was handed (Item.callback). */
  callback?: boolean;
  /** A light pass over the input with every call seen (Item.slight). */
  slight?: boolean;
}

/** A classified function with the grades the callers need. */
interface Summary extends Workload {
  items: Item[];
}

const ARITHMETIC_OPS = new Set(['+', '-', '*', '/', '//', '%', '**', '<<', '>>', '&', '|', '^', '@']);
const AUG_ARITHMETIC_OPS = new Set(['+=', '-=', '*=', '/=', '//=', '%=', '**=', '<<=', '>>=', '&=', '|=', '^=']);
const STRING_LITERALS = new Set(['string', 'concatenated_string']);
const NUMBER_LITERALS = new Set(['integer', 'float', 'true', 'false', 'none']);
const LITERAL_COLLECTIONS = new Set(['list', 'tuple', 'set', 'string', 'dictionary', 'concatenated_string']);
const SCOPE_NODES = new Set(['function_definition', 'lambda', 'class_definition']);

/** Within one kind of evidence, the order it is cited in. */
const GRADE_ORDER: Item['grade'][] = ['dominant', 'strong', 'io', 'file', 'native', 'fs', 'wait', 'light', 'minor'];

// A `range(k)` with a literal k below this does too little to matter on its own.
const SMALL_LITERAL_RANGE = 1000;

// Call chains deeper than this are not followed: the answer is `unknown` (and no stack overflow).
const MAX_CALL_DEPTH = 48;

// Trivial means a handful of statements: `return n * n`, not a long function of cheap calls.
const TRIVIAL_STATEMENTS = 5;

/** Builtin exceptions and warnings: constructing one is cheap, and `raise X(...)` does nothing else. */
const BUILTIN_EXCEPTIONS = /^(?:[A-Z]\w*(?:Error|Exception|Warning|Exit|Interrupt)|StopIteration|StopAsyncIteration|GeneratorExit|NotImplemented)$/;

/** Builtins the model does not list (it resolves only the common ones to `builtins.x`). */
const MORE_BUILTINS = new Set([
  'issubclass', 'delattr', 'globals', 'locals', 'object', 'memoryview', 'slice', 'staticmethod',
  'classmethod', 'property', 'sorted', 'exit', 'quit', 'breakpoint', 'ascii', 'aiter', 'anext',
]);

/** A worker's own `run`, called from a subclass: it runs the `target=` callable, whatever that is. */
const RUNS_TARGET = new Set(['threading.Thread.run', 'multiprocessing.Process.run', 'multiprocessing.process.BaseProcess.run']);

/** Calls that run a coroutine or callable they are given: the work is that argument's. */
const RUNNERS = new Set(['asyncio.run', 'asyncio.get_event_loop.run_until_complete', 'asyncio.new_event_loop.run_until_complete']);

/**
 * The workload of a function. `selfClass` is the class of the object it runs on when that is a
 * subclass of the class defining it (`Worker()` whose inherited `run` calls `self.work()`):
 * `self.m()` then dispatches to the subclass's `m`, as Python does. `given`: the callables the
 * instance was constructed with (constructed-with.ts): the `target=` its `run()` reaches through
 * `super().run()` or `Thread.run(self)`, and the ones its `__init__` stored on `self`.
 */
export function classifyWorkload(fn: FunctionInfo, selfClass: ClassInfo | null = null, given: ConstructedWith | null = null, params: ParamTypes = NO_PARAMS): Workload {
  const summary = classify(fn, new Set(), selfClass, given, params);
  return { kind: summary.kind, evidence: summary.evidence };
}

/** The workload of what a task site runs, with the subclass the site instantiates (if any). */
/** The map-like task site (results waited for) a call makes, by the call's node. */
const mapLikeSites = fact((model: PythonModel): Map<PyNode, TaskSite> => new Map(taskSites(model).filter((s) => s.isMapLike).map((s) => [s.call.node, s])));

/**
 * The calls that only hand a map-like site its work: joblib's `Parallel(n_jobs=2)` whose result
 * is called, `delayed(f)` and `delayed(f)(x)`. The site's target is weighed once, for the site.
 */
const sitePlumbing = fact((model: PythonModel): Set<PyNode> => {
  const out = new Set<PyNode>();
  for (const site of mapLikeSites(model).values()) {
    if (site.api !== 'Parallel') continue;
    const callee = childByField(site.call.node, 'function');
    if (callee?.type === 'call') out.add(callee);
    walk(site.call.node, (node) => {
      if (node.type !== 'call') return;
      const call = model.callAt(node);
      const inner = childByField(node, 'function');
      const applied = inner?.type === 'call' ? model.callAt(inner) : undefined;
      if ((call && isDelayed(model, call)) || (applied && isDelayed(model, applied))) out.add(node);
    });
  }
  return out;
});

function mapLikeSiteAt(model: PythonModel, node: PyNode): TaskSite | undefined {
  return mapLikeSites(model).get(node);
}

export function siteWorkload(model: PythonModel, site: TaskSite): Workload | null {
  const fn = targetFunction(site.target);
  return fn ? classifyWorkload(fn, siteClass(model, site), siteConstructedWith(model, site), siteParamTypes(model, site, fn)) : libraryCallableWorkload(model, site);
}

/**
 * A library's callable handed over as it is (`to_thread.run_sync(self._fp.read, n)`,
 * `submit(os.link, a, b)`, `Thread(target=sock.recv, …)`): the task is that one call, so its class
 * is the catalogue's effect of it, found as for a call in a function's body (by the receiver's
 * type, else by the qualified name). Only effects that decide a class on their own: I/O, waits and
 * native work. A CPU-bound library call depends on the size of what it is given, and a neutral one
 * only says it does not decide: both stay unknown.
 */
export function libraryCallableWorkload(model: PythonModel, site: TaskSite): Workload | null {
  const node = site.callableNode;
  if (!node || site.target.kind !== 'unresolved' || (node.type !== 'attribute' && node.type !== 'identifier')) return null;
  const scope = site.call.scope;
  const solver = solverWorkload(model, node, scope, site.callArguments?.positional ?? []);
  if (solver) return solver;
  let effect: Effect | null = null;
  const object = node.type === 'attribute' ? childByField(node, 'object') : null;
  const attribute = node.type === 'attribute' ? childByField(node, 'attribute') : null;
  if (object && attribute) {
    const type = typeOfValue(valueOf(model, object, scope, 0));
    if (type) effect = methodEffect(type, model.text(attribute));
  }
  if (!effect) {
    const value = valueOf(model, node, scope, 0);
    if (value.kind === 'ref') effect = callEffect(value.name);
  }
  const text = model.text(node);
  const evidence = (kind: Evidence['kind'], reason: string, waits = false): Workload => ({
    kind,
    evidence: [{ kind, path: model.path, node, reason, ...(waits ? { waitsOnWorker: true } : {}) }],
  });
  switch (effect) {
    case 'io':
    case 'file':
      return evidence('io', `the task is \`${text}\` itself, which blocks on I/O`);
    case 'fs':
      return evidence('io', `the task is \`${text}\` itself, which asks the file system`);
    case 'wait':
      return evidence('io', `the task is \`${text}\` itself, which waits for another thread or process`, true);
    case 'native':
      return evidence('native', `the task is \`${text}\` itself, which runs in native code that releases the GIL`);
    default:
      return null;
  }
}

/** What the operator handed to a solver of `operatorArgument` does on each step. */
type Operator = { kind: 'array' } | { kind: 'functions'; fns: FunctionInfo[] } | null;

/**
 * An array or sparse matrix a native call made (`sp.csr_matrix(X)`, `X.T @ X` is not known), or
 * a `LinearOperator` built on functions of the tree (`LinearOperator(shape, matvec=mv)`); null
 * when the analyzer cannot tell what the operator is.
 */
function operatorOf(model: PythonModel, node: PyNode, scope: CallInfo['scope']): Operator {
  const value = valueOf(model, node, scope, 0);
  if (value.kind !== 'instance' || value.cls) return null;
  const name = canonicalName(value.of);
  if (OPERATOR_CLASSES.has(name)) {
    const made = value.origin?.type === 'call' ? model.callAt(value.origin) : undefined;
    if (!made || name !== 'scipy.sparse.linalg.LinearOperator') return null;
    // LinearOperator(shape, matvec, rmatvec, matmat, dtype, rmatmat)
    const given = [
      made.kwargs.get('matvec') ?? made.args[1],
      made.kwargs.get('rmatvec') ?? made.args[2],
      made.kwargs.get('matmat') ?? made.args[3],
      made.kwargs.get('rmatmat') ?? made.args[5],
    ].filter((n): n is PyNode => !!n);
    const fns = given.map((n) => {
      const v = valueOf(model, n, made.scope, 0);
      return v.kind === 'function' ? v.fn : v.kind === 'lambda' ? model.functionOf(v.node) : null;
    });
    return fns.length > 0 && fns.every((f) => !!f) ? { kind: 'functions', fns: fns as FunctionInfo[] } : null;
  }
  return operatorArgument(name) === null && callEffect(name) === 'native' ? { kind: 'array' } : null;
}

/** The one class the functions of an operator agree on, when it decides (not unknown, not trivial). */
function operatorKind(kinds: WorkloadKind[]): WorkloadKind | null {
  const first = kinds[0];
  return first && ['io', 'cpu', 'native', 'mixed'].includes(first) && kinds.every((k) => k === first) ? first : null;
}

/**
 * A solver handed over as the task (`delayed(lsqr)(A, b)`): its class is its operator's. Null
 * when the callable is not such a solver.
 */
function solverWorkload(model: PythonModel, node: PyNode, scope: CallInfo['scope'], args: PyNode[]): Workload | null {
  const value = valueOf(model, node, scope, 0);
  const index = value.kind === 'ref' ? operatorArgument(canonicalName(value.name)) : null;
  if (index === null) return null;
  const text = model.text(node);
  const arg = args[index];
  const operator = arg ? operatorOf(model, arg, scope) : null;
  const evidence = (kind: Evidence['kind'], reason: string): Evidence => ({ kind, path: model.path, node, reason });
  if (operator?.kind === 'array') {
    return { kind: 'native', evidence: [evidence('native', `the task is \`${text}\` itself, on an array a native call made: native code that releases the GIL`)] };
  }
  if (operator?.kind === 'functions') {
    const inner = operator.fns.map((fn) => classifyWorkload(fn));
    const kind = operatorKind(inner.map((w) => w.kind));
    if (kind) {
      const why = evidence(kind === 'mixed' ? 'io' : (kind as Evidence['kind']), `the task is \`${text}\` itself, which applies the operator's functions on every step: their work is the task's`);
      return { kind, evidence: [why, ...inner.flatMap((w) => w.evidence)] };
    }
  }
  return { kind: 'unknown', evidence: [evidence('unknown', `the task is \`${text}\` itself, which applies the operator it is given on every step: the work is that operator's, which the analyzer cannot tell`)] };
}

/**
 * The catalogue types of the arguments a task site calls its function with (`submit(f, sock)`,
 * `delayed(f)(clone(est), X)`), by parameter name. Through `partial(f, a)`, the bound ones.
 */
export function siteParamTypes(model: PythonModel, site: TaskSite, fn: FunctionInfo): ParamTypes {
  if (!site.callArguments || site.target.kind !== 'function' || site.target.fn !== fn) return NO_PARAMS;
  const { positional, keywords } = site.callArguments;
  // `target=self._reader` (a bound method): the instance is its first parameter, not an argument.
  const decorated = fn.node.parent?.type === 'decorated_definition' ? fn.node.parent : null;
  const isStatic = !!decorated?.children.some((d) => d.type === 'decorator' && fn.model.text(d) === '@staticmethod');
  const bound = !!fn.parentClass && !isStatic && site.callableNode?.type === 'attribute';
  return argumentTypes(fn, positional, keywords, (node) => valueType(model, node, site.call.scope), bound ? 1 : 0);
}

/**
 * What an argument is, for a parameter's type: a catalogued type, or an instance of a class of the
 * tree (`args=(self,)` in a method, `w = Worker(...)`; `submit(run, w)`).
 */
function valueType(model: PythonModel, node: PyNode, scope: CallInfo['scope']): ParamType | null {
  const value = valueOf(model, node, scope, 0);
  const type = typeOfValue(value);
  if (type) return type;
  if (value.kind === 'instance' && value.cls) return { cls: value.cls };
  return extensionInstance(model, value) ?? selfClassOf(model, node);
}

/** `self` in a method: an instance of the method's class (or of a subclass: the calls dispatch there). */
function selfClassOf(model: PythonModel, node: PyNode): ParamType | null {
  if (node.type !== 'identifier') return null;
  const name = model.text(node);
  const scope = model.scopeOfNode(node);
  const binding = model.lookup(name, scope, node);
  if (binding?.kind !== 'param') return null;
  const fn = model.functionOf(binding.node.parent?.parent ?? binding.node);
  if (!fn?.parentClass || fn.params[0] !== name || model.bindingScope(name, scope) !== fn.scope) return null;
  const decorated = fn.node.parent?.type === 'decorated_definition' ? fn.node.parent : null;
  if (decorated?.children.some((d) => d.type === 'decorator' && /^@(?:staticmethod|classmethod)$/.test(model.text(d)))) return null;
  return { cls: fn.parentClass };
}

/** `Worker(target=f)` for a Thread/Process subclass whose `run()` hands over to the base's: `f`. */
export function siteGivenTarget(model: PythonModel, site: TaskSite): FunctionInfo | null {
  return siteConstructedWith(model, site)?.target ?? null;
}

/** What the instance a task site runs on was constructed with: `Worker(f)`, or `w = Worker(f)` for `target=w.run`. */
export function siteConstructedWith(model: PythonModel, site: TaskSite): ConstructedWith | null {
  const cls = siteClass(model, site);
  if (!cls) return null;
  if (site.api === 'subclass') return constructedWith(model, site.call, cls);
  const node = site.callableNode;
  const object = node?.type === 'attribute' ? childByField(node, 'object') : null;
  const value = object ? model.resolve(object, site.call.scope) : null;
  const origin = value?.kind === 'instance' && value.origin?.type === 'call' ? model.callAt(value.origin) : undefined;
  return origin ? constructedWith(model, origin, cls) : null;
}

/** The class a task site makes an instance of: `Worker()` for a Thread subclass, `obj` in `target=obj.run`. */
export function siteClass(model: PythonModel, site: TaskSite): ClassInfo | null {
  if (site.api === 'subclass') {
    if (site.call.target.kind === 'class') return site.call.target.cls;
    return site.call.qualified ? model.importedClass(site.call.qualified)?.cls ?? null : null;
  }
  const node = site.callableNode;
  const object = node?.type === 'attribute' ? childByField(node, 'object') : null;
  if (!object) return null;
  const value = model.resolve(object, site.call.scope);
  return value.kind === 'instance' && value.cls ? value.cls : null;
}

/** What a parameter is known to hold: a catalogue type's name, or an instance of a class of the tree. */
export type ParamType = string | { cls: ClassInfo } | { native: string };

/** The types of a function's parameters, known from the call that runs it. */
export type ParamTypes = ReadonlyMap<string, ParamType>;
const NO_PARAMS: ParamTypes = new Map();

/** Binds argument types to a function's parameter names (positional from `offset`, then keywords). */
function argumentTypes(fn: FunctionInfo, positional: PyNode[], keywords: Map<string, PyNode>, typeOf: (node: PyNode) => ParamType | null, offset: number): ParamTypes {
  const types = new Map<string, ParamType>();
  const params = fn.params.slice(offset);
  for (let i = 0; i < positional.length && i < params.length; i++) {
    // After `*args` the positions no longer line up.
    if (positional[i].type === 'list_splat' || positional[i].type === 'dictionary_splat') break;
    const type = typeOf(positional[i]);
    if (type) types.set(params[i], type);
  }
  for (const [name, node] of keywords) {
    const type = fn.params.includes(name) ? typeOf(node) : null;
    if (type) types.set(name, type);
  }
  return types.size > 0 ? types : NO_PARAMS;
}

function paramsKey(params: ParamTypes): string {
  const key = (v: ParamType): string => (typeof v === 'string' ? v : 'cls' in v ? `cls${idOf(v.cls)}` : `native:${v.native}`);
  return params.size === 0 ? '' : [...params].map(([k, v]) => `${k}:${key(v)}`).sort().join(',');
}

const functionIds = new WeakMap<FunctionInfo | ClassInfo, number>();
let nextFunctionId = 1;
function idOf(fn: FunctionInfo | ClassInfo | null): number {
  if (!fn) return 0;
  let id = functionIds.get(fn);
  if (id === undefined) functionIds.set(fn, (id = nextFunctionId++));
  return id;
}

/** A memo key for what an instance was given (the same callables give the same key). */
function givenKey(given: ConstructedWith | null): string {
  if (!given) return '';
  const stored = [...given.stored].map(([name, fn]) => `${name}=${idOf(fn)}`).sort();
  return `${idOf(given.target)}|${stored.join(',')}`;
}

// Filled by `classify` itself: what it may not cache (a cut-off chain) it leaves out. Keyed by
// function, then by the subclass it runs on (null: its own class), then by what the instance
// was constructed with ('' : nothing known).
const classified = fact((_: PythonModel) => new Map<FunctionInfo, Map<ClassInfo | null, Map<string, Summary>>>());

function classify(fn: FunctionInfo, visiting: Set<FunctionInfo>, subclass: ClassInfo | null, given: ConstructedWith | null = null, params: ParamTypes = NO_PARAMS): Summary {
  const selfClass = subclass === fn.parentClass ? null : subclass;
  // Only methods run on the instance: elsewhere what it was given means nothing.
  const target = fn.parentClass ? given : null;
  const key = `${givenKey(target)}#${paramsKey(params)}`;
  const memo = classified(fn.model);
  let byClass = memo.get(fn);
  if (!byClass) memo.set(fn, (byClass = new Map()));
  let byTarget = byClass.get(selfClass);
  if (!byTarget) byClass.set(selfClass, (byTarget = new Map()));
  const cached = byTarget.get(key);
  if (cached) return cached;
  if (visiting.size >= MAX_CALL_DEPTH) {
    // Not memoized: from a shallower caller the same function may be fully classifiable.
    const item: Item = { kind: 'unknown', grade: 'dominant', node: fn.node, path: fn.model.path, reason: `call chain deeper than ${MAX_CALL_DEPTH} functions` };
    return { kind: 'unknown', evidence: [item], items: [item] };
  }
  visiting.add(fn);
  const result = new Classifier(fn, visiting, selfClass, target, params).run();
  visiting.delete(fn);
  byTarget.set(key, result);
  return result;
}

/** How many times a loop runs, as far as its header tells. */
type LoopSize =
  | 'small' // a literal collection, a short literal range
  | 'large' // a long literal range: every pass counts, even a counter's
  | 'count' // range(n) with n from the input: the loop is the work, as for `large`
  | 'data' // a collection (or a `while` condition) of unknown size: work on the items counts
  | 'unbounded'; // `while True`: runs until something breaks it (a server or consumer loop)

interface LoopFacts {
  node: PyNode;
  size: LoopSize;
  /** Arithmetic that grows with the input (per LoopSize), in the loop or loops nested in it. */
  ops: number;
  /** Comparisons of items: work only when loops over the input nest (a sort, a search). */
  compares: number;
  /** Library calls on the items that hold the GIL (`re.search(p, line)`). */
  cpuCalls: PyNode[];
  /** A call in the body into native code: the pass's time goes there. */
  native: boolean;
  /** A call in the body that does I/O (even a stat): the loop is paced by it, not by its arithmetic. */
  io: boolean;
  /**
   * A call in the body that waits on the network, a child or a timer: it outweighs a call the
   * analyzer cannot see on the same pass. Reading a file does not (parsing it may take longer).
   */
  remote: boolean;
  /** A call in the body that blocks, waits, or runs native or unseen code: the pass is not a bare spin. */
  paced: boolean;
  nested: boolean;
}

class Classifier {
  private readonly model: PythonModel;
  private readonly items: Item[] = [];
  /** Each call's effect, for the loops around it. */
  private readonly effects = new Map<PyNode, Effect | 'unknown'>();
  private readonly recursiveCalls: CallInfo[] = [];
  private readonly loops: LoopFacts[] = [];

  constructor(
    private readonly fn: FunctionInfo,
    private readonly visiting: Set<FunctionInfo>,
    /** The subclass `self` is an instance of, when not the function's own class. */
    private readonly selfClass: ClassInfo | null,
    /** What the instance was constructed with, when known. */
    private readonly given: ConstructedWith | null = null,
    /** The catalogue types of parameters, from the call that runs the function. */
    private readonly params: ParamTypes = NO_PARAMS,
  ) {
    this.model = fn.model;
  }

  run(): Summary {
    const calls = this.model.callsIn(this.fn);
    const unknowns: (Verdict & { call: CallInfo })[] = [];
    for (const call of calls) {
      const verdict = this.classifyCall(call);
      if (verdict) unknowns.push({ call, ...verdict });
    }
    this.collectLoops();
    this.classifyLoops();
    this.classifyRecursion();
    // Whether an unknown call may decide the class depends on the loops around it.
    for (const { call, reason, dominant, callback, slight } of unknowns) {
      const inLoop = this.unpacedLoopAround(call.node);
      const grade = dominant || inLoop ? 'dominant' : 'minor';
      const where = inLoop && !dominant ? `${reason}, on every pass of the loop at line ${inLoop.startRow + 1}` : reason;
      this.add('unknown', grade, call.node, where);
      if (callback && !inLoop) this.items[this.items.length - 1].callback = true;
      if (slight && !inLoop) this.items[this.items.length - 1].slight = true;
    }
    return this.conclude();
  }

  private add(kind: Evidence['kind'], grade: Item['grade'], node: PyNode, reason: string): void {
    this.items.push({ kind, grade, node, reason, path: this.model.path });
  }

  private line(node: PyNode): number {
    return node.startRow + 1;
  }

  // ---- calls ------------------------------------------------------------------------------

  /** Records what a call does; returns the reason when the analyzer cannot tell (decided later). */
  private classifyCall(call: CallInfo): Verdict | null {
    const line = this.line(call.node);
    const calleeText = this.model.text(call.callee);
    const unknown = (reason: string, dominant = false, callback = false): Verdict => {
      this.effects.set(call.node, 'unknown');
      return { reason, dominant, callback };
    };
    // `raise ValueError(...)` builds the exception and leaves: nothing to weigh.
    if (call.node.parent?.type === 'raise_statement') return this.neutral(call);
    // Error handling (`except OSError: log.write(...)`) runs when something failed, not as the work.
    if (this.inExceptHandler(call.node)) return this.neutral(call);
    const instance = this.dispatched(call) ? null : this.onParamInstance(call);
    const target = this.dispatched(call) ?? (instance ? { kind: 'function' as const, fn: instance.fn } : call.target);
    if (target.kind === 'function') {
      const callee = target.fn;
      if (callee === this.fn) {
        this.recursiveCalls.push(call);
        return this.neutral(call);
      }
      // Mutual recursion: the caller further up is being classified and weighs this call itself.
      if (this.visiting.has(callee)) return this.neutral(call);
      // The tree may be a catalogued library itself: a function the catalogue names on its own
      // (`sklearn.base.clone`) is what the catalogue says, as it is for the library's users.
      const own = libraryName(callee);
      if (own && hasOwnEntry(own)) return this.record(call, callEffect(own)!);
      return this.workspaceCall(call, callee, instance?.cls ?? null);
    }
    if (target.kind === 'lambda') {
      const lambda = this.model.functionOf(target.node);
      return lambda ? this.workspaceCall(call, lambda) : unknown(`calls a lambda at line ${line}`);
    }
    if (target.kind === 'class') {
      const init = this.model.classMember(target.cls, '__init__')?.fn;
      if (init && init !== this.fn && !this.visiting.has(init)) return this.workspaceCall(call, init);
      return this.neutral(call);
    }
    if (RUNNERS.has(call.qualified ?? '') || call.method === 'run_until_complete') {
      // `asyncio.run(main())`: the work is the coroutine's, and `main()` is a call of its own.
      const coroutine = call.args[0] ? this.model.callAt(call.args[0]) : undefined;
      if (coroutine && (coroutine.target.kind === 'function' || coroutine.target.kind === 'lambda')) return this.neutral(call);
      return unknown(`runs a coroutine the analyzer cannot see into at line ${line}`, true);
    }
    if (call.qualified && RUNS_TARGET.has(call.qualified)) {
      // `Thread.run(self)`: the target this very instance was given.
      if (this.given?.target && this.isSelf(call.args[0] ?? null)) return this.targetCall(call, this.given.target);
      return unknown(`\`${calleeText}\` runs the target the thread or process was given (line ${line}): the work is that callable's`, true);
    }
    if (call.method && call.receiverNode?.type === 'call' && this.model.text(childByField(call.receiverNode, 'function') ?? call.receiverNode) === 'super') {
      return this.superCall(call);
    }
    // `ex.map(fetch, urls)`, `Parallel()(delayed(f)(x) for x in xs)`: a pool this function runs
    // and waits for does the target's work on its behalf, so this call's work is the target's.
    if (sitePlumbing(this.model).has(call.node)) return this.neutral(call);
    const nested = mapLikeSiteAt(this.model, call.node);
    const nestedTarget = nested ? targetFunction(nested.target) : null;
    if (nestedTarget) {
      if (nestedTarget === this.fn || this.visiting.has(nestedTarget)) return this.neutral(call);
      return this.workspaceCall(call, nestedTarget, null, NO_PARAMS);
    }
    // `self.assertRaises(E, f, x)` calls `f(x)`: the work is that call's.
    const ran = this.argumentCall(call);
    if (ran) return this.classifyCall(ran);
    const solver = call.qualified ? operatorArgument(canonicalName(call.qualified)) : null;
    if (solver !== null) return this.solverCall(call, solver);
    // `wait = cond.wait` (then `wait()`): the method of the object the alias was taken from,
    // looked up by that object's type before the name the model gives the alias.
    const alias = this.aliasedMethod(call);
    const effect = (alias ? this.libraryEffect(alias) : null) ?? this.libraryEffect(call);
    if (effect) return this.record(call, effect);
    // A name the model leaves as a dotted reference may be a function of another file of the tree
    // (`threadable.isInIOThread()` after `from twisted.python import threadable`).
    const followed = valueOf(this.model, call.callee, call.scope, 0);
    if (followed.kind === 'function' && followed.fn !== this.fn && !this.visiting.has(followed.fn)) return this.workspaceCall(call, followed.fn);
    if (followed.kind === 'class') {
      const init = followed.cls.methods.get('__init__') ?? this.model.classMember(followed.cls, '__init__')?.fn;
      return init && !this.visiting.has(init) ? this.workspaceCall(call, init) : this.neutral(call);
    }
    if (this.callsExtension(call)) return this.record(call, 'native');
    const byName = this.methodNameEffect(alias ?? call);
    if (byName) return this.record(call, byName);
    if (call.method && RUNS_FOREVER.has(call.method)) {
      return unknown(`\`${calleeText}\` runs until the program stops it (line ${line}): the task is whatever it serves`, true);
    }
    if (call.callee.type === 'identifier') {
      const name = calleeText;
      const binding = this.model.lookup(name, call.scope, call.node);
      if (binding?.kind === 'assign' && !binding.value && this.unpackedFromNative(binding.node)) {
        // `swap, nrm2 = get_blas_funcs(...)`: routines a native library handed out.
        return this.record(call, 'native');
      }
      const constructed = binding?.kind === 'param' ? this.classmethodClass(binding.node) : null;
      if (constructed) {
        // `cls(...)` in a classmethod constructs the class.
        const init = this.model.classMember(constructed, '__init__')?.fn;
        return init && init !== this.fn && !this.visiting.has(init) ? this.workspaceCall(call, init) : this.neutral(call);
      }
      if (!binding && (BUILTIN_EXCEPTIONS.test(name) || MORE_BUILTINS.has(name))) {
        if (name === 'sorted') return this.record(call, 'cpu');
        return this.neutral(call);
      }
      if (binding?.kind === 'param') {
        return unknown(`calls \`${name}\`, a callable passed in, at line ${line}: the work is whatever it does`, true, true);
      }
    }
    const stored = this.storedCallable(call);
    if (stored) return this.targetCall(call, stored);
    if (this.isStoredCallable(call)) {
      return unknown(`calls \`${calleeText}\`, a callable the object was given, at line ${line}: the work is whatever it does`, true, true);
    }
    return unknown(`calls \`${calleeText}\`, which the analyzer cannot see into (line ${line})`);
  }

  /**
   * A call of a local alias of a bound method (`wait = cond.wait`, `append = self.items.append`,
   * hoisted out of a loop for speed): the call as if written `cond.wait()`, on the receiver the
   * alias was taken from. Only a name bound once in its scope, so the alias is the one called.
   */
  private aliasedMethod(call: CallInfo): CallInfo | null {
    if (call.callee.type !== 'identifier') return null;
    const name = this.model.text(call.callee);
    const owner = this.model.bindingScope(name, call.scope);
    const bindings = owner?.bindings.get(name);
    if (!owner || bindings?.length !== 1 || bindings[0].kind !== 'assign') return null;
    const value = bindings[0].value;
    const object = value?.type === 'attribute' ? childByField(value, 'object') : null;
    const attribute = value?.type === 'attribute' ? childByField(value, 'attribute') : null;
    if (!value || !object || !attribute) return null;
    return { ...call, callee: value, qualified: null, method: this.model.text(attribute), receiverNode: object, receiver: null, scope: this.model.scopeOfNode(value) };
  }

  /**
   * The call a check that runs its argument makes (`assertRaises(E, f, x)`: `f(x)`, see
   * CALLS_ARGUMENT_AFTER), as a call of its own at the same place; null for other calls and for
   * callables that are not a name or an attribute.
   */
  private argumentCall(call: CallInfo): CallInfo | null {
    // `ctx.run(fn, x)` on a `contextvars.Context` calls `fn(x)` in that context.
    const made = call.method === 'run' && call.receiverNode ? valueOf(this.model, call.receiverNode, call.scope, 0) : null;
    const inContext = made?.kind === 'instance' && /^contextvars\.(copy_context|Context)$/.test(made.of) ? 0 : undefined;
    const runs = inContext ?? (call.method ? CALLS_ARGUMENT_AFTER[call.method] : undefined);
    const callee = runs !== undefined ? call.args[runs] : undefined;
    if (runs === undefined || !callee || (callee.type !== 'identifier' && callee.type !== 'attribute')) return null;
    const target = this.model.resolve(callee, call.scope);
    const object = callee.type === 'attribute' ? childByField(callee, 'object') : null;
    const attribute = callee.type === 'attribute' ? childByField(callee, 'attribute') : null;
    return {
      ...call,
      callee,
      target,
      qualified: target.kind === 'ref' ? target.name : null,
      method: attribute ? this.model.text(attribute) : null,
      receiverNode: object,
      receiver: object ? this.model.resolve(object, call.scope) : null,
      args: call.args.slice(runs + 1),
    };
  }

  /** `lsqr(A, b)`: its operator's work (see `operatorArgument`), else unknown: it decides the class. */
  private solverCall(call: CallInfo, index: number): Verdict | null {
    const arg = call.args[index] ?? call.kwargs.get('A');
    const operator = arg ? operatorOf(this.model, arg, call.scope) : null;
    if (operator?.kind === 'array') return this.record(call, 'native');
    if (operator?.kind === 'functions') {
      const kinds = operator.fns.map((fn) => (fn === this.fn || this.visiting.has(fn) ? 'unknown' : classify(fn, this.visiting, null).kind));
      if (operatorKind(kinds)) {
        for (const fn of operator.fns) this.workspaceCall(call, fn);
        return null;
      }
    }
    this.effects.set(call.node, 'unknown');
    const text = this.model.text(call.callee);
    return { reason: `\`${text}\` applies the operator it is given on every step (line ${this.line(call.node)}): the work is that operator's, which the analyzer cannot tell`, dominant: true };
  }

  /** `super().m(...)`: the base class's `m`, in the tree or in a library. */
  private superCall(call: CallInfo): Verdict | null {
    const method = call.method!;
    const line = this.line(call.node);
    const cls = this.model.enclosingClassOfMethod(call.node);
    for (const base of cls?.bases ?? []) {
      const value = this.model.resolve(base, cls!.scope.parent ?? this.model.moduleScope);
      const baseClass = value.kind === 'class' ? value.cls : value.kind === 'ref' ? this.model.importedClass(value.name)?.cls ?? null : null;
      const member = baseClass ? this.model.classMember(baseClass, method) : null;
      if (member?.fn && member.fn !== this.fn && !this.visiting.has(member.fn)) return this.workspaceCall(call, member.fn);
      if (value.kind === 'ref' && RUNS_TARGET.has(`${canonicalName(value.name)}.${method}`)) {
        if (this.given?.target) return this.targetCall(call, this.given.target);
        this.effects.set(call.node, 'unknown');
        return { reason: `\`super().${method}()\` runs the target the thread or process was given (line ${line}): the work is that callable's`, dominant: true };
      }
    }
    if (method === '__init__' || method === '__new__') return this.neutral(call);
    this.effects.set(call.node, 'unknown');
    return { reason: `calls \`super().${method}\`, which the analyzer cannot see into (line ${line})`, dominant: false };
  }

  /** `self.m(...)` on an instance of a subclass: the subclass's `m`, when it overrides it. */
  private dispatched(call: CallInfo): Value | null {
    if (!this.selfClass || !call.method || !this.isSelf(call.receiverNode)) return null;
    const member = this.model.classMember(this.selfClass, call.method);
    return member?.fn ? { kind: 'function', fn: member.fn } : null;
  }

  /** The receiver is the method's `self` (its first parameter, in a method of a class). */
  private isSelf(node: PyNode | null): boolean {
    if (!node || node.type !== 'identifier') return false;
    let fn: FunctionInfo | null = this.fn;
    while (fn && !fn.parentClass && fn.parentFunction) fn = fn.parentFunction;
    return !!fn?.parentClass && fn.params[0] === this.model.text(node);
  }

  private inExceptHandler(node: PyNode): boolean {
    for (let p = node.parent; p && p !== this.fn.node; p = p.parent) {
      if (p.type === 'except_clause' || p.type === 'except_group_clause') return true;
    }
    return false;
  }

  private neutral(call: CallInfo): null {
    this.effects.set(call.node, 'neutral');
    return null;
  }

  /** The catalogue's answer for a library call, by receiver type or qualified name. */
  private libraryEffect(call: CallInfo): Effect | null {
    if (call.method) {
      const type = receiverType(this.model, call) ?? (call.receiverNode ? this.localType(call.receiverNode, 0) : null);
      if (type) {
        const byType = methodEffect(type, call.method);
        if (byType) return byType;
      }
    }
    const byName = call.qualified ? callEffect(call.qualified) : null;
    if (byName) return byName;
    const inherited = this.inheritedEffect(call);
    if (inherited) return inherited;
    // A name the model leaves unresolved, or names after a module of the tree, may still be a
    // library's that another file re-exports (`from .compat import urlopen`).
    const value = valueOf(this.model, call.callee, call.scope, 0);
    return value.kind === 'ref' && value.name !== call.qualified ? callEffect(value.name) : null;
  }

  /**
   * `self.assertEqual(...)` in a `unittest.TestCase` subclass, or a method called on an instance
   * of a class of the tree: a method no class of the tree defines, inherited from a catalogued
   * library class the tree's classes derive from.
   */
  private inheritedEffect(call: CallInfo): Effect | null {
    if (!call.method || !call.receiverNode) return null;
    const cls = this.isSelf(call.receiverNode) ? this.model.enclosingClassOfMethod(call.node) : this.instanceClass(call.receiverNode, call.scope);
    if (!cls || this.model.classMember(cls, call.method)) return null;
    // `assertRaises(E, f, x)` runs `f`: its work is that callable's, not the assertion's.
    const runs = CALLS_ARGUMENT_AFTER[call.method];
    if (runs !== undefined && call.args.length > runs) return null;
    for (const base of libraryBases(this.model, cls)) {
      const effect = methodEffect(base, call.method);
      if (effect) return effect;
    }
    return null;
  }

  /** The class of the tree a receiver is an instance of (`server = Server(...)`; `server.serve()`). */
  private instanceClass(node: PyNode, scope: CallInfo['scope']): ClassInfo | null {
    const value = valueOf(this.model, node, scope, 0);
    return value.kind === 'instance' && value.cls ? value.cls : null;
  }

  /**
   * The catalogue type of a name the call running this function decides: a parameter it was
   * given a known object for, or a local made from one (`est = est.set_params(...)`).
   */
  private localType(node: PyNode, depth: number): string | null {
    if (this.params.size === 0 || depth > 4) return null;
    if (node.type === 'attribute') {
      // `worker.log` on a parameter known to hold an instance of a class of the tree.
      const object = childByField(node, 'object');
      const attr = childByField(node, 'attribute');
      const cls = object ? this.localClass(object, depth + 1) : null;
      const member = cls && attr ? this.model.classMember(cls, this.model.text(attr)) : null;
      return member?.attribute ? typeOfValue(valueOf(member.model, member.attribute.value, member.attribute.scope, 0)) : null;
    }
    const own = this.ownBinding(node);
    if (!own) return null;
    if (own.kind === 'param') return typeof own.type === 'string' ? own.type : null;
    const value = own.value;
    if (value?.type === 'identifier') return this.localType(value, depth + 1);
    const made = value?.type === 'call' ? this.model.callAt(value) : undefined;
    if (!made?.method || !made.receiverNode) return null;
    const receiver = this.localType(made.receiverNode, depth + 1);
    return receiver ? resultType(`${receiver}.${made.method}`) : null;
  }

  /**
   * The class of the tree a name holds an instance of, where the call running this function
   * decides it: a parameter it was given one for (`submit(run, worker)`), or a local copy of it.
   */
  private localClass(node: PyNode, depth: number): ClassInfo | null {
    if (this.params.size === 0 || depth > 4) return null;
    const own = this.ownBinding(node);
    if (!own) return null;
    if (own.kind === 'param') return own.type && typeof own.type !== 'string' && 'cls' in own.type ? own.type.cls : null;
    return own.value?.type === 'identifier' ? this.localClass(own.value, depth + 1) : null;
  }

  /**
   * A name of this function's own scope: what the call running it gave the parameter, or the
   * value the local was assigned (undefined when bound otherwise). Null for other names.
   */
  private ownBinding(node: PyNode): { kind: 'param'; type: ParamType | undefined } | { kind: 'local'; value: PyNode | undefined } | null {
    if (node.type !== 'identifier') return null;
    const name = this.model.text(node);
    const scope = this.model.scopeOfNode(node);
    if (this.model.bindingScope(name, scope) !== this.fn.scope) return null;
    const binding = this.model.lookup(name, scope, node);
    if (binding?.kind === 'param') return { kind: 'param', type: this.params.get(name) };
    return { kind: 'local', value: binding?.kind === 'assign' ? binding.value : undefined };
  }

  /** What an argument this function passes on is: a catalogued type or an instance of a class of the tree. */
  private argumentType(node: PyNode, scope: CallInfo['scope']): ParamType | null {
    const value = valueOf(this.model, node, scope, 0);
    const type = typeOfValue(value) ?? this.localType(node, 0);
    if (type) return type;
    if (value.kind === 'instance' && value.cls) return { cls: value.cls };
    const cls = this.localClass(node, 0);
    if (cls) return { cls };
    const made = extensionInstance(this.model, value);
    if (made) return made;
    // Handed on as it was handed here (`helper(tree, X)`).
    const own = this.ownBinding(node);
    if (own?.kind === 'param' && typeof own.type === 'object' && 'native' in own.type) return own.type;
    // `helper(self)`: the object this function runs on, of the subclass when that is known.
    if (this.isSelf(node)) return this.selfClass ? { cls: this.selfClass } : selfClassOf(this.model, node);
    return null;
  }

  /** `worker.run()` where `worker` holds an instance of a class of the tree: that class's method, and the class. */
  private onParamInstance(call: CallInfo): { fn: FunctionInfo; cls: ClassInfo } | null {
    if (!call.method || !call.receiverNode) return null;
    const cls = this.localClass(call.receiverNode, 0);
    const member = cls ? this.model.classMember(cls, call.method) : null;
    return cls && member?.fn ? { fn: member.fn, cls } : null;
  }

  /** What a method's name alone says, on a receiver the analyzer does not know. */
  private methodNameEffect(call: CallInfo): Effect | null {
    if (call.method) {
      const first = call.args[0];
      const timeout =
        call.kwargs.has('timeout') ||
        (!!first && (NUMBER_LITERALS.has(first.type) || (first.type === 'identifier' && /timeout/i.test(this.model.text(first)))));
      return methodByName(call.method, call.args.length + call.kwargs.size, timeout);
    }
    return null;
  }

  /**
   * A call into a compiled extension module of the package: `from ._cd_fast import enet_path`,
   * `from . import _tree`, or a method of an object one of its classes made
   * (`builder = _tree.DepthFirstTreeBuilder(...)`; `builder.build(...)`). The package is in the
   * tree but the module has no Python source: it is native code (`.so`, `.pyd`).
   */
  private callsExtension(call: CallInfo): boolean {
    if (fromExtension(this.model, call.callee, call.scope, call.node, 0)) return true;
    // A method of an object one of its classes made, handed to this function (`query(tree, X)`).
    let root: PyNode = call.callee;
    while (root.type === 'attribute') root = childByField(root, 'object') ?? root;
    if (root === call.callee) return false;
    const own = this.ownBinding(root);
    return own?.kind === 'param' && typeof own.type === 'object' && 'native' in own.type;
  }

  /** `a, b = lib.f(...)` where `lib.f` is native: what it unpacks are native too. */
  private unpackedFromNative(assignment: PyNode): boolean {
    const right = assignment.type === 'assignment' ? childByField(assignment, 'right') : null;
    const call = right?.type === 'call' ? this.model.callAt(right) : undefined;
    return !!call?.qualified && callEffect(call.qualified) === 'native';
  }

  /** The class a classmethod's first parameter (`cls`) stands for, when `param` is that parameter. */
  private classmethodClass(param: PyNode): ClassInfo | null {
    const fn = this.model.functionOf(param.parent?.parent ?? param);
    if (!fn?.parentClass || fn.params[0] !== this.model.text(param)) return null;
    const decorated = fn.node.parent?.type === 'decorated_definition' ? fn.node.parent : null;
    const isClassmethod = decorated?.children.some((d) => d.type === 'decorator' && this.model.text(d) === '@classmethod');
    return isClassmethod ? fn.parentClass : null;
  }

  /** `self.action()` where the instance was constructed with a known function as `action`. */
  private storedCallable(call: CallInfo): FunctionInfo | null {
    if (!this.given || call.callee.type !== 'attribute' || !this.isSelf(call.receiverNode)) return null;
    const attr = childByField(call.callee, 'attribute');
    return attr ? this.given.stored.get(this.model.text(attr)) ?? null : null;
  }

  /** `self._func(...)` where `_func` was set from a parameter: a callback the object holds. */
  private isStoredCallable(call: CallInfo): boolean {
    if (call.callee.type !== 'attribute' || !call.receiverNode || this.model.text(call.receiverNode) !== 'self') return false;
    const cls = this.model.enclosingClassOfMethod(call.node);
    const attr = childByField(call.callee, 'attribute');
    const member = cls && attr ? this.model.classMember(cls, this.model.text(attr)) : null;
    const stored = member?.attribute;
    if (!member || !stored || stored.value.type !== 'identifier') return false;
    return member.model.lookup(member.model.text(stored.value), stored.scope, stored.value)?.kind === 'param';
  }

  private record(call: CallInfo, effect: Effect): null {
    const onFile = (c: CallInfo): boolean => !!c.method && receiverType(this.model, c) === 'io.IOBase';
    this.effects.set(call.node, effect);
    const line = this.line(call.node);
    const text = this.model.text(call.callee);
    switch (effect) {
      case 'io':
        this.add('io', 'io', call.node, `\`${text}\` blocks on I/O (line ${line})`);
        break;
      case 'file':
        this.add('io', 'file', call.node, onFile(call) ? `\`.${call.method}()\` on a file does I/O (line ${line})` : `\`${text}\` blocks on I/O (line ${line})`);
        break;
      case 'fs':
        this.add('io', 'fs', call.node, `\`${text}\` asks the file system (line ${line})`);
        break;
      case 'wait':
        this.add('io', 'wait', call.node, `\`${text}\` waits for another thread or process (line ${line})`);
        break;
      case 'native':
        // On literals (`np.zeros(3)`, `np.array((0, 1))`) it does next to nothing.
        if (call.args.length === 0 || call.args.some((a) => !isLiteral(a))) {
          this.add('native', 'native', call.node, `\`${text}\` runs in native code that releases the GIL (line ${line})`);
        }
        break;
      case 'cpu':
        // On literals (`json.loads("{}")`) it does next to nothing.
        if (call.args.some((a) => !isLiteral(a))) this.add('cpu', 'light', call.node, `\`${text}\` is pure-Python work on its input (line ${line})`);
        break;
      case 'neutral':
        break;
    }
    return null;
  }

  /**
   * A call to a function of the tree: its class counts here, at this call. Its evidence becomes
   * this function's (each piece keeps its own path), so a finding cites the loop or the I/O call
   * itself rather than the call that leads there.
   */
  /** The base class's `run()` runs the instance's target: its work is the target's. */
  private targetCall(call: CallInfo, target: FunctionInfo): Verdict | null {
    if (target === this.fn || this.visiting.has(target)) return this.neutral(call);
    return this.workspaceCall(call, target);
  }

  /** `params`: the callee's argument types when `call` does not pass them itself (a pool's map). */
  private workspaceCall(call: CallInfo, callee: FunctionInfo, onClass: ClassInfo | null = null, params?: ParamTypes): { reason: string; dominant: boolean; slight?: boolean } | null {
    const line = this.line(call.node);
    const text = this.model.text(call.callee);
    if (isAbstract(callee)) {
      // `raise NotImplementedError`: the work is in whichever subclass overrides it.
      this.effects.set(call.node, 'unknown');
      return { reason: `calls \`${text}\` (line ${line}), which subclasses implement`, dominant: false };
    }
    // Calls on `self` (`self.m()`, `Base.m(self)`) keep running on the same object, so on the
    // same subclass and with the same target.
    const sameObject = this.isSelf(call.receiverNode) || (call.receiverNode?.type !== 'call' && this.isSelf(call.args[0] ?? null) && callee.parentClass !== null);
    // A method called on an instance a parameter holds runs on that instance's class.
    const subclass = onClass ?? (this.selfClass && sameObject ? this.selfClass : null);
    const inner = classify(callee, this.visiting, subclass, sameObject ? this.given : null, params ?? this.calleeParams(call, callee));
    const adopt = (grades: Item['grade'][]): void => {
      for (const item of inner.items) if (grades.includes(item.grade)) this.items.push(item);
    };
    // Long straight-line code does the same bounded work whatever the input: a cheap call here.
    const bounded = inner.kind === 'unknown' && inner.items.every((i) => i.kind !== 'unknown' || i.bounded);
    // A light pass over the input, every call of it seen: light work here too, unless a loop
    // here repeats it (then it multiplies and may decide the class).
    const slight = !bounded && inner.kind === 'unknown' && inner.items.every((i) => i.kind !== 'unknown' || i.bounded || i.slight);
    switch (bounded ? 'trivial' : inner.kind) {
      case 'trivial':
        return this.neutral(call);
      case 'unknown': {
        this.effects.set(call.node, 'unknown');
        const why = inner.items.find((i) => i.grade === 'dominant') ?? inner.items.find((i) => i.kind === 'unknown');
        return {
          reason: `calls \`${text}\` (line ${line}), whose work the analyzer cannot tell${why ? `: ${why.reason}` : ''}`,
          // Unseen work in the callee's loops may dominate here too; a callback it is handed is
          // chosen by the code that hands it over (`schedule(self._flush)`), not decided here.
          dominant: inner.items.some((i) => i.grade === 'dominant' && !i.callback),
          ...(slight ? { slight: true } : {}),
        };
      }
      case 'io':
        this.effects.set(call.node, (['io', 'file', 'fs', 'wait'] as const).find((g) => inner.items.some((i) => i.grade === g)) ?? 'wait');
        adopt(['io', 'file', 'fs', 'wait']);
        return null;
      case 'cpu':
        this.effects.set(call.node, 'cpu');
        adopt(['strong', 'light']);
        return null;
      case 'native':
        this.effects.set(call.node, 'native');
        adopt(['native']);
        return null;
      case 'mixed':
        this.effects.set(call.node, 'io');
        adopt(['io', 'file', 'fs', 'wait', 'strong', 'native']);
        return null;
    }
  }

  /** The known argument types of a call into the tree, by the callee's parameter names. */
  private calleeParams(call: CallInfo, callee: FunctionInfo): ParamTypes {
    if (callee.isLambda) return NO_PARAMS;
    // A method called on an object (or `cls`) gets it as its first parameter.
    const decorated = callee.node.parent?.type === 'decorated_definition' ? callee.node.parent : null;
    const decorator = (name: string): boolean => !!decorated?.children.some((d) => d.type === 'decorator' && callee.model.text(d) === name);
    // `Base.m(self, x)` passes the instance itself; `Cls.m(x)` on a classmethod does not.
    const onClass = call.receiverNode ? this.model.resolve(call.receiverNode, call.scope).kind === 'class' : false;
    const bound =
      !!callee.parentClass && !decorator('@staticmethod') && (call.target.kind === 'class' || (call.callee.type === 'attribute' && (!onClass || decorator('@classmethod'))));
    return argumentTypes(callee, call.args, call.kwargs, (node) => this.argumentType(node, call.scope), bound ? 1 : 0);
  }

  // ---- loops ------------------------------------------------------------------------------

  private collectLoops(): void {
    for (const loop of this.model.loopsIn(this.fn)) this.loops.push(this.loopFacts(loop));
  }

  private classifyLoops(): void {
    // Outermost first (pre-order); a loop inside one already reported is part of that evidence.
    const reported: PyNode[] = [];
    for (const loop of this.loops) {
      if (reported.some((outer) => contains(outer, loop.node))) continue;
      const verdict = this.loopWork(loop);
      if (verdict) {
        this.add('cpu', 'strong', loop.node, verdict);
        reported.push(loop.node);
      }
    }
  }

  private loopFacts(loop: PyNode): LoopFacts {
    const size = this.iterationSize(loop);
    const inner = this.nestedLoops(loop);
    const countsAll = size === 'large' || size === 'count' || inner.some((l) => ['large', 'count'].includes(this.iterationSize(l)));
    const items = this.itemNames(loop);
    for (const l of inner) for (const name of this.itemNames(l)) items.add(name);
    this.derived(loop, items);
    let ops = 0;
    let compares = 0;
    let io = false;
    let remote = false;
    let paced = false;
    let native = false;
    const cpuCalls: PyNode[] = [];
    // The header runs once (`range(len(xs) - 1)`): only what runs on every pass counts.
    const header = loopHeader(loop);
    walk(loop, (node) => {
      if (SCOPE_NODES.has(node.type) || node === header) return false;
      // What an `except` clause computes runs when a pass failed, not on every pass.
      if (node.type === 'except_clause' || node.type === 'except_group_clause') return false;
      // `coef[idx[: n + 1], k]`: index arithmetic picks the items; it is not work on them.
      if (node.field === 'subscript' && node.parent?.type === 'subscript') return false;
      if (node.type === 'comparison_operator' && this.mentions(node, items)) compares++;
      if (node.type === 'binary_operator') {
        const op = childByField(node, 'operator');
        const left = childByField(node, 'left');
        const right = childByField(node, 'right');
        // `"%s" % x` and `"a" + s` format strings: that is not arithmetic.
        const text = (left && STRING_LITERALS.has(left.type)) || (right && STRING_LITERALS.has(right.type));
        if (op && ARITHMETIC_OPS.has(op.type) && !text && (countsAll || this.mentions(node, items))) ops++;
      } else if (node.type === 'augmented_assignment') {
        const op = childByField(node, 'operator');
        const right = childByField(node, 'right');
        if (op && AUG_ARITHMETIC_OPS.has(op.type) && right && !STRING_LITERALS.has(right.type)) {
          // `hits += 1` counts; it computes nothing from the items.
          if (countsAll || (!NUMBER_LITERALS.has(right.type) && this.mentions(right, items))) ops++;
        }
      } else if (node.type === 'call') {
        const effect = this.effects.get(node);
        if (effect === 'io' || effect === 'file' || effect === 'fs') io = true;
        if (effect === 'io') remote = true;
        if (effect !== undefined && effect !== 'neutral' && effect !== 'cpu') paced = true;
        if (effect === 'native') native = true;
        if (effect === 'cpu' && this.mentions(node, items)) cpuCalls.push(node);
      }
      return true;
    });
    return { node: loop, size, ops, compares, cpuCalls, io, remote, native, paced, nested: inner.some((l) => this.iterationSize(l) !== 'small') };
  }

  /** Why this loop is CPU work, or null when it is not (small, counting only, paced by I/O or native calls). */
  private loopWork(loop: LoopFacts): string | null {
    // A pass that calls native code (`lstsq(...)`, `np.dot(...)`) spends its time there, not in
    // the arithmetic around the call.
    if (loop.io || loop.native || loop.size === 'small' || loop.size === 'unbounded') return null;
    const line = this.line(loop.node);
    const kind = loop.node.type === 'for_statement' || loop.node.type === 'while_statement' ? 'loop' : 'comprehension';
    // Nested loops over the input that compare items (a sort, a search) work on every pair.
    if (loop.nested && loop.ops === 0 && loop.compares > 0) return `nested ${kind} at line ${line} compares every pair of items`;
    if (loop.ops === 0) {
      const call = loop.cpuCalls[0];
      return call ? `${kind} at line ${line} calls \`${this.model.text(childByField(call, 'function') ?? call)}\` on every item` : null;
    }
    if (loop.nested) return `nested ${kind} at line ${line} does pure-Python arithmetic`;
    if (loop.size === 'large') return `${kind} over a large range at line ${line} does pure-Python arithmetic`;
    return `${kind} at line ${line} does pure-Python arithmetic on every item`;
  }

  /** The innermost loop around a node (in this function) that is not small and not paced by remote I/O. */
  private unpacedLoopAround(node: PyNode): PyNode | null {
    const around = this.model.contextOf(node).loops;
    for (let i = around.length - 1; i >= 0; i--) {
      const facts = this.loops.find((l) => l.node === around[i]);
      if (facts && facts.size !== 'small' && !facts.remote) return facts.node;
    }
    return null;
  }

  private nestedLoops(loop: PyNode): PyNode[] {
    const out: PyNode[] = [];
    walk(loop, (node) => {
      if (SCOPE_NODES.has(node.type)) return false;
      if (node !== loop && isLoopNode(node)) out.push(node);
      return true;
    });
    return out;
  }

  /** The names a loop binds per pass (`for x in ...`), or that its `while` condition reads. */
  private itemNames(loop: PyNode): Set<string> {
    const names = new Set<string>();
    const targets: PyNode[] = [];
    if (loop.type === 'for_statement') {
      const left = childByField(loop, 'left');
      if (left) targets.push(left);
    } else if (loop.type === 'while_statement') {
      const condition = childByField(loop, 'condition');
      if (condition) targets.push(condition);
    } else {
      for (const clause of loop.children) {
        if (clause.type !== 'for_in_clause') continue;
        const left = childByField(clause, 'left');
        if (left) targets.push(left);
      }
    }
    for (const target of targets) {
      walk(target, (node) => {
        if (node.type === 'identifier' && node.field !== 'attribute' && node.field !== 'function') {
          const name = this.model.text(node);
          if (name !== 'self' && name !== 'cls') names.add(name);
        }
        return !SCOPE_NODES.has(node.type);
      });
    }
    return names;
  }

  /** Adds the names assigned in the loop from values that depend on the items (`y = x * 2`). */
  private derived(loop: PyNode, items: Set<string>): void {
    const assignments: PyNode[] = [];
    walk(loop, (node) => {
      if (SCOPE_NODES.has(node.type)) return false;
      if (node.type === 'assignment') assignments.push(node);
      return true;
    });
    // Twice: a value computed late in one pass feeds the next pass's earlier statements.
    for (let round = 0; round < 2; round++) {
      for (const assignment of assignments) {
        const left = childByField(assignment, 'left');
        const right = childByField(assignment, 'right');
        if (!left || !right || !this.mentions(right, items)) continue;
        // Plain names only: `self.total = ...` or `out[i] = ...` make neither `self` nor `out` an item.
        const targets = left.type === 'identifier' ? [left] : ['pattern_list', 'tuple_pattern', 'list_pattern'].includes(left.type) ? namedChildren(left) : [];
        for (const target of targets) if (target.type === 'identifier') items.add(this.model.text(target));
      }
    }
  }

  private mentions(node: PyNode, names: Set<string>): boolean {
    if (names.size === 0) return false;
    let found = false;
    walk(node, (n) => {
      if (found || SCOPE_NODES.has(n.type)) return false;
      const keyword = n.field === 'name' && n.parent?.type === 'keyword_argument';
      if (n.type === 'identifier' && n.field !== 'attribute' && !keyword && names.has(this.model.text(n))) found = true;
      return !found;
    });
    return found;
  }

  private iterationSize(loop: PyNode): LoopSize {
    if (loop.type === 'while_statement') {
      const condition = childByField(loop, 'condition');
      const text = condition ? this.model.text(condition) : '';
      return text === 'True' || text === '1' ? 'unbounded' : 'data';
    }
    const iterable =
      loop.type === 'for_statement'
        ? childByField(loop, 'right')
        : (() => {
            const clause = loop.children.find((c) => c.type === 'for_in_clause');
            return clause ? childByField(clause, 'right') : null;
          })();
    return iterable ? this.sizeOf(iterable, 0) : 'data';
  }

  /** How many items an iterable yields, as far as the code shows. */
  private sizeOf(iterable: PyNode, depth: number): LoopSize {
    if (depth > 4) return 'data';
    if (LITERAL_COLLECTIONS.has(iterable.type)) return 'small';
    if (iterable.type === 'identifier' && this.isSplatParameter(iterable)) return 'small';
    if (iterable.type === 'identifier' || iterable.type === 'attribute') {
      const literal = this.literalBinding(iterable);
      if (literal) return LITERAL_COLLECTIONS.has(literal.type) ? 'small' : this.sizeOf(literal, depth + 1);
      return 'data';
    }
    if (iterable.type !== 'call') return 'data';
    const call = this.model.callAt(iterable);
    if (!call) return 'data';
    if (call.qualified === 'builtins.range') {
      const bounds = call.args.map((a) => this.literalNumber(a));
      if (bounds.length > 0 && bounds.every((v) => v !== null)) {
        const values = bounds as number[];
        const span = values.length === 1 ? values[0] : values[1] - values[0];
        return Math.abs(span) < SMALL_LITERAL_RANGE ? 'small' : 'large';
      }
      return 'count';
    }
    // Wrappers that yield as many items as what they wrap.
    const wrapped =
      ['builtins.enumerate', 'builtins.sorted', 'builtins.reversed', 'builtins.list', 'builtins.tuple', 'builtins.set', 'builtins.iter', 'builtins.zip'].includes(call.qualified ?? '') ||
      /^(?:six\.)?iter(?:items|keys|values)$|\.iter(?:items|keys|values)$/.test(call.qualified ?? this.model.text(call.callee));
    if (wrapped && call.args.length > 0) {
      const sizes = call.args.map((a) => this.sizeOf(a, depth + 1));
      return sizes.every((s) => s === 'small') ? 'small' : 'data';
    }
    // `d.items()`, `s.split()`: as many as the receiver holds.
    if (call.method && ['items', 'keys', 'values', 'split', 'splitlines'].includes(call.method) && call.receiverNode) {
      return this.sizeOf(call.receiverNode, depth + 1);
    }
    return 'data';
  }

  /** `*args` / `**kwargs`: as many items as the call site writes arguments, a handful. */
  private isSplatParameter(node: PyNode): boolean {
    const binding = this.model.lookup(this.model.text(node), this.model.scopeOfNode(node), node);
    if (binding?.kind !== 'param') return false;
    const param = binding.node.type === 'typed_parameter' ? binding.node.children[0] : binding.node;
    return param?.type === 'list_splat_pattern' || param?.type === 'dictionary_splat_pattern';
  }

  /** A name (or `self.X` / `Cls.X` class constant) bound once to a literal, e.g. `KEYS = ("a", "b")`. */
  private literalBinding(node: PyNode): PyNode | null {
    if (node.type === 'identifier') {
      const scope = this.model.scopeOfNode(node);
      const name = this.model.text(node);
      const owner = this.model.bindingScope(name, scope);
      const bindings = owner?.bindings.get(name);
      if (!bindings || bindings.length !== 1 || bindings[0].kind !== 'assign') return null;
      return bindings[0].value ?? unpackedLiteral(this.model, bindings[0].node, name);
    }
    const object = childByField(node, 'object');
    const attr = childByField(node, 'attribute');
    if (!object || !attr || object.type !== 'identifier') return null;
    const objectName = this.model.text(object);
    const cls =
      objectName === 'self' || objectName === 'cls'
        ? this.model.enclosingClassOfMethod(node)
        : (() => {
            const value = this.model.resolve(object, this.model.scopeOfNode(node));
            return value.kind === 'class' ? value.cls : null;
          })();
    if (!cls) return null;
    const name = this.model.text(attr);
    // Reassigned on the instance: no longer a constant.
    if (cls.attributes.has(name)) return null;
    const bindings = cls.scope.bindings.get(name);
    if (!bindings || bindings.length !== 1 || bindings[0].kind !== 'assign') return null;
    return bindings[0].value ?? null;
  }

  private literalNumber(node: PyNode): number | null {
    const direct = literalInt(this.model.text(node));
    if (direct !== null) return direct;
    if (node.type === 'identifier') {
      const value = this.literalBinding(node);
      return value ? this.literalNumber(value) : null;
    }
    if (node.type === 'conditional_expression') {
      // `1 if self.original_port else 100`: at most the larger branch.
      const [whenTrue, , whenFalse] = namedChildren(node);
      const a = whenTrue ? literalInt(this.model.text(whenTrue)) : null;
      const b = whenFalse ? literalInt(this.model.text(whenFalse)) : null;
      return a !== null && b !== null ? Math.max(a, b) : null;
    }
    return null;
  }

  // ---- recursion --------------------------------------------------------------------------

  private classifyRecursion(): void {
    if (this.recursiveCalls.length === 0) return;
    const inLoop = this.recursiveCalls.some((c) => this.model.contextOf(c.node).loops.some((l) => this.iterationSize(l) !== 'small'));
    const branches = this.recursiveCalls.length >= 2 || inLoop;
    // Recursion multiplies whatever the function does: with I/O it is more I/O (a directory walk).
    const io = this.items.some((i) => i.grade === 'io' || i.grade === 'file' || i.grade === 'fs');
    if (io) return;
    for (const call of this.recursiveCalls) {
      const line = this.line(call.node);
      if (branches) this.add('cpu', 'strong', call.node, `recursive call to \`${this.fn.name}\` at line ${line}`);
      else this.add('unknown', 'minor', call.node, `recursive call to \`${this.fn.name}\` at line ${line}: the work depends on how deep it goes`);
    }
  }

  // ---- the class --------------------------------------------------------------------------

  private conclude(): Summary {
    const all = this.items;
    const has = (grade: Item['grade']): boolean => all.some((i) => i.grade === grade);
    const io = has('io') || has('file') || has('fs') || has('wait');
    const realIo = has('io') || has('file') || has('fs');
    const strongCpu = has('strong');
    const lightCpu = has('light');
    const native = has('native');
    // Light passes over the input count only when nothing else does (see Item.slight).
    const minor = all.some((i) => i.grade === 'minor' && !i.slight);
    const slight = all.some((i) => i.slight);
    let kind: WorkloadKind;
    let decisive: (i: Item) => boolean;
    if (has('dominant')) {
      kind = 'unknown';
      decisive = (i) => i.grade === 'dominant';
    } else if (strongCpu) {
      // Every call must be accounted for: the one the analyzer cannot see may be I/O, or the
      // work that decides. A wait on a queue or a thread does not change what the rest burns.
      if (minor) kind = 'unknown';
      else if (realIo || native) kind = 'mixed';
      else kind = 'cpu';
      decisive = (i) => (kind === 'unknown' ? i.grade === 'minor' : i.kind === 'cpu' || (kind === 'mixed' && i.kind !== 'unknown'));
    } else if (io && !realIo && this.spin()) {
      // `start.wait(); while not stop: poke()`: the thread's time goes to the loop that spins
      // without waiting, not to the wait before it; and that loop does too little to call CPU-bound.
      const spin = this.spin()!;
      kind = 'unknown';
      this.add('unknown', 'minor', spin.node, `loop at line ${this.line(spin.node)} spins until something stops it, with no wait in it: the waits around it do not pace it`);
      decisive = (i) => i.node === spin.node && i.kind === 'unknown';
    } else if (io) {
      // A call the analyzer cannot see outweighs a stat, a wait or reading a local file (parsing
      // what was read may take longer), not a network round trip. Native work beside the I/O
      // releases the GIL too: for threads or processes alike it is I/O.
      kind = minor && !has('io') ? 'unknown' : native && !has('io') ? 'native' : 'io';
      decisive = (i) => (kind === 'unknown' ? i.grade === 'minor' : i.kind === kind);
    } else if (native) {
      // A numpy call beside one the analyzer cannot see (`estimator.fit(np.array(y))`) says
      // nothing about where the time goes.
      kind = minor ? 'unknown' : 'native';
      decisive = (i) => (kind === 'unknown' ? i.grade === 'minor' : i.kind === 'native');
    } else if (lightCpu) {
      kind = minor ? 'unknown' : 'cpu';
      decisive = (i) => (kind === 'unknown' ? i.grade === 'minor' : i.kind === 'cpu');
    } else if (minor || slight) {
      kind = 'unknown';
      decisive = (i) => i.grade === 'minor';
    } else {
      const busy = this.loops.find((l) => l.size !== 'small');
      if (busy) {
        kind = 'unknown';
        this.add('unknown', 'minor', busy.node, `loop at line ${this.line(busy.node)} runs over input of unknown size with little work per item: too little to call CPU-bound, too much to call trivial`);
        this.items[this.items.length - 1].slight = true;
      } else if (!this.isSmallBody()) {
        kind = 'unknown';
        this.add('unknown', 'minor', this.fn.node, `no I/O, no loops and no calls into unseen code, but more than ${TRIVIAL_STATEMENTS} statements: too long to call trivial`);
        this.items[this.items.length - 1].bounded = true;
      } else {
        kind = 'trivial';
      }
      decisive = () => true;
    }
    // The decisive evidence first, the strongest of it first (a request before a lock wait, a
    // loop before a library call), then the rest.
    const rank = (i: Item): number => GRADE_ORDER.indexOf(i.grade);
    const first = all.filter(decisive).sort((a, b) => rank(a) - rank(b));
    const unique = [...new Set([...first, ...all.filter((i) => !decisive(i))])];
    return { kind, evidence: unique.map(({ kind: k, node, path, reason, grade }) => ({ kind: k, node, path, reason, ...(grade === 'wait' ? { waitsOnWorker: true } : {}) })), items: unique };
  }

  /** A `while` loop here whose passes neither wait nor block (see LoopFacts.paced). */
  private spin(): LoopFacts | null {
    return this.loops.find((l) => l.node.type === 'while_statement' && !l.paced && l.size !== 'small') ?? null;
  }

  private isSmallBody(): boolean {
    const body = this.fn.isLambda ? this.fn.node : childByField(this.fn.node, 'body');
    if (!body) return false;
    if (this.fn.isLambda) return true;
    const statements = namedChildren(body).filter((s) => s.type !== 'comment');
    // A docstring documents; it does no work.
    const first = statements[0];
    const docstring = first?.type === 'expression_statement' && namedChildren(first)[0]?.type === 'string';
    return statements.length - (docstring ? 1 : 0) <= TRIVIAL_STATEMENTS;
  }
}

/**
 * The library classes (by canonical name) a class of the tree derives from, directly or
 * through other classes of the tree, nearest first.
 */
function libraryBases(model: PythonModel, cls: ClassInfo): string[] {
  const out: string[] = [];
  for (const step of classAncestry({ model: cls.methods.values().next().value?.model ?? model, cls })) if ('library' in step) out.push(step.library);
  return out;
}

/**
 * An import of a module the package should hold but that has no Python source in the tree: a
 * compiled extension. Only inside a package of the tree (its `__init__.py` is there), and not a
 * name the package's `__init__.py` binds itself.
 */
/**
 * Whether an expression names something of a compiled extension module: one of its functions,
 * a member of one of its objects, or one of its fused functions specialized by a subscript
 * (`mean_change = cy_mean_change[ctype]`, Cython's dispatch hoisted out of a loop).
 */
function fromExtension(model: PythonModel, expression: PyNode, scope: CallInfo['scope'], call: PyNode | null, depth: number): boolean {
  if (depth > 4) return false;
  let root: PyNode = expression;
  while (root.type === 'attribute' || root.type === 'subscript') root = childByField(root, root.type === 'attribute' ? 'object' : 'value') ?? root;
  if (root.type !== 'identifier') return false;
  const binding = model.lookup(model.text(root), scope, root);
  if (binding?.kind === 'import') return isExtensionImport(model, binding);
  if (binding?.kind !== 'assign' || !binding.value) return false;
  const value = binding.value;
  // One step through a local made by an extension's constructor.
  if (value.type === 'call' && root !== expression) {
    const made = model.callAt(value);
    return !!made && made.node !== call && fromExtension(model, made.callee, made.scope, made.node, depth + 1);
  }
  // A local alias of one (`f = ext.f`, `f = ext_f[key]`).
  if (value.type === 'attribute' || value.type === 'subscript') return fromExtension(model, value, model.scopeOfNode(value), call, depth + 1);
  return false;
}

/**
 * An object a class of a compiled extension made (`self._tree = KDTree(X)`), as an argument's
 * type: the methods called on it run in that extension. The constructor's text, for the reason.
 */
function extensionInstance(model: PythonModel, value: Value): ParamType | null {
  if (value.kind !== 'instance' || value.cls || value.origin?.type !== 'call') return null;
  // Only a constructor of this file (an origin in another file has no call here).
  const made = model.callAt(value.origin);
  if (!made || !fromExtension(model, made.callee, made.scope, made.node, 0)) return null;
  return { native: model.text(made.callee) };
}

function isExtensionImport(model: PythonModel, binding: Binding): boolean {
  const from = binding.importModule;
  const resolver = model.resolver;
  if (!from || !resolver) return false;
  const { module, name, level } = from;
  if (level === 0) {
    // `from pkg.sub._ext import f` written inside `pkg`: the same check on the absolute name.
    const top = model.absoluteName('.').split('.')[0];
    if (!module || !top || top === '.' || module.split('.')[0] !== top) return false;
  }
  const valid = (dotted: string): boolean => /^[A-Za-z_][\w.]*$/.test(dotted);
  if ((module && !valid(module)) || (name && !valid(name))) return false;
  const own = resolver.resolveModule(model.path, module, level);
  if (own && name) {
    // `from . import _tree` / `from ..linear_model import _cd_fast`: a submodule with no source,
    // of a package (its `__init__.py`) that does not bind the name itself.
    if (!/__init__\.py$/.test(own.path) || own.moduleScope.bindings.has(name)) return false;
    return !resolver.resolveModulePath(model.path, module ? `${module}.${name}` : name, level);
  }
  if (own || !module) return false;
  // `from ._cd_fast import enet_path`: the module has no source, its package is in the tree.
  const cut = module.lastIndexOf('.');
  const parent = resolver.resolveModule(model.path, cut > 0 ? module.slice(0, cut) : '', level);
  return !!parent && /__init__\.py$/.test(parent.path) && !parent.moduleScope.bindings.has(module.slice(cut + 1));
}

/** `n, m = 5, 7`: the value unpacked into `name`, when both sides list the same number of items. */
function unpackedLiteral(model: PythonModel, assignment: PyNode, name: string): PyNode | null {
  if (assignment.type !== 'assignment') return null;
  const left = childByField(assignment, 'left');
  const right = childByField(assignment, 'right');
  if (!left || !right || !['pattern_list', 'tuple_pattern'].includes(left.type) || !['expression_list', 'tuple'].includes(right.type)) return null;
  const targets = namedChildren(left);
  const values = namedChildren(right);
  if (targets.length !== values.length) return null;
  const at = targets.findIndex((t) => t.type === 'identifier' && model.text(t) === name);
  return at >= 0 ? values[at] : null;
}

/** A method that only says subclasses must provide it: `raise NotImplementedError`, `...`, `@abstractmethod`. */
function isAbstract(fn: FunctionInfo): boolean {
  if (fn.isLambda || !fn.parentClass) return false;
  const decorated = fn.node.parent?.type === 'decorated_definition' ? fn.node.parent : null;
  if (decorated?.children.some((d) => d.type === 'decorator' && /abstractmethod/.test(fn.model.text(d)))) return true;
  const body = childByField(fn.node, 'body');
  const statements = body ? namedChildren(body).filter((s) => s.type !== 'comment') : [];
  const rest = statements.filter((s, i) => !(i === 0 && s.type === 'expression_statement' && namedChildren(s)[0]?.type === 'string'));
  if (rest.length !== 1) return false;
  const only = rest[0];
  if (only.type === 'expression_statement' && namedChildren(only)[0]?.type === 'ellipsis') return true;
  return only.type === 'raise_statement' && /^raise\s+NotImplementedError\b/.test(fn.model.text(only));
}

/** The part of a loop evaluated once: a `for`'s iterable, a comprehension's first iterable. */
function loopHeader(loop: PyNode): PyNode | null {
  if (loop.type === 'for_statement') return childByField(loop, 'right');
  if (loop.type === 'while_statement') return null;
  const clause = loop.children.find((c) => c.type === 'for_in_clause');
  return clause ? childByField(clause, 'right') : null;
}

function contains(outer: PyNode, inner: PyNode): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex && inner !== outer;
}

function isLiteral(node: PyNode): boolean {
  if (['list', 'tuple', 'set'].includes(node.type)) return namedChildren(node).every(isLiteral);
  if (node.type === 'unary_operator') return namedChildren(node).every(isLiteral);
  return ['string', 'integer', 'float', 'true', 'false', 'none', 'concatenated_string'].includes(node.type);
}

function literalInt(text: string): number | null {
  const clean = text.replace(/_/g, '');
  if (!/^-?\d+$/.test(clean)) {
    // 10**6 and 1e6-style literals used as bounds.
    const pow = /^(\d+)\s*\*\*\s*(\d+)$/.exec(clean);
    if (pow) return Number(pow[1]) ** Number(pow[2]);
    return null;
  }
  return Number(clean);
}

export function describeWorkload(workload: Workload): string {
  const first = workload.evidence.find((e) => e.kind === workload.kind) ?? workload.evidence[0];
  return first ? first.reason : workload.kind;
}

import * as path from 'node:path';
import type { Fix, SourceProvider, TextEdit } from '../core/types';
import { fact } from '../core/facts';
import type { Binding, FunctionInfo, PythonModel } from './model';
import { type PyNode, rangeOf } from './syntax';
import { type TaskSite, targetFunction, taskSites } from './tasks';
import { neverStarted } from './liveness';
import { type StartMethod, startMethodOf } from './start-method';

// Task functions a notebook defines (docs/notebooks.md). A notebook runs as an interactive
// `__main__` with no file behind it: a worker process started with spawn or forkserver unpickles
// `__main__.f` by importing `__main__`, finds its own empty one, and fails with "AttributeError:
// Can't get attribute 'f' on <module '__main__'>" (or the pool hangs). CL206 reports these sites;
// its fix moves the functions, with what they need, into a module next to the notebook.

export interface NotebookTask {
  site: TaskSite;
  fn: FunctionInfo;
  startMethod: StartMethod;
}

/**
 * Executors whose workers get functions some other way than by reference into `__main__`:
 * cloudpickle (loky, joblib) and dill (multiprocess) send them by value; the subinterpreters of
 * InterpreterPoolExecutor are left out until their behaviour with an interactive `__main__` is known.
 */
const NOT_BY_REFERENCE = new Set(['concurrent.futures.InterpreterPoolExecutor']);

/** Process task sites of a notebook module whose function is defined in the notebook, started by spawn or forkserver (or the platform default). */
export const notebookTasks = fact((model: PythonModel): NotebookTask[] => {
  const out: NotebookTask[] = [];
  for (const site of taskSites(model)) {
    if (site.family !== 'process' || site.pickler !== 'pickle' || NOT_BY_REFERENCE.has(site.executor)) continue;
    // Thread/Process subclasses and pebble's decorated functions: pickled as classes or wrappers.
    if (site.api === 'subclass' || site.api === 'decorated') continue;
    if (site.api === 'Process' && neverStarted(model, site.call)) continue;
    const fn = targetFunction(site.target);
    // Lambdas, closures and functions under a main guard are CL202's.
    if (!fn || fn.model !== model || fn.isLambda || fn.parentFunction || fn.parentClass || fn.inMainGuard) continue;
    const creation = site.constructorNode ? model.callAt(site.constructorNode) : site.call;
    const startMethod = creation ? startMethodOf(model, creation) : 'unknown';
    if (startMethod === 'fork' || startMethod === 'unknown') continue;
    out.push({ site, fn, startMethod });
  }
  return out;
});

/** IPython's names in a notebook's namespace: a module cannot use them. */
const IPYTHON_NAMES = new Set(['get_ipython', 'display', 'In', 'Out', 'exit', 'quit']);

export interface MoveFix {
  fix: Fix;
  moduleName: string;
  /** The task functions the fix moves (a task whose needs cannot leave the notebook is not among them). */
  tasks: ReadonlySet<FunctionInfo>;
}

interface MovePlan {
  /** `def`/`class` statements moved out (replaced by imports), in source order. */
  moved: { name: string; node: PyNode }[];
  /** Import and constant statements copied into the module (the notebook keeps them), in source order. */
  copied: PyNode[];
  /** False when a copied constant could differ from the notebook's (it is rebound or mutable). */
  safe: boolean;
}

/**
 * The fix of every CL206 finding of the notebook: one module receiving all the task functions
 * the plan can move (so all findings offer the same fix, applied once). Null when nothing moves.
 */
export function moveToModuleFix(model: PythonModel, sources: SourceProvider | undefined): MoveFix | null {
  return moveFix(model, sources);
}

const moveFixes = new WeakMap<PythonModel, MoveFix | null>();

function moveFix(model: PythonModel, sources: SourceProvider | undefined): MoveFix | null {
  if (moveFixes.has(model)) return moveFixes.get(model)!;
  let result: MoveFix | null = null;
  const plans = new Map<FunctionInfo, MovePlan>();
  for (const task of notebookTasks(model)) {
    if (plans.has(task.fn)) continue;
    const plan = planMove(model, task.fn);
    if (plan) plans.set(task.fn, plan);
  }
  if (plans.size > 0) {
    const moved = new Map<PyNode, string>();
    const copied = new Set<PyNode>();
    let safe = true;
    for (const plan of plans.values()) {
      for (const m of plan.moved) moved.set(m.node, m.name);
      for (const c of plan.copied) copied.add(c);
      safe &&= plan.safe;
    }
    const byPosition = (a: PyNode, b: PyNode): number => a.startIndex - b.startIndex;
    const imports = [...copied].filter(isImport).sort(byPosition);
    const rest = [...copied].filter((n) => !isImport(n)).concat([...moved.keys()]).sort(byPosition);
    const notebook = path.basename(model.path);
    const body =
      `"""Functions moved out of ${notebook}: worker processes started with spawn or forkserver import them from here."""\n` +
      (imports.length > 0 ? '\n' + imports.map((n) => model.text(n)).join('\n') + '\n' : '') +
      rest.map((n) => (moved.has(n) ? `\n\n${model.text(n)}\n` : `\n${model.text(n)}\n`)).join('');
    const target = modulePath(model.path, body, sources);
    if (target) {
      const moduleName = path.basename(target, '.py');
      const edits: TextEdit[] = [...moved].sort((a, b) => byPosition(a[0], b[0])).map(([node, name]) => ({ range: rangeOf(node), text: `from ${moduleName} import ${name}` }));
      const names = [...plans.keys()].map((fn) => `\`${fn.name}\``).join(', ');
      result = {
        moduleName,
        tasks: new Set(plans.keys()),
        fix: {
          description: `Move ${names} into ${moduleName}.py next to the notebook and import ${plans.size === 1 ? 'it' : 'them'} from there`,
          edits,
          safe,
          createFiles: [{ kind: 'createFile', path: target, text: body }],
        },
      };
    }
  }
  moveFixes.set(model, result);
  return result;
}

/** `<notebook>_tasks.py` beside the notebook, numbered when a different file has the name already. */
function modulePath(notebookPath: string, text: string, sources: SourceProvider | undefined): string | null {
  let stem = path.basename(notebookPath).replace(/\.[^.]*$/, '').toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (!/^[a-z_]/.test(stem)) stem = `nb_${stem}`;
  const dir = path.dirname(notebookPath);
  for (let n = 1; n <= 20; n++) {
    const candidate = path.join(dir, `${stem}_tasks${n === 1 ? '' : n}.py`);
    const existing = sources?.readFile(candidate);
    if (existing === undefined || existing === text) return candidate;
  }
  return null;
}

function isImport(node: PyNode): boolean {
  return node.type === 'import_statement' || node.type === 'import_from_statement' || node.type === 'future_import_statement';
}

/** The statements to move and copy so that `fn` works from a module; null when something it needs cannot leave the notebook. */
function planMove(model: PythonModel, fn: FunctionInfo): MovePlan | null {
  const moved = new Map<PyNode, string>();
  const copied = new Set<PyNode>();
  let safe = true;
  const queue: PyNode[] = [];
  const addMoved = (node: PyNode, name: string): void => {
    if (moved.has(node)) return;
    moved.set(node, name);
    queue.push(node);
  };
  addMoved(definitionStatement(fn.node), fn.name);
  while (queue.length > 0) {
    const statement = queue.pop()!;
    for (const id of identifiersIn(statement)) {
      const name = model.text(id);
      const scope = model.scopeOfNode(id);
      const owner = model.bindingScope(name, scope);
      if (owner === null) {
        if (IPYTHON_NAMES.has(name)) return null;
        continue;
      }
      if (owner !== model.moduleScope) continue;
      const bindings = model.moduleScope.bindings.get(name) ?? [];
      const needed = neededStatement(model, name, bindings);
      if (!needed) return null;
      if (needed.kind === 'move') addMoved(needed.node, name);
      else if (!copied.has(needed.node)) {
        copied.add(needed.node);
        safe &&= needed.safe;
        if (needed.kind === 'constant') queue.push(needed.node);
      }
    }
  }
  return { moved: [...moved].map(([node, name]) => ({ node, name })), copied: [...copied], safe };
}

type Needed = { kind: 'move'; node: PyNode } | { kind: 'import' | 'constant'; node: PyNode; safe: boolean };

/** What the module needs for a module-level name the moved code reads. */
function neededStatement(model: PythonModel, name: string, bindings: readonly Binding[]): Needed | null {
  if (bindings.length === 0) return null;
  if (bindings.every((b) => b.kind === 'import')) {
    const statement = topLevel(model, bindings[bindings.length - 1].node);
    return statement ? { kind: 'import', node: statement, safe: true } : null;
  }
  if (bindings.length > 1) return null;
  const binding = bindings[0];
  if (binding.kind === 'def' && binding.fn && !binding.fn.parentFunction && !binding.fn.parentClass && !binding.fn.inMainGuard) {
    const statement = definitionStatement(binding.fn.node);
    return statement.parent?.type === 'module' ? { kind: 'move', node: statement } : null;
  }
  if (binding.kind === 'class' && binding.cls && !binding.cls.parentFunction && !binding.cls.inMainGuard) {
    const statement = definitionStatement(binding.cls.node);
    return statement.parent?.type === 'module' ? { kind: 'move', node: statement } : null;
  }
  if (binding.kind === 'assign' && binding.value) {
    const statement = binding.node.parent;
    if (statement?.type !== 'expression_statement' || statement.parent?.type !== 'module') return null;
    const value = constantKind(binding.value);
    if (!value) return null;
    void name;
    return { kind: 'constant', node: statement, safe: value === 'immutable' };
  }
  return null;
}

/** A value a module can hold as well as the notebook: literals and names, no calls. */
function constantKind(value: PyNode): 'immutable' | 'mutable' | null {
  let mutable = false;
  const stack = [value];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'call' || node.type === 'await' || node.type === 'lambda' || node.type === 'named_expression' || node.type.endsWith('comprehension') || node.type === 'generator_expression') return null;
    if (node.type === 'list' || node.type === 'dictionary' || node.type === 'set') mutable = true;
    for (const child of node.children) stack.push(child);
  }
  return mutable ? 'mutable' : 'immutable';
}

function topLevel(model: PythonModel, node: PyNode): PyNode | null {
  const ctx = model.contextOf(node);
  if (ctx.fn || ctx.cls) return null;
  const top = ctx.topStatement ?? node;
  // An import under `try:` or `if` is copied with its whole statement (the fallback comes along).
  return top.parent?.type === 'module' || top.type === 'module' ? top : node.parent?.type === 'module' ? node : null;
}

function definitionStatement(node: PyNode): PyNode {
  return node.parent?.type === 'decorated_definition' ? node.parent : node;
}

/** The identifiers a statement reads (not attribute names after a dot, keyword names, or the names it defines). */
function identifiersIn(statement: PyNode): PyNode[] {
  const out: PyNode[] = [];
  const stack = [statement];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'identifier') {
      const parent = node.parent;
      const skip =
        (parent?.type === 'attribute' && node.field === 'attribute') ||
        (parent?.type === 'keyword_argument' && node.field === 'name') ||
        ((parent?.type === 'function_definition' || parent?.type === 'class_definition') && node.field === 'name');
      if (!skip) out.push(node);
      continue;
    }
    for (const child of node.children) stack.push(child);
  }
  return out;
}

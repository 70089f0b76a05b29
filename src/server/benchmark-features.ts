import type { FindingSubject, Fix } from '../analysis/core/types';
import type { FunctionInfo, PythonModel } from '../analysis/python/model';
import { type PyNode, childByField, namedChildren } from '../analysis/python/syntax';
import { type TaskSite, taskSites, targetFunction } from '../analysis/python/tasks';
import { classifyWorkload } from '../analysis/python/workload';
import { swapExecutorFix } from '../analysis/python/executor-swap';
import { benchSubject } from '../analysis/python/rules/shared';
import { compatibleFixes } from '../analysis/core/fix-all';
import type { JsModel } from '../analysis/javascript/model';
import type { Node, TSESTree } from '../analysis/javascript/parse';
import { type ExportedFunction, exportedFunctions, workerRunFunctions } from '../analysis/javascript/exports';
import type { FunctionNode } from '../analysis/javascript/syntax';
import type { BenchmarkParameter, BenchmarkTarget } from '../protocol/lsp';

// The benchmark's server side, pure functions over the semantic models: which functions get a
// "Benchmark threads vs processes" CodeLens, the function under the cursor with a default inputs
// expression derived from its signature, and the executor swap for "apply recommendation".

export interface BenchLens {
  functionName: string;
  /** 0-based line of the definition (`def` / `function`): the command's `line` argument. */
  line: number;
  /** Where the lens sits: above the decorators of a decorated function. */
  lensLine: number;
}

/** Task-target functions defined in this file (module level, importable by the harness). */
export function pythonBenchLenses(model: PythonModel): BenchLens[] {
  const lenses: BenchLens[] = [];
  for (const site of taskSites(model)) {
    const fn = targetFunction(site.target);
    const subject = benchSubject(fn);
    if (!fn || !subject || fn.model !== model || lenses.some((l) => l.functionName === subject.functionName)) continue;
    const decorated = fn.node.parent?.type === 'decorated_definition' ? fn.node.parent : null;
    lenses.push({ functionName: subject.functionName, line: subject.line, lensLine: (decorated ?? fn.node).startRow });
  }
  return lenses.sort((a, b) => a.line - b.line);
}

/** Exported functions that workers run (worker scripts only). */
export function jsBenchLenses(model: JsModel): BenchLens[] {
  return workerRunFunctions(model).map((e) => ({ functionName: e.name, line: e.line, lensLine: lensLineOf(model, e) }));
}

function lensLineOf(model: JsModel, e: ExportedFunction): number {
  const statement = model.topLevelStatement(e.fn);
  // `export function f` / `export const f = () =>`: the statement's first line (above any JSDoc-free prefix).
  if (statement && statement.loc.start.line <= e.fn.loc.start.line && e.fn.loc.start.line - statement.loc.start.line <= 1) return statement.loc.start.line - 1;
  return e.line;
}

// ---- the function under the cursor -------------------------------------------------------------

const COPIES = 8;

export function pythonBenchmarkTarget(model: PythonModel, request: { line?: number; character?: number; functionName?: string }): BenchmarkTarget {
  let fn: FunctionInfo | undefined;
  if (request.functionName) {
    fn = model.functions.find((f) => f.name === request.functionName && !f.isLambda && !f.parentFunction && !f.parentClass);
    if (!fn) return { ok: false, message: `No module-level function \`${request.functionName}\` in this file.` };
  } else {
    const { line = 0, character = 0 } = request;
    const containing = model.functions.filter((f) => !f.isLambda && contains(f.node, line, character));
    if (containing.length === 0) return { ok: false, message: 'Put the cursor inside a function (a module-level `def`) to benchmark it.' };
    // Innermost first, then out to the module-level function around it.
    let inner = containing.reduce((a, b) => (b.node.startIndex >= a.node.startIndex ? b : a));
    while (inner.parentFunction) inner = inner.parentFunction;
    fn = inner;
  }
  if (fn.parentClass) return { ok: false, message: `\`${fn.parentClass.name}.${fn.name}\` is a method: the benchmark calls module-level functions. Wrap it in one.` };
  if (fn.inMainGuard) return { ok: false, message: `\`${fn.name}\` is defined under \`if __name__ == "__main__":\`, which does not run when the benchmark imports the module. Move it to module level.` };
  const parameters = pythonParameters(model, fn);
  const workload = classifyWorkload(fn);
  const recursive = workload.evidence.some((e) => /^recursive call/.test(e.reason));
  return {
    ok: true,
    functionName: fn.name,
    line: fn.node.startRow,
    language: 'python',
    isAsync: fn.isAsync,
    parameters,
    defaultInputs: pythonDefaultInputs(parameters, { recursive, io: workload.kind === 'io' }),
    staticKind: workload.kind === 'unknown' ? null : workload.kind,
  };
}

function contains(node: PyNode, line: number, character: number): boolean {
  if (line < node.startRow || line > node.endRow) return false;
  if (line === node.startRow && character < node.startCol) return false;
  if (line === node.endRow && character > node.endCol) return false;
  return true;
}

export function pythonParameters(model: PythonModel, fn: FunctionInfo): BenchmarkParameter[] {
  const list = childByField(fn.node, 'parameters');
  if (!list) return [];
  const out: BenchmarkParameter[] = [];
  let keywordOnly = false;
  for (const node of namedChildren(list)) {
    const typeNode = childByField(node, 'type');
    const annotation = typeNode ? model.text(typeNode) : null;
    switch (node.type) {
      case 'identifier':
        out.push({ name: model.text(node), kind: keywordOnly ? 'keyword-only' : 'positional', default: null, annotation: null });
        break;
      case 'typed_parameter': {
        const inner = namedChildren(node).find((c) => c.field !== 'type');
        if (inner?.type === 'list_splat_pattern') {
          out.push({ name: model.text(inner).replace(/^\*/, ''), kind: 'var-positional', default: null, annotation });
          keywordOnly = true;
        } else if (inner?.type === 'dictionary_splat_pattern') {
          out.push({ name: model.text(inner).replace(/^\*\*/, ''), kind: 'var-keyword', default: null, annotation });
        } else if (inner) {
          out.push({ name: model.text(inner), kind: keywordOnly ? 'keyword-only' : 'positional', default: null, annotation });
        }
        break;
      }
      case 'default_parameter':
      case 'typed_default_parameter': {
        const name = childByField(node, 'name');
        const value = childByField(node, 'value');
        if (name) out.push({ name: model.text(name), kind: keywordOnly ? 'keyword-only' : 'positional', default: value ? model.text(value) : null, annotation });
        break;
      }
      case 'list_splat_pattern':
        out.push({ name: model.text(node).replace(/^\*/, ''), kind: 'var-positional', default: null, annotation: null });
        keywordOnly = true;
        break;
      case 'dictionary_splat_pattern':
        out.push({ name: model.text(node).replace(/^\*\*/, ''), kind: 'var-keyword', default: null, annotation: null });
        break;
      case 'keyword_separator':
        keywordOnly = true;
        break;
      default:
        break; // positional_separator and the like
    }
  }
  return out;
}

interface Hints {
  /** The function calls itself: keep numbers small (`fib(100_000)` never ends). */
  recursive: boolean;
  io: boolean;
}

const NUMBER_NAMES = /^(n|num|number|count|size|limit|iterations?|iters?|steps|k|m|times|rounds|upper|bound|max|maximum|length|len|total|amount|work|scale|x|y|z|value|val|start|stop|end|digits|precision|target|i|j|nmax|max_n|n_\w+|\w+_(count|size|limit|n|iterations|steps|max))$/;
const SECONDS_NAMES = /^(seconds|secs?|delay|timeout|wait|duration|interval|sleep(_time)?|pause|latency|\w+_(seconds|secs|delay|timeout))$/;
const MS_NAMES = /^(ms|millis|milliseconds|delay_?ms|timeout_?ms|\w+Ms)$/;
const URL_NAMES = /^(url|uri|endpoint|link|href|address|host|\w+_url|\w+Url)$/i;
const PATH_NAMES = /^(path|filename|file_?name|file|fname|filepath|file_path|src|source_path|\w+_path|\w+Path)$/;
const TEXT_NAMES = /^(s|text|string|str|line|content|contents|message|msg|word|words|sentence|document|doc|body|payload|html|data_str|name|key|password|\w+_text)$/;
const LIST_NAMES = /^(data|items|values|xs|ys|nums|numbers|arr|array|lst|list|seq|sequence|chunk|batch|rows|records|elements|vals|samples|points|matrix|vector|ints|floats|\w+s_list|\w+_list|\w+_items)$/;
const FEW_NAMES = /^(retries|attempts|tries|max_retries|maxRetries|workers|threads|processes|concurrency|jobs)$/;
const BYTES_NAMES = /^(buf|buffer|blob|raw|bytes|data_bytes|\w+_bytes)$/;

function pythonValue(name: string, annotation: string | null, hints: Hints): string {
  const type = (annotation ?? '').replace(/\s+/g, '').replace(/^typing\./, '');
  const number = hints.recursive ? '25' : '100_000';
  if (/^(int|numbers\.Integral)$/.test(type)) return number;
  if (/^float$/.test(type)) return SECONDS_NAMES.test(name) ? '0.05' : hints.recursive ? '25.0' : '100_000.0';
  if (/^str$/.test(type)) return URL_NAMES.test(name) ? "'https://example.com'" : PATH_NAMES.test(name) ? '__file__' : "'lorem ipsum ' * 1_000";
  if (/^(bytes|bytearray|memoryview)$/.test(type)) return "b'x' * 100_000";
  if (/^bool$/.test(type)) return 'True';
  if (/^(Path|pathlib\.Path|PathLike|os\.PathLike)/.test(type)) return "__import__('pathlib').Path(__file__)";
  if (/^(list|List|Sequence|Iterable|Collection|tuple|Tuple)\[(int|float)/.test(type)) return type.includes('float') ? '[i * 0.5 for i in range(10_000)]' : 'list(range(10_000))';
  if (/^(list|List|Sequence|Iterable|Collection)\[str/.test(type)) return "['lorem ipsum'] * 1_000";
  if (/^(dict|Dict|Mapping)/.test(type)) return '{i: i for i in range(1_000)}';
  const n = name.replace(/^_+/, '');
  if (SECONDS_NAMES.test(n)) return '0.05';
  if (FEW_NAMES.test(n)) return '3';
  if (URL_NAMES.test(n)) return "'https://example.com'";
  if (PATH_NAMES.test(n)) return '__file__';
  if (BYTES_NAMES.test(n)) return "b'x' * 100_000";
  if (LIST_NAMES.test(n)) return 'list(range(10_000))';
  if (TEXT_NAMES.test(n)) return "'lorem ipsum ' * 1_000";
  if (NUMBER_NAMES.test(n)) return number;
  return number;
}

/**
 * `[100_000] * 8` for `def f(n)`, `[(100_000, 'lorem ipsum ' * 1_000)] * 8` for two parameters,
 * `[()] * 8` when every parameter has a default. Each item is one call; tuples are spread.
 */
export function pythonDefaultInputs(parameters: BenchmarkParameter[], hints: Hints = { recursive: false, io: false }): string {
  const required = parameters.filter((p) => p.kind === 'positional' && p.default === null);
  const values = required.map((p) => pythonValue(p.name, p.annotation, hints));
  if (values.length === 0) return `[()] * ${COPIES}`;
  if (values.length === 1) return `[${values[0]}] * ${COPIES}`;
  return `[(${values.join(', ')})] * ${COPIES}`;
}

export function jsBenchmarkTarget(model: JsModel, request: { line?: number; character?: number; functionName?: string }): BenchmarkTarget {
  const exported = exportedFunctions(model);
  let target: ExportedFunction | undefined;
  if (request.functionName) {
    target = exported.find((e) => e.name === request.functionName);
    if (!target) {
      const names = exported.map((e) => e.name);
      return { ok: false, message: `\`${request.functionName}\` is not an exported function of this module${names.length ? ` (exported: ${names.join(', ')})` : ''}: the benchmark imports the function it runs. Export it.` };
    }
  } else {
    const { line = 0, character = 0 } = request;
    const offset = offsetOf(model, line, character);
    const around = exported.filter((e) => e.fn.range[0] <= offset && offset <= e.fn.range[1]);
    target = around.sort((a, b) => b.fn.range[0] - a.fn.range[0])[0];
    if (!target) {
      const fn = innermostFunction(model, offset);
      if (fn) return { ok: false, message: `${model.functionLabel(fn)} is not exported: the benchmark imports the function it runs. Export it (\`export function …\` or \`module.exports = { … }\`).` };
      return { ok: false, message: 'Put the cursor inside an exported function to benchmark it.' };
    }
  }
  const parameters = jsParameters(model, target.fn);
  const recursive = model.calls.some((c) => model.contains(target!.fn, c) && model.functionOf(c.callee) === target!.fn);
  return {
    ok: true,
    functionName: target.name,
    line: target.line,
    language: 'javascript',
    isAsync: target.fn.async,
    parameters,
    defaultInputs: jsDefaultInputs(model, target.fn, { recursive, io: false }),
    staticKind: null,
  };
}

function offsetOf(model: JsModel, line: number, character: number): number {
  let offset = 0;
  for (let l = 0; l < line; l++) {
    const next = model.source.indexOf('\n', offset);
    if (next === -1) return model.source.length;
    offset = next + 1;
  }
  return offset + character;
}

function innermostFunction(model: JsModel, offset: number): FunctionNode | null {
  let found: FunctionNode | null = null;
  const visit = (node: Node): void => {
    if (node.range[0] > offset || node.range[1] < offset) return;
    if (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression') found = node;
    for (const key of Object.keys(node)) {
      if (key === 'parent') continue;
      const value = (node as unknown as Record<string, unknown>)[key];
      if (Array.isArray(value)) for (const v of value) if (v && typeof v === 'object' && 'type' in v && 'range' in v) visit(v as Node);
      if (value && typeof value === 'object' && 'type' in value && 'range' in value) visit(value as Node);
    }
  };
  visit(model.program as unknown as Node);
  return found;
}

export function jsParameters(model: JsModel, fn: FunctionNode): BenchmarkParameter[] {
  return fn.params.map((p): BenchmarkParameter => {
    const param = (p.type === 'TSParameterProperty' ? p.parameter : p) as Node;
    if (param.type === 'RestElement') return { name: model.text(param.argument), kind: 'var-positional', default: null, annotation: annotationOf(model, param) };
    if (param.type === 'AssignmentPattern') return { name: patternName(model, param.left), kind: 'positional', default: model.text(param.right), annotation: annotationOf(model, param.left) };
    return { name: patternName(model, param), kind: 'positional', default: null, annotation: annotationOf(model, param) };
  });
}

function patternName(model: JsModel, node: Node): string {
  return node.type === 'Identifier' ? node.name : model.text(node).replace(/\s*:[^,}\]]*$/, '');
}

function annotationOf(model: JsModel, node: Node): string | null {
  const annotation = (node as { typeAnnotation?: TSESTree.TSTypeAnnotation }).typeAnnotation;
  return annotation ? model.text(annotation.typeAnnotation as Node) : null;
}

function jsValue(model: JsModel, param: Node, hints: Hints): string {
  if (param.type === 'ObjectPattern') {
    const props = param.properties
      .filter((p): p is TSESTree.Property => p.type === 'Property' && !p.computed && p.key.type === 'Identifier')
      .map((p) => `${(p.key as TSESTree.Identifier).name}: ${jsValue(model, p.value as Node, hints)}`);
    return `{ ${props.join(', ')} }`;
  }
  if (param.type === 'ArrayPattern') return 'Array.from({ length: 10000 }, (_, i) => i)';
  if (param.type === 'AssignmentPattern') return jsValue(model, param.left, hints);
  const name = param.type === 'Identifier' ? param.name : '';
  const type = (annotationOf(model, param) ?? '').replace(/\s+/g, '');
  const number = hints.recursive ? '25' : '100000';
  if (/^(number|bigint)$/.test(type)) return type === 'bigint' ? '100000n' : MS_NAMES.test(name) ? '50' : number;
  if (/^string$/.test(type)) return URL_NAMES.test(name) ? "'https://example.com'" : "'lorem ipsum '.repeat(1000)";
  if (/^boolean$/.test(type)) return 'true';
  if (/^(number\[\]|Array<number>|readonlynumber\[\]|Float64Array|Int32Array)$/.test(type)) return 'Array.from({ length: 10000 }, (_, i) => i)';
  if (/^(string\[\]|Array<string>)$/.test(type)) return "Array(1000).fill('lorem ipsum')";
  if (/^(Buffer|Uint8Array)$/.test(type)) return "Buffer.alloc(100000, 'x')";
  if (MS_NAMES.test(name) || /^(delay|timeout|wait|duration|interval)$/.test(name)) return '50';
  if (FEW_NAMES.test(name)) return '3';
  if (URL_NAMES.test(name)) return "'https://example.com'";
  if (BYTES_NAMES.test(name)) return "Buffer.alloc(100000, 'x')";
  if (LIST_NAMES.test(name)) return 'Array.from({ length: 10000 }, (_, i) => i)';
  if (TEXT_NAMES.test(name)) return "'lorem ipsum '.repeat(1000)";
  return number;
}

/**
 * `Array(8).fill(100000)` for `function f(n)`; arrays are spread into arguments by the harness, so
 * several parameters (or one array parameter) become `Array(8).fill([a, b])`.
 */
export function jsDefaultInputs(model: JsModel, fn: FunctionNode, hints: Hints = { recursive: false, io: false }): string {
  const required = fn.params
    .map((p) => (p.type === 'TSParameterProperty' ? p.parameter : p) as Node)
    .filter((p) => p.type !== 'RestElement' && p.type !== 'AssignmentPattern');
  const values = required.map((p) => jsValue(model, p, hints));
  if (values.length === 0) return `Array(${COPIES}).fill([])`;
  if (values.length === 1 && !values[0].startsWith('Array.')) return `Array(${COPIES}).fill(${values[0]})`;
  return `Array(${COPIES}).fill([${values.join(', ')}])`;
}

// ---- apply the recommendation: swap the executor of every task site of a function -------------

export interface SwapOutcome {
  fixes: { path: string; fix: Fix }[];
  sites: number;
  notes: string[];
}

/**
 * The executor swaps that move `functionName` (defined in `definingPath`) to `to`, over the given
 * Python models (open documents and the defining file). Sites whose executor runs other tasks
 * that do not want the move, or whose executor cannot be traced to its constructor, are noted.
 */
export function executorSwaps(models: PythonModel[], definingPath: string, functionName: string, to: 'thread' | 'process'): SwapOutcome {
  const fixes: { path: string; fix: Fix }[] = [];
  const notes: string[] = [];
  let sites = 0;
  for (const model of models) {
    const perFile: Fix[] = [];
    for (const site of taskSites(model)) {
      const fn = targetFunction(site.target);
      const subject: FindingSubject | null = benchSubject(fn);
      if (!subject || subject.functionName !== functionName || subject.path !== definingPath) continue;
      if (site.family === to) continue;
      sites++;
      const fix = swapExecutorFix(model, site, to);
      const where = `${model.path.split(/[\\/]/).pop()}:${site.call.node.startRow + 1}`;
      if (fix) perFile.push(fix);
      else notes.push(`${where}: ${whyNoSwap(model, site, fn as FunctionInfo, to)}`);
    }
    for (const fix of compatibleFixes(perFile)) fixes.push({ path: model.path, fix });
  }
  return { fixes, sites, notes };
}

function whyNoSwap(model: PythonModel, site: TaskSite, fn: FunctionInfo, to: 'thread' | 'process'): string {
  if (!site.constructorNode) return 'the executor could not be traced to where it is created; change it by hand.';
  const wanted = to === 'process' ? 'cpu' : 'io';
  const own = classifyWorkload(fn).kind;
  if (own !== wanted) {
    return `the analyzer classifies \`${fn.name}\` as ${own}, not ${wanted === 'cpu' ? 'CPU-bound' : 'I/O-bound'}, so the automatic swap does not apply; change the executor by hand.`;
  }
  const others = taskSites(model).filter((s) => s !== site && s.constructorNode === site.constructorNode && targetFunction(s.target) !== fn);
  if (others.length > 0) return 'the same executor also runs other tasks that do not want the move; change it by hand.';
  return `\`${site.executor.split('.').pop()}\` has no ${to === 'process' ? 'process' : 'thread'} twin the fix can use here; change it by hand.`;
}

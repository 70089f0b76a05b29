import type { FindingSubject, Fix } from '../../core/types';
import { compatibleFixes } from '../../core/fix-all';
import type { BenchLens, BenchmarkParameter, BenchmarkTarget, BenchmarkTargetRequest, SwapOutcome } from '../../core/services';
import {
  BYTES_NAMES, COPIES, FEW_NAMES, type InputHints, LIST_NAMES, NUMBER_NAMES, PATH_NAMES, SECONDS_NAMES, TEXT_NAMES, URL_NAMES,
} from '../../core/bench-inputs';
import type { FunctionInfo, PythonModel } from '../model';
import { type PyNode, childByField, namedChildren } from '../syntax';
import { type TaskSite, taskSites, targetFunction } from '../tasks';
import { classifyWorkload, describeWorkload } from '../workload';
import { swapExecutorFix } from '../executor-swap';
import { benchSubject } from '../rules/shared';
import { sharedStateWrite } from '../parent-state';
import { pythonCallSiteInputs } from './call-site-inputs';

// The benchmark's Python side, pure functions over the model: which functions get a "Benchmark"
// CodeLens (module-level task functions the harness can import), the function under the cursor
// with default inputs derived from its signature (or taken from a real call: call-site-inputs.ts),
// and the executor swap behind "Apply
// recommendation".

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

export function pythonBenchmarkTarget(model: PythonModel, request: BenchmarkTargetRequest, importers: readonly PythonModel[] = []): BenchmarkTarget {
  let fn: FunctionInfo | undefined;
  if (request.functionName) {
    fn = model.functions.find((f) => f.name === request.functionName && !f.isLambda && !f.parentFunction && !f.parentClass);
    if (!fn) return { ok: false, message: `No module-level function \`${request.functionName}\` in this file.` };
  } else {
    const { line = 0, character = 0 } = request;
    const containing = model.functions.filter((f) => !f.isLambda && contains(f.node, line, character));
    if (containing.length === 0) return { ok: false, message: 'Put the cursor inside a function (a module-level `def`) to benchmark it.', reason: 'outside' };
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
    callSite: pythonCallSiteInputs(fn, importers),
    staticKind: workload.kind === 'unknown' ? null : workload.kind,
    staticReason: workload.kind === 'unknown' ? null : describeWorkload(workload),
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

function pythonValue(name: string, annotation: string | null, hints: InputHints): string {
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
export function pythonDefaultInputs(parameters: BenchmarkParameter[], hints: InputHints = { recursive: false, io: false }): string {
  const required = parameters.filter((p) => p.kind === 'positional' && p.default === null);
  const values = required.map((p) => pythonValue(p.name, p.annotation, hints));
  if (values.length === 0) return `[()] * ${COPIES}`;
  if (values.length === 1) return `[${values[0]}] * ${COPIES}`;
  return `[(${values.join(', ')})] * ${COPIES}`;
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
      // The panel applies what the finding would offer: the same rules, default settings.
      const fix = swapExecutorFix({ model, options: {}, gilEnabled: true, notebook: false }, site, to);
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
  const write = to === 'process' ? sharedStateWrite(fn) : null;
  if (write) {
    return `\`${write.fn.name}\` changes \`${write.name}\` (line ${write.node.startRow + 1}), which a process would change only in its own copy; return the result instead, then move it to processes.`;
  }
  const wanted = to === 'process' ? 'cpu' : 'io';
  const own = classifyWorkload(fn).kind;
  if (own !== wanted) {
    return `the analyzer classifies \`${fn.name}\` as ${own}, not ${wanted === 'cpu' ? 'CPU-bound' : 'I/O-bound'}, so the automatic swap does not apply; change the executor by hand.`;
  }
  const others = taskSites(model).filter((s) => s !== site && s.constructorNode === site.constructorNode && targetFunction(s.target) !== fn);
  if (others.length > 0) return 'the same executor also runs other tasks that do not want the move; change it by hand.';
  return `\`${site.executor.split('.').pop()}\` has no ${to === 'process' ? 'process' : 'thread'} twin the fix can use here; change it by hand.`;
}

import type { BenchLens, BenchmarkParameter, BenchmarkTarget, BenchmarkTargetRequest } from '../../core/services';
import {
  BYTES_NAMES, COPIES, FEW_NAMES, type InputHints, LIST_NAMES, MS_NAMES, TEXT_NAMES, URL_NAMES,
} from '../../core/bench-inputs';
import type { JsModel } from '../model';
import type { Node, TSESTree } from '../parse';
import { type ExportedFunction, exportedFunctions, workerRunFunctions } from '../exports';
import type { FunctionNode } from '../syntax';
import { LineIndex } from '../../core/lines';
import { eventLoopCpuSubjects } from '../rules/cpu-bound-work-on-event-loop';
import { cpuHotspots } from '../cpu';
import type { StaticWorkload } from '../../core/services';
import { jsCallSiteInputs } from './call-site-inputs';

// The benchmark's JS/TS side, pure functions over the model: the exported functions a CodeLens
// sits on, and the function under the cursor with default inputs derived from its signature.

/**
 * The exported functions a "Benchmark" lens sits on: those workers run (worker scripts), and
 * CPU-heavy ones that run on the event loop (CL104's targets: called from an HTTP handler or an
 * event listener in main-thread code). Only exported ones: the harness imports the module and looks
 * the function up among its exports (src/profiling/harness/node-common.ts `findFunction`); a
 * module-scoped function is out of its reach.
 */
export function jsBenchLenses(model: JsModel): BenchLens[] {
  const exported = exportedFunctions(model);
  const chosen = [...workerRunFunctions(model)];
  for (const subject of eventLoopCpuSubjects(model)) {
    const e = exported.find((x) => x.name === subject.functionName);
    if (e && !chosen.some((c) => c.name === e.name)) chosen.push(e);
  }
  return chosen
    .map((e) => ({ functionName: e.name, line: e.line, lensLine: lensLineOf(model, e) }))
    .sort((a, b) => a.line - b.line);
}

function lensLineOf(model: JsModel, e: ExportedFunction): number {
  const statement = model.topLevelStatement(e.fn);
  // `export function f` / `export const f = () =>`: the statement's first line (above any JSDoc-free prefix).
  const statementLine = statement ? model.lineOf(statement) : -1;
  const fnLine = model.lineOf(e.fn);
  if (statement && statementLine <= fnLine && fnLine - statementLine <= 1) return statementLine;
  return e.line;
}

export function jsBenchmarkTarget(model: JsModel, request: BenchmarkTargetRequest, importers: readonly JsModel[] = []): BenchmarkTarget {
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
      return { ok: false, message: 'Put the cursor inside an exported function to benchmark it.', reason: 'outside' };
    }
  }
  const parameters = jsParameters(model, target.fn);
  const recursive = model.calls.some((c) => model.contains(target!.fn, c) && model.functionOf(c.callee) === target!.fn);
  const staticClass = jsStaticWorkload(model, target.name);
  return {
    ok: true,
    functionName: target.name,
    line: target.line,
    language: 'javascript',
    isAsync: target.fn.async,
    parameters,
    defaultInputs: jsDefaultInputs(model, target.fn, { recursive, io: false }),
    callSite: jsCallSiteInputs(model, target.fn, target.name, importers),
    staticKind: staticClass?.kind ?? null,
    staticReason: staticClass?.reason ?? null,
  };
}

function offsetOf(model: JsModel, line: number, character: number): number {
  return new LineIndex(model.source).offsetAt({ line, column: character });
}

/** The innermost function around `offset`; an iterative walk, like the engine's others (deep trees). */
function innermostFunction(model: JsModel, offset: number): FunctionNode | null {
  let found: FunctionNode | null = null;
  const stack: Node[] = [model.program as unknown as Node];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.range[0] > offset || node.range[1] < offset) continue;
    // Only nodes around the offset are expanded, so a later match is nested in an earlier one.
    if (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression') found = node;
    for (const key of Object.keys(node)) {
      if (key === 'parent') continue;
      const value = (node as unknown as Record<string, unknown>)[key];
      for (const v of Array.isArray(value) ? value : [value]) {
        if (v && typeof v === 'object' && 'type' in v && 'range' in v) stack.push(v as Node);
      }
    }
  }
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

function jsValue(model: JsModel, param: Node, hints: InputHints): string {
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
export function jsDefaultInputs(model: JsModel, fn: FunctionNode, hints: InputHints = { recursive: false, io: false }): string {
  const required = fn.params
    .map((p) => (p.type === 'TSParameterProperty' ? p.parameter : p) as Node)
    .filter((p) => p.type !== 'RestElement' && p.type !== 'AssignmentPattern');
  const values = required.map((p) => jsValue(model, p, hints));
  if (values.length === 0) return `Array(${COPIES}).fill([])`;
  if (values.length === 1 && !values[0].startsWith('Array.')) return `Array(${COPIES}).fill(${values[0]})`;
  return `Array(${COPIES}).fill([${values.join(', ')}])`;
}


/**
 * The static class of an exported function for the benchmark report: CPU-bound when CL104's
 * detector finds CPU-heavy work in its body (`pbkdf2Sync`, a busy loop, nested loops over the
 * input, branching recursion) in its body, with that evidence as the reason; null when it finds
 * none, and for async functions (the JS analyzer does not classify I/O, so it says nothing rather
 * than guess).
 */
export function jsStaticWorkload(model: JsModel, functionName: string): StaticWorkload | null {
  const target = exportedFunctions(model).find((e) => e.name === functionName);
  // An async function may wait on I/O besides its CPU work: the analyzer does not classify that.
  if (!target || target.fn.async) return null;
  const hotspot = cpuHotspots(model).find((h) => model.contains(target.fn, h.node));
  if (!hotspot) return null;
  return { kind: 'cpu', reason: `${hotspot.reason} (line ${model.lineOf(hotspot.node) + 1})` };
}

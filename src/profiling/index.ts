// The benchmark engine's public surface (`runBenchmark(plan, onProgress, signal)`),
// for the CLI, the extension's benchmark command and the tests. No `vscode` import here or below.

export { runBenchmark } from './run';
export { harnessDirectory } from './launch';
export { formatBenchText, formatChart, type Styler } from './report/text';
export { formatBenchHtml, resultHtml, speedupChartSvg } from './report/html';
export { languageOfFile, defaultWorkers, PYTHON_MODES, NODE_MODES } from './plan';
export type * from './types';
export type { Mode, PythonMode, NodeMode, InterpreterFacts } from './protocol';
export type { BenchRequest as BenchPlan } from './types';

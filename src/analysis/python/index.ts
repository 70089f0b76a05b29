import type { FrontEnd } from '../core/front-end';
import { PythonProject, analyzePythonModel, pythonParseProblems, treeParseProblems } from './analyze';
import { ensurePythonParser, parsePython } from './syntax';
import { classifyWorkload, describeWorkload } from './workload';
import { pythonTaskHover } from './services/hover';
import { suppressionHover } from '../core/suppression-hover';
import { executorSwaps, pythonBenchLenses, pythonBenchmarkTarget } from './services/bench-targets';
import { pythonTaskReport } from './services/task-report';
import { pythonImportEffects } from './services/import-effects';

// The Python front end: tree-sitter (wasm) parse, the semantic model, the rules, and the editor
// services. src/analysis/index.ts loads this module on the first Python file.

export { PythonProject } from './analyze';

export const pythonFrontEnd: FrontEnd<PythonProject> = {
  language: 'python',
  init: ensurePythonParser,
  createProject: (sources) => new PythonProject(sources),
  analyze(project, document, options) {
    const model = project.model(document.path, document.text, document.edits);
    return { findings: analyzePythonModel(model, options), parseErrors: pythonParseProblems(model) };
  },
  syntaxErrors: (text) => treeParseProblems(parsePython(text).root),
  hover(project, document, position) {
    const model = project.model(document.path, document.text);
    const comments = model.nodesOfType('comment').filter((c) => c.startRow === position.line);
    const onSuppression = suppressionHover(comments.map((c) => ({ line: c.startRow, text: model.text(c), offset: c.startIndex })), model.source, 'python', position);
    return onSuppression ?? pythonTaskHover(model, position.line, position.column);
  },
  benchLenses: (project, document) => pythonBenchLenses(project.model(document.path, document.text)),
  benchmarkTarget: (project, document, request) =>
    pythonBenchmarkTarget(
      project.model(document.path, document.text),
      request,
      (request.importers ?? []).filter((d) => /\.pyw?$/i.test(d.path)).map((d) => project.model(d.path, d.text)),
    ),
  staticWorkload(project, document, functionName) {
    const fn = project.model(document.path, document.text).functions.find((f) => f.name === functionName && !f.parentFunction && !f.parentClass);
    if (!fn) return null;
    const workload = classifyWorkload(fn);
    return { kind: workload.kind, reason: describeWorkload(workload) };
  },
  executorSwaps: (project, documents, definingPath, functionName, to) =>
    executorSwaps(documents.map((d) => project.model(d.path, d.text)), definingPath, functionName, to),
  tasks: (project, document) => pythonTaskReport(project.model(document.path, document.text)),
  importEffects: (project, document) => pythonImportEffects(project.model(document.path, document.text)),
};

import type { FrontEnd } from '../core/front-end';
import { JsProject, analyzeJsModel } from './analyze';
import { jsBenchLenses, jsBenchmarkTarget, jsStaticWorkload } from './services/bench-targets';
import { jsImportEffects } from './services/import-effects';
import { suppressionHover } from '../core/suppression-hover';

// The JS/TS front end: typescript-estree parse, the semantic model, the rules, and the editor
// services. src/analysis/index.ts loads this module (and with it `typescript`) on the first
// JS/TS file only.

export { JsProject } from './analyze';

export const javascriptFrontEnd: FrontEnd<JsProject> = {
  language: 'javascript',
  createProject: (sources, files) => new JsProject(sources, files),
  analyze(project, document, options) {
    const entry = project.load(document.path, document.text, document.languageId);
    if (!entry.model) return { findings: [], parseErrors: entry.parseError ? [entry.parseError] : [] };
    return { findings: analyzeJsModel(entry.model, options, project.betweenSteps), parseErrors: [] };
  },
  hover(project, document, position) {
    const model = project.load(document.path, document.text, document.languageId).model;
    return model ? suppressionHover(model.comments, model.source, 'javascript', position) : null;
  },
  benchLenses(project, document) {
    const model = project.load(document.path, document.text, document.languageId).model;
    return model ? jsBenchLenses(model) : [];
  },
  benchmarkTarget(project, document, request) {
    const entry = project.load(document.path, document.text, document.languageId);
    if (!entry.model) return { ok: false, message: `The file does not parse${entry.parseError ? `: ${entry.parseError.message}` : ''}. Fix the syntax error first.` };
    const importers = (request.importers ?? []).flatMap((d) => (d.path === document.path ? [] : (project.load(d.path, d.text, d.languageId).model ?? [])));
    return jsBenchmarkTarget(entry.model, request, importers);
  },
  staticWorkload(project, document, functionName) {
    const model = project.load(document.path, document.text, document.languageId).model;
    return model ? jsStaticWorkload(model, functionName) : null;
  },
  importEffects(project, document) {
    const model = project.load(document.path, document.text, document.languageId).model;
    return model ? jsImportEffects(model) : [];
  },
};

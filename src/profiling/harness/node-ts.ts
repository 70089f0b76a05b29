// TypeScript → CommonJS for the Node harness, with the `typescript` package (pure JS, no native
// dependency, so the extension ships one universal package). A bundle of its own
// (dist/harness/node-ts.js), required only when a .ts file is loaded: plain JS benchmarks and
// pool members never pay for parsing the compiler.
//
// Limits (the price of a per-file transpile through require, with no type check): TypeScript is
// run as CommonJS, so top-level await and import.meta do not work; tsconfig `paths` aliases and
// `extends` are not followed; const enums imported from another file are not inlined. Relative
// imports of other .ts files work (also written as './x.js'), as do packages from node_modules.

import * as path from 'node:path';
import ts from 'typescript';

const configs = new Map<string, ts.CompilerOptions>();

/**
 * The nearest tsconfig.json's compilerOptions (without `extends` or file enumeration: only options
 * that change emit matter here, e.g. experimentalDecorators, useDefineForClassFields, jsx).
 */
function projectOptions(filename: string): ts.CompilerOptions {
  const configPath = ts.findConfigFile(path.dirname(filename), ts.sys.fileExists);
  if (!configPath) return {};
  let options = configs.get(configPath);
  if (options === undefined) {
    const read = ts.readConfigFile(configPath, ts.sys.readFile);
    const raw = (read.config as { compilerOptions?: unknown } | undefined)?.compilerOptions;
    options = read.error || raw === undefined ? {} : ts.convertCompilerOptionsFromJson(raw, path.dirname(configPath)).options;
    configs.set(configPath, options);
  }
  return options;
}

export function transpile(filename: string, source: string): string {
  const project = projectOptions(filename);
  // TypeScript emits .mts as ESM (and .cts as CJS) whatever `module` says: transpile under a .ts
  // name so the output is always CommonJS, then point the source map back at the real file.
  const out = ts.transpileModule(source, {
    fileName: filename.replace(/\.[mc]ts$/i, '.ts'),
    reportDiagnostics: true,
    compilerOptions: {
      ...project,
      // Loaded through require(): CommonJS whatever the project targets. Forced so that a project's
      // `module: nodenext` / `verbatimModuleSyntax` cannot make the output ESM.
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      verbatimModuleSyntax: false,
      isolatedModules: true,
      jsx: project.jsx ?? ts.JsxEmit.ReactJSX,
      // Stack traces point at the user's .ts lines (the harness enables source maps).
      sourceMap: true,
      inlineSourceMap: false,
      inlineSources: false,
      declaration: false,
      noEmit: false,
      outDir: undefined,
      outFile: undefined,
    },
  });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const text = errors
      .map((d) => {
        const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : null;
        const at = where ? `${filename}:${where.line + 1}:${where.character + 1}` : filename;
        return `${at}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      })
      .join('\n');
    const err = new SyntaxError(`TypeScript could not transpile ${filename}:\n${text}`);
    err.stack = `SyntaxError: ${err.message}`; // the positions above are the user's; our frames are noise
    throw err;
  }
  const map = JSON.parse(out.sourceMapText ?? '{}') as { sources?: string[]; file?: string };
  map.sources = [filename];
  map.file = filename;
  const code = out.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '');
  return `${code}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
}

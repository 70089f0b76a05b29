import * as path from 'node:path';
import type { Language, SourceDocument } from './core/types';

// Which files are which language: the one list of extensions and VS Code language ids. Light on
// purpose (no parser, no front end), so the CLI's file walk, the server and the extension can ask
// without loading any analyzer.

export interface LanguageInfo {
  /** Lower-case, with the dot. */
  extensions: readonly string[];
  languageIds: readonly string[];
  displayName: string;
}

export const LANGUAGES: Record<Language, LanguageInfo> = {
  python: { extensions: ['.py', '.pyw', '.pyi'], languageIds: ['python'], displayName: 'Python' },
  javascript: {
    extensions: ['.js', '.mjs', '.cjs', '.jsx', '.ts', '.tsx', '.mts', '.cts'],
    languageIds: ['javascript', 'typescript', 'javascriptreact', 'typescriptreact'],
    displayName: 'JavaScript/TypeScript',
  },
};

export const JS_EXTENSIONS = LANGUAGES.javascript.extensions;
export const PYTHON_EXTENSIONS = LANGUAGES.python.extensions;
/** Every VS Code language id the engine analyzes. */
export const LANGUAGE_IDS: readonly string[] = Object.values(LANGUAGES).flatMap((l) => l.languageIds);

export function languageOfExtension(filePath: string): Language | null {
  const ext = path.extname(filePath).toLowerCase();
  for (const [language, info] of Object.entries(LANGUAGES) as [Language, LanguageInfo][]) {
    if (info.extensions.includes(ext)) return language;
  }
  return null;
}

/** The document's language: its VS Code language id when known, else its file extension. */
export function languageOf(document: Pick<SourceDocument, 'path' | 'languageId'>): Language | null {
  if (document.languageId) {
    for (const [language, info] of Object.entries(LANGUAGES) as [Language, LanguageInfo][]) {
      if (info.languageIds.includes(document.languageId)) return language;
    }
  }
  return languageOfExtension(document.path);
}

/** Jupyter notebooks: their Python cells are analyzed as one module (notebook/analyze.ts). */
export const NOTEBOOK_EXTENSIONS: readonly string[] = ['.ipynb'];

export function isNotebookPath(filePath: string): boolean {
  return NOTEBOOK_EXTENSIONS.includes(path.extname(filePath).toLowerCase());
}

/** Files `check` looks at: source files of a language, and notebooks. */
export function isCheckablePath(filePath: string): boolean {
  return isAnalyzablePath(filePath) || isNotebookPath(filePath);
}

export function isAnalyzablePath(filePath: string): boolean {
  return languageOfExtension(filePath) !== null;
}

export function isJsPath(filePath: string): boolean {
  return languageOfExtension(filePath) === 'javascript';
}

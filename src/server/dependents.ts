import * as path from 'node:path';
import { languageOf } from '../analysis';

// Which open documents may depend on a changed one, so the server re-checks those and not every
// open document (a large one re-analyzed on each keystroke in another file held its lane for
// seconds). A textual test, cheap enough for every edit: a Python file that names the changed
// module on an `import`/`from` line, a JS/TS file with a string ending in its name (an import
// specifier, `require`, `new Worker('./name.js')`). Followed transitively. It may take a file that
// does not import the module (it is then analyzed once more, as before), and misses imports built
// at run time (which the engine cannot resolve either).

export interface Candidate {
  key: string;
  path: string;
  languageId?: string;
  text: string;
}

export function importersOf(changed: { path: string; languageId?: string }, candidates: readonly Candidate[]): string[] {
  const found = new Set<string>();
  const queue = [changed];
  while (queue.length > 0) {
    const current = queue.shift()!;
    const language = languageOf(current);
    if (!language) continue;
    const test = importTest(language, current.path);
    for (const candidate of candidates) {
      if (found.has(candidate.key) || candidate.path === changed.path || languageOf(candidate) !== language) continue;
      if (test(candidate.text)) {
        found.add(candidate.key);
        queue.push(candidate);
      }
    }
  }
  return [...found];
}

function importTest(language: 'python' | 'javascript', file: string): (text: string) => boolean {
  const ext = path.extname(file);
  const stem = path.basename(file, ext);
  // A package's __init__.py (an index.js) is imported by its folder's name.
  const names = [stem];
  if (stem === '__init__' || stem === 'index') names.push(path.basename(path.dirname(file)));
  const alternatives = names.map(escape).join('|');
  const pattern =
    language === 'python'
      ? new RegExp(`^[ \\t]*(?:from|import)[ \\t].*\\b(?:${alternatives})\\b`, 'm')
      : new RegExp(`['"\`][^'"\`\\n]*\\b(?:${alternatives})(?:\\.[cm]?[jt]sx?)?['"\`]`);
  return (text) => pattern.test(text);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { languageOf } from '../analysis';
import { readSource } from '../workspace/read-source';
import { type Candidate, importersOf } from './dependents';

// The files whose calls of a function may pre-fill its benchmark inputs (the engine's
// `callSite`, src/analysis/python/services/call-site-inputs.ts): the open documents that import
// the function's file, and files beside it or one folder up (a package's `main.py`, a server's
// `app.js`) that name it on an import line. Bounded: a few dozen small files, read once per
// benchmark command, never on an edit.

const MAX_DISK_FILES = 60;
const MAX_FILE_BYTES = 256 * 1024;
const MAX_IMPORTERS = 8;

export interface ImporterText {
  path: string;
  text: string;
  languageId?: string;
}

export async function benchImporters(file: string, languageId: string | undefined, open: readonly Candidate[]): Promise<ImporterText[]> {
  const language = languageOf({ path: file, languageId });
  if (!language) return [];
  const candidates: Candidate[] = open.filter((c) => c.path !== file && c.text !== '');
  const known = new Set(candidates.map((c) => c.path));
  const folders = [path.dirname(file), path.dirname(path.dirname(file))];
  let read = 0;
  for (const folder of [...new Set(folders)]) {
    let names: string[];
    try {
      names = (await fs.readdir(folder)).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const candidate = path.join(folder, name);
      if (read >= MAX_DISK_FILES || known.has(candidate) || candidate === file || languageOf({ path: candidate }) !== language) continue;
      // The workspace's one bounded reader: the descriptor opened must be a regular file, so a FIFO
      // or a device swapped in under the name cannot block or fill memory. Unreadable, too large or
      // binary: not a call site.
      const source = readSource(candidate, MAX_FILE_BYTES);
      if ('skipped' in source) continue;
      read++;
      candidates.push({ key: candidate, path: candidate, text: source.text });
      known.add(candidate);
    }
  }
  const keys = new Set(importersOf({ path: file, languageId }, candidates).slice(0, MAX_IMPORTERS));
  return candidates.filter((c) => keys.has(c.key)).map((c) => ({ path: c.path, text: c.text, ...(c.languageId ? { languageId: c.languageId } : {}) }));
}

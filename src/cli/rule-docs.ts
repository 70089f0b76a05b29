import * as fs from 'node:fs';
import * as path from 'node:path';
import { version } from '../../package.json';

// Where the CLI finds what it ships beside the bundle: the rule pages (docs/rules/CLxxx.md sit one
// folder above dist/, in the repository and in the packaged extension alike) and its version.

export const TOOL_VERSION: string = version;
export const INFORMATION_URI = 'https://github.com/concurrency-lens/concurrency-lens';

export function docsDirectory(): string {
  return path.join(__dirname, '..', 'docs', 'rules');
}

/** The rule's documentation page, or null when the docs are not installed beside the CLI. */
export function readRuleDoc(code: string): string | null {
  try {
    return fs.readFileSync(path.join(docsDirectory(), `${code}.md`), 'utf8');
  } catch {
    return null;
  }
}

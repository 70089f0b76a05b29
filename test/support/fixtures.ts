import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SourceProvider } from '../../src/analysis/core/types';

// Fixtures mark each expected finding with a comment on the line where its range starts:
// `# expect: CL101` (Python) or `// expect: CL104` (JS/TS); several codes are comma-separated.

export const FIXTURES = path.join(__dirname, '..', 'fixtures');

/** Any language's marker; the rules test passes its language's own (see test/rules.test.ts). */
export const MARKER = /(?:#|\/\/|\/\*)\s*expect:\s*([A-Z0-9 ,]+)/;

export interface Expected {
  line: number; // 1-based
  rule: string;
}

export function expectedFindings(text: string, marker: RegExp = MARKER): Expected[] {
  const out: Expected[] = [];
  text.split('\n').forEach((line, index) => {
    const match = marker.exec(line);
    if (!match) return;
    for (const code of match[1].split(/[\s,]+/).filter(Boolean)) out.push({ line: index + 1, rule: code });
  });
  return out;
}

export function listFiles(dir: string, extensions: readonly string[]): string[] {
  const out: string[] = [];
  const visit = (current: string): void => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (extensions.includes(path.extname(entry.name))) out.push(full);
    }
  };
  visit(dir);
  return out.sort();
}

export const diskSources: SourceProvider = {
  readFile(file) {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  },
};

export function key(e: Expected): string {
  return `${e.line}:${e.rule}`;
}

const RULE_CODE = /^CL\d{3}$/;
const FIX_MARKER = /^(?:#|\/\/)\s*fix:\s*([A-Z0-9, ]+)/;

/**
 * The rule codes a fixture is about: its rule folder (`python/CL402/…`), its `expect:` markers and
 * a golden's first-line `fix:` marker. Test names carry them so that `npm run test:rule -- CL402`
 * (and `--test-name-pattern`) finds every test of a rule, goldens named by scenario included.
 */
export function fixtureCodes(file: string, text: string): string[] {
  const codes = new Set(file.split(/[\\/]/).filter((segment) => RULE_CODE.test(segment)));
  for (const e of expectedFindings(text)) codes.add(e.rule);
  for (const code of (FIX_MARKER.exec(text)?.[1] ?? '').split(/[\s,]+/)) if (RULE_CODE.test(code)) codes.add(code);
  return [...codes].sort();
}

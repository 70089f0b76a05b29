// `npm run docs:rules`: rewrites what the docs restate from the rule catalogue (each page's title
// and header line, the README's rule table). `--check` changes nothing and exits 1 when a file
// differs. See src/analysis/catalog-docs.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULE_CODES, docsPath } from '../src/analysis/catalog';
import { withGeneratedHeader, withGeneratedTable } from '../src/analysis/catalog-docs';

const root = path.join(__dirname, '..');
const check = process.argv.includes('--check');
const stale: string[] = [];

function update(file: string, next: string | null, current: string): void {
  if (next === null) throw new Error(`${file}: the generated section's markers are missing`);
  if (next === current) return;
  stale.push(file);
  if (!check) fs.writeFileSync(path.join(root, file), next);
}

for (const code of RULE_CODES) {
  const file = docsPath(code);
  const current = fs.readFileSync(path.join(root, file), 'utf8');
  update(file, withGeneratedHeader(code, current), current);
}
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
update('README.md', withGeneratedTable(readme), readme);

if (stale.length === 0) console.log('docs match the rule catalogue');
else if (check) {
  console.error(`out of date with src/analysis/catalog.ts: ${stale.join(', ')} (run npm run docs:rules)`);
  process.exitCode = 1;
} else console.log(`updated ${stale.join(', ')}`);

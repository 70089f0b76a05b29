// PLACEHOLDER entry so the build has something to bundle; the CLI helper replaces it.
import { analyze } from '../analysis';
import * as fs from 'node:fs';

async function main(): Promise<void> {
  const file = process.argv[3];
  const result = await analyze({ path: file, text: fs.readFileSync(file, 'utf8') });
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}
void main();

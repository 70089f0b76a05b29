import { after } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * A maker of small source trees in one temporary folder, removed after the test file: each call
 * writes `files` (relative names, folders made as needed) under a fresh root and returns it.
 */
export function treeMaker(prefix: string): (files: Record<string, string>) => string {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  after(() => fs.rmSync(temp, { recursive: true, force: true }));
  let counter = 0;
  return (files) => {
    const root = path.join(temp, `t${counter++}`);
    for (const [name, content] of Object.entries(files)) {
      const file = path.join(root, name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    return root;
  };
}

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// Tests that spawn the bundles: `npm test` builds first, and a direct run of one test file
// rebuilds when a bundle it needs is missing or older than the sources.

const ROOT = path.join(__dirname, '..', '..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** `outputs` relative to the repository root, e.g. `dist/cli.js`. */
export function ensureBuilt(...outputs: string[]): void {
  const sources = newestMtime(path.join(ROOT, 'src'));
  const stale = outputs.some((output) => {
    const file = path.join(ROOT, output);
    return !fs.existsSync(file) || fs.statSync(file).mtimeMs < sources;
  });
  if (!stale) return;
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(build.status, 0, `build failed:\n${build.stderr}`);
}

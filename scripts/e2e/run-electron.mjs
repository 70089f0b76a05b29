// The same in-extension-host suite (test/e2e/suite, the `run()` contract) under
// @vscode/test-electron, for machines that can download VS Code. These machines cannot
// (docs/e2e.md), which is why `npm run test:e2e` uses code-server; keep this working for others:
//
//   npm install --no-save @vscode/test-electron@2.5.2 && node scripts/e2e/run-electron.mjs
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';

const root = resolve(import.meta.dirname, '..', '..');
const { runTests } = await import('@vscode/test-electron').catch(() => {
  console.error('@vscode/test-electron is not installed: npm install --no-save @vscode/test-electron@2.5.2');
  process.exit(2);
});

await esbuild.build({
  entryPoints: [join(root, 'test/e2e/suite/index.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  external: ['vscode'],
  outfile: join(root, 'out/e2e/suite.js'),
  logLevel: 'warning',
});
const workspace = mkdtempSync(join(tmpdir(), 'clens-electron-'));
cpSync(join(root, 'test/e2e/workspace'), workspace, { recursive: true });

const code = await runTests({
  version: '1.100.0',
  extensionDevelopmentPath: root,
  extensionTestsPath: join(root, 'out/e2e/suite.js'),
  launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
}).then(
  () => 0,
  (error) => {
    console.error(error);
    return 1;
  },
);
process.exit(code);

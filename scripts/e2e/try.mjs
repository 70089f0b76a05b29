// `npm run try`: the extension in a real VS Code (code-server) in your browser, on the bundled
// examples or a folder you name: `npm run try -- /path/to/project [--port 8080]`.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { startCodeServer } from './code-server.mjs';

const args = process.argv.slice(2);
const portIndex = args.indexOf('--port');
const port = portIndex >= 0 ? Number(args[portIndex + 1]) : 8080;
const folder = resolve(args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--port') ?? 'examples');
if (!existsSync(folder)) {
  console.error(`error: folder not found: ${folder}`);
  process.exit(2);
}

execFileSync('bash', ['scripts/e2e/setup.sh'], { stdio: 'inherit' });
execFileSync(process.execPath, ['node_modules/@vscode/vsce/vsce', 'package', '--no-dependencies', '-o', 'concurrency-lens.vsix'], { stdio: 'inherit' });

// Without the smoke-test driver a URL payload is ignored: install the VSIX instead.
const server = await startCodeServer({ port, vsix: resolve('concurrency-lens.vsix') });
console.log(`\nConcurrency Lens is running in VS Code (code-server): ${server.url}/?folder=${encodeURIComponent(folder)}`);
console.log('Open that address in a browser (forward the port if the machine is remote). Ctrl+C stops it.\n');

const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
await new Promise(() => {});

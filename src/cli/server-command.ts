import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './errors';

// `concurrency-lens server --stdio`: the language server, the same one as the npm package's
// `concurrency-lens-server --stdio` bin and the VS Code extension's. The CLI does not import the
// server (docs/architecture.md, layers): it loads the server bundle that ships beside its own
// (dist/server.js, with dist/server-worker.js for its analysis threads) and starts it here.

export function startLanguageServer(): void {
  const bundle = path.join(__dirname, 'server.js');
  if (!fs.existsSync(bundle)) throw new UsageError(`the language server bundle is missing (${bundle}); run npm run build`);
  // A path known only at run time: esbuild leaves this require to Node, so the CLI bundle stays small.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const server = require(bundle) as { startStdioServer?: () => void };
  if (typeof server.startStdioServer !== 'function') throw new UsageError(`${bundle} is not the Concurrency Lens language server`);
  server.startStdioServer();
}

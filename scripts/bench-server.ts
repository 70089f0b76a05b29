// Measures the language server's time per update while typing in a 5,000-line Python file: the
// figure issue 4 asks for. Not a test (timing varies on shared machines): `npm run bench:server`.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';

function pythonFile(lines: number): string {
  const block = (i: number): string => `
def compute_${i}(n):
    total = 0
    for k in range(n):
        total += k * k
    return total


def fetch_${i}(url):
    with open(url) as f:
        return f.read()


def run_${i}(items):
    with ThreadPoolExecutor() as executor:
        return list(executor.map(compute_${i}, items))
`;
  let text = 'from concurrent.futures import ThreadPoolExecutor\n';
  for (let i = 0; text.split('\n').length < lines; i++) text += block(i);
  return text;
}

async function main(): Promise<void> {
  const server = spawn(process.execPath, [path.join(__dirname, 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
  let versionSeen = 0;
  connection.onNotification('textDocument/publishDiagnostics', (p: { version?: number }) => {
    versionSeen = Math.max(versionSeen, p.version ?? 0);
  });
  connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
  connection.onRequest('client/registerCapability', () => null);
  connection.listen();
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } });
  await connection.sendNotification('initialized', {});
  const text = pythonFile(5000);
  const uri = 'file:///tmp/clens-bench/big.py';
  await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text } });
  const waitFor = async (version: number): Promise<void> => {
    while (versionSeen < version) await new Promise((r) => setTimeout(r, 5));
  };
  await waitFor(1);
  // One keystroke at a time, each after the previous update landed (debounce included in wall time).
  const rounds = 40;
  const lines = text.split('\n');
  const started = performance.now();
  for (let v = 2; v < 2 + rounds; v++) {
    const line = 2 + ((v * 37) % (lines.length - 4));
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: v },
      contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: v % 2 ? ' ' : '#' }],
    });
    await waitFor(v);
  }
  const wall = (performance.now() - started) / rounds;
  const timings = (await connection.sendRequest('concurrencyLens/timings')) as { count: number; medianMs: number };
  console.log(`5,000-line Python file: server-side analysis per update median ${timings.medianMs.toFixed(1)} ms over ${timings.count} updates; keystroke-to-diagnostics ${wall.toFixed(0)} ms (incl. ${200} ms debounce)`);
  await connection.sendRequest('shutdown');
  await connection.sendNotification('exit');
  server.kill();
}

void main();

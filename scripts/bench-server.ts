// The language server's responsiveness (issues 4 and 14), over stdio as an editor drives it. Not a
// test (timing varies on shared machines): `npm run bench:server`. Three scenes, each on a fresh
// server:
//   1. typing in a 5,000-line Python file, one keystroke after the previous update landed: the
//      engine's time per analysis (in the worker), the server's time per update (debounce fired
//      to diagnostics sent), the request thread's part of it, keystroke to diagnostics, and hovers
//      on a small file sent meanwhile;
//   2. hovers on a small file while a ~1 MB Python file is being analyzed;
//   3. an edit to an imported file until its importer's diagnostics change.
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type MessageConnection, StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import { CPU_IN_THREADS, bigPython } from '../test/support/samples';
import { pythonFile } from './typing-sample';

interface Published {
  uri: string;
  version?: number;
  diagnostics: { code?: string | number }[];
  at: number;
}

interface Timings {
  count: number;
  medianMs: number | null;
  updateCount?: number;
  updateMedianMs?: number | null;
  publishMedianMs?: number | null;
}

class Server {
  readonly published: Published[] = [];
  private constructor(
    readonly connection: MessageConnection,
    private readonly child: ChildProcess,
  ) {}

  static async start(): Promise<Server> {
    const child = spawn(process.execPath, [path.join(__dirname, 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const server = new Server(connection, child);
    connection.onNotification('textDocument/publishDiagnostics', (p: Omit<Published, 'at'>) => server.published.push({ ...p, at: performance.now() }));
    connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
    connection.onRequest('client/registerCapability', () => null);
    connection.listen();
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } });
    await connection.sendNotification('initialized', {});
    return server;
  }

  open(uri: string, text: string, version = 1): void {
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version, text } });
  }

  change(uri: string, version: number, change: Record<string, unknown>): void {
    void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
  }

  async until<T>(probe: () => T | undefined): Promise<T> {
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  diagnostics(uri: string, version: number): Promise<Published> {
    return this.until(() => this.published.find((p) => p.uri === uri && p.version === version));
  }

  /**
   * The server process's resident memory, all its threads: now and its peak so far, in MB (Linux's
   * /proc; null elsewhere). Each analysis worker is a V8 isolate with its own engine and models.
   */
  memory(): { rssMb: number; peakMb: number } | null {
    try {
      const status = fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
      return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
    } catch {
      return null;
    }
  }

  timings(): Promise<Timings> {
    return this.connection.sendRequest('concurrencyLens/timings') as Promise<Timings>;
  }

  async stop(): Promise<void> {
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    this.child.kill();
  }
}

function logMemory(server: Server): void {
  const memory = server.memory();
  if (memory) console.log(`  server process memory (all threads)  RSS ${memory.rssMb.toFixed(0)} MB, peak ${memory.peakMb.toFixed(0)} MB`);
}

const median = (list: number[]): number => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const ms = (n: number | null | undefined): string => (n === null || n === undefined ? '-' : `${n.toFixed(1)} ms`);

async function typing(size: number): Promise<void> {
  const server = await Server.start();
  const text = pythonFile(size);
  const uri = 'file:///tmp/clens-bench/big.py';
  const smallUri = 'file:///tmp/clens-bench/small.py';
  server.open(uri, text);
  server.open(smallUri, CPU_IN_THREADS);
  await server.diagnostics(uri, 1);
  await server.diagnostics(smallUri, 1);
  // A hover on the small file every 25 ms while typing: how long the request thread makes it wait.
  const hovers: number[] = [];
  let typing = true;
  const hovering = (async () => {
    while (typing) {
      const asked = performance.now();
      await server.connection.sendRequest('textDocument/hover', { textDocument: { uri: smallUri }, position: { line: 3, character: 6 } });
      hovers.push(performance.now() - asked);
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  // One keystroke at a time, each after the previous update landed (debounce included in wall time).
  const rounds = 40;
  const lines = text.split('\n');
  const walls: number[] = [];
  for (let v = 2; v < 2 + rounds; v++) {
    const line = 2 + ((v * 37) % (lines.length - 4));
    const sent = performance.now();
    server.change(uri, v, { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: v % 2 ? ' ' : '#' });
    const landed = await server.diagnostics(uri, v);
    walls.push(landed.at - sent);
  }
  typing = false;
  await hovering;
  const after = await server.timings();
  console.log(`${size.toLocaleString('en')}-line Python file, ${rounds} keystrokes:`);
  console.log(`  engine time per analysis (worker thread)  median ${ms(after.medianMs)} over ${after.count} analyses`);
  console.log(`  server time per update (debounce fired to diagnostics sent)  median ${ms(after.updateMedianMs)}`);
  console.log(`  request thread per update (worker result to diagnostics sent)  median ${ms(after.publishMedianMs)}`);
  console.log(`  keystroke to diagnostics (adaptive debounce included)  median ${ms(median(walls))}`);
  console.log(`  hovers on a small file meanwhile  median ${ms(median(hovers))}, max ${ms(Math.max(...hovers))} over ${hovers.length}`);
  logMemory(server);
  await server.stop();
}

async function hoverBehindBigFile(): Promise<void> {
  const server = await Server.start();
  const big = bigPython(45_000, 'bench');
  const bigUri = 'file:///tmp/clens-bench/huge.py';
  const smallUri = 'file:///tmp/clens-bench/small.py';
  const opened = performance.now();
  server.open(bigUri, big);
  server.open(smallUri, CPU_IN_THREADS);
  await server.diagnostics(smallUri, 1);
  const hovers: number[] = [];
  let before = 0;
  for (let i = 0; i < 10; i++) {
    const asked = performance.now();
    await server.connection.sendRequest('textDocument/hover', { textDocument: { uri: smallUri }, position: { line: 3, character: 6 } });
    hovers.push(performance.now() - asked);
    if (!server.published.some((p) => p.uri === bigUri)) before++;
  }
  const bigDone = await server.diagnostics(bigUri, 1);
  console.log(`hover on a small file while a ${(big.length / 1024 / 1024).toFixed(1)} MB Python file is analyzed:`);
  console.log(`  median ${ms(median(hovers))}, max ${ms(Math.max(...hovers))} over ${hovers.length} hovers (${before} answered before the big file's diagnostics)`);
  console.log(`  the big file's diagnostics came ${ms(bigDone.at - opened)} after it was opened`);
  logMemory(server);
  await server.stop();
}

async function importerUpdate(): Promise<void> {
  const server = await Server.start();
  const helperUri = 'file:///tmp/clens-bench/pkg/helpers.py';
  const mainUri = 'file:///tmp/clens-bench/pkg/main.py';
  const sleepy = 'import time\n\n\ndef work(n):\n    time.sleep(n)\n';
  const cpu = 'def work(n):\n    total = 0\n    for i in range(n):\n        total += i * i\n    return total\n';
  server.open(helperUri, sleepy);
  server.open(mainUri, 'from concurrent.futures import ThreadPoolExecutor\nfrom helpers import work\n\n\ndef main():\n    with ThreadPoolExecutor() as ex:\n        return list(ex.map(work, [1]))\n');
  await server.diagnostics(helperUri, 1);
  await server.diagnostics(mainUri, 1);
  const latencies: number[] = [];
  for (let v = 2; v < 12; v++) {
    const cpuBound = v % 2 === 0;
    const seen = server.published.length;
    const sent = performance.now();
    server.change(helperUri, v, { text: cpuBound ? cpu : sleepy });
    const landed = await server.until(() =>
      server.published.slice(seen).find((p) => p.uri === mainUri && p.diagnostics.some((d) => d.code === 'CL101') === cpuBound),
    );
    latencies.push(landed.at - sent);
  }
  console.log(`an edit to an imported file until its importer's diagnostics change: median ${ms(median(latencies))}, max ${ms(Math.max(...latencies))} over ${latencies.length} edits`);
  await server.stop();
}

// `bench-server.js [typing|hover|importer …] [--lines N]`: only these scenes (default: all three),
// typing in an N-line file (default 5,000; issue 14 names 3,500 lines for keystroke to diagnostic).
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--lines');
  const lines = at >= 0 ? Number(args[at + 1]) : 5000;
  if (!Number.isInteger(lines) || lines < 10) throw new Error(`--lines takes a line count, not ${args[at + 1]}`);
  const scenes = args.filter((a, i) => !a.startsWith('--') && (at < 0 || i !== at + 1));
  const wanted = (scene: string): boolean => scenes.length === 0 || scenes.includes(scene);
  if (wanted('typing')) await typing(lines);
  if (wanted('hover')) await hoverBehindBigFile();
  if (wanted('importer')) await importerUpdate();
}

void main();

import type { Node, TSESTree } from './parse';
import type { CallLike } from './syntax';

// What a spawn site is. workers.ts finds them; the type lives apart so that the model, whose
// project interface hands out other files' spawn sites, can name it without importing the finder.

export type SpawnKind = 'worker' | 'fork' | 'spawn' | 'exec' | 'execFile' | 'cluster' | 'piscina' | 'tinypool' | 'workerpool';

export interface SpawnSite {
  node: CallLike;
  kind: SpawnKind;
  family: 'thread' | 'process';
  isPool: boolean;
  /** The script argument (`'./worker.js'`, `new URL(…)`, the pool's `filename`). */
  script: Node | null;
  /** Absolute paths the script may be, most likely first (TS sources for `.js` specifiers too). */
  scriptCandidates: string[];
  /** The file spawns itself: `__filename`, `import.meta.url`, `cluster.fork()`. */
  selfSpawn: boolean;
  /** The options object literal (a Worker's, a pool's, fork's or spawn's), when written in place or bound to a const. */
  options: TSESTree.ObjectExpression | null;
  workerData: Node | null;
  /** Pools: the `maxThreads` / `maxWorkers` property. */
  size: TSESTree.Property | null;
  /**
   * The program a `spawn`/`execFile`/`exec` runs, when the code names it: `spawn('convert', …)`,
   * the first word of `exec(`kill -9 ${pid}`)`. Null for the other kinds and computed commands.
   */
  program: string | null;
  /** How messages name it: `new Worker(…)`, `fork(…)`. */
  label: string;
}

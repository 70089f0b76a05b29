import type { CommentText } from '../../core/suppression';
import type { TSESTree } from '../parse';
import { Guards } from './guards';

// The JS/TS semantic model every rule shares: bindings and scopes, import/require resolution to
// qualified names (`worker_threads.Worker`), the call graph within the file, guards
// (`isMainThread`, `cluster.isPrimary`, `process.send`) and the file's role (main / worker
// script). One walk of the tree builds it; rules only query it. What detectors find (spawn
// sites, event handlers, shared memory) are facts over it, in their own modules.
//
// JsModel is one class built in layers, a file each, every layer a class over the one below:
//   tree.ts    TreeIndex   parents, the nodes rules ask about by kind, source positions
//   scope.ts   Scopes      the walk that fills the index; scopes, bindings, references
//   names.ts   Names       qualified names, values of constant bindings, functions named
//   calls.ts   CallGraph   call sites of functions, callbacks, immediate invocations
//   guards.ts  Guards      guards, thread context, the file's role
// A layer uses only the ones below it, so the files import one way; callers see JsModel alone.

export type { Binding, BindingKind } from './scope';
export { normalizeModule } from './scope';
export type { FileRole, GuardKind, ThreadContext } from './guards';
export { isMainModuleTest } from './guards';

/** What the model needs from the project: other files, for worker scripts and their spawners. */
export interface JsProjectLike {
  /** The model of another file of the tree, or null when it cannot be read or parsed. */
  modelAt(filePath: string): JsModel | null;
  /** Spawn sites in other files of the tree whose script is `filePath`. */
  spawnersOf(filePath: string): readonly SpawnerRef[];
}

/**
 * A spawn site of another file, as the project's index keeps it: where it is, not the model. A
 * batch run indexes every file that may spawn a worker; holding their models (and the models
 * those resolved names to) kept a large part of the tree alive for the whole run.
 */
export interface SpawnerRef {
  /** The spawning file. */
  path: string;
  /** Start offset of the spawn call in that file (SpawnSite.node.range[0]). */
  start: number;
  /** The site passes `workerData`: what it sends needs the spawner's model (modelAt). */
  sendsData: boolean;
}

export class JsModel extends Guards {
  constructor(
    path: string,
    source: string,
    program: TSESTree.Program,
    comments: CommentText[],
    readonly project: JsProjectLike | null = null,
  ) {
    super(path, source, program, comments);
  }
}

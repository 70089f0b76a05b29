import type { CallSiteInputs } from './bench-inputs';
import type { Fix, Range } from './types';

// What the editor asks the engine beyond findings, in language-neutral shapes: hovers, the
// functions a benchmark CodeLens sits on, the function under the cursor with default inputs,
// and the executor swap behind "Apply recommendation". Each language's front end answers what
// it can (src/analysis/<language>/services/).

export interface Hover {
  range: Range;
  markdown: string;
}

export interface BenchLens {
  functionName: string;
  /** 0-based line of the definition (`def` / `function`): the command's `line` argument. */
  line: number;
  /** Where the lens sits: above the decorators of a decorated function. */
  lensLine: number;
}

export interface BenchmarkTargetRequest {
  /** Where the cursor is (0-based); ignored when `functionName` is given. */
  line?: number;
  character?: number;
  functionName?: string;
  /**
   * Other files of the project that import this one (path and text): their calls of the
   * function can give the inputs when this file has none.
   */
  importers?: readonly { path: string; text: string; languageId?: string }[];
}

export interface BenchmarkParameter {
  name: string;
  /** `*args` / `...rest`, `**kwargs`, keyword-only: not filled by the default inputs. */
  kind: 'positional' | 'keyword-only' | 'var-positional' | 'var-keyword';
  default: string | null;
  annotation: string | null;
}

export type BenchmarkTarget =
  | {
      ok: true;
      functionName: string;
      /** 0-based line of the definition. */
      line: number;
      language: 'python' | 'javascript';
      isAsync: boolean;
      parameters: BenchmarkParameter[];
      /** An inputs expression derived from the signature: 8 copies of representative arguments. */
      defaultInputs: string;
      /** Inputs from a real call of the function (this file first, then its importers), when one can be evaluated in the module. */
      callSite: CallSiteInputs | null;
      /** Static workload class, when the analyzer could tell, and its reason in words. */
      staticKind: string | null;
      staticReason: string | null;
    }
  | {
      ok: false;
      message: string;
      /** `outside`: the position is in no function at all (the editor then offers a picker of the file's functions). */
      reason?: 'outside';
    };

/** The static analyzer's workload class of a module-level function, with its reason in words. */
export interface StaticWorkload {
  kind: string;
  reason: string;
}

/** The executor swaps that move a function's task sites to the other executor family. */
export interface SwapOutcome {
  fixes: { path: string; fix: Fix }[];
  /** Task sites of the function that run it on the other family (before the edit). */
  sites: number;
  /** Why sites could not be changed, one line each. */
  notes: string[];
}

/**
 * Work a module does when it is imported, beyond defining things: what the benchmark's pre-flight
 * refuses to run (src/profiling/preflight.ts). Rules cover part of it (CL201's module-level
 * process creation, CL203's self-spawning files); this is the rest.
 */
export interface ImportEffect {
  /** server: listens (serves) at load; worker-script: JS worker code (parentPort, workerData) runs at load. */
  kind: 'server' | 'worker-script';
  range: Range;
  /** What happens at import, in one clause. */
  message: string;
  /** What to change. */
  fix: string;
}

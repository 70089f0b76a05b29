// A per-file work budget. Each analysis of a file runs under one budget (`withWorkBudget`); the
// models charge it for the steps that grow with what the rules ask (name resolutions, context
// steps, re-parses for fix follow-ups) and raise its allowance by the size of every model built
// for it. A file that needs more than a generous multiple of that size is not analyzed: the CLI
// and the server report it as skipped with the reason, instead of running for minutes.

/**
 * Work units allowed per syntax node of the models built for the file, plus a floor for small
 * files. Measured over the CPython stdlib: at most about 1 unit per node (an analysis spends well
 * under 1% of its budget); the repro inputs of 20k task sites or 50k nested calls stay linear too.
 */
export const WORK_PER_NODE = 50;
export const WORK_FLOOR = 2_000_000;

export class WorkBudgetExceeded extends Error {
  constructor(readonly limit: number) {
    super(`analysis stopped: the file needs more work than its budget allows (${limit} steps for its size)`);
    this.name = 'WorkBudgetExceeded';
  }
}

class WorkBudget {
  spent = 0;
  limit = WORK_FLOOR;
}

let current: WorkBudget | null = null;
let total = 0;

/** Work units spent in this process so far, over every analysis (tests compare inputs by it). */
export function totalWork(): number {
  return total;
}

/** Runs one file's analysis under a fresh budget; returns what it returns and the work it spent. */
export function withWorkBudget<T>(run: () => T): { value: T; spent: number; limit: number } {
  const outer = current;
  const budget = (current = new WorkBudget());
  try {
    return { value: run(), spent: budget.spent, limit: budget.limit };
  } finally {
    current = outer;
  }
}

/** Charges the running analysis (no-op outside one); throws WorkBudgetExceeded past its limit. */
export function spendWork(units: number): void {
  total += units;
  if (!current) return;
  current.spent += units;
  if (current.spent > current.limit) throw new WorkBudgetExceeded(current.limit);
}

/** A model of `nodes` syntax nodes was built for the running analysis: allow work in proportion. */
export function allowWork(nodes: number): void {
  if (current) current.limit += WORK_PER_NODE * nodes;
}

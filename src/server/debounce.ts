// Per-key trailing debounce: a burst of keystrokes in one document yields one analysis.
export class Debouncer {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly defaultMs: number = DEBOUNCE_MAX_MS) {}

  run(key: string, ms: number = this.defaultMs, action: () => void): void {
    this.cancel(key);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        action();
      }, ms),
    );
  }

  isPending(key: string): boolean {
    return this.timers.has(key);
  }

  cancel(key: string): void {
    const timer = this.timers.get(key);
    if (timer) clearTimeout(timer);
    this.timers.delete(key);
  }
}

/** The longest wait after an edit (the fixed debounce before issue 14). */
export const DEBOUNCE_MAX_MS = 200;
/** The shortest: a keystroke burst (held key, paste, undo) still coalesces. */
export const DEBOUNCE_MIN_MS = 30;

/**
 * How long to wait after an edit before analyzing. An edit that ends a pause (the one before it
 * came longer ago than an analysis of the document takes) waits DEBOUNCE_MIN_MS: whatever the
 * analysis of the previous edit was has ended, so the analysis starts at once and its result is
 * the one the user waits for; waiting longer only added its length to every isolated keystroke.
 * An edit within a burst (keys coming faster than the document is analyzed) waits about as long
 * as the last analysis took, between DEBOUNCE_MIN_MS and DEBOUNCE_MAX_MS, so continuous typing
 * does not queue analyses whose results the next keystroke makes stale. Before the first
 * analysis, the size stands in for the time (about 1 ms per 2,000 characters, roughly what the
 * engine takes). `sinceLastEdit`: for an edit of the document itself, milliseconds since its
 * previous edit (Infinity: the first since it was opened); undefined for anything else (an
 * imported file changed, a setting), which keeps to the last analysis time: those come in bursts
 * of the other document's keystrokes.
 */
export function debounceFor(lastMillis: number | undefined, chars: number, sinceLastEdit?: number): number {
  const estimate = lastMillis ?? chars / 2000;
  if (sinceLastEdit !== undefined && sinceLastEdit > Math.max(estimate, DEBOUNCE_MIN_MS)) return DEBOUNCE_MIN_MS;
  return Math.round(Math.min(DEBOUNCE_MAX_MS, Math.max(DEBOUNCE_MIN_MS, estimate)));
}

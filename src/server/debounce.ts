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
 * How long to wait after an edit before analyzing: about as long as the document's last analysis
 * took, between DEBOUNCE_MIN_MS and DEBOUNCE_MAX_MS. A small file updates 30 ms after the last
 * keystroke; a file whose analysis takes longer than that waits longer, so continuous typing does
 * not queue analyses whose results the next keystroke makes stale. Before the first analysis,
 * the size stands in for the time (about 1 ms per 2,000 characters, roughly what the engine takes).
 */
export function debounceFor(lastMillis: number | undefined, chars: number): number {
  const estimate = lastMillis ?? chars / 2000;
  return Math.round(Math.min(DEBOUNCE_MAX_MS, Math.max(DEBOUNCE_MIN_MS, estimate)));
}

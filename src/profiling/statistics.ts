import type { AmdahlFit, Interval } from './types';

// The statistics of the benchmark (docs/bench.md "The method"; pyperf, hyperfine
// and tinybench are the anchors): medians, because timing noise is one-sided (a sample is only
// ever slowed down); bootstrap confidence intervals, because samples are few and not normal; a
// seeded PRNG so that the same samples always give the same intervals (reports can be diffed).

export const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_CONFIDENCE = 0.95;
/** CV at or above this marks a cell unstable. */
export const UNSTABLE_CV = 0.1;
/** A min or max this far from the median (as a fraction of it) marks a cell unstable. */
export const UNSTABLE_SPREAD = 0.5;

/** mulberry32: tiny, fast, good enough for resampling, and reproducible from a 32-bit seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

function requireValues(values: readonly number[], what: string): void {
  if (values.length === 0) throw new RangeError(`${what} of no values`);
}

export function median(values: readonly number[]): number {
  requireValues(values, 'median');
  return medianOfSorted(sorted(values));
}

function medianOfSorted(s: readonly number[]): number {
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function mean(values: readonly number[]): number {
  requireValues(values, 'mean');
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Sample standard deviation (n − 1); 0 for a single value. */
export function stdev(values: readonly number[]): number {
  requireValues(values, 'stdev');
  if (values.length < 2) return 0;
  const m = mean(values);
  let sum = 0;
  for (const v of values) sum += (v - m) ** 2;
  return Math.sqrt(sum / (values.length - 1));
}

/** Coefficient of variation: stdev / mean (0 when the mean is 0). */
export function coefficientOfVariation(values: readonly number[]): number {
  const m = mean(values);
  return m === 0 ? 0 : stdev(values) / Math.abs(m);
}

/** Percentile p ∈ [0, 1] of sorted values, interpolating linearly between ranks. */
export function percentileOfSorted(s: readonly number[], p: number): number {
  requireValues(s, 'percentile');
  if (s.length === 1) return s[0];
  const rank = Math.min(Math.max(p, 0), 1) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo] + (s[hi] - s[lo]) * (rank - lo);
}

export interface BootstrapOptions {
  resamples?: number;
  confidence?: number;
  seed?: number;
}

function resampleMedian(values: readonly number[], random: () => number, scratch: number[]): number {
  const n = values.length;
  for (let i = 0; i < n; i++) scratch[i] = values[Math.floor(random() * n)];
  scratch.sort((a, b) => a - b);
  return medianOfSorted(scratch);
}

/** Percentile-bootstrap confidence interval of the median. */
export function bootstrapMedianCi(values: readonly number[], options: BootstrapOptions = {}): Interval {
  requireValues(values, 'bootstrap');
  if (values.length === 1) return { low: values[0], high: values[0] };
  const { resamples = DEFAULT_RESAMPLES, confidence = DEFAULT_CONFIDENCE, seed = 1 } = options;
  const random = seededRandom(seed);
  const scratch = new Array<number>(values.length);
  const medians = new Array<number>(resamples);
  for (let r = 0; r < resamples; r++) medians[r] = resampleMedian(values, random, scratch);
  medians.sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  return { low: percentileOfSorted(medians, tail), high: percentileOfSorted(medians, 1 - tail) };
}

/**
 * Percentile-bootstrap CI of median(baseline) / median(values), resampling both sides
 * independently (the samples of two cells are independent measurements). For a speedup,
 * baseline = the sequential samples.
 */
export function bootstrapRatioCi(baseline: readonly number[], values: readonly number[], options: BootstrapOptions = {}): Interval {
  requireValues(baseline, 'bootstrap');
  requireValues(values, 'bootstrap');
  const { resamples = DEFAULT_RESAMPLES, confidence = DEFAULT_CONFIDENCE, seed = 1 } = options;
  const random = seededRandom(seed);
  const scratchA = new Array<number>(baseline.length);
  const scratchB = new Array<number>(values.length);
  const ratios = new Array<number>(resamples);
  for (let r = 0; r < resamples; r++) {
    ratios[r] = resampleMedian(baseline, random, scratchA) / resampleMedian(values, random, scratchB);
  }
  ratios.sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  return { low: percentileOfSorted(ratios, tail), high: percentileOfSorted(ratios, 1 - tail) };
}

export interface Instability {
  cv: number;
  unstable: boolean;
  reason: string | null;
}

/** The instability flag: CV ≥ 10%, or the min or max ≥ 50% away from the median. */
export function instability(values: readonly number[]): Instability {
  const cv = coefficientOfVariation(values);
  const m = median(values);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const reasons: string[] = [];
  if (cv >= UNSTABLE_CV) reasons.push(`CV ${(cv * 100).toFixed(0)}% ≥ ${UNSTABLE_CV * 100}%`);
  if (m > 0 && (m - min) / m >= UNSTABLE_SPREAD) reasons.push(`min ${(((m - min) / m) * 100).toFixed(0)}% below the median`);
  if (m > 0 && (max - m) / m >= UNSTABLE_SPREAD) reasons.push(`max ${(((max - m) / m) * 100).toFixed(0)}% above the median`);
  return { cv, unstable: reasons.length > 0, reason: reasons.length > 0 ? reasons.join('; ') : null };
}

/** Amdahl's law: the speedup on n workers of a job whose serial fraction is s. */
export function amdahlSpeedup(serialFraction: number, workers: number): number {
  return 1 / (serialFraction + (1 - serialFraction) / workers);
}

/**
 * Karp–Flatt metric: the serial fraction e = (1/S − 1/n) / (1 − 1/n) that explains a measured
 * speedup S on n workers. Rising e with n means overhead grows with workers (not just a fixed
 * serial part). Undefined for n = 1.
 */
export function karpFlatt(speedup: number, workers: number): number | null {
  if (workers < 2 || !(speedup > 0)) return null;
  return (1 / speedup - 1 / workers) / (1 - 1 / workers);
}

/**
 * Least-squares fit of Amdahl's serial fraction to measured speedups. With x = 1 − 1/n and
 * y = 1/S − 1/n, Amdahl says y = s·x, a line through the origin: s = Σxy / Σx². Points with
 * n = 1 carry no information about s (x = 0) and are ignored. Not clamped: s > 1 means the pool
 * is slower than running inline, s < 0 super-linear speedup; both are worth seeing.
 */
export function fitAmdahl(points: readonly { workers: number; speedup: number }[]): AmdahlFit | null {
  const usable = points.filter((p) => p.workers >= 2 && p.speedup > 0 && Number.isFinite(p.speedup));
  if (usable.length === 0) return null;
  let sxy = 0;
  let sxx = 0;
  for (const p of usable) {
    const x = 1 - 1 / p.workers;
    const y = 1 / p.speedup - 1 / p.workers;
    sxy += x * y;
    sxx += x * x;
  }
  const s = sxy / sxx;
  let squares = 0;
  for (const p of usable) squares += (amdahlSpeedup(s, p.workers) - p.speedup) ** 2;
  return {
    serialFraction: s,
    maxSpeedup: s > 0 ? 1 / s : null,
    points: usable.length,
    rmse: Math.sqrt(squares / usable.length),
  };
}

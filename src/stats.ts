/**
 * Statistics over runs (seeds), after rliable (Agarwal et al. 2021, "Deep RL
 * at the Edge of the Statistical Precipice"): mean and interquartile mean with
 * stratified percentile-bootstrap confidence intervals, steps to a threshold,
 * and a ranking. Pure arithmetic (+, −, ×, ÷, sort): the same bits on every
 * engine; the bootstrap draws from a seeded Rng, never Math.random.
 */
import { checkSeed, Rng } from './rng.js';
import { showValue } from './show.js';

export interface Interval { readonly point: number; readonly lo: number; readonly hi: number }
export interface Summary {
  readonly n: number; readonly mean: Interval; readonly iqm: Interval; readonly median: number; readonly min: number; readonly max: number;
}
export interface StepValue { readonly step: number; readonly value: number }

const bad = (what: string, want: string, got: unknown): never => {
  throw new RangeError(`${what} must be ${want}, got ${showValue(got)}`);
};

/** Checks `values` is a non-empty array of finite numbers. */
function check(values: readonly number[], name: string): void {
  if (!Array.isArray(values) || values.length === 0) bad(name, 'a non-empty array of finite numbers', values);
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) bad(`${name}[${i}]`, 'a finite number', values[i]);
}

/**
 * The mean of sorted[from..to) (ascending), clamped to [sorted[from], sorted[to − 1]]:
 * summing rounds (0.1 + 0.1 + 0.1 = 0.30000000000000004), and a mean never
 * leaves the range of what it averages.
 */
function sortedMean(sorted: ArrayLike<number>, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += sorted[i]!;
  return Math.min(Math.max(s / (to - from), sorted[from]!), sorted[to - 1]!);
}

/** IQM of `sorted` (ascending, length n): drops ⌊n/4⌋ values at each end and averages the rest. */
const sortedIqm = (sorted: ArrayLike<number>, n: number): number => sortedMean(sorted, n >> 2, n - (n >> 2));

/** The q-quantile of `sorted` (ascending), linear between order statistics (numpy's default). */
const quantile = (sorted: ArrayLike<number>, q: number): number => {
  const h = (sorted.length - 1) * q, i = Math.floor(h);
  return i + 1 < sorted.length ? sorted[i]! + (h - i) * (sorted[i + 1]! - sorted[i]!) : sorted[i]!;
};

/** The arithmetic mean, summed in ascending order (so any permutation gives the same bits). */
export function mean(values: readonly number[]): number {
  check(values, 'values');
  return sortedMean(Float64Array.from(values).sort(), 0, values.length);
}

/**
 * Interquartile mean, as scipy.stats.trim_mean(x, 0.25) (rliable's IQM): sort,
 * drop ⌊n/4⌋ values at each end (whole values, no fractional weights: n = 5
 * drops one at each end and averages 3), average the rest. n ≤ 3 is the mean.
 */
export function iqm(values: readonly number[]): number {
  check(values, 'values');
  return sortedIqm(Float64Array.from(values).sort(), values.length);
}

/**
 * Mean and IQM of all runs pooled, with confidence intervals by the stratified
 * percentile bootstrap (rliable's): each of `reps` resamples draws, within
 * every row (task, stratum) separately, as many runs as the row has, with
 * replacement, from new Rng(seed); the interval is the (1 ± confidence)/2
 * quantiles of the resampled estimates (linear interpolation). `runs[task][seed]`;
 * one configuration on one env is one row. Also the median, min and max.
 * Defaults: reps 2000, confidence 0.95, seed 0.
 */
export function summarize(
  runs: readonly (readonly number[])[], options: { readonly reps?: number; readonly confidence?: number; readonly seed?: number } = {},
): Summary {
  if (!Array.isArray(runs) || runs.length === 0) bad('runs', 'a non-empty array of rows', runs);
  runs.forEach((row, t) => check(row, `runs[${t}]`));
  const { reps = 2000, confidence = 0.95, seed = 0 } = options;
  if (!(Number.isSafeInteger(reps) && reps >= 1)) bad('reps', 'an integer ≥ 1', reps);
  if (!(confidence > 0 && confidence < 1)) bad('confidence', 'a number in (0, 1)', confidence);
  const rng = new Rng(checkSeed(seed));
  const all = Float64Array.from(runs.flat()).sort(), n = all.length;
  const scratch = new Float64Array(n), means = new Float64Array(reps), iqms = new Float64Array(reps);
  for (let r = 0; r < reps; r++) {
    let k = 0;
    for (const row of runs) for (let j = 0; j < row.length; j++) scratch[k++] = row[rng.int(row.length)]!;
    scratch.sort();
    means[r] = sortedMean(scratch, 0, n);
    iqms[r] = sortedIqm(scratch, n);
  }
  means.sort();
  iqms.sort();
  const a = (1 - confidence) / 2;
  const interval = (point: number, est: Float64Array): Interval => ({ point, lo: quantile(est, a), hi: quantile(est, 1 - a) });
  return {
    n, mean: interval(sortedMean(all, 0, n), means), iqm: interval(sortedIqm(all, n), iqms),
    median: quantile(all, 0.5), min: all[0]!, max: all[n - 1]!,
  };
}

/** First step at which `points` (sorted by step) reach `threshold` (value ≥ threshold), or null. */
export function stepsToThreshold(points: readonly StepValue[], threshold: number): number | null {
  if (!Number.isFinite(threshold)) bad('threshold', 'a finite number', threshold);
  if (!Array.isArray(points)) bad('points', 'an array', points);
  let last = -Infinity;
  for (let i = 0; i < points.length; i++) {
    const { step, value } = points[i]!;
    if (!(Number.isFinite(step) && step >= last)) bad(`points[${i}].step`, `a finite number ≥ the previous step (${last})`, step);
    if (!Number.isFinite(value)) bad(`points[${i}].value`, 'a finite number', value);
    if (value >= threshold) return step;
    last = step;
  }
  return null;
}

/**
 * Median over seeds of stepsToThreshold, a seed that never reaches it counting
 * as +Infinity (so the median is Infinity once half or more never reach it);
 * `reached` seeds of `n`.
 */
export function medianStepsToThreshold(curves: readonly (readonly StepValue[])[], threshold: number): { readonly median: number; readonly reached: number; readonly n: number } {
  if (!Array.isArray(curves) || curves.length === 0) bad('curves', 'a non-empty array of curves', curves);
  const steps = Float64Array.from(curves, (c) => stepsToThreshold(c, threshold) ?? Infinity).sort();
  const n = steps.length, mid = n >> 1;
  const median = n % 2 === 1 ? steps[mid]! : (steps[mid - 1]! + steps[mid]!) / 2; // ∞ + x = ∞
  return { median, reached: steps.filter((s) => s < Infinity).length, n };
}

/** Indices of `summaries`, best first: by IQM point estimate (descending), then mean, then name. */
export function rank(summaries: readonly { readonly name: string; readonly summary: Summary }[]): number[] {
  if (!Array.isArray(summaries)) bad('summaries', 'an array', summaries);
  return summaries.map((_, i) => i).sort((i, j) => {
    const a = summaries[i]!, b = summaries[j]!;
    return b.summary.iqm.point - a.summary.iqm.point || b.summary.mean.point - a.summary.mean.point || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  });
}

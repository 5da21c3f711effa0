/**
 * TEMPORARY STUB of the statistics module (issue 15, part 3), written by the
 * sweep branch only so that `ddpg-wasm sweep` builds and runs: plain means, no
 * bootstrap, intervals of zero width. The real module (IQM, stratified
 * bootstrap CIs, seeded) replaces this file at merge, with exactly this API.
 */
export interface Interval { readonly point: number; readonly lo: number; readonly hi: number }
export interface Summary { readonly n: number; readonly mean: Interval; readonly iqm: Interval; readonly median: number; readonly min: number; readonly max: number }

const avg = (xs: readonly number[]): number => (xs.length === 0 ? NaN : xs.reduce((s, x) => s + x, 0) / xs.length);
const point = (x: number): Interval => ({ point: x, lo: x, hi: x });
const middle = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** STUB: plain mean for both mean and IQM, zero-width intervals. */
export function summarize(runs: readonly (readonly number[])[], _options?: { reps?: number; confidence?: number; seed?: number }): Summary {
  const all = runs.flat();
  const m = avg(all);
  return { n: all.length, mean: point(m), iqm: point(m), median: middle(all), min: Math.min(...all), max: Math.max(...all) };
}

/** STUB: the median over curves of the first step whose value ≥ threshold (curves that never reach it count as not reached). */
export function medianStepsToThreshold(curves: readonly (readonly { step: number; value: number }[])[], threshold: number): { median: number; reached: number; n: number } {
  const steps = curves.map((c) => c.find((p) => p.value >= threshold)?.step ?? Infinity);
  return { median: middle(steps), reached: steps.filter((s) => s !== Infinity).length, n: curves.length };
}

/** STUB: rank 1 for the highest IQM point. */
export function rank(summaries: readonly { name: string; summary: Summary }[]): number[] {
  return summaries.map((a) => 1 + summaries.filter((b) => b.summary.iqm.point > a.summary.iqm.point).length);
}

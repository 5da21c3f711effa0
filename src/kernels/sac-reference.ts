/**
 * Reference twins of assembly/sac.ts (SAC's squashed Gaussian policy): the
 * same per-element operation sequence with Math.fround after every multiply
 * and add, and the module's own float32 exp/tanh/log1p (musl ports; engine Math
 * is never used), so the two backends give the same bits. The formulas and
 * their derivation are documented in assembly/sac.ts.
 */
import { detMath } from './loader.js';
import type { Kernels } from './types.js';

const f = Math.fround;
const LOG2 = f(0.6931471805599453); // log 2
const HALF_LOG_2PI = f(0.9189385332046727); // ½·log(2π)

type SacKernels = Pick<Kernels, 'sacSample' | 'sacBackward' | 'sacMean'>;

/** `heap()` returns the current float view of the backend's memory. @internal */
export function createSacReference(heap: () => Float32Array): SacKernels {
  const { expf, tanhf, log1pf } = detMath();
  const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);
  /** log(1 − tanh² u) = 2·(log 2 − u − softplus(−2u)). */
  const logOneMinusTanh2 = (u: number): number => {
    const x = f(-2 * u);
    const sp = f((x > 0 ? x : 0) + log1pf(expf(-Math.abs(x))));
    return f(2 * f(f(LOG2 - u) - sp));
  };
  return {
    sacSample(n, a, dist, eps, lo, hi, bound, act, logp) {
      const H = heap();
      lo = f(lo); hi = f(hi); bound = f(bound);
      for (let i = 0; i < n; i++) {
        const row = (dist >> 2) + i * 2 * a, er = (eps >> 2) + i * a, ar = (act >> 2) + i * a;
        let lp = 0;
        for (let j = 0; j < a; j++) {
          const mu = H[row + j]!;
          const ls = clamp(H[row + a + j]!, lo, hi);
          const e = H[er + j]!;
          const u = f(mu + f(expf(ls) * e));
          H[ar + j] = f(tanhf(u) * bound);
          const logN = f(f(f(-0.5 * f(e * e)) - ls) - HALF_LOG_2PI);
          lp = f(lp + f(logN - logOneMinusTanh2(u)));
        }
        H[(logp >> 2) + i] = lp;
      }
    },
    sacBackward(n, a, dist, eps, lo, hi, bound, dAct, alphaN, dDist) {
      const H = heap();
      lo = f(lo); hi = f(hi); bound = f(bound); alphaN = f(alphaN);
      for (let i = 0; i < n; i++) {
        const row = (dist >> 2) + i * 2 * a, drow = (dDist >> 2) + i * 2 * a;
        const er = (eps >> 2) + i * a, gr = (dAct >> 2) + i * a;
        for (let j = 0; j < a; j++) {
          const mu = H[row + j]!;
          const raw = H[row + a + j]!;
          const ls = clamp(raw, lo, hi);
          const e = H[er + j]!;
          const sigma = expf(ls);
          const t = tanhf(f(mu + f(sigma * e)));
          const gu = f(f(H[gr + j]! * f(bound * f(1 - f(t * t)))) + f(alphaN * f(2 * t)));
          H[drow + j] = gu;
          H[drow + a + j] = raw >= lo && raw <= hi ? f(f(gu * f(sigma * e)) - alphaN) : 0;
        }
      }
    },
    sacMean(n, a, dist, bound, act) {
      const H = heap();
      bound = f(bound);
      for (let i = 0; i < n; i++) {
        const row = (dist >> 2) + i * 2 * a, ar = (act >> 2) + i * a;
        for (let j = 0; j < a; j++) H[ar + j] = f(tanhf(H[row + j]!) * bound);
      }
    },
  };
}

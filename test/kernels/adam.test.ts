// Adam (Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015).
//
// Algorithm 1 of the paper, per parameter, at step t = 1, 2, …:
//   m_t = β1·m + (1 − β1)·g          v_t = β2·v + (1 − β2)·g²
//   m̂ = m_t/(1 − β1^t)               v̂ = v_t/(1 − β2^t)
//   θ ← θ − lr·m̂/(√v̂ + ε)
// The kernel takes the bias correction folded into two scalars (the paper's §2,
// last paragraph): θ ← θ − α_t·m_t/(√v_t + ε̂) with α_t = lr·√(1 − β2^t)/(1 − β1^t).
// Multiplying numerator and denominator of Algorithm 1's step by √(1 − β2^t):
//   lr·(m_t/(1−β1^t)) / (√v_t/√(1−β2^t) + ε) = α_t·m_t / (√v_t + ε·√(1 − β2^t)),
// so ε̂ = ε·√(1 − β2^t) reproduces Algorithm 1 exactly (PyTorch's torch.optim.Adam),
// while ε̂ = ε is the paper's §2 shortcut that Keras/TensorFlow use (its ε acts
// √(1 − β2^t) times larger early on). Both forms are tested against float64.
//
// The kernel receives β1, β2 as float32, so the float64 oracle uses those same
// float32 values: 1 − fround(0.999) = 9.99987e-4 is 1.3e-5 away from 0.001 in
// relative terms, a real difference in the hyperparameter that would otherwise
// swamp the float32 rounding error this test bounds. (Callers computing α_t
// should likewise use Math.fround(β) for β^t so the two agree.)
//
// Tolerance after T steps, per parameter (u = 2^-24, G/g = max/min |g|):
//   m̂ carries an absolute error ≤ 2t·u·G (two roundings per step into a weighted
//   average of |g| ≤ G); v̂ a relative error ≤ 3t·u (all terms positive), so √v̂
//   ≤ (1.5t + 2)·u with the sqrt and the + ε̂; α_t, the product and the division
//   add 3u. As √v̂ ≥ g (a weighted average of g²) and |m̂| ≤ G, step t is off by
//   ≤ lr·(G/g)·(3.5t + 5)·u, plus u·|θ| for rounding θ. We allow (4t + 8) for the
//   weight-decay coupling g ← g + wd·θ.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng.js';
import { type Bed, U, firstBitDifference, firstOutOfBound, get, makeBed, ptr, put, randomF32 } from './fixtures.js';

const f32 = Math.fround;
const N = 1024;
const B1 = f32(0.9); // Kingma & Ba §2, Algorithm 1 defaults
const B2 = f32(0.999);

interface Hyper { lr: number; eps: number; wd: number; form: 'pytorch' | 'keras' }

/** The kernel's two folded scalars for step t (computed in float64, passed as float32). */
function folded(h: Hyper, t: number): { alphaT: number; epsHat: number } {
  const c2 = Math.sqrt(1 - B2 ** t);
  return { alphaT: (h.lr * c2) / (1 - B1 ** t), epsHat: h.form === 'pytorch' ? h.eps * c2 : h.eps };
}

/** Algorithm 1 in float64 (PyTorch form), or the §2 form with ε̂ = ε (Keras), one step. */
function oracleStep(h: Hyper, t: number, th: Float64Array, m: Float64Array, v: Float64Array, g: Float32Array): void {
  for (let i = 0; i < th.length; i++) {
    const gi = g[i]! + h.wd * th[i]!;
    m[i] = B1 * m[i]! + (1 - B1) * gi;
    v[i] = B2 * v[i]! + (1 - B2) * gi * gi;
    const mHat = m[i]! / (1 - B1 ** t);
    const vHat = v[i]! / (1 - B2 ** t);
    const eps = h.form === 'pytorch' ? h.eps : h.eps / Math.sqrt(1 - B2 ** t);
    th[i] = th[i]! - (h.lr * mHat) / (Math.sqrt(vHat) + eps);
  }
}

/** Gradients with |g| in [0.25, 1] and random sign, so G/g ≤ 4 in the tolerance. */
function grads(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => f32((rng.int(2) ? 1 : -1) * (0.25 + 0.75 * rng.float())));
}

let wasm: Bed;
let ref: Bed;
beforeAll(() => {
  const blocks = { p: N, g: N, m: N, v: N };
  wasm = makeBed('wasm', blocks);
  ref = makeBed('reference', blocks);
});

function reset(t: Bed, theta: Float32Array): void {
  put(t, 'p', theta);
  put(t, 'm', new Float32Array(theta.length));
  put(t, 'v', new Float32Array(theta.length));
}

function step(t: Bed, h: Hyper, k: number, g: Float32Array): void {
  const { alphaT, epsHat } = folded(h, k);
  put(t, 'g', g);
  t.kernels.adam(g.length, ptr(t, 'p'), ptr(t, 'g'), ptr(t, 'm'), ptr(t, 'v'), B1, B2, alphaT, epsHat, h.wd);
}

/** Runs T steps on the bed and in float64; returns both θ and the tolerance. */
function runBoth(t: Bed, h: Hyper, n: number, steps: number, seed: number):
  { got: Float32Array; want: Float64Array; tol: Float64Array } {
  const rng = new Rng(seed);
  const theta0 = randomF32(rng, n, 0);
  reset(t, theta0);
  const th = Float64Array.from(theta0), m = new Float64Array(n), v = new Float64Array(n);
  const tol = new Float64Array(n);
  let gMax = 0, gMin = Infinity;
  for (let k = 1; k <= steps; k++) {
    const g = grads(rng, n);
    for (let i = 0; i < n; i++) {
      const ge = Math.abs(g[i]! + h.wd * th[i]!);
      gMax = Math.max(gMax, ge); gMin = Math.min(gMin, ge);
    }
    step(t, h, k, g);
    oracleStep(h, k, th, m, v, g);
    for (let i = 0; i < n; i++) tol[i] = tol[i]! + U * Math.abs(th[i]!) + h.lr * (gMax / gMin) * (4 * k + 8) * U;
  }
  return { got: get(t, 'p', n), want: th, tol };
}

describe('adam: first step by hand', () => {
  it('g = 0.5 from m = v = 0 with lr = 0.1 gives m = 0.05, v = 0.00025 and θ = 1 − 0.1', () => {
    // m = (1 − β1)·g = 0.1·0.5 = 0.05;  v = (1 − β2)·g² = 0.001·0.25 = 0.00025;
    // m̂ = 0.05/0.1 = 0.5;  v̂ = 0.00025/0.001 = 0.25;  √v̂ = 0.5;
    // θ = 1 − 0.1·0.5/(0.5 + 1e-8) = 0.9 (to 2e-9). With float32 β: 1 − fround(0.9) is
    // 2.4e-7 relatively above 0.1 and 1 − fround(0.999) 1.3e-5 below 0.001, hence the
    // tolerances on m and v; θ does not see them (α_t uses the same float32 β).
    const h: Hyper = { lr: 0.1, eps: 1e-8, wd: 0, form: 'pytorch' };
    reset(wasm, new Float32Array([1]));
    step(wasm, h, 1, new Float32Array([0.5]));
    expect(Math.abs(get(wasm, 'm', 1)[0]! - 0.05)).toBeLessThanOrEqual(0.05 * 3e-7);
    expect(Math.abs(get(wasm, 'v', 1)[0]! - 0.00025)).toBeLessThanOrEqual(0.00025 * 2e-5);
    expect(Math.abs(get(wasm, 'p', 1)[0]! - 0.9)).toBeLessThanOrEqual(4 * U);
  });

  it('the first step is lr·sign(g) whatever the gradient scale (Kingma & Ba §2.1)', () => {
    // t = 1: m̂ = g, v̂ = g², so Δθ = lr·g/(|g| + ε) = lr·sign(g) up to ε/|g|.
    const h: Hyper = { lr: 0.01, eps: 1e-8, wd: 0, form: 'pytorch' };
    fc.assert(fc.property(fc.double({ min: -3, max: 3, noNaN: true }), fc.boolean(), (e, neg) => {
      const g = f32((neg ? -1 : 1) * 10 ** e);
      reset(wasm, new Float32Array([0]));
      step(wasm, h, 1, new Float32Array([g]));
      // |Δθ − lr·sign(g)| ≤ lr·(ε/|g| + 4u): ε's share of the denominator, plus roundings.
      const err = Math.abs(get(wasm, 'p', 1)[0]! + 0.01 * Math.sign(g));
      expect(err).toBeLessThanOrEqual(0.01 * (1e-8 / Math.abs(g) + 4 * U));
    }), { numRuns: 50 });
  });

  it('weight decay alone (g = 0, wd = 0.1, θ = 1) steps like a gradient of 0.1: θ = 0.9', () => {
    // g ← 0 + 0.1·1 = 0.1; first step = lr·sign(0.1) = 0.1, so θ = 1 − 0.1 = 0.9.
    const h: Hyper = { lr: 0.1, eps: 1e-8, wd: 0.1, form: 'pytorch' };
    reset(wasm, new Float32Array([1]));
    step(wasm, h, 1, new Float32Array([0]));
    expect(Math.abs(get(wasm, 'p', 1)[0]! - 0.9)).toBeLessThanOrEqual(4 * U);
  });
});

describe('adam over several steps against float64', () => {
  const forms = [
    ['PyTorch form (ε̂ = ε·√(1−β2^t))', 'pytorch', 0],
    ['PyTorch form with weight decay 0.01', 'pytorch', 0.01],
    ['Keras form (ε̂ = ε)', 'keras', 0],
    ['Keras form with weight decay 0.01', 'keras', 0.01],
  ] as const;

  it.each(forms)('%s follows its formula for 12 steps within the derived tolerance', (_title, form, wd) => {
    // ε = 1e-4 so the two forms differ measurably (see the next test). Observed
    // error: up to about a third of the bound at lr = 1e-3, 2% of it at lr = 0.1.
    for (const lr of [1e-3, 0.1]) {
      const h: Hyper = { lr, eps: 1e-4, wd, form };
      const { got, want, tol } = runBoth(wasm, h, 257, 12, 5);
      const i = firstOutOfBound(got, want, tol);
      expect(i, `lr=${lr}: θ[${i}] = ${got[i]}, float64 ${want[i]} ± ${tol[i]}`).toBe(-1);
    }
  });

  it('the two ε forms differ by far more than the tolerance (so each test pins its form)', () => {
    const h: Hyper = { lr: 1e-3, eps: 1e-4, wd: 0, form: 'pytorch' };
    const a = runBoth(wasm, h, 257, 12, 5);
    const b = runBoth(wasm, { ...h, form: 'keras' }, 257, 12, 5);
    const gap = a.want.map((x, i) => Math.abs(x - b.want[i]!) / a.tol[i]!);
    // The median element: per-step differences can cancel for a few elements.
    const median = [...gap].sort((x, y) => x - y)[gap.length >> 1]!;
    expect(median).toBeGreaterThan(10);
  });
});

describe('adam: wasm against the reference backend', () => {
  it('is bit-identical over several steps, on every tail length, with and without weight decay', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 67 }), fc.nat(), fc.constantFrom(0, 0.01), fc.constantFrom('pytorch', 'keras'),
      (n, seed, wd, form) => {
        const h: Hyper = { lr: 1e-3, eps: 1e-7, wd, form };
        const w = runBoth(wasm, h, n, 4, seed).got;
        const r = runBoth(ref, h, n, 4, seed).got;
        const i = firstBitDifference(w, r);
        expect(i, `n=${n}: wasm ${w[i]} vs reference ${r[i]}`).toBe(-1);
        expect(firstBitDifference(get(wasm, 'm', n), get(ref, 'm', n))).toBe(-1);
        expect(firstBitDifference(get(wasm, 'v', n), get(ref, 'v', n))).toBe(-1);
      }), { numRuns: 60 });
  });
});

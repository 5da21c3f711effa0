// SAC's squashed Gaussian kernels (assembly/sac.ts, src/kernels/sac-reference.ts):
// the two backends agree bit for bit; log π is the density of a = h·tanh(u),
// u ~ N(μ, σ²) (against the textbook formula in float64, and it integrates to 1);
// the gradients of log π and of the squashing match central differences of a
// float64 shadow; the log σ clamp stops the gradient.
import { describe, expect, it } from 'vitest';
import { LOG_STD_MAX, LOG_STD_MIN } from '../../src/agents/sac.js';
import { Rng } from '../../src/rng.js';
import { firstBitDifference, get, makeBed, ptr, put, type Bed, type BackendName } from '../kernels/fixtures.js';

const A = 2;
const N = 5;
const BOUND = 2; // Pendulum-v1's torque bound
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
/** Central-difference step in float64 (truncation ≈ H²·f‴ ≈ 1e-12, cancellation ≈ 1e-16/H ≈ 1e-10). */
const H = 1e-6;
/**
 * |kernel − FD| ≤ TOL·max|FD|: the float32 gradient carries a handful of
 * roundings plus expf/tanhf (≤ 2 ulp each), i.e. ~1e-6 relative; the wrong
 * formulas tried while writing this (a missing 2t, a dropped −1) are off by O(1).
 */
const TOL = 1e-5;

interface Inputs {
  readonly dist: Float32Array; // N × 2A: [μ | log σ] per row
  readonly eps: Float32Array; // N × A
}

function randomInputs(seed: number, lsLo = -2, lsHi = 0.5): Inputs {
  const rng = new Rng(seed, 'sac-kernels');
  const dist = new Float32Array(N * 2 * A), eps = new Float32Array(N * A);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < A; j++) {
      dist[i * 2 * A + j] = rng.uniform(-1, 1);
      dist[i * 2 * A + A + j] = rng.uniform(lsLo, lsHi);
      eps[i * A + j] = rng.normal();
    }
  }
  return { dist, eps };
}

function bed(backend: BackendName, rows = N): Bed {
  return makeBed(backend, { dist: rows * 2 * A, eps: rows * A, act: rows * A, logp: rows, dAct: rows * A, dDist: rows * 2 * A });
}

function sample(b: Bed, x: Inputs, rows = N, a = A): { act: Float32Array; logp: Float32Array } {
  put(b, 'dist', x.dist);
  put(b, 'eps', x.eps);
  b.kernels.sacSample(rows, a, ptr(b, 'dist'), ptr(b, 'eps'), LOG_STD_MIN, LOG_STD_MAX, BOUND, ptr(b, 'act'), ptr(b, 'logp'));
  return { act: get(b, 'act', rows * a), logp: get(b, 'logp', rows) };
}

function backward(b: Bed, x: Inputs, dAct: Float32Array, alphaN: number): Float32Array {
  put(b, 'dist', x.dist);
  put(b, 'eps', x.eps);
  put(b, 'dAct', dAct);
  b.kernels.sacBackward(N, A, ptr(b, 'dist'), ptr(b, 'eps'), LOG_STD_MIN, LOG_STD_MAX, BOUND, ptr(b, 'dAct'), alphaN, ptr(b, 'dDist'));
  return get(b, 'dDist', N * 2 * A);
}

/** The textbook density in float64: log N(u; μ, σ) − Σ log(1 − tanh² u), u = μ + σ·ε, per row; and a = h·tanh(u). */
function shadow(dist: ArrayLike<number>, eps: ArrayLike<number>): { act: Float64Array; logp: Float64Array } {
  const act = new Float64Array(N * A), logp = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < A; j++) {
      const mu = dist[i * 2 * A + j]!, e = eps[i * A + j]!;
      const ls = Math.min(LOG_STD_MAX, Math.max(LOG_STD_MIN, dist[i * 2 * A + A + j]!));
      const u = mu + Math.exp(ls) * e;
      act[i * A + j] = BOUND * Math.tanh(u);
      // log(1 − tanh² u) = −2·log cosh u: the textbook identity, not the kernel's softplus form
      logp[i] = logp[i]! - 0.5 * e * e - ls - HALF_LOG_2PI + 2 * Math.log(Math.cosh(u));
    }
  }
  return { act, logp };
}

/** Central differences of J(dist) = Σ_i k·log π_i + Σ c ⊙ a over every entry of dist. */
function fdGrad(x: Inputs, c: Float32Array, k: number): Float64Array {
  const d = Float64Array.from(x.dist);
  const J = (): number => {
    const s = shadow(d, x.eps);
    let v = 0;
    for (let i = 0; i < N; i++) v += k * s.logp[i]!;
    for (let m = 0; m < N * A; m++) v += c[m]! * s.act[m]!;
    return v;
  };
  return Float64Array.from(x.dist, (v, m) => {
    d[m] = v + H;
    const up = J();
    d[m] = v - H;
    const down = J();
    d[m] = v;
    return (up - down) / (2 * H);
  });
}

function relError(got: Float32Array, ref: Float64Array): number {
  const G = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  expect(G).toBeGreaterThan(0);
  return got.reduce((m, v, i) => Math.max(m, Math.abs(v - ref[i]!)), 0) / G;
}

describe('SAC kernels: wasm and reference agree bit for bit', () => {
  // log σ drawn across both clamp bounds; |u| up to ~25 reaches tanh saturation.
  const x = randomInputs(1, -30, 6);
  for (let m = 0; m < N * A; m++) x.eps[m]! *= 4;
  const dAct = Float32Array.from({ length: N * A }, (_, m) => Math.sin(m + 1));

  it('sacSample: actions and log π', () => {
    const w = sample(bed('wasm'), x), r = sample(bed('reference'), x);
    expect(firstBitDifference(w.act, r.act)).toBe(-1);
    expect(firstBitDifference(w.logp, r.logp)).toBe(-1);
  });

  it('sacBackward: ∂J/∂[μ | log σ]', () => {
    expect(firstBitDifference(backward(bed('wasm'), x, dAct, 0.37), backward(bed('reference'), x, dAct, 0.37))).toBe(-1);
  });

  it('sacMean: h·tanh(μ)', () => {
    const run = (b: Bed): Float32Array => {
      put(b, 'dist', x.dist);
      b.kernels.sacMean(N, A, ptr(b, 'dist'), BOUND, ptr(b, 'act'));
      return get(b, 'act', N * A);
    };
    expect(firstBitDifference(run(bed('wasm')), run(bed('reference')))).toBe(-1);
  });
});

describe('SAC kernels: the squashed Gaussian', () => {
  it('log π is log N(u; μ, σ) − Σ log(1 − tanh² u) (float64, via log(1 − tanh² u) = −2·log cosh u)', () => {
    const x = randomInputs(2);
    const got = sample(bed('wasm'), x), ref = shadow(x.dist, x.eps);
    // ~10 float32 roundings of terms ≤ 10 in size: |error| ≲ 1e-5.
    for (let i = 0; i < N; i++) expect(Math.abs(got.logp[i]! - ref.logp[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(ref.logp[i]!)));
    for (let m = 0; m < N * A; m++) expect(Math.abs(got.act[m]! - ref.act[m]!)).toBeLessThan(4e-7 * BOUND);
  });

  it('exp(log π) is a density of tanh(u): ∫ π(t) dt = 1 over (−1, 1)', () => {
    // One action dimension, μ = 0.3, σ = e^0.2; ε on a grid of step 1e-3 over [−8, 8]
    // (the tails beyond carry < 1e-14). t = tanh(μ + σε), dt = (1 − t²)·σ·dε.
    const rows = 16001, b = makeBed('wasm', { dist: rows * 2, eps: rows, act: rows, logp: rows });
    const dist = new Float32Array(rows * 2), eps = new Float32Array(rows), step = 1e-3;
    for (let i = 0; i < rows; i++) {
      dist[2 * i] = 0.3;
      dist[2 * i + 1] = 0.2;
      eps[i] = -8 + i * step;
    }
    put(b, 'dist', dist);
    put(b, 'eps', eps);
    b.kernels.sacSample(rows, 1, ptr(b, 'dist'), ptr(b, 'eps'), LOG_STD_MIN, LOG_STD_MAX, 1, ptr(b, 'act'), ptr(b, 'logp'));
    const t = get(b, 'act', rows), logp = get(b, 'logp', rows), sigma = Math.exp(Math.fround(0.2));
    let integral = 0;
    for (let i = 0; i < rows; i++) {
      const w = i === 0 || i === rows - 1 ? 0.5 : 1; // trapezoid rule
      integral += w * Math.exp(logp[i]!) * (1 - t[i]! * t[i]!) * sigma * step;
    }
    expect(Math.abs(integral - 1)).toBeLessThan(1e-4);
  });

  it('the log-prob gradient ∂(Σ log π)/∂[μ | log σ] matches central differences', () => {
    const x = randomInputs(3);
    const got = backward(bed('wasm'), x, new Float32Array(N * A), 1);
    expect(relError(got, fdGrad(x, new Float32Array(N * A), 1))).toBeLessThan(TOL);
  });

  it('the squashing gradient ∂(Σ c ⊙ h·tanh(μ + σε))/∂[μ | log σ] matches central differences', () => {
    const x = randomInputs(4);
    const c = Float32Array.from({ length: N * A }, (_, m) => Math.cos(3 * m));
    const got = backward(bed('wasm'), x, c, 0);
    expect(relError(got, fdGrad(x, c, 0))).toBeLessThan(TOL);
  });

  it('the combined actor-objective gradient (α/N·log π + c ⊙ a) matches central differences', () => {
    const x = randomInputs(5);
    const c = Float32Array.from({ length: N * A }, (_, m) => -Math.sin(2 * m + 1));
    const k = Math.fround(0.2 / N);
    const got = backward(bed('wasm'), x, c, k);
    expect(relError(got, fdGrad(x, c, k))).toBeLessThan(TOL);
  });

  it('the clamp stops the log σ gradient outside [LOG_STD_MIN, LOG_STD_MAX] and passes it inside', () => {
    const x = randomInputs(6);
    const out = [LOG_STD_MIN - 1, LOG_STD_MAX + 1];
    x.dist[A] = out[0]!; // row 0, log σ of action 0
    x.dist[2 * A + A + 1] = out[1]!; // row 1, log σ of action 1
    const c = Float32Array.from({ length: N * A }, (_, m) => 1 + m);
    const got = backward(bed('wasm'), x, c, 0.5);
    expect(got[A]).toBe(0);
    expect(got[2 * A + A + 1]).toBe(0);
    expect(got[A + 1]).not.toBe(0);
  });
});

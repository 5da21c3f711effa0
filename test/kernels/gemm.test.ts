// GEMM: C[m×n] = act(alpha·op(A)·op(B) + beta·C + bias)·scale, checked three ways.
//
// 1. Against a float64 GEMM of the same float32 inputs (the "correct" check).
//    Error bound (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed.,
//    §3.1, eq. 3.5): a float32 dot product of length k, summed in any fixed order,
//    satisfies |fl(Σa·b) − Σa·b| ≤ γ_k·Σ|a·b| with γ_j = j·u/(1 − j·u), u = 2^-24.
//    The epilogue adds one rounding each for alpha·s, beta·c, the add of beta·c
//    and the add of the bias, so per element
//        |C − C64| ≤ γ_{k+3}·(|α|·Σ_p|a_ip·b_pj| + |β·c_ij| + |bias_j|) + (k+3)·2^-149
//    (the last term covers underflow: each op loses at most half a subnormal ulp).
//    The float64 reference itself is off by at most (k+4)·2^-53 relative, which is
//    added to the bound.
// 2. wasm against the reference backend within twice that bound (both sit inside it).
// 3. wasm against the reference bit for bit. This holds because both sum p in
//    increasing order starting from +0, round after every multiply and every add
//    (no FMA: wasm SIMD without relaxed-simd has no fused multiply-add, and the
//    reference applies Math.fround to each product, which is exact in float64 and
//    therefore correctly rounded once), and run the same epilogue sequence.
//    A kernel change that splits k or fuses a multiply-add breaks 3 but not 1–2.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Act } from '../../src/kernels/types.js';
import { Rng } from '../../src/rng.js';
import {
  BACKENDS, type Bed, TINY, U, firstBitDifference, firstOutOfBound, gamma, get, makeBed, ptr, put, randomF32,
} from './fixtures.js';

const MAX_DIM = 256;
/** Multiply-adds allowed per random case, so the float64 and reference loops stay fast. */
const BUDGET = 1 << 20;
/** Floats of guard after C, to catch stores past the end of a tail. */
const GUARD = 64;
const SENTINEL = -12345.5;

interface Case {
  tA: number; tB: number; m: number; n: number; k: number;
  alpha: number; beta: number; seed: number; e: number;
  bias: boolean; act: number; scale: number;
}

const LAYOUTS = [
  { name: 'NN (Y = X·W)', tA: 0, tB: 0 },
  { name: 'TN (dW = Xᵀ·dY)', tA: 1, tB: 0 },
  { name: 'NT (dX = dY·Wᵀ)', tA: 0, tB: 1 },
  { name: 'TT', tA: 1, tB: 1 },
] as const;

/** The sizes the issue names (1-, 3-, 16-wide layers, tails of 4 and 8) or anything up to 70. */
const dim = fc.oneof(fc.constantFrom(1, 3, 5, 7, 16, 31, 33, 64, 256), fc.integer({ min: 1, max: 70 }));
const f32In = (lo: number, hi: number): fc.Arbitrary<number> =>
  fc.float({ min: Math.fround(lo), max: Math.fround(hi), noNaN: true, noDefaultInfinity: true });

function cases(epilogue: boolean): fc.Arbitrary<Case> {
  return fc.record({
    layout: fc.constantFrom(...LAYOUTS),
    m: dim, n: dim, k: dim,
    alpha: fc.oneof(fc.constant(1), fc.constant(-1), f32In(-4, 4)),
    // 0 (C is not read), 1 (accumulate) or anything else.
    beta: fc.oneof(fc.constant(0), fc.constant(1), f32In(-2, 2)),
    seed: fc.nat(),
    e: fc.integer({ min: -6, max: 6 }),
    bias: epilogue ? fc.boolean() : fc.constant(false),
    act: epilogue ? fc.constantFrom(Act.identity, Act.relu, Act.tanh) : fc.constant(Act.identity),
    scale: epilogue ? fc.oneof(fc.constant(1), fc.constant(2), f32In(-3, 3)) : fc.constant(1),
  }).map(({ layout, ...r }) => ({ ...r, tA: layout.tA, tB: layout.tB }))
    .filter((c) => c.m * c.n * c.k <= BUDGET);
}

interface Inputs { a: Float32Array; b: Float32Array; c0: Float32Array; bias: Float32Array }

function inputs(c: Case): Inputs {
  const rng = new Rng(c.seed);
  // Some entries of C are NaN when beta = 0: BLAS semantics say C is then not read.
  const c0 = c.beta === 0 ? new Float32Array(c.m * c.n).fill(NaN) : randomF32(rng, c.m * c.n, c.e);
  return {
    a: randomF32(rng, c.m * c.k, c.e),
    b: randomF32(rng, c.k * c.n, c.e),
    c0,
    bias: randomF32(rng, c.n, c.e),
  };
}

const SIZES = {
  a: MAX_DIM * MAX_DIM, b: MAX_DIM * MAX_DIM, c: MAX_DIM * MAX_DIM + GUARD,
  bias: MAX_DIM, pack: 8 * MAX_DIM,
};

function bed(backend: 'wasm' | 'reference'): Bed {
  const t = makeBed(backend, SIZES);
  // The transB layout packs 8-wide panels of Bᵀ into a scratch of ≥ 8·k floats.
  t.kernels.setScratch(ptr(t, 'pack'), SIZES.pack * 4);
  return t;
}

/** Runs one case on a bed and returns C (m·n floats) followed by the guard. */
function run(t: Bed, c: Case, x: Inputs): Float32Array {
  put(t, 'a', x.a);
  put(t, 'b', x.b);
  put(t, 'c', x.c0);
  put(t, 'bias', x.bias);
  t.heap.fill(SENTINEL, (ptr(t, 'c') >> 2) + c.m * c.n, (ptr(t, 'c') >> 2) + c.m * c.n + GUARD);
  t.kernels.gemmEx(c.tA, c.tB, c.m, c.n, c.k, c.alpha, ptr(t, 'a'), ptr(t, 'b'), c.beta, ptr(t, 'c'),
    c.bias ? ptr(t, 'bias') : 0, c.act, c.scale);
  return get(t, 'c', c.m * c.n + GUARD);
}

/** float64 result and per-element error bound (see the top of the file). */
function oracle(c: Case, x: Inputs): { want: Float64Array; bound: Float64Array } {
  const { m, n, k } = c;
  const want = new Float64Array(m * n);
  const bound = new Float64Array(m * n);
  const rel = gamma(k + 3) + (k + 4) * 2 ** -53;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0, sAbs = 0;
      for (let p = 0; p < k; p++) {
        const prod = x.a[c.tA ? p * m + i : i * k + p]! * x.b[c.tB ? j * k + p : p * n + j]!;
        s += prod;
        sAbs += Math.abs(prod);
      }
      let z = c.alpha * s;
      let mag = Math.abs(c.alpha) * sAbs;
      if (c.beta !== 0) { z += c.beta * x.c0[i * n + j]!; mag += Math.abs(c.beta * x.c0[i * n + j]!); }
      if (c.bias) { z += x.bias[j]!; mag += Math.abs(x.bias[j]!); }
      let err = rel * mag + (k + 3) * TINY;
      if (c.act === Act.relu) z = Math.max(z, 0); // 1-Lipschitz: the bound carries over
      if (c.act === Act.tanh) {
        // tanh is 1-Lipschitz; musl's tanhf adds < 2 ulp (2·2^-23 relative), allow 4u.
        z = Math.tanh(z);
        err += 4 * U * Math.abs(z) + TINY;
      }
      // The final multiply by scale scales the error and adds one rounding.
      want[i * n + j] = z * c.scale;
      bound[i * n + j] = Math.abs(c.scale) * err * (1 + U) + U * Math.abs(z * c.scale) + TINY;
    }
  }
  return { want, bound };
}

const describeCase = (c: Case): string =>
  `${c.tA ? 'T' : 'N'}${c.tB ? 'T' : 'N'} m=${c.m} n=${c.n} k=${c.k} α=${c.alpha} β=${c.beta} act=${c.act} scale=${c.scale} bias=${c.bias}`;

let wasm: Bed;
let ref: Bed;
beforeAll(() => {
  wasm = bed('wasm');
  ref = bed('reference');
});
const beds = (name: 'wasm' | 'reference'): Bed => (name === 'wasm' ? wasm : ref);

describe('gemm (plain: identity epilogue, no bias)', () => {
  it.each(BACKENDS)('%s is within γ_{k+3}·(|α|Σ|a·b| + |β·c|) of a float64 GEMM', (name) => {
    fc.assert(fc.property(cases(false), (c) => {
      const x = inputs(c);
      const got = run(beds(name), c, x).subarray(0, c.m * c.n);
      const { want, bound } = oracle(c, x);
      const i = firstOutOfBound(got, want, bound);
      expect(i, `${describeCase(c)}: C[${i}] = ${got[i]}, float64 ${want[i]} ± ${bound[i]}`).toBe(-1);
    }), { numRuns: 100 });
  });

  it('wasm and reference agree within twice the float64 bound', () => {
    fc.assert(fc.property(cases(false), (c) => {
      const x = inputs(c);
      const w = run(wasm, c, x).subarray(0, c.m * c.n);
      const r = run(ref, c, x).subarray(0, c.m * c.n);
      const twice = oracle(c, x).bound.map((b) => 2 * b);
      const i = firstOutOfBound(w, r, twice);
      expect(i, `${describeCase(c)}: wasm ${w[i]} vs reference ${r[i]}`).toBe(-1);
    }), { numRuns: 60 });
  });

  it('wasm and reference are bit-identical (same summation order, no FMA)', () => {
    fc.assert(fc.property(cases(false), (c) => {
      const x = inputs(c);
      const w = run(wasm, c, x).subarray(0, c.m * c.n);
      const r = run(ref, c, x).subarray(0, c.m * c.n);
      const i = firstBitDifference(w, r);
      expect(i, `${describeCase(c)}: wasm ${w[i]} vs reference ${r[i]}`).toBe(-1);
    }), { numRuns: 150 });
  });

  it('wasm writes nothing past C (tails never store a whole vector beyond n)', () => {
    fc.assert(fc.property(cases(false), (c) => {
      const guard = run(wasm, c, inputs(c)).subarray(c.m * c.n);
      expect(guard.every((v) => v === SENTINEL), describeCase(c)).toBe(true);
    }), { numRuns: 100 });
  });

  // The shapes of the notebook's 256-wide layers at batch 64, which the random
  // cases skip for time; the three layouts backprop uses.
  it.each([
    { layout: 'NN', tA: 0, tB: 0, m: 64, n: 256, k: 256 }, // Y = X·W
    { layout: 'TN', tA: 1, tB: 0, m: 256, n: 256, k: 64 }, // dW = Xᵀ·dY
    { layout: 'NT', tA: 0, tB: 1, m: 64, n: 256, k: 256 }, // dX = dY·Wᵀ
  ])('wasm equals reference bit for bit and float64 within bound, $layout $m×$k·$k×$n', (s) => {
    const c: Case = { tA: s.tA, tB: s.tB, m: s.m, n: s.n, k: s.k, alpha: 1, beta: 0, seed: 7, e: 0,
      bias: false, act: Act.identity, scale: 1 };
    const x = inputs(c);
    const w = run(wasm, c, x).subarray(0, c.m * c.n);
    const { want, bound } = oracle(c, x);
    expect(firstBitDifference(w, run(ref, c, x).subarray(0, c.m * c.n))).toBe(-1);
    expect(firstOutOfBound(w, want, bound)).toBe(-1);
  });

  // The two ways a kernel could silently drift from the reference, done in JS, to
  // show the bit-identity check above would notice them on a 1×256·256×1 product.
  const dot256 = (sum: (a: Float32Array, b: Float32Array) => number): { got: number; want: number } => {
    const c: Case = { tA: 0, tB: 0, m: 1, n: 1, k: 256, alpha: 1, beta: 0, seed: 11, e: 0, bias: false, act: 0, scale: 1 };
    const x = inputs(c);
    return { got: run(wasm, c, x)[0]!, want: sum(x.a, x.b) };
  };

  it('a reversed summation order gives different bits than the kernel', () => {
    const { got, want } = dot256((a, b) => {
      let s = 0;
      for (let p = 255; p >= 0; p--) s = Math.fround(s + Math.fround(a[p]! * b[p]!));
      return s;
    });
    expect(got).not.toBe(want);
  });

  it('a fused multiply-add (product not rounded) gives different bits than the kernel', () => {
    // a·b of two float32 is exact in float64, so s + a·b rounded once is an FMA.
    const { got, want } = dot256((a, b) => {
      let s = 0;
      for (let p = 0; p < 256; p++) s = Math.fround(s + a[p]! * b[p]!);
      return s;
    });
    expect(got).not.toBe(want);
  });

  it.each(BACKENDS)('%s with beta = 0 never reads C (NaN garbage in C does not leak)', (name) => {
    for (const { tA, tB } of LAYOUTS) {
      for (const [m, n, k] of [[7, 13, 5], [33, 31, 3], [4, 8, 1], [1, 1, 1]] as const) {
        const c: Case = { tA, tB, m, n, k, alpha: 1, beta: 0, seed: m * n + k, e: 0, bias: false, act: 0, scale: 1 };
        const got = run(beds(name), c, inputs(c)).subarray(0, m * n); // inputs() fills C with NaN
        expect(got.every(Number.isFinite), describeCase(c)).toBe(true);
      }
    }
  });

  it.each(BACKENDS)('%s with beta = 1 accumulates: running twice gives exactly twice one run', (name) => {
    // First call (beta 0): C = s. Second call (beta 1): C = fl(1·s + 1·s) = 2s
    // exactly, since 1·s is exact and s + s only bumps the exponent.
    const t = beds(name);
    const c: Case = { tA: 0, tB: 1, m: 9, n: 11, k: 17, alpha: 1, beta: 0, seed: 3, e: 0, bias: false, act: 0, scale: 1 };
    const once = run(t, c, inputs(c)).slice(0, c.m * c.n);
    t.kernels.gemm(0, 1, c.m, c.n, c.k, 1, ptr(t, 'a'), ptr(t, 'b'), 1, ptr(t, 'c'));
    expect(Array.from(get(t, 'c', c.m * c.n))).toEqual(Array.from(once, (v) => 2 * v));
  });

  it('computes a hand-checked 2×2 product in every layout', () => {
    // A = [[1, 2], [3, 4]], B = [[5, 6], [7, 8]] (row-major).
    // A·B = [[19, 22], [43, 50]]; Aᵀ·B = [[26, 30], [38, 44]];
    // A·Bᵀ = [[17, 23], [39, 53]]; Aᵀ·Bᵀ = [[23, 31], [34, 46]].
    const want = [[19, 22, 43, 50], [26, 30, 38, 44], [17, 23, 39, 53], [23, 31, 34, 46]];
    LAYOUTS.forEach(({ tA, tB }, l) => {
      put(wasm, 'a', [1, 2, 3, 4]);
      put(wasm, 'b', [5, 6, 7, 8]);
      wasm.kernels.gemm(tA, tB, 2, 2, 2, 1, ptr(wasm, 'a'), ptr(wasm, 'b'), 0, ptr(wasm, 'c'));
      expect(Array.from(get(wasm, 'c', 4)), `tA=${tA} tB=${tB}`).toEqual(want[l]);
    });
  });
});

describe('gemmEx (fused bias + activation + scale)', () => {
  it.each(BACKENDS)('%s is within the bound of float64 act(αAB + βC + bias)·scale', (name) => {
    fc.assert(fc.property(cases(true), (c) => {
      const x = inputs(c);
      const got = run(beds(name), c, x).subarray(0, c.m * c.n);
      const { want, bound } = oracle(c, x);
      const i = firstOutOfBound(got, want, bound);
      expect(i, `${describeCase(c)}: C[${i}] = ${got[i]}, float64 ${want[i]} ± ${bound[i]}`).toBe(-1);
    }), { numRuns: 100 });
  });

  it('wasm and reference are bit-identical for bias, ReLU and tanh·scale', () => {
    fc.assert(fc.property(cases(true), (c) => {
      const x = inputs(c);
      const w = run(wasm, c, x).subarray(0, c.m * c.n);
      const r = run(ref, c, x).subarray(0, c.m * c.n);
      const i = firstBitDifference(w, r);
      expect(i, `${describeCase(c)}: wasm ${w[i]} vs reference ${r[i]}`).toBe(-1);
    }), { numRuns: 150 });
  });

  it('tanh with scale: 1×1·1×1 by hand', () => {
    // z = 0.5·2 + 0.25 = 1.25; tanh(1.25) = 0.848283639957513; ·2 = 1.696567279915026.
    put(wasm, 'a', [0.5]); put(wasm, 'b', [2]); put(wasm, 'bias', [0.25]);
    wasm.kernels.gemmEx(0, 0, 1, 1, 1, 1, ptr(wasm, 'a'), ptr(wasm, 'b'), 0, ptr(wasm, 'c'),
      ptr(wasm, 'bias'), Act.tanh, 2);
    expect(Math.abs(get(wasm, 'c', 1)[0]! - 1.696567279915026)).toBeLessThanOrEqual(2 * 2 ** -23);
  });

  it('ReLU clamps negative pre-activations to +0 and passes positive ones', () => {
    // A = [1, −2]ᵀ (2×1), B = [−3] (1×1), bias = 1:
    // z = [1·(−3) + 1, (−2)·(−3) + 1] = [−2, 7] → ReLU → [+0, 7].
    put(wasm, 'a', [1, -2]); put(wasm, 'b', [-3]); put(wasm, 'bias', [1]);
    wasm.kernels.gemmEx(0, 0, 2, 1, 1, 1, ptr(wasm, 'a'), ptr(wasm, 'b'), 0, ptr(wasm, 'c'),
      ptr(wasm, 'bias'), Act.relu, 1);
    const out = get(wasm, 'c', 2);
    expect(Object.is(out[0], 0)).toBe(true);
    expect(out[1]).toBe(7);
  });
});

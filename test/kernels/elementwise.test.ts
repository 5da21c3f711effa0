// Element-wise kernels: each one is checked (a) bit for bit against the reference
// backend on random sizes, where sizes 0…67 hit every remainder of the 4-wide
// SIMD loop and its scalar tail, and nothing past the n-th float may change; and
// (b) against its formula evaluated in float64, within a bound counting the
// float32 roundings the kernel performs (u = 2^-24 each, Higham's γ_j = j·u/(1−j·u)).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Act } from '../../src/kernels/types.js';
import { Rng } from '../../src/rng.js';
import {
  BACKENDS, type BackendName, type Bed, TINY, U, firstBitDifference, firstOutOfBound, gamma, get, makeBed, ptr,
  put, randomF32,
} from './fixtures.js';

const CAP = 8192;
const GUARD = 16;
const SENTINEL = 777.25;
const sizes = fc.oneof(fc.integer({ min: 0, max: 67 }), fc.constantFrom(256, 1001, 4099));
const f32 = Math.fround;

let wasm: Bed;
let ref: Bed;
beforeAll(() => {
  // x, y: inputs/outputs; o: actBackward's output; p: the scalars of the last call,
  // kept in memory only so the float64 formulas can read them back.
  const blocks = { x: CAP + GUARD, y: CAP + GUARD, o: CAP + GUARD, p: 4 };
  wasm = makeBed('wasm', blocks);
  ref = makeBed('reference', blocks);
});
const bedOf = (name: BackendName): Bed => (name === 'wasm' ? wasm : ref);

/** Writes data then a guard of SENTINEL right after it. */
function putGuarded(t: Bed, name: string, data: Float32Array): void {
  put(t, name, [...data, ...new Array<number>(GUARD).fill(SENTINEL)]);
}

/** Writes the op's inputs into a bed and returns how to run it and where its output lives. */
type Setup = (t: Bed, rng: Rng, n: number) => { run: () => void; out: string; len: number };

function expectSameBits(setup: Setup): void {
  fc.assert(fc.property(sizes, fc.nat(), (n, seed) => {
    const w = setup(wasm, new Rng(seed), n);
    const r = setup(ref, new Rng(seed), n);
    w.run();
    r.run();
    // The guard floats are compared too: neither backend may write past the end.
    const a = get(wasm, w.out, w.len + GUARD);
    const b = get(ref, r.out, r.len + GUARD);
    const i = firstBitDifference(a, b);
    expect(i, `n=${n} seed=${seed}: wasm ${a[i]} vs reference ${b[i]} at ${i}`).toBe(-1);
    expect(a.subarray(w.len).every((v) => v === SENTINEL), `n=${n}: wrote past the end`).toBe(true);
  }), { numRuns: 80 });
}

interface Inputs { x: Float32Array; y: Float32Array; p: Float32Array }

/** Checks the op's output on one bed against a float64 formula, within a per-element bound. */
function expectFormula(t: Bed, setup: Setup,
                       formula: (i: number, inputs: Inputs, n: number) => { want: number; bound: number }): void {
  fc.assert(fc.property(sizes, fc.nat(), (n, seed) => {
    const s = setup(t, new Rng(seed), n);
    const before = { x: get(t, 'x', CAP), y: get(t, 'y', CAP), p: get(t, 'p', 4) };
    s.run();
    const got = get(t, s.out, s.len);
    const want = new Float64Array(s.len);
    const bound = new Float64Array(s.len);
    for (let i = 0; i < s.len; i++) ({ want: want[i], bound: bound[i] } = formula(i, before, n));
    const i = firstOutOfBound(got, want, bound);
    expect(i, `n=${n} seed=${seed}: got ${got[i]}, want ${want[i]} ± ${bound[i]}`).toBe(-1);
  }), { numRuns: 60 });
}

// Scalars are float32 (they cross into wasm as f32), so they are drawn as float32.
const scalar = (rng: Rng, lo: number, hi: number): number => f32(lo + (hi - lo) * rng.float());

const scaleOp: Setup = (t, rng, n) => {
  const alpha = scalar(rng, -3, 3);
  putGuarded(t, 'x', randomF32(rng, n, 2));
  put(t, 'p', [alpha]);
  return { run: () => t.kernels.scale(n, ptr(t, 'x'), alpha), out: 'x', len: n };
};
const axpyOp: Setup = (t, rng, n) => {
  const alpha = scalar(rng, -3, 3);
  put(t, 'x', randomF32(rng, n, 2));
  putGuarded(t, 'y', randomF32(rng, n, 2));
  put(t, 'p', [alpha]);
  return { run: () => t.kernels.axpy(n, alpha, ptr(t, 'x'), ptr(t, 'y')), out: 'y', len: n };
};
const polyakOp: Setup = (t, rng, n) => {
  const tau = scalar(rng, 0, 1);
  put(t, 'x', randomF32(rng, n, 1));
  putGuarded(t, 'y', randomF32(rng, n, 1));
  put(t, 'p', [tau]);
  return { run: () => t.kernels.polyak(n, ptr(t, 'x'), ptr(t, 'y'), tau), out: 'y', len: n };
};
const actBackwardOp = (act: number): Setup => (t, rng, n) => {
  // Saved outputs y = scale·act(z): |y| ≤ |scale| for tanh, y ≥ 0 for ReLU (with exact zeros).
  const actScale = rng.int(2) === 0 ? 1 : scalar(rng, 0.5, 4);
  const y = randomF32(rng, n, 0).map((v) => (act === Act.relu ? Math.max(v, 0) : f32(v * actScale)));
  put(t, 'x', randomF32(rng, n, 1));
  put(t, 'y', y);
  put(t, 'p', [actScale]);
  putGuarded(t, 'o', new Float32Array(n));
  return { run: () => t.kernels.actBackward(n, ptr(t, 'x'), ptr(t, 'y'), act, actScale, ptr(t, 'o')), out: 'o', len: n };
};
// colSum over an r×c matrix; the size drawn is the column count (the SIMD axis).
const colSumOp = (withBeta: boolean): Setup => (t, rng, n) => {
  const rows = Math.min(1 + rng.int(70), Math.floor(CAP / Math.max(n, 1)));
  const beta = withBeta ? scalar(rng, -2, 2) : 0;
  put(t, 'x', randomF32(rng, rows * n, 1));
  putGuarded(t, 'y', randomF32(rng, n, 1));
  put(t, 'p', [rows, beta]);
  return { run: () => t.kernels.colSum(rows, n, ptr(t, 'x'), beta, ptr(t, 'y')), out: 'y', len: n };
};

describe.each([
  ['scale', scaleOp],
  ['axpy', axpyOp],
  ['polyak', polyakOp],
  ['actBackward identity', actBackwardOp(Act.identity)],
  ['actBackward ReLU', actBackwardOp(Act.relu)],
  ['actBackward tanh', actBackwardOp(Act.tanh)],
  ['colSum', colSumOp(false)],
  ['colSum with beta', colSumOp(true)],
] as const)('%s', (_name, setup) => {
  it('wasm equals the reference bit for bit on every tail length, and writes nothing past n', () => {
    expectSameBits(setup);
  });
});

describe('copy', () => {
  it.each(BACKENDS)('%s copies the bits exactly (NaN payloads too) and nothing more', (name) => {
    const t = bedOf(name);
    fc.assert(fc.property(sizes, fc.nat(), (n, seed) => {
      const data = randomF32(new Rng(seed), n);
      if (n > 2) new Uint32Array(data.buffer)[1] = 0x7fc01234; // a NaN with a payload
      put(t, 'x', data);
      putGuarded(t, 'y', new Float32Array(n));
      t.kernels.copy(n, ptr(t, 'x'), ptr(t, 'y'));
      expect(firstBitDifference(get(t, 'y', n), data)).toBe(-1);
      expect(get(t, 'y', n + GUARD).subarray(n).every((v) => v === SENTINEL)).toBe(true);
    }), { numRuns: 40 });
  });

  it.each(BACKENDS)('%s handles overlapping regions like memmove, in both directions', (name) => {
    // [0..9] copied 3 floats up gives [0,1,2,0,1,...,9]; 3 floats down gives [3..9 … ].
    const t = bedOf(name);
    const base = Array.from({ length: 13 }, (_, i) => i);
    put(t, 'x', base);
    t.kernels.copy(10, ptr(t, 'x'), ptr(t, 'x') + 12);
    expect(Array.from(get(t, 'x', 13))).toEqual([0, 1, 2, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    put(t, 'x', base);
    t.kernels.copy(10, ptr(t, 'x') + 12, ptr(t, 'x'));
    expect(Array.from(get(t, 'x', 13))).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 10, 11, 12]);
  });
});

describe('fill', () => {
  it.each(BACKENDS)('%s sets exactly n floats to float32(value)', (name) => {
    const t = bedOf(name);
    fc.assert(fc.property(sizes, fc.double({ noNaN: true, min: -1e6, max: 1e6 }), (n, value) => {
      putGuarded(t, 'x', new Float32Array(n).fill(1));
      t.kernels.fill(n, ptr(t, 'x'), value);
      const got = get(t, 'x', n + GUARD);
      expect(got.subarray(0, n).every((v) => Object.is(v, f32(value)))).toBe(true);
      expect(got.subarray(n).every((v) => v === SENTINEL)).toBe(true);
    }), { numRuns: 40 });
  });
});

describe.each(BACKENDS)('formulas in float64 (%s)', (name) => {
  it('scale: x ← α·x, one rounding', () => {
    expectFormula(bedOf(name), scaleOp, (i, { x, p }) => {
      const want = p[0]! * x[i]!;
      return { want, bound: U * Math.abs(want) + TINY };
    });
  });

  it('axpy: y ← α·x + y, two roundings', () => {
    expectFormula(bedOf(name), axpyOp, (i, { x, y, p }) => {
      const ax = p[0]! * x[i]!;
      return { want: ax + y[i]!, bound: gamma(2) * (Math.abs(ax) + Math.abs(y[i]!)) + 2 * TINY };
    });
  });

  it('polyak: θ′ ← τ·θ + (1 − τ)·θ′, ≤ 3 roundings per term (1 − τ, product, sum)', () => {
    expectFormula(bedOf(name), polyakOp, (i, { x, y, p }) => {
      const tau = p[0]!;
      const a = tau * x[i]!, b = (1 - tau) * y[i]!;
      return { want: a + b, bound: gamma(3) * (Math.abs(a) + Math.abs(b)) + 2 * TINY };
    });
  });

  it('actBackward identity: dx = dy·scale', () => {
    expectFormula(bedOf(name), actBackwardOp(Act.identity), (i, { x, p }) => {
      const want = x[i]! * p[0]!;
      return { want, bound: U * Math.abs(want) + TINY };
    });
  });

  it('actBackward ReLU: dx = dy where the saved output y > 0, else 0 (exact)', () => {
    expectFormula(bedOf(name), actBackwardOp(Act.relu), (i, { x, y }) => ({
      want: y[i]! > 0 ? x[i]! : 0, bound: 0,
    }));
  });

  it('actBackward tanh: dx = dy·(1 − (y/s)²)·s, five roundings', () => {
    // Roundings: t = y/s, t², 1 − t², ·s, dy·. Relative to the terms before the
    // cancellation in 1 − t²: |err| ≤ |dy·s|·γ5·(t² + |1 − t²|).
    expectFormula(bedOf(name), actBackwardOp(Act.tanh), (i, { x, y, p }) => {
      const s = p[0]!, t = y[i]! / s, dy = x[i]!;
      const want = dy * (1 - t * t) * s;
      return { want, bound: Math.abs(dy * s) * gamma(5) * (t * t + Math.abs(1 - t * t)) + TINY };
    });
  });

  it('colSum: out_j = Σ_i x_ij + β·out_j, ≤ rows + 2 roundings', () => {
    expectFormula(bedOf(name), colSumOp(true), (j, { x, y, p }, cols) => {
      const rows = p[0]!, beta = p[1]!;
      let s = 0, mag = 0;
      for (let i = 0; i < rows; i++) { s += x[i * cols + j]!; mag += Math.abs(x[i * cols + j]!); }
      const b = beta * y[j]!;
      return { want: s + b, bound: gamma(rows + 2) * (mag + Math.abs(b)) + (rows + 2) * TINY };
    });
  });
});

describe.each(BACKENDS)('hand-derived values (%s)', (name) => {
  it('polyak with τ = 1 copies θ exactly and with τ = 0 leaves θ′ exactly as it was', () => {
    // τ = 1: fl(1·θ + fl(1 − 1)·θ′) = θ + 0 = θ.  τ = 0: fl(0·θ + 1·θ′) = θ′.
    const t = bedOf(name);
    put(t, 'x', [0.1, -2.5, 3e-5]);
    put(t, 'y', [7, 8, 9]);
    t.kernels.polyak(3, ptr(t, 'x'), ptr(t, 'y'), 1);
    expect(Array.from(get(t, 'y', 3))).toEqual([f32(0.1), -2.5, f32(3e-5)]);
    put(t, 'y', [7, 8, 9]);
    t.kernels.polyak(3, ptr(t, 'x'), ptr(t, 'y'), 0);
    expect(Array.from(get(t, 'y', 3))).toEqual([7, 8, 9]);
  });

  it('polyak with τ = 0.25 moves θ′ a quarter of the way: 0.25·4 + 0.75·8 = 7', () => {
    const t = bedOf(name);
    put(t, 'x', [4]);
    put(t, 'y', [8]);
    t.kernels.polyak(1, ptr(t, 'x'), ptr(t, 'y'), 0.25);
    expect(get(t, 'y', 1)[0]).toBe(7);
  });

  it('actBackward tanh divides the saved output by its scale: y = 1, s = 2 → t = 0.5', () => {
    // dx = dy·(1 − t²)·s = 2·(1 − 0.25)·2 = 3 (every step exact in float32).
    const t = bedOf(name);
    put(t, 'x', [2]);
    put(t, 'y', [1]);
    t.kernels.actBackward(1, ptr(t, 'x'), ptr(t, 'y'), Act.tanh, 2, ptr(t, 'o'));
    expect(get(t, 'o', 1)[0]).toBe(3);
  });

  it('actBackward may write in place over dy (out aliases dy)', () => {
    // ReLU: dy = [1, 2, 3, 4, 5], y = [1, 0, 2, -1, 3] → [1, 0, 3, 0, 5].
    const t = bedOf(name);
    put(t, 'x', [1, 2, 3, 4, 5]);
    put(t, 'y', [1, 0, 2, -1, 3]);
    t.kernels.actBackward(5, ptr(t, 'x'), ptr(t, 'y'), Act.relu, 1, ptr(t, 'x'));
    expect(Array.from(get(t, 'x', 5))).toEqual([1, 0, 3, 0, 5]);
  });

  it('colSum of a 3×5 matrix sums each column (5 = one SIMD group plus a tail)', () => {
    // Rows [1..5], [10..50], [100..500] → [111, 222, 333, 444, 555].
    const t = bedOf(name);
    put(t, 'x', [1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 100, 200, 300, 400, 500]);
    t.kernels.colSum(3, 5, ptr(t, 'x'), 0, ptr(t, 'y'));
    expect(Array.from(get(t, 'y', 5))).toEqual([111, 222, 333, 444, 555]);
  });
});

describe('allFinite', () => {
  it.each(BACKENDS)('%s returns 1 for finite blocks, including ±0, subnormals and ±max float32', (name) => {
    const t = bedOf(name);
    put(t, 'x', [0, -0, 2 ** -149, -(2 ** -149), 3.4028234663852886e38, -3.4028234663852886e38, 1, -1, 0.5]);
    expect(t.kernels.allFinite(9, ptr(t, 'x'))).toBe(1);
    expect(t.kernels.allFinite(0, ptr(t, 'x'))).toBe(1); // vacuously true
  });

  it.each(BACKENDS)('%s returns 0 when one NaN or ±Infinity sits anywhere, tail included', (name) => {
    const t = bedOf(name);
    fc.assert(fc.property(fc.integer({ min: 1, max: 67 }), fc.nat(), fc.constantFrom(NaN, Infinity, -Infinity),
      (n, where, bad) => {
        const data = new Float32Array(n).fill(1.5);
        data[where % n] = bad;
        put(t, 'x', data);
        expect(t.kernels.allFinite(n, ptr(t, 'x'))).toBe(0);
      }), { numRuns: 60 });
  });

  it.each(BACKENDS)('%s looks at only n floats (a NaN just past the end is ignored)', (name) => {
    const t = bedOf(name);
    put(t, 'x', [1, 2, 3, NaN]);
    expect(t.kernels.allFinite(3, ptr(t, 'x'))).toBe(1);
  });
});

describe('gradBounded (Adam\'s guard)', () => {
  const B = 2 ** 63;
  it.each(BACKENDS)('%s accepts |g + wd·θ| < bound and refuses NaN, ±∞ and |g| ≥ bound anywhere, tail included', (name) => {
    const t = bedOf(name);
    fc.assert(fc.property(fc.integer({ min: 1, max: 67 }), fc.nat(), fc.constantFrom(NaN, Infinity, -Infinity, B, -B, 3e38),
      (n, where, bad) => {
        const g = Float32Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) * 1e18);
        put(t, 'x', new Float32Array(n));
        put(t, 'y', g);
        expect(t.kernels.gradBounded(n, ptr(t, 'x'), ptr(t, 'y'), 0, B)).toBe(1);
        g[where % n] = bad;
        put(t, 'y', g);
        expect(t.kernels.gradBounded(n, ptr(t, 'x'), ptr(t, 'y'), 0, B)).toBe(0);
      }), { numRuns: 60 });
  });

  it.each(BACKENDS)('%s adds weight decay as adam does: a small g with a huge wd·θ is refused', (name) => {
    const t = bedOf(name);
    put(t, 'x', [1, 2, 3e30, 4, 5]); // θ
    put(t, 'y', [0.1, 0.1, 0.1, 0.1, 0.1]); // g
    expect(t.kernels.gradBounded(5, ptr(t, 'x'), ptr(t, 'y'), 0, B)).toBe(1);
    expect(t.kernels.gradBounded(5, ptr(t, 'x'), ptr(t, 'y'), 1e-2, B)).toBe(0); // 1e-2 · 3e30 = 3e28 > 2^63
    expect(t.kernels.gradBounded(2, ptr(t, 'x'), ptr(t, 'y'), 1e-2, B)).toBe(1); // only n floats are read
  });
});

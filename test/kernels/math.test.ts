// Deterministic math (AssemblyScript's musl-derived libm compiled into the kernel
// module; src/kernels/math.ts). What is checked, and where the numbers come from:
//
// * GOLDEN: for each input, the correctly rounded true value (computed with mpmath
//   1.3 at 400 bits of precision, then rounded to nearest double, or float32 for
//   tanhf) and the exact output recorded from the kernel module built with
//   assemblyscript 0.28.20 -O3. The first pins accuracy, the second pins the bits:
//   the training path depends on them, so a compiler or library upgrade that
//   changes any of them must be a visible, deliberate change.
// * Against the engine's Math.*: measured on 600k random inputs per function on
//   V8 (Node 20), the two differ by at most 1 ulp for exp/log, 2 ulp for sin/cos
//   and 3 ulp for tanh. Against mpmath (300 bits) the worst errors were 0.70 ulp
//   (sin/cos) and 1.25 (tanh), V8's 0.81 and 1.67. exp and log are the classic
//   fdlibm/musl algorithms (assembly/math.ts says why, not the table-driven ones):
//   on 40k random inputs each, worst 0.82 ulp (exp, the same as V8, which uses
//   fdlibm's exp too) and 0.76 ulp (log; V8 0.79). Two results each within ~1 ulp
//   of the truth can sit 2 ulp apart, hence those bounds rather than 1.
// * Special values (±0, ±Infinity, NaN, overflow, underflow) and symmetries, bit for bit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detMath } from '../../src/kernels/loader.js';
import * as dm from '../../src/kernels/math.js';
import { Rng } from '../../src/rng.js';

const f32 = Math.fround;

/** Distance in units in the last place between two doubles (0 = same bits, ±0 count as equal). */
function ulps64(a: number, b: number): number {
  const v = new DataView(new ArrayBuffer(16));
  v.setFloat64(0, a);
  v.setFloat64(8, b);
  const ord = (i: number): bigint => {
    const x = v.getBigInt64(i);
    return x < 0n ? -(x & 0x7fffffffffffffffn) : x;
  };
  const d = ord(0) - ord(8);
  return Number(d < 0n ? -d : d);
}

/** The same in float32 units. */
function ulps32(a: number, b: number): number {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat32(0, a);
  v.setFloat32(4, b);
  const ord = (i: number): number => {
    const x = v.getInt32(i);
    return x < 0 ? -(x & 0x7fffffff) : x;
  };
  return Math.abs(ord(0) - ord(4));
}

type Fn = 'sin' | 'cos' | 'exp' | 'log' | 'tanh' | 'tanhf';
const det: Record<Fn, (x: number) => number> = {
  sin: dm.sin, cos: dm.cos, exp: dm.exp, log: dm.log, tanh: dm.tanh, tanhf: dm.tanhf,
};

// [function, x, correctly rounded truth (mpmath), exact kernel output (recorded)].
// 6381956970095103·2^797 is the double closest to a multiple of π/2 (Muller,
// Elementary Functions, Table 11.1): the hardest case for argument reduction.
const GOLDEN: readonly (readonly [Fn, number, number, number])[] = [
  ['sin', 0.5, 0.479425538604203, 0.479425538604203],
  ['sin', -7, -0.6569865987187891, -0.6569865987187891],
  ['sin', 1e-08, 1e-08, 1e-08],
  ['sin', 1.5707963267948966, 1, 1],
  ['sin', 3.141592653589793, 1.2246467991473532e-16, 1.2246467991473532e-16],
  ['sin', 100, -0.5063656411097588, -0.5063656411097588],
  ['sin', 1000000, -0.34999350217129294, -0.34999350217129294],
  ['sin', 1e22, -0.8522008497671888, -0.8522008497671888],
  ['sin', 2 ** 1000, -0.15920170308624243, -0.15920170308624243],
  ['sin', 6381956970095103 * 2 ** 797, 1, 1],
  ['sin', 1.7976931348623157e308, 0.004961954789184062, 0.004961954789184062],
  ['cos', 0.5, 0.8775825618903728, 0.8775825618903728],
  ['cos', -7, 0.7539022543433046, 0.7539022543433046],
  ['cos', 1e-08, 1, 1],
  ['cos', 1.5707963267948966, 6.123233995736766e-17, 6.123233995736766e-17],
  ['cos', 3.141592653589793, -1, -1],
  ['cos', 100, 0.8623188722876839, 0.8623188722876839],
  ['cos', 1000000, 0.9367521275331447, 0.9367521275331447],
  ['cos', 1e22, 0.523214785395139, 0.523214785395139],
  ['cos', 2 ** 1000, 0.9872460775989135, 0.9872460775989135],
  ['cos', 6381956970095103 * 2 ** 797, -4.687165924254628e-19, -4.687165924230053e-19],
  ['cos', 1.7976931348623157e308, -0.9999876894265599, -0.9999876894265599],
  ['exp', 1, 2.718281828459045, 2.7182818284590455], // classic exp: 1 ulp high, as V8's fdlibm
  ['exp', -1, 0.36787944117144233, 0.36787944117144233],
  ['exp', 0.5, 1.6487212707001282, 1.6487212707001282],
  ['exp', 1e-10, 1.0000000001, 1.0000000001],
  ['exp', 10, 22026.465794806718, 22026.465794806718],
  ['exp', -20, 2.061153622438558e-09, 2.061153622438558e-09],
  ['exp', 88.7, 3.325986980250579e38, 3.325986980250579e38],
  ['exp', 709.7, 1.6549840276802644e308, 1.6549840276802644e308],
  ['exp', -745, 5e-324, 5e-324],
  ['log', 2, 0.6931471805599453, 0.6931471805599453],
  ['log', 0.5, -0.6931471805599453, -0.6931471805599453],
  ['log', 10, 2.302585092994046, 2.302585092994046],
  ['log', 1.0000000001, 1.000000082690371e-10, 1.000000082690371e-10],
  ['log', 0.9999999999, -1.000000082790371e-10, -1.000000082790371e-10],
  ['log', 1e-300, -690.7755278982137, -690.7755278982137],
  ['log', 1e300, 690.7755278982137, 690.7755278982137],
  ['log', 5e-324, -744.4400719213812, -744.4400719213812],
  ['tanh', 1e-09, 1e-09, 1e-09],
  ['tanh', 0.3, 0.2913126124515909, 0.29131261245159085],
  ['tanh', 0.5, 0.46211715726000974, 0.46211715726000974],
  ['tanh', 0.55, 0.5005202111902353, 0.5005202111902354],
  ['tanh', 1, 0.7615941559557649, 0.7615941559557649],
  ['tanh', -2.5, -0.9866142981514303, -0.9866142981514303],
  ['tanh', 5, 0.9999092042625951, 0.9999092042625951],
  ['tanh', 19, 0.9999999999999999, 0.9999999999999999],
  ['tanhf', 0.30000001192092896, 0.29131263494491577, 0.29131263494491577],
  ['tanhf', 0.5, 0.46211716532707214, 0.46211713552474976],
  ['tanhf', 1, 0.7615941762924194, 0.7615941762924194],
  ['tanhf', -2.5, -0.9866142868995667, -0.9866142868995667],
  ['tanhf', 0.004000000189989805, 0.003999978769570589, 0.003999978769570589],
  ['tanhf', 5, 0.9999092221260071, 0.9999092221260071],
  ['tanhf', 9, 0.9999999403953552, 0.9999999403953552],
];

/** Inputs where the kernel is known to miss the truth by more than the usual 1 ulp. */
const HARDEST = 6381956970095103 * 2 ** 797;

describe('golden values', () => {
  it.each(GOLDEN.filter(([f, x]) => !(f === 'cos' && x === HARDEST)))(
    '%s(%s) is within 1 ulp of the correctly rounded value %s (tanh: 2 ulp)', (f, x, truth) => {
      const got = det[f](x);
      if (f === 'tanhf') expect(ulps32(got, truth)).toBeLessThanOrEqual(1);
      else expect(ulps64(got, truth)).toBeLessThanOrEqual(f === 'tanh' ? 2 : 1);
    });

  it.each(GOLDEN)('%s(%s) gives exactly the recorded bits %s', (f, x, _truth, recorded) => {
    expect(Object.is(det[f](x), recorded)).toBe(true);
  });

  it('cos at the hardest reduction case is off by 5e-12 relative (known AssemblyScript limit)', () => {
    // AssemblyScript's rem_pio2 for huge |x| keeps 128 bits of x·2/π (a port of
    // metallic's reduction), which is not enough here: truth −4.687165924254628e-19,
    // kernel −4.687165924230053e-19 (V8's fdlibm gets it right). Harmless for the
    // library (angles stay small) and still deterministic; pinned so a fix shows.
    const truth = -4.687165924254628e-19;
    const rel = Math.abs(dm.cos(HARDEST) - truth) / Math.abs(truth);
    expect(rel).toBeGreaterThan(1e-13);
    expect(rel).toBeLessThan(1e-11);
  });
});

describe('against the engine (V8) on random inputs', () => {
  const rng = new Rng(20240601);
  /** ±2^e with e uniform in [lo, hi]: covers tiny, moderate and huge magnitudes alike. */
  const logUniform = (lo: number, hi: number): number => (rng.int(2) ? -1 : 1) * 2 ** (lo + (hi - lo) * rng.float());
  const cases: readonly (readonly [string, Fn, (x: number) => number, number, () => number])[] = [
    ['sin, 2^-30 ≤ |x| ≤ 2^30', 'sin', Math.sin, 2, () => logUniform(-30, 30)],
    // |x| ≥ 2^20·π/2 takes rem_pio2's large-argument path.
    ['sin, 2^20 ≤ |x| ≤ 2^1023', 'sin', Math.sin, 2, () => logUniform(20, 1023)],
    ['cos, 2^-30 ≤ |x| ≤ 2^30', 'cos', Math.cos, 2, () => logUniform(-30, 30)],
    ['cos, 2^20 ≤ |x| ≤ 2^1023', 'cos', Math.cos, 2, () => logUniform(20, 1023)],
    ['exp, |x| ≤ 745', 'exp', Math.exp, 1, () => (2 * rng.float() - 1) * 745],
    ['log, 2^-1074 ≤ x ≤ 2^1023', 'log', Math.log, 1, () => Math.abs(logUniform(-1074, 1023))],
    ['tanh, 2^-30 ≤ |x| ≤ 32', 'tanh', Math.tanh, 3, () => logUniform(-30, 5)],
  ];

  it.each(cases)('%s: within the measured ulp bound of Math.*', (_title, f, engine, bound, draw) => {
    let worst = 0, at = 0;
    for (let i = 0; i < 20000; i++) {
      const x = draw();
      const d = ulps64(det[f](x), engine(x));
      if (d > worst) { worst = d; at = x; }
    }
    expect(worst, `${f}(${at})`).toBeLessThanOrEqual(bound);
  });

  it('tanhf is within 2 float32 ulp of fround(Math.tanh(x)) (measured max over 1e6 inputs: 2)', () => {
    // musl tanhf: worst 1.44 float32 ulp from the truth (mpmath) in our sample;
    // fround(Math.tanh) is within 0.5 ulp + V8's double error, hence 2.
    let worst = 0, at = 0;
    for (let i = 0; i < 50000; i++) {
      const x = f32((rng.int(2) ? -1 : 1) * 2 ** (-20 + 24 * rng.float()));
      const d = ulps32(dm.tanhf(x), f32(Math.tanh(x)));
      if (d > worst) { worst = d; at = x; }
    }
    expect(worst, `tanhf(${at})`).toBeLessThanOrEqual(2);
  });

  it('expf is within 1 float32 ulp of fround(Math.exp)', () => {
    const { expf } = detMath();
    let worst = 0;
    for (let i = 0; i < 50000; i++) {
      const x = f32((2 * rng.float() - 1) * 87);
      worst = Math.max(worst, ulps32(expf(x), f32(Math.exp(x))));
    }
    expect(worst).toBeLessThanOrEqual(1);
  });
});

describe('large arguments, checked without the engine', () => {
  it('sin² + cos² = 1 within 4 double ulp for |x| up to 2^1023', () => {
    // Each of sin, cos is within 1 ulp (≤ 2^-53 relative to ≤ 1), the squares and
    // the sum add three roundings of ≤ 2^-53: |s² + c² − 1| ≤ 2·2·2^-53 + 3·2^-53 < 8·2^-53.
    fc.assert(fc.property(fc.double({ min: 2 ** 20, max: 2 ** 1023, noNaN: true }), (x) => {
      const s = dm.sin(x), c = dm.cos(x);
      expect(Math.abs(s * s + c * c - 1)).toBeLessThanOrEqual(8 * 2 ** -53);
    }), { numRuns: 2000 });
  });
});

describe('special values (bit for bit)', () => {
  const table: readonly (readonly [string, () => number, number])[] = [
    ['sin(+0)', () => dm.sin(0), 0],
    ['sin(−0)', () => dm.sin(-0), -0],
    ['sin(+∞)', () => dm.sin(Infinity), NaN],
    ['sin(−∞)', () => dm.sin(-Infinity), NaN],
    ['sin(NaN)', () => dm.sin(NaN), NaN],
    ['cos(+0)', () => dm.cos(0), 1],
    ['cos(−0)', () => dm.cos(-0), 1],
    ['cos(+∞)', () => dm.cos(Infinity), NaN],
    ['cos(NaN)', () => dm.cos(NaN), NaN],
    ['exp(+0)', () => dm.exp(0), 1],
    ['exp(−0)', () => dm.exp(-0), 1],
    ['exp(+∞)', () => dm.exp(Infinity), Infinity],
    ['exp(−∞)', () => dm.exp(-Infinity), 0],
    ['exp(710) overflows (ln(MAX_VALUE) ≈ 709.78)', () => dm.exp(710), Infinity],
    ['exp(−746) underflows (ln(2^-1074) ≈ −744.44)', () => dm.exp(-746), 0],
    ['exp(NaN)', () => dm.exp(NaN), NaN],
    ['log(1)', () => dm.log(1), 0],
    ['log(+0)', () => dm.log(0), -Infinity],
    ['log(−0)', () => dm.log(-0), -Infinity],
    ['log(−1)', () => dm.log(-1), NaN],
    ['log(−∞)', () => dm.log(-Infinity), NaN],
    ['log(+∞)', () => dm.log(Infinity), Infinity],
    ['log(NaN)', () => dm.log(NaN), NaN],
    ['tanh(+0)', () => dm.tanh(0), 0],
    ['tanh(−0)', () => dm.tanh(-0), -0],
    ['tanh(+∞)', () => dm.tanh(Infinity), 1],
    ['tanh(−∞)', () => dm.tanh(-Infinity), -1],
    ['tanh(25) rounds to 1 (1 − tanh 25 ≈ 3.9e-22 < 2^-54)', () => dm.tanh(25), 1],
    ['tanh(NaN)', () => dm.tanh(NaN), NaN],
    ['tanhf(+0)', () => dm.tanhf(0), 0],
    ['tanhf(−0)', () => dm.tanhf(-0), -0],
    ['tanhf(+∞)', () => dm.tanhf(Infinity), 1],
    ['tanhf(−∞)', () => dm.tanhf(-Infinity), -1],
    ['tanhf(10) rounds to 1 in float32 (1 − tanh 10 ≈ 4.1e-9 < 2^-25)', () => dm.tanhf(10), 1],
    ['tanhf(NaN)', () => dm.tanhf(NaN), NaN],
    ['expf(89) overflows float32 (ln(3.4e38) ≈ 88.72)', () => detMath().expf(89), Infinity],
  ];
  it.each(table)('%s', (_name, got, want) => {
    expect(Object.is(got(), want)).toBe(true);
  });
});

describe('symmetries hold bit for bit (so a sign flip never changes the training path)', () => {
  const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
  it('sin is odd', () => {
    fc.assert(fc.property(finite, (x) => Object.is(dm.sin(-x), -dm.sin(x))), { numRuns: 2000 });
  });
  it('cos is even', () => {
    fc.assert(fc.property(finite, (x) => Object.is(dm.cos(-x), dm.cos(x))), { numRuns: 2000 });
  });
  it('tanh is odd', () => {
    fc.assert(fc.property(finite, (x) => Object.is(dm.tanh(-x), -dm.tanh(x))), { numRuns: 2000 });
  });
  it('tanhf is odd and returns float32 values', () => {
    fc.assert(fc.property(fc.float({ noNaN: true }), (x) => {
      const y = dm.tanhf(x);
      return Object.is(dm.tanhf(-x), -y) && Object.is(f32(y), y);
    }), { numRuns: 2000 });
  });
});

// Adam against a direct float64 transcription of Kingma & Ba (2015): Algorithm 1
// for epsMode 'pytorch' (ε added to √v̂) and the §2 "efficiency" form for 'keras'
// (α_t = α·√(1−β2^t)/(1−β1^t), θ ← θ − α_t·m/(√v + ε̂)).
import { describe, expect, it } from 'vitest';
import { Arena, createKernels } from '../../src/kernels/index.js';
import { Adam, Network, type AdamOptions, type NetworkSpec } from '../../src/nn/index.js';
import { Rng } from '../../src/rng.js';
import { BACKENDS, U, firstBitDifference, firstOutOfBound, type BackendName } from '../kernels/fixtures.js';
import { write } from './helpers.js';

const SPEC: NetworkSpec = { inputs: [3], layers: [{ units: 5, activation: 'relu', biasInit: { uniform: 0.1 } }, { units: 2 }] };
const STEPS = 10;

/** One network + its Adam on a fresh committed arena. */
function makeAdam(backend: BackendName, options: AdamOptions): { net: Network; adam: Adam } {
  const arena = new Arena(createKernels(backend));
  const net = new Network(arena, SPEC, { maxBatch: 1 });
  const adam = new Adam(arena, net, options);
  arena.commit();
  net.init(new Rng(3));
  return { net, adam };
}

/**
 * Gradients for step t: element i has magnitude ~10^−(i mod 9), so some elements
 * live where √v ≫ ε and others where √v ≈ ε (there the two ε forms differ).
 * Padding entries stay 0, as backward leaves them.
 */
function gradient(net: Network, t: number): Float32Array {
  const rng = new Rng(100 + t);
  const g = new Float32Array(net.size);
  for (const e of net.layout) {
    const n = e.shape.reduce((a, b) => a * b, 1);
    for (let i = 0; i < n; i++) g[e.offset + i] = rng.uniform(-1, 1) * 10 ** -((e.offset + i) % 9);
  }
  return g;
}

/** Kingma & Ba in float64, written as in the paper (Math.pow is fine in a test). */
function referenceAdam(theta0: Float32Array, grads: readonly Float32Array[], o: Required<AdamOptions>): Float64Array {
  const th = Float64Array.from(theta0);
  const m = new Float64Array(th.length), v = new Float64Array(th.length);
  grads.forEach((gt, k) => {
    const t = k + 1;
    for (let i = 0; i < th.length; i++) {
      const g = gt[i]! + o.weightDecay * th[i]!;
      m[i] = o.beta1 * m[i]! + (1 - o.beta1) * g;
      v[i] = o.beta2 * v[i]! + (1 - o.beta2) * g * g;
      if (o.epsMode === 'pytorch') {
        const mHat = m[i]! / (1 - o.beta1 ** t), vHat = v[i]! / (1 - o.beta2 ** t);
        th[i] = th[i]! - (o.lr * mHat) / (Math.sqrt(vHat) + o.eps);
      } else {
        const alphaT = (o.lr * Math.sqrt(1 - o.beta2 ** t)) / (1 - o.beta1 ** t);
        th[i] = th[i]! - (alphaT * m[i]!) / (Math.sqrt(v[i]!) + o.eps);
      }
    }
  });
  return th;
}

/**
 * Per step, float32 Adam may differ from float64 by the rounding of θ (u·|θ|) plus
 * a relative error δ of the update, whose size is at most lr·(1−β1)/√(1−β2) ≈ 3.2·lr.
 * δ = 2e-5 covers float32 β2: 1 − fround(0.999) differs from 0.001 by 1.3e-5
 * relatively, i.e. 6.4e-6 in √v, plus ~10 float32 roundings (6e-7) in the step.
 */
function bound(theta: Float64Array, lr: number): Float64Array {
  return theta.map((x) => STEPS * (2 * U * (Math.abs(x) + STEPS * 3.2 * lr) + 2e-5 * 3.2 * lr));
}

function runSteps(backend: BackendName, options: AdamOptions): { got: Float32Array; theta0: Float32Array; grads: Float32Array[] } {
  const { net, adam } = makeAdam(backend, options);
  const theta0 = net.getParams();
  const grads: Float32Array[] = [];
  for (let t = 1; t <= STEPS; t++) {
    const g = gradient(net, t);
    grads.push(g);
    write(net, net.grads!.ptr, g);
    adam.step();
  }
  return { got: net.getParams(), theta0, grads };
}

const full = (o: AdamOptions): Required<AdamOptions> => ({
  beta1: 0.9, beta2: 0.999, eps: 1e-7, epsMode: 'keras', weightDecay: 0, ...o,
});

describe.each(BACKENDS)('%s backend', (backend) => {
  const cases: readonly [string, AdamOptions][] = [
    ["epsMode 'keras' (ε 1e-7, the notebook)", { lr: 0.01, epsMode: 'keras', eps: 1e-7 }],
    ["epsMode 'pytorch' (ε 1e-8)", { lr: 0.01, epsMode: 'pytorch', eps: 1e-8 }],
    ['weight decay 0.1 (g + wd·θ)', { lr: 0.01, weightDecay: 0.1 }],
    ['β1 0.5, β2 0.9', { lr: 0.003, beta1: 0.5, beta2: 0.9 }],
  ];
  for (const [name, options] of cases) {
    it(`${name}: 10 steps match the float64 formulas`, () => {
      const { got, theta0, grads } = runSteps(backend, options);
      const want = referenceAdam(theta0, grads, full(options));
      expect(firstOutOfBound(got, want, bound(want, options.lr))).toBe(-1);
    });
  }

  it('the comparison tells the two ε forms apart (tiny gradients, √v ≈ ε)', () => {
    // Guards the tests above: with ε = 1e-7 in both, keras and pytorch must differ.
    const o: AdamOptions = { lr: 0.01, epsMode: 'keras', eps: 1e-7 };
    const { got, theta0, grads } = runSteps(backend, o);
    const other = referenceAdam(theta0, grads, full({ ...o, epsMode: 'pytorch' }));
    expect(firstOutOfBound(got, other, bound(other, o.lr))).not.toBe(-1);
  });

  it('weight decay changes the result (the decay term is applied)', () => {
    const a = runSteps(backend, { lr: 0.01 }).got;
    const b = runSteps(backend, { lr: 0.01, weightDecay: 0.1 }).got;
    expect(firstBitDifference(a, b)).not.toBe(-1);
  });

  it('getState/setState plus the moment blocks resume bit-identically', () => {
    const a = makeAdam(backend, { lr: 0.01 });
    const b = makeAdam(backend, { lr: 0.01 });
    const stepBoth = (t: number, both: boolean): void => {
      for (const x of both ? [a, b] : [a]) {
        write(x.net, x.net.grads!.ptr, gradient(x.net, t));
        x.adam.step();
      }
    };
    for (let t = 1; t <= 5; t++) stepBoth(t, false);
    // Move a's whole optimiser state (θ, m, v, t, β^t) into b, then continue both.
    b.net.setParams(a.net.getParams());
    for (const k of ['m', 'v'] as const) write(b.net, b.adam[k].ptr, a.net.heap().slice(a.adam[k].ptr >> 2, (a.adam[k].ptr >> 2) + a.net.size));
    b.adam.setState(a.adam.getState());
    for (let t = 6; t <= 10; t++) stepBoth(t, true);
    expect(b.adam.steps).toBe(10);
    expect(firstBitDifference(b.net.getParams(), a.net.getParams())).toBe(-1);
  });

  it('a fresh optimiser without the restored state does not resume identically', () => {
    // The previous test is not vacuous: dropping t and β^t changes the bias correction.
    const a = makeAdam(backend, { lr: 0.01 });
    const b = makeAdam(backend, { lr: 0.01 });
    for (let t = 1; t <= 5; t++) { write(a.net, a.net.grads!.ptr, gradient(a.net, t)); a.adam.step(); }
    b.net.setParams(a.net.getParams());
    for (const k of ['m', 'v'] as const) write(b.net, b.adam[k].ptr, a.net.heap().slice(a.adam[k].ptr >> 2, (a.adam[k].ptr >> 2) + a.net.size));
    for (const x of [a, b]) { write(x.net, x.net.grads!.ptr, gradient(x.net, 6)); x.adam.step(); }
    expect(firstBitDifference(b.net.getParams(), a.net.getParams())).not.toBe(-1);
  });
});

describe('Adam option validation', () => {
  const fresh = (): { arena: Arena; net: Network } => {
    const arena = new Arena(createKernels('reference'));
    return { arena, net: new Network(arena, SPEC, { maxBatch: 1 }) };
  };
  for (const lr of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
    it(`lr ${lr} is a RangeError naming lr and (0, Infinity)`, () => {
      const { arena, net } = fresh();
      expect(() => new Adam(arena, net, { lr })).toThrow(RangeError);
      expect(() => new Adam(arena, net, { lr })).toThrow(/adam\.lr must be a finite number in \(0, Infinity\)/);
    });
  }

  it('the field prefix names the optimiser (actorOptimizer.lr)', () => {
    const { arena, net } = fresh();
    expect(() => new Adam(arena, net, { lr: -1 }, 'actorOptimizer')).toThrow(/actorOptimizer\.lr/);
  });

  it('lr is settable (a schedule) and a bad new value is refused, the old one kept', () => {
    const { arena, net } = fresh();
    const adam = new Adam(arena, net, { lr: 1e-3 }, 'criticOptimizer');
    adam.lr = 5e-4;
    expect(adam.lr).toBe(5e-4);
    expect(() => { adam.lr = Number.NaN; }).toThrow(/criticOptimizer\.lr must be a finite number in \[0, Infinity\), got NaN/);
    expect(() => { adam.lr = -1e-3; }).toThrow(/criticOptimizer\.lr must be a finite number in \[0, Infinity\), got -0\.001/);
    expect(adam.lr).toBe(5e-4);
    adam.lr = 0; // the end of a linear schedule
    expect(adam.lr).toBe(0);
  });

  it('beta1 = 1 is a RangeError naming beta1 and [0, 1)', () => {
    const { arena, net } = fresh();
    expect(() => new Adam(arena, net, { lr: 1e-3, beta1: 1 })).toThrow(/adam\.beta1 must be a finite number in \[0, 1\)/);
  });

  it('eps 0 is a RangeError naming eps', () => {
    const { arena, net } = fresh();
    expect(() => new Adam(arena, net, { lr: 1e-3, eps: 0 })).toThrow(/adam\.eps/);
  });

  it('a target (trainable: false) network is refused', () => {
    const arena = new Arena(createKernels('reference'));
    const net = new Network(arena, SPEC, { maxBatch: 1, trainable: false });
    expect(() => new Adam(arena, net, { lr: 1e-3 })).toThrow(/not trainable/);
  });

  it('setState refuses a negative step count', () => {
    const { arena, net } = fresh();
    const adam = new Adam(arena, net, { lr: 1e-3 });
    expect(() => adam.setState({ t: -1, beta1Power: 1, beta2Power: 1 })).toThrow(RangeError);
  });
});

describe.each(BACKENDS)('%s backend: a step whose gradient would overflow is refused whole', (backend) => {
  for (const [what, bad] of [['NaN', NaN], ['+∞', Infinity], ['2^63 (its square overflows float32)', 2 ** 63], ['-3e30', -3e30]] as const) {
    it(`writes nothing when one gradient is ${what}, and names the network and the learning rate`, () => {
      const { net, adam } = makeAdam(backend, { lr: 1e-3, eps: 1e-8, epsMode: 'pytorch' });
      write(net, net.grads!.ptr, gradient(net, 1));
      adam.step();
      const before = { p: net.getParams(), m: adam.m.f32.slice(), v: adam.v.f32.slice(), s: adam.getState() };
      const g = gradient(net, 2);
      g[3] = bad;
      write(net, net.grads!.ptr, g);
      expect(() => adam.step()).toThrow(/network: a gradient is not finite or beyond ±2\^63 at Adam step 2, so the step was not applied .* lower adam/);
      expect(net.getParams()).toEqual(before.p);
      expect(adam.m.f32).toEqual(before.m);
      expect(adam.v.f32).toEqual(before.v);
      expect(adam.getState()).toEqual(before.s);
    });
  }

  it('accepts a gradient just below 2^63 and keeps every moment finite', () => {
    const { net, adam } = makeAdam(backend, { lr: 1e-3 });
    const g = gradient(net, 1).map(() => 9.2e18); // < 2^63 ≈ 9.223e18; g² ≈ 8.5e37 < float32 max
    write(net, net.grads!.ptr, g);
    adam.step();
    expect([...adam.v.f32.subarray(0, net.size)].every(Number.isFinite)).toBe(true);
    expect(net.paramsFinite()).toBe(true);
  });
});

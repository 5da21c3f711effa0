// Network parameters: initialisation, target copies and polyak averaging,
// get/setParams, and the errors for bad batches and options.
import { describe, expect, it } from 'vitest';
import { Arena, createKernels } from '../../src/kernels/index.js';
import { Network, type NetworkSpec } from '../../src/nn/index.js';
import { Rng } from '../../src/rng.js';
import { U, firstBitDifference, firstOutOfBound } from '../kernels/fixtures.js';
import { makeRig, paramIndices } from './helpers.js';

/** The notebook's actor (3 → 256 → 256 → 1, tanh × 2), Keras defaults. */
const ACTOR: NetworkSpec = {
  inputs: [3],
  layers: [{ units: 256, activation: 'relu' }, { units: 256, activation: 'relu' }, { units: 1, activation: 'tanh', scale: 2 }],
};
/** The same shape with Lillicrap et al. §7's scheme: ±1/√fanIn, last layer ±3e-3. */
const PAPER: NetworkSpec = {
  inputs: [3],
  layers: [
    { units: 256, activation: 'relu', kernelInit: 'fan-in-uniform', biasInit: 'fan-in-uniform' },
    { units: 256, activation: 'relu', kernelInit: 'fan-in-uniform', biasInit: 'fan-in-uniform' },
    { units: 1, activation: 'tanh', scale: 2, kernelInit: { uniform: 3e-3 }, biasInit: { uniform: 3e-3 } },
  ],
};

function initialised(spec: NetworkSpec, seed: number, backend: 'wasm' | 'reference' = 'wasm'): Network {
  const { net } = makeRig(backend, spec, { maxBatch: 4 });
  net.init(new Rng(seed));
  return net;
}

/** The floats of tensor `name` from a parameter block. */
function tensor(net: Network, p: Float32Array, name: string): Float32Array {
  const t = net.layout.find((e) => e.name === name)!;
  return p.subarray(t.offset, t.offset + t.shape.reduce((a, b) => a * b, 1));
}

const maxAbs = (a: Float32Array): number => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('init', () => {
  // [tensor, limit]: Glorot & Bengio (2010) U(±√(6/(fanIn+fanOut))), the Keras default.
  const glorot: readonly [string, number][] = [
    ['layers.0.W', Math.sqrt(6 / (3 + 256))], // ≈ 0.1522
    ['layers.1.W', Math.sqrt(6 / (256 + 256))], // ≈ 0.1083
    ['layers.2.W', Math.sqrt(6 / (256 + 1))], // ≈ 0.1528
  ];
  for (const [name, limit] of glorot) {
    it(`glorot-uniform: ${name} lies within ±${limit.toFixed(4)} and spans it`, () => {
      const net = initialised(ACTOR, 1);
      const w = tensor(net, net.getParams(), name);
      // ≤ fround(limit): a draw just below the limit may round up to it in float32.
      expect(maxAbs(w)).toBeLessThanOrEqual(Math.fround(limit));
      // With ≥ 256 draws the largest |w| is above 0.95·limit unless P ≈ 0.95^256 ≈ 2e-6.
      expect(maxAbs(w)).toBeGreaterThan(0.95 * limit);
    });
  }

  it('glorot-uniform: biases are zero (Keras default bias initialiser)', () => {
    const net = initialised(ACTOR, 1);
    const p = net.getParams();
    for (const b of ['layers.0.b', 'layers.1.b', 'layers.2.b']) expect(maxAbs(tensor(net, p, b))).toBe(0);
  });

  const paper: readonly [string, number][] = [
    ['layers.0.W', 1 / Math.sqrt(3)], ['layers.0.b', 1 / Math.sqrt(3)],
    ['layers.1.W', 1 / Math.sqrt(256)], ['layers.1.b', 1 / Math.sqrt(256)],
    ['layers.2.W', 3e-3], ['layers.2.b', 3e-3],
  ];
  for (const [name, limit] of paper) {
    it(`fan-in-uniform / {uniform: 3e-3}: ${name} lies within ±${limit.toPrecision(4)} and is not constant`, () => {
      const net = initialised(PAPER, 1);
      const w = tensor(net, net.getParams(), name);
      expect(maxAbs(w)).toBeLessThanOrEqual(Math.fround(limit));
      // layers.2.b has a single value; everything else must span more than half the range.
      if (w.length > 1) expect(maxAbs(w)).toBeGreaterThan(0.5 * limit);
      expect(maxAbs(w)).toBeGreaterThan(0);
    });
  }

  it('alignment padding stays zero after init', () => {
    const net = initialised(PAPER, 1);
    const p = net.getParams();
    const real = new Set(paramIndices(net.layout));
    expect(p.every((v, i) => real.has(i) || v === 0)).toBe(true);
  });

  it('the same seed gives the same bytes (also across backends)', () => {
    const a = initialised(ACTOR, 42, 'wasm').getParams();
    expect(firstBitDifference(initialised(ACTOR, 42, 'wasm').getParams(), a)).toBe(-1);
    expect(firstBitDifference(initialised(ACTOR, 42, 'reference').getParams(), a)).toBe(-1);
  });

  it('a different seed gives different parameters', () => {
    expect(firstBitDifference(initialised(ACTOR, 43).getParams(), initialised(ACTOR, 42).getParams())).not.toBe(-1);
  });
});

describe('target networks', () => {
  /** A source and a target sharing one arena (copy/polyak need the same memory). */
  function pair(): { src: Network; dst: Network } {
    const arena = new Arena(createKernels('wasm'));
    const src = new Network(arena, ACTOR, { maxBatch: 1, name: 'actor' });
    const dst = new Network(arena, ACTOR, { maxBatch: 1, trainable: false, name: 'actorTarget' });
    arena.commit();
    src.init(new Rng(1));
    dst.init(new Rng(2));
    return { src, dst };
  }

  it('copyFrom makes the target equal to the source bit for bit', () => {
    const { src, dst } = pair();
    dst.copyFrom(src);
    expect(firstBitDifference(dst.getParams(), src.getParams())).toBe(-1);
  });

  it('polyakFrom computes fround(fround(τ·θ) + fround((1−τ)·θ′)) exactly', () => {
    const { src, dst } = pair();
    const th = src.getParams(), before = dst.getParams();
    const tau = 0.005; // the notebook's τ
    dst.polyakFrom(src, tau);
    const f = Math.fround, t = f(tau), omt = f(1 - t);
    const want = before.map((tp, i) => f(f(t * th[i]!) + f(omt * tp)));
    expect(firstBitDifference(dst.getParams(), want)).toBe(-1);
  });

  it('polyakFrom matches τ·θ + (1−τ)·θ′ in float64 within 4u of the magnitudes', () => {
    // Rounding τ, 1−τ, two products and a sum: ≤ 4 roundings of ≤ u relative each.
    const { src, dst } = pair();
    const th = src.getParams(), before = dst.getParams();
    const tau = 0.005;
    dst.polyakFrom(src, tau);
    const want = Float64Array.from(before, (tp, i) => tau * th[i]! + (1 - tau) * tp);
    const bound = Float64Array.from(before, (tp, i) => 4 * U * (tau * Math.abs(th[i]!) + (1 - tau) * Math.abs(tp)));
    expect(firstOutOfBound(dst.getParams(), want, bound)).toBe(-1);
  });

  it('copyFrom refuses a network with another layout', () => {
    const arena = new Arena(createKernels('wasm'));
    const a = new Network(arena, ACTOR, { maxBatch: 1, name: 'a' });
    const b = new Network(arena, { inputs: [3], layers: [{ units: 1 }] }, { maxBatch: 1, name: 'b' });
    arena.commit();
    expect(() => b.copyFrom(a)).toThrow(/b: a has a different layout/);
  });

  it('copyFrom refuses a network living in another memory', () => {
    const a = initialised(ACTOR, 1), b = initialised(ACTOR, 1);
    expect(() => b.polyakFrom(a, 0.005)).toThrow(/different layout or memory/);
  });
});

describe('getParams / setParams', () => {
  it('setParams then getParams round-trips bit for bit', () => {
    const net = initialised(ACTOR, 1);
    const p = initialised(ACTOR, 9).getParams();
    net.setParams(p);
    expect(firstBitDifference(net.getParams(), p)).toBe(-1);
  });

  it('setParams with a wrong length is a RangeError naming the expected size', () => {
    const net = initialised(ACTOR, 1);
    expect(() => net.setParams(new Float32Array(net.size - 1))).toThrow(new RegExp(`expected ${net.size} floats, got ${net.size - 1}`));
  });

  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 1e39]) {
    it(`setParams refuses ${bad} and writes nothing`, () => {
      // 1e39 is a finite double but overflows float32 (max ≈ 3.4e38) to Infinity.
      const net = initialised(ACTOR, 1);
      const before = net.getParams();
      const p = new Float64Array(net.size).fill(0.25);
      p[net.size - 1] = bad; // the last value: everything before it must not be written either
      expect(() => net.setParams(p)).toThrow(RangeError);
      expect(firstBitDifference(net.getParams(), before)).toBe(-1);
      expect(net.paramsFinite()).toBe(true);
    });
  }

  it('getParams(out) refuses an out of the wrong length', () => {
    const net = initialised(ACTOR, 1);
    expect(() => net.getParams(new Float32Array(3))).toThrow(RangeError);
  });

  it('paramsFinite is false once a parameter is NaN', () => {
    const net = initialised(ACTOR, 1);
    net.heap()[(net.params.ptr >> 2) + 7] = Number.NaN;
    expect(net.paramsFinite()).toBe(false);
  });

  it('parameterCount counts weights and biases without padding', () => {
    // 3·256 + 256 + 256·256 + 256 + 256·1 + 1 = 67 073
    expect(initialised(ACTOR, 1).parameterCount).toBe(67073);
  });
});

describe('bad batches and options', () => {
  const rig = (): ReturnType<typeof makeRig> => {
    const r = makeRig('wasm', ACTOR, { maxBatch: 8 });
    r.net.init(new Rng(1));
    return r;
  };
  for (const batch of [0, 9, 1.5, -1, Number.NaN]) {
    it(`forward(${batch}) is a RangeError naming batch and [1, 8]`, () => {
      const { net, inPtr } = rig();
      expect(() => net.forward(batch, inPtr[0]!)).toThrow(RangeError);
      expect(() => net.forward(batch, inPtr[0]!)).toThrow(/network: batch must be an integer in \[1, 8\]/);
    });
  }

  it('backward(9) with maxBatch 8 is a RangeError naming batch', () => {
    const { net, inPtr } = rig();
    net.forward(8, inPtr[0]!);
    expect(() => net.backward(9)).toThrow(/batch must be an integer in \[1, 8\]/);
  });

  for (const maxBatch of [0, 2.5, Number.NaN]) {
    it(`maxBatch ${maxBatch} is a RangeError naming maxBatch`, () => {
      const arena = new Arena(createKernels('reference'));
      expect(() => new Network(arena, ACTOR, { maxBatch, name: 'actor' })).toThrow(/actor: maxBatch must be an integer in \[1, 1048576\]/);
    });
  }

  it('a target network (trainable: false) refuses backward', () => {
    const { net, inPtr } = makeRig('wasm', ACTOR, { maxBatch: 2, trainable: false });
    net.forward(1, inPtr[0]!);
    expect(() => net.backward(1)).toThrow(/not trainable/);
  });

  it('a target network has no gradient or input-gradient buffers', () => {
    const { net } = makeRig('wasm', ACTOR, { maxBatch: 2, trainable: false, inputGrads: [true] });
    expect(net.grads).toBeNull();
    expect(net.inputGrad[0]).toBeNull();
    expect(() => net.outputGradPtr).toThrow(/not trainable/);
  });
});

// The wasm and reference backends run the notebook's networks at batch 64 and
// must agree: within the GEMM error bound (the contract), and in fact bit for bit
// (the design: the same operation sequence per element, no FMA, k summed in order).
import { describe, expect, it } from 'vitest';
import type { NetworkSpec } from '../../src/nn/index.js';
import { Rng } from '../../src/rng.js';
import { firstBitDifference, firstOutOfBound, gamma } from '../kernels/fixtures.js';
import { forward, makeRig, read, uniformF32, write, type Rig } from './helpers.js';

/** The notebook's actor: state(3) → 256 relu → 256 relu → 1 tanh × upper_bound (2, Pendulum-v1). */
const ACTOR: NetworkSpec = {
  inputs: [3],
  layers: [{ units: 256, activation: 'relu' }, { units: 256, activation: 'relu' }, { units: 1, activation: 'tanh', scale: 2 }],
};
/** The notebook's critic: state → 16 → 32, action → 32, concat(64) → 256 → 256 → 1. */
const CRITIC: NetworkSpec = {
  inputs: [3, 1],
  branches: [[{ units: 16, activation: 'relu' }, { units: 32, activation: 'relu' }], [{ units: 32, activation: 'relu' }]],
  layers: [{ units: 256, activation: 'relu' }, { units: 256, activation: 'relu' }, { units: 1 }],
};
const BATCH = 64;

interface Outputs {
  readonly y: Float32Array;
  readonly grads: Float32Array;
  readonly inputGrads: Float32Array[];
}

/** Same seed ⇒ same parameters, inputs and ∂L/∂Y on both backends (all drawn in TS). */
function run(backend: 'wasm' | 'reference', spec: NetworkSpec): Outputs {
  const rig: Rig = makeRig(backend, spec, { maxBatch: BATCH, inputGrads: spec.inputs.map(() => true) });
  const net = rig.net;
  const rng = new Rng(64);
  net.init(rng);
  const xs = spec.inputs.map((w) => uniformF32(rng, BATCH * w, -2, 2));
  const y = forward(rig, BATCH, xs);
  write(net, net.outputGradPtr, uniformF32(rng, BATCH * net.outputWidth));
  net.backward(BATCH, true);
  return {
    y,
    grads: net.getGrads(),
    inputGrads: spec.inputs.map((w, i) => read(net, net.inputGrad[i]!.ptr, BATCH * w)),
  };
}

/**
 * A loose form of the GEMM bound: every entry is a chain of dot products of length
 * ≤ 256 (the widest fanIn and the batch are both ≤ 256) through ≤ 5 layers and back,
 * so two correct float32 evaluations may differ by 2·γ_(5·(256+3)) relative to the
 * magnitudes involved; we use the vector's largest magnitude as that scale.
 */
function withinGemmBound(a: Float32Array, b: Float32Array): number {
  const scale = a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return firstOutOfBound(a, b, new Float64Array(a.length).fill(2 * gamma(5 * (256 + 3)) * scale));
}

describe.each([['actor', ACTOR], ['critic', CRITIC]] as const)('notebook %s at batch 64', (_name, spec) => {
  const w = run('wasm', spec);
  const r = run('reference', spec);

  it('forward outputs agree within the GEMM bound', () => {
    expect(withinGemmBound(w.y, r.y)).toBe(-1);
  });

  it('parameter gradients agree within the GEMM bound', () => {
    expect(withinGemmBound(w.grads, r.grads)).toBe(-1);
  });

  it('forward outputs are bit-identical', () => {
    expect(firstBitDifference(w.y, r.y)).toBe(-1);
  });

  it('parameter gradients are bit-identical', () => {
    expect(firstBitDifference(w.grads, r.grads)).toBe(-1);
  });

  it('input gradients are bit-identical', () => {
    spec.inputs.forEach((_, i) => expect(firstBitDifference(w.inputGrads[i]!, r.inputGrads[i]!)).toBe(-1));
  });

  it('the outputs are not trivial (some ReLUs active, gradients non-zero)', () => {
    expect(w.y.some((v) => v !== 0)).toBe(true);
    expect(w.grads.some((v) => v !== 0)).toBe(true);
  });
});

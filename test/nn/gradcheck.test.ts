// Gradient checks: the network's analytic float32 gradients (backward) against
// central finite differences of an independent float64 shadow of the forward
// pass (helpers.ts), for every activation, the output scale, both branches of a
// critic-shaped network, the input gradients and odd widths (1, 3, 5, 7), on both
// backends. The scalar being differentiated is L = Σ c ⊙ Y with random c, which
// is exactly what backward computes when ∂L/∂Y = c is written at outputGradPtr.
import { describe, expect, it } from 'vitest';
import type { Network, NetworkSpec } from '../../src/nn/index.js';
import { Rng } from '../../src/rng.js';
import { BACKENDS, U, firstBitDifference, firstOutOfBound, type BackendName } from '../kernels/fixtures.js';
import { dot, forward, makeRig, paramIndices, read, shadowForward, uniformF32, write, type Rig } from './helpers.js';

/** Central-difference step. In float64 the truncation error h²·f‴/6 ≈ 1e-12 and the
 *  cancellation error ε64·|L|/h ≈ 1e-9 (|L| < 10 here) both sit far below the float32
 *  tolerance, so the FD value stands in for the exact gradient. */
const H = 1e-6;
/** An odd batch, so the GEMM's 4-row tail runs (assembly/gemm.ts tiles 4×8). */
const BATCH = 5;
/** Pre-activations of ReLU units must stay this far from 0 (in the float64 shadow), so
 *  neither the ±H probe (moves z by ≈ H·|w| ≈ 1e-6) nor float32 rounding of the
 *  forward (≈ 1e-6) crosses a kink; inputs are redrawn until this holds. */
const RELU_MARGIN = 1e-3;
/** Random biases (Keras's zero default would leave the bias paths untested). */
const B = { uniform: 0.3 } as const;

const CASES: Readonly<Record<string, NetworkSpec>> = {
  'identity (with scale 0.5)': { inputs: [3], layers: [{ units: 5, biasInit: B }, { units: 1, scale: 0.5, biasInit: B }] },
  relu: { inputs: [5], layers: [{ units: 7, activation: 'relu', biasInit: B }, { units: 3, activation: 'relu', biasInit: B }, { units: 1, biasInit: B }] },
  'tanh (a 1-wide hidden layer)': {
    inputs: [7],
    layers: [{ units: 5, activation: 'tanh', biasInit: B }, { units: 1, activation: 'tanh', biasInit: B },
      { units: 3, activation: 'tanh', biasInit: B }, { units: 1, activation: 'tanh', biasInit: B }],
  },
  'actor shape, output tanh × 2': {
    inputs: [3],
    layers: [{ units: 7, activation: 'relu', biasInit: B }, { units: 5, activation: 'relu', biasInit: B },
      { units: 1, activation: 'tanh', scale: 2, biasInit: B }],
  },
  'critic shape, two branches + concat + trunk': {
    inputs: [3, 1],
    branches: [[{ units: 5, activation: 'relu', biasInit: B }, { units: 7, activation: 'tanh', biasInit: B }],
      [{ units: 3, activation: 'relu', biasInit: B }]],
    layers: [{ units: 7, activation: 'relu', biasInit: B }, { units: 5, activation: 'tanh', biasInit: B }, { units: 1, biasInit: B }],
  },
  'critic shape, raw action concatenated into the trunk': {
    inputs: [3, 1],
    branches: [[{ units: 5, activation: 'relu', biasInit: B }]],
    layers: [{ units: 7, activation: 'relu', biasInit: B }, { units: 1, biasInit: B }],
  },
};
const CRITIC = CASES['critic shape, two branches + concat + trunk']!;

/**
 * Tolerance for |analytic − FD|, as a multiple of u·G with G = max |FD| over the
 * checked vector. Each analytic entry is a sum of products along forward and
 * backward paths; in float32 every one of its roundings contributes ≤ u relative
 * to the magnitudes involved (Higham's γ_k for a k-term dot product), so we allow
 * one u·G per rounding on the longest path: Σ over layers of (fanIn + 3) forward
 * (dot product, bias, activation, scale), (units + 3) backward (dot product, act′,
 * its two products), plus the batch sum of dW/db. For these small networks that is
 * 60–100 u·G; the measured error is 1–3 u·G, and a wrong gradient (missing term,
 * wrong transpose, wrong act′) is off by O(G).
 */
function roundingsOnLongestPath(spec: NetworkSpec, batch: number): number {
  let k = batch;
  const count = (fanIn: number, layers: NetworkSpec['layers']): number => {
    for (const d of layers) {
      k += fanIn + 3 + d.units + 3;
      fanIn = d.units;
    }
    return fanIn;
  };
  const cat = spec.inputs.reduce((n, w, i) => n + count(w, spec.branches?.[i] ?? []), 0);
  count(cat, spec.layers);
  return k;
}

interface Setup {
  readonly rig: Rig;
  readonly spec: NetworkSpec;
  readonly theta: Float64Array;
  readonly xs: readonly Float32Array[];
  readonly c: Float32Array;
  /** L(θ, x) = Σ c ⊙ shadow(θ, x). */
  readonly loss: (theta: ArrayLike<number>, xs: readonly ArrayLike<number>[]) => number;
}

function setup(backend: BackendName, spec: NetworkSpec, seed = 1, inputGrads = spec.inputs.map(() => true)): Setup {
  const rig = makeRig(backend, spec, { maxBatch: 8, inputGrads });
  const net = rig.net;
  const rng = new Rng(seed);
  net.init(rng);
  const theta = Float64Array.from(net.getParams());
  let xs: Float32Array[] = [];
  for (let tries = 0; ; tries++) {
    if (tries === 100) throw new Error('could not draw inputs away from the ReLU kinks');
    xs = spec.inputs.map((w) => uniformF32(rng, BATCH * w));
    if (shadowForward(spec, net.layout, theta, xs, BATCH).reluMargin > RELU_MARGIN) break;
  }
  forward(rig, BATCH, xs);
  const c = uniformF32(rng, BATCH * net.outputWidth);
  const loss = (t: ArrayLike<number>, x: readonly ArrayLike<number>[]): number =>
    dot(c, shadowForward(spec, net.layout, t, x, BATCH).y);
  return { rig, spec, theta, xs, c, loss };
}

function backward(s: Setup, params: boolean): void {
  write(s.rig.net, s.rig.net.outputGradPtr, s.c); // backward overwrites dY in place
  s.rig.net.backward(BATCH, params);
}

const central = (f: (v: number) => number, v: number): number => (f(v + H) - f(v - H)) / (2 * H);

/** FD of L with respect to every real parameter (layout order, padding skipped). */
function fdParams(s: Setup, idx: readonly number[]): Float64Array {
  const t = Float64Array.from(s.theta);
  return Float64Array.from(idx, (i) => {
    const g = central((v) => { t[i] = v; return s.loss(t, s.xs); }, s.theta[i]!);
    t[i] = s.theta[i]!;
    return g;
  });
}

/** FD of L with respect to every element of input k. */
function fdInput(s: Setup, k: number): Float64Array {
  const xs = s.xs.map((x) => Float64Array.from(x));
  const x = xs[k]!;
  return Float64Array.from(s.xs[k]!, (x0, i) => {
    const g = central((v) => { x[i] = v; return s.loss(s.theta, xs); }, x0);
    x[i] = x0;
    return g;
  });
}

/** Index of the first analytic entry outside the tolerance, or −1. */
function check(s: Setup, analytic: ArrayLike<number>, fd: Float64Array): number {
  const G = fd.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  expect(G).toBeGreaterThan(0); // a vacuous check (all-zero gradient) would prove nothing
  const tol = roundingsOnLongestPath(s.spec, BATCH) * U * G;
  return firstOutOfBound(analytic, fd, new Float64Array(fd.length).fill(tol));
}

const pick = (a: Float32Array, idx: readonly number[]): Float32Array => Float32Array.from(idx, (i) => a[i]!);
const inputGrad = (net: Network, k: number): Float32Array => read(net, net.inputGrad[k]!.ptr, BATCH * net.inputWidths[k]!);

describe.each(BACKENDS)('%s backend', (backend) => {
  for (const [name, spec] of Object.entries(CASES)) {
    it(`${name}: ∂L/∂θ matches central differences of the float64 forward`, () => {
      const s = setup(backend, spec);
      backward(s, true);
      const idx = paramIndices(s.rig.net.layout);
      expect(check(s, pick(s.rig.net.getGrads(), idx), fdParams(s, idx))).toBe(-1);
    });

    spec.inputs.forEach((w, k) => {
      it(`${name}: ∂L/∂x${k} (width ${w}) matches central differences`, () => {
        const s = setup(backend, spec);
        backward(s, true);
        expect(check(s, inputGrad(s.rig.net, k), fdInput(s, k))).toBe(-1);
      });
    });
  }

  it('critic: with params=false, ∂Q/∂a alone matches central differences', () => {
    // inputGrads [false, true]: the DDPG actor step's configuration.
    const s = setup(backend, CRITIC, 2, [false, true]);
    backward(s, false);
    expect(check(s, inputGrad(s.rig.net, 1), fdInput(s, 1))).toBe(-1);
  });

  it('critic: params=false leaves the gradient block untouched', () => {
    const s = setup(backend, CRITIC, 2, [false, true]);
    const grads = s.rig.net.grads!;
    const sentinel = Float32Array.from({ length: grads.length }, (_, i) => i + 0.5);
    write(s.rig.net, grads.ptr, sentinel);
    backward(s, false);
    expect(firstBitDifference(s.rig.net.getGrads(), sentinel)).toBe(-1);
  });

  it('critic: ∂Q/∂a is bit-identical with params=false and params=true', () => {
    // Skipping work must not change the order of the operations that remain.
    const s = setup(backend, CRITIC, 2, [false, true]);
    backward(s, true);
    const full = inputGrad(s.rig.net, 1);
    backward(s, false);
    expect(firstBitDifference(inputGrad(s.rig.net, 1), full)).toBe(-1);
  });

  it('the check flags a parameter gradient that is off by 1% of its scale', () => {
    // Guards against a tolerance so loose that the tests above cannot fail.
    const s = setup(backend, CASES.relu!);
    backward(s, true);
    const idx = paramIndices(s.rig.net.layout);
    const fd = fdParams(s, idx);
    const wrong = pick(s.rig.net.getGrads(), idx);
    const G = fd.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    wrong[3]! += 0.01 * G;
    expect(check(s, wrong, fd)).toBe(3);
  });
});

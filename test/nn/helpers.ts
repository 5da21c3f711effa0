// Helpers for the network tests: building a committed network on one backend,
// writing inputs/output gradients into its memory, and an independent float64
// "shadow" of the forward pass that reads nothing but the spec, the layout table
// (by tensor name) and the parameter values from getParams().
import { Arena, createKernels } from '../../src/kernels/index.js';
import { Network, type NetworkOptions, type NetworkSpec } from '../../src/nn/index.js';
import type { BackendName } from '../kernels/fixtures.js';
import { Rng } from '../../src/rng.js';

export interface Rig {
  readonly net: Network;
  readonly arena: Arena;
  /** Per input: a block of maxBatch × width floats to hold that input. */
  readonly inPtr: readonly number[];
}

/** One network on its own backend/arena plus an input block per network input. */
export function makeRig(backend: BackendName, spec: NetworkSpec, options: NetworkOptions): Rig {
  const arena = new Arena(createKernels(backend));
  const net = new Network(arena, spec, options);
  const inBlocks = spec.inputs.map((w, i) => arena.alloc(`x${i}`, options.maxBatch * w));
  arena.commit();
  return { net, arena, inPtr: inBlocks.map((b) => b.ptr) };
}

/** Writes `data` (rounded to float32) at byte offset `ptr` of the network's memory. */
export function write(net: Network, ptr: number, data: ArrayLike<number>): void {
  net.heap().set(data, ptr >> 2);
}

/** A copy of `n` floats at byte offset `ptr`. */
export function read(net: Network, ptr: number, n: number): Float32Array {
  return net.heap().slice(ptr >> 2, (ptr >> 2) + n);
}

/** `n` float32-exact values uniform in [lo, hi). */
export function uniformF32(rng: Rng, n: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform(lo, hi);
  return out;
}

/** Runs forward on the rig with the given per-input data (batch rows each). */
export function forward(rig: Rig, batch: number, xs: readonly ArrayLike<number>[]): Float32Array {
  xs.forEach((x, i) => write(rig.net, rig.inPtr[i]!, x));
  const out = rig.net.forward(batch, rig.inPtr[0]!, rig.inPtr[1] ?? 0, rig.inPtr[2] ?? 0);
  return read(rig.net, out.ptr, batch * rig.net.outputWidth);
}

// ── float64 shadow ─────────────────────────────────────────────────────────────

export interface ShadowResult {
  /** batch × outputWidth. */
  readonly y: Float64Array;
  /** Smallest |pre-activation| over all ReLU units (Infinity when there are none). */
  readonly reluMargin: number;
}

function tensor(layout: Network['layout'], name: string): { offset: number; shape: readonly number[] } {
  const t = layout.find((e) => e.name === name);
  if (t === undefined) throw new Error(`layout has no tensor ${name}`);
  return t;
}

/**
 * The network's function in float64, written from the spec's documented meaning:
 * each input passes through its branch, the branch outputs are concatenated in
 * input order, the trunk follows; a dense layer is y = act(x·W + b)·scale with W
 * stored [fanIn, fanOut] row-major.
 */
export function shadowForward(spec: NetworkSpec, layout: Network['layout'], theta: ArrayLike<number>,
                              xs: readonly ArrayLike<number>[], batch: number): ShadowResult {
  let margin = Infinity;
  const dense = (name: string, x: Float64Array, fanIn: number, d: NetworkSpec['layers'][number]): Float64Array => {
    const W = tensor(layout, `${name}.W`), b = tensor(layout, `${name}.b`);
    const n = d.units, act = d.activation ?? 'identity', scale = d.scale ?? 1;
    if (W.shape[0] !== fanIn || W.shape[1] !== n) throw new Error(`${name}.W has shape ${W.shape.join('×')}`);
    const y = new Float64Array(batch * n);
    for (let r = 0; r < batch; r++) {
      for (let j = 0; j < n; j++) {
        let z = theta[b.offset + j]!;
        for (let i = 0; i < fanIn; i++) z += x[r * fanIn + i]! * theta[W.offset + i * n + j]!;
        let a = z;
        if (act === 'relu') { margin = Math.min(margin, Math.abs(z)); a = z > 0 ? z : 0; }
        else if (act === 'tanh') a = Math.tanh(z);
        y[r * n + j] = a * scale;
      }
    }
    return y;
  };
  const outs: { v: Float64Array; w: number }[] = spec.inputs.map((w, i) => {
    let v: Float64Array = Float64Array.from(xs[i]!).subarray(0, batch * w), width = w;
    (spec.branches?.[i] ?? []).forEach((d, j) => {
      v = dense(`branch${i}.${j}`, v, width, d);
      width = d.units;
    });
    return { v, w: width };
  });
  const cat = outs.reduce((n, o) => n + o.w, 0);
  let h: Float64Array = new Float64Array(batch * cat);
  for (let r = 0, col = 0; r < batch; r++, col = 0) {
    for (const o of outs) {
      for (let i = 0; i < o.w; i++) h[r * cat + col + i] = o.v[r * o.w + i]!;
      col += o.w;
    }
  }
  let width = cat;
  spec.layers.forEach((d, j) => {
    h = dense(`layers.${j}`, h, width, d);
    width = d.units;
  });
  return { y: h, reluMargin: margin };
}

/** Σ c·y, the scalar whose gradient the network's backward computes when dY = c. */
export function dot(c: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += c[i]! * y[i]!;
  return s;
}

/** Indices of real parameters (padding excluded), from the layout table. */
export function paramIndices(layout: Network['layout']): number[] {
  const out: number[] = [];
  for (const t of layout) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    for (let i = 0; i < n; i++) out.push(t.offset + i);
  }
  return out;
}

/**
 * Central differences (f(θ + h·e_i) − f(θ − h·e_i)) / 2h of a float64 function at
 * θ, for the parameters `idx` (the agents' update() gradient checks).
 */
export function centralDifferences(f: (t: Float64Array) => number, theta: Float64Array, idx: readonly number[], h: number): Float64Array {
  const t = Float64Array.from(theta);
  return Float64Array.from(idx, (i) => {
    t[i] = theta[i]! + h;
    const up = f(t);
    t[i] = theta[i]! - h;
    const down = f(t);
    t[i] = theta[i]!;
    return (up - down) / (2 * h);
  });
}

/** max_k |analytic[idx_k] − ref_k| / max |ref| (ref must not be all zero). */
export function relError(analytic: Float32Array, idx: readonly number[], ref: Float64Array): number {
  const G = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  if (!(G > 0)) throw new Error('relError: the reference gradient is zero everywhere');
  return idx.reduce((m, i, k) => Math.max(m, Math.abs(analytic[i]! - ref[k]!)), 0) / G;
}

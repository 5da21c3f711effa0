// Shared helpers for the kernel tests: a "bed" is one backend with an arena of
// named blocks, so a test can write the same inputs into the wasm and the
// reference memories, run a kernel on each and compare the outputs.
import { Arena, createKernels, type Block, type Kernels } from '../../src/kernels/index.js';
import { Rng } from '../../src/rng.js';

export type BackendName = 'wasm' | 'reference';
export const BACKENDS: readonly BackendName[] = ['wasm', 'reference'];

/** Unit roundoff of float32 (IEEE 754 binary32, round to nearest): u = 2^-24. */
export const U = 2 ** -24;
/** Smallest positive subnormal float32, the absolute error floor of one underflowing op. */
export const TINY = 2 ** -149;

/** Higham's γ_j = j·u / (1 − j·u): the relative error bound of j successive roundings. */
export const gamma = (j: number): number => (j * U) / (1 - j * U);

export interface Bed {
  readonly kernels: Kernels;
  readonly blocks: Readonly<Record<string, Block>>;
  /** A view of the whole memory (index = byte offset / 4). */
  readonly heap: Float32Array;
}

/** One backend with one committed arena holding a block per entry of `sizes` (in floats). */
export function makeBed(backend: BackendName, sizes: Readonly<Record<string, number>>): Bed {
  const kernels = createKernels(backend);
  const arena = new Arena(kernels);
  const blocks: Record<string, Block> = {};
  for (const [name, floats] of Object.entries(sizes)) blocks[name] = arena.alloc(name, floats);
  arena.commit();
  return { kernels, blocks, heap: arena.heap() };
}

export function block(bed: Bed, name: string): Block {
  const b = bed.blocks[name];
  if (b === undefined) throw new Error(`test bed has no block "${name}"`);
  return b;
}

export function ptr(bed: Bed, name: string): number {
  return block(bed, name).ptr;
}

/** Writes `data` at the start of block `name` (values are rounded to float32). */
export function put(bed: Bed, name: string, data: ArrayLike<number>): void {
  const b = block(bed, name);
  if (data.length > b.length) throw new Error(`block "${name}" holds ${b.length} floats, got ${data.length}`);
  bed.heap.set(data, b.ptr >> 2);
}

/** A copy of the first `n` floats of block `name`. */
export function get(bed: Bed, name: string, n: number): Float32Array {
  const start = ptr(bed, name) >> 2;
  return bed.heap.slice(start, start + n);
}

/** Index of the first element whose bits differ (NaN payloads included), or −1. */
export function firstBitDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

/**
 * `n` float32 values uniform in (−2^e, 2^e), with about one in `zeroEvery` set to
 * exactly ±0 so sign-of-zero paths are exercised too.
 */
export function randomF32(rng: Rng, n: number, e = 0, zeroEvery = 16): Float32Array {
  const out = new Float32Array(n);
  const s = 2 ** e;
  for (let i = 0; i < n; i++) {
    out[i] = rng.int(zeroEvery) === 0 ? (rng.int(2) === 0 ? 0 : -0) : s * (2 * rng.float() - 1);
  }
  return out;
}

/** The first index where |actual − expected| > bound, or −1 (a NaN anywhere counts as a miss). */
export function firstOutOfBound(actual: ArrayLike<number>, expected: ArrayLike<number>,
                                bound: ArrayLike<number>): number {
  for (let i = 0; i < actual.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= bound[i]!)) return i;
  }
  return -1;
}

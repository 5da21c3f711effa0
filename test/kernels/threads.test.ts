// The threaded backend (issue 17) against the one-thread module, bit for bit:
// every kernel it splits, on random shapes large enough to be split (and some
// that stay on the calling thread), with T = 2, 3 and 4 threads. The threaded
// module is a separate build (shared, imported memory); a split that reordered a
// sum, a wrong slice offset or a shared packing scratch shows as a bit difference.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { disposeThreads, initThreads } from '../../src/index.js';
import { Arena, createKernels, type Block, type Kernels } from '../../src/kernels/index.js';
import { ELEMENT_MIN, GEMM_MIN_WORK, threadCount, thresholds } from '../../src/kernels/threads.js';
import { Rng } from '../../src/rng.js';

const BYTES = readFileSync(new URL('../../build/kernels-threads.wasm', import.meta.url));
const MAX = 1 << 17; // floats per operand block
const GUARD = 64;

interface Bed { kernels: Kernels; b: Record<string, Block>; heap: Float32Array; bits: Uint32Array }

function bed(kernels: Kernels): Bed {
  const arena = new Arena(kernels);
  const b: Record<string, Block> = {};
  for (const name of ['a', 'b', 'c', 'd', 'bias']) b[name] = arena.alloc(name, MAX + GUARD);
  arena.requireScratch(512);
  arena.commit();
  const heap = arena.heap();
  return { kernels, b, heap, bits: new Uint32Array(heap.buffer, heap.byteOffset, heap.length) };
}

/** The same pseudo-random floats (some negative, some zero) into a block of both beds. */
function fill(beds: Bed[], name: string, n: number, rng: Rng): void {
  for (let i = 0; i < n + GUARD; i++) {
    const v = i >= n ? -12345.5 : rng.uniform(0, 1) < 0.05 ? 0 : rng.uniform(-2, 2);
    for (const x of beds) x.heap[(x.b[name]!.ptr >> 2) + i] = v;
  }
}

/** Index of the first float (of n + GUARD) of `name` whose bits differ between the beds, or -1. */
function firstDiff(one: Bed, many: Bed, name: string, n: number): number {
  const p = one.b[name]!.ptr >> 2, q = many.b[name]!.ptr >> 2;
  for (let i = 0; i < n + GUARD; i++) if (one.bits[p + i] !== many.bits[q + i]) return i;
  return -1;
}

const one = bed(createKernels('wasm'));
// Every call above the thresholds is split, even where waiting would make back-off run it unsplit (T > cores).
thresholds.backoff = false;
afterAll(() => { disposeThreads(); thresholds.backoff = true; });

describe.each([2, 3, 4])('threaded kernels, T = %i, are bit-identical to the one-thread module', (T) => {
  let many: Bed;
  it(`initThreads(${T}) starts ${T - 1} helpers; a kernel instance made then splits its calls`, async () => {
    expect(await initThreads(T, BYTES)).toEqual({ threads: T, reason: null });
    expect(threadCount()).toBe(T);
    many = bed(createKernels('wasm'));
  });

  it('GEMM, all four layouts, with and without the fused epilogue, random shapes (most above the split threshold)', () => {
    const rng = new Rng(1000 + T);
    let split = 0;
    for (let t = 0; t < 60; t++) {
      const tA = t & 1, tB = (t >> 1) & 1;
      const m = 1 + Math.floor(rng.uniform(0, t % 5 === 0 ? 6 : 200));
      const n = 1 + Math.floor(rng.uniform(0, 300));
      const k = 1 + Math.floor(rng.uniform(0, Math.min(500, MAX / Math.max(m, n))));
      if (m * n * k >= GEMM_MIN_WORK) split++;
      const beta = [0, 1, 0.5][t % 3]!, act = t % 3, scale = t % 4 === 0 ? 1.5 : 1, alpha = t % 5 === 1 ? -0.75 : 1;
      const beds = [one, many];
      fill(beds, 'a', m * k, rng);
      fill(beds, 'b', k * n, rng);
      fill(beds, 'c', m * n, rng);
      fill(beds, 'bias', n, rng);
      for (const x of beds) {
        const { a, b, c, bias } = x.b;
        if (t % 2 === 0) x.kernels.gemmEx(tA, tB, m, n, k, alpha, a!.ptr, b!.ptr, beta, c!.ptr, t % 3 === 0 ? 0 : bias!.ptr, act, scale);
        else x.kernels.gemm(tA, tB, m, n, k, alpha, a!.ptr, b!.ptr, beta, c!.ptr);
      }
      expect(firstDiff(one, many, 'c', m * n), `case ${t}: tA ${tA} tB ${tB} m ${m} n ${n} k ${k}`).toBe(-1);
    }
    expect(split).toBeGreaterThan(30);
  });

  it('adam, polyak, actBackward, axpy, scale and fill over ranges (n around and far above the threshold)', () => {
    const rng = new Rng(2000 + T);
    for (const n of [5, ELEMENT_MIN - 1, ELEMENT_MIN, ELEMENT_MIN + 37, MAX - 3]) {
      const beds = [one, many];
      for (const name of ['a', 'b', 'c', 'd']) fill(beds, name, n, rng);
      for (const x of beds) {
        const a = x.b.a!.ptr, b = x.b.b!.ptr, c = x.b.c!.ptr, d = x.b.d!.ptr;
        // v must be ≥ 0 for Adam's √v: its inputs are squared first.
        x.kernels.actBackward(n, a, a, 1, 1, d);
        x.kernels.adam(n, a, b, c, d, 0.9, 0.999, 1e-3, 1e-7, n % 2 ? 0 : 1e-2);
        x.kernels.polyak(n, a, b, 0.005);
        x.kernels.actBackward(n, b, c, 2, 1.5, c);
        x.kernels.actBackward(n, c, a, 0, 2, b);
        x.kernels.axpy(n, -0.25, a, b);
        x.kernels.scale(n, c, 1.25);
        x.kernels.fill(Math.max(1, n >> 1), d, 0.5);
      }
      for (const name of ['a', 'b', 'c', 'd']) expect(firstDiff(one, many, name, n), `${name}, n ${n}`).toBe(-1);
    }
  });
});

/**
 * GEMM throughput on the notebook's network shapes at batch 64, wasm vs the plain
 * TypeScript reference, in the three layouts backprop needs per dense layer
 * (in → out, X: 64×in, W: in×out, dY: 64×out):
 *   forward  Y  = X·W     NN  m = 64, k = in, n = out
 *   weights  dW = Xᵀ·dY   TN  m = in, k = 64, n = out
 *   input    dX = dY·Wᵀ   NT  m = 64, k = out, n = in
 * The layers are those of the Keras DDPG notebook's actor (3 → 256 → 256 → 1) and
 * critic (state 3 → 16 → 32, action 1 → 32, concat 64 → 256 → 256 → 1).
 * Target from issue 2: ≥ 25 GFLOP/s for 64×256·256×256 in each layout.
 */
import { Arena, createKernels, type Kernels } from '../src/kernels/index.js';
import { Rng } from '../src/rng.js';
import { type Row, measure, section, sig, table } from './harness.js';

const BATCH = 64;
const MAX = 256;
const TARGET_GFLOPS = 25; // issue 2, "Done when"

/** [in, out] of each dense layer whose GEMMs are benchmarked. */
const LAYERS: readonly (readonly [number, number])[] = [
  [3, 256], [256, 256], [64, 256], [256, 1], [16, 32], [1, 32],
];

interface Shape { readonly label: string; readonly op: string; readonly tA: number; readonly tB: number; readonly m: number; readonly n: number; readonly k: number }

function shapes(): Shape[] {
  return LAYERS.flatMap(([i, o]) => [
    { label: `${BATCH}×${i}·${i}×${o}`, op: `Y = X·W (${i}→${o})`, tA: 0, tB: 0, m: BATCH, k: i, n: o },
    { label: `(${BATCH}×${i})ᵀ·${BATCH}×${o}`, op: `dW = Xᵀ·dY (${i}→${o})`, tA: 1, tB: 0, m: i, k: BATCH, n: o },
    { label: `${BATCH}×${o}·(${i}×${o})ᵀ`, op: `dX = dY·Wᵀ (${i}→${o})`, tA: 0, tB: 1, m: BATCH, k: o, n: i },
  ]);
}

interface Buffers { readonly k: Kernels; readonly a: number; readonly b: number; readonly c: number }

/** One backend with A, B, C of the largest shape, filled with N(0, 1) values. */
function buffers(backend: 'wasm' | 'reference'): Buffers {
  const k = createKernels(backend);
  const arena = new Arena(k);
  const a = arena.alloc('A', MAX * MAX), b = arena.alloc('B', MAX * MAX), c = arena.alloc('C', MAX * MAX);
  const pack = arena.alloc('pack', 8 * MAX); // transB packing panel: 8·k floats (assembly/gemm.ts)
  arena.commit();
  k.setScratch(pack.ptr, pack.length * 4);
  const rng = new Rng(2, 'bench/gemm');
  for (const blk of [a, b, c]) arena.f32(blk).forEach((_, i, v) => { v[i] = rng.normal(); });
  return { k, a: a.ptr, b: b.ptr, c: c.ptr };
}

function task(buf: Buffers, s: Shape): { name: string; fn: () => void; flops: number } {
  const { k, a, b, c } = buf;
  const { tA, tB, m, n, k: kk } = s;
  return { name: `${k.backend} ${s.label}`, fn: () => k.gemm(tA, tB, m, n, kk, 1, a, b, 0, c), flops: 2 * m * n * kk };
}

function targetLine(rows: readonly Row[], list: readonly Shape[]): string {
  const big = list.map((s, i) => ({ s, r: rows[i]! })).filter(({ s }) => s.m * s.n * s.k === BATCH * 256 * 256);
  const parts = big.map(({ s, r }) => `${s.tA ? 'T' : 'N'}${s.tB ? 'T' : 'N'} ${sig(r.gflops ?? 0)}`);
  const met = big.every(({ r }) => (r.gflops ?? 0) >= TARGET_GFLOPS);
  return `Target ≥ ${TARGET_GFLOPS} GFLOP/s on 64×256·256×256 in each layout: ${parts.join(', ')} GFLOP/s → ${met ? 'met' : 'NOT met'}.`;
}

export default async function gemmBench(): Promise<string> {
  const list = shapes();
  const wasm = buffers('wasm');
  const ref = buffers('reference');
  const w = await measure(list.map((s) => task(wasm, s)), { timeMs: 500 });
  // The reference is ~100× slower; shorter runs keep the suite under a minute.
  const r = await measure(list.map((s) => task(ref, s)), { timeMs: 250, batchMs: 2 });
  const rows = list.map((s, i) => {
    const wr = w[i]!, rr = r[i]!;
    return [s.op, s.label, `${s.tA ? 'T' : 'N'}${s.tB ? 'T' : 'N'}`, sig((2 * s.m * s.n * s.k) / 1e3),
      sig(wr.medianUs), sig(wr.gflops ?? 0), `±${sig(wr.rme, 2)}%`, sig(rr.medianUs), sig(rr.gflops ?? 0),
      `${sig(rr.medianUs / wr.medianUs)}×`];
  });
  return section('GEMM (issue 2)',
    table(['operation (layer in→out)', 'shape', 'layout', 'kFLOP', 'wasm µs', 'wasm GFLOP/s', 'wasm rme',
      'reference µs', 'reference GFLOP/s', 'speed-up'], rows),
    targetLine(w, list),
    'Median time per call (JS → wasm call included); GFLOP/s = 2·m·n·k / time. ' +
    'rme: tinybench’s relative margin of error of the mean sample.');
}

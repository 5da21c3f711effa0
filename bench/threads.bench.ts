/**
 * Threads (issue 17, opt-in initThreads): one update() of DDPG (keras preset),
 * TD3 and SAC (their default 64-64 presets) with T = 1 … cores threads, where the
 * calling thread's time goes in split calls (its own slice, then the wait for the
 * helpers: barrier latency plus imbalance), the split thresholds (split against
 * unsplit for single kernels), and end-to-end training steps/s. Run it under
 * `flock -x /tmp/ddpg-cpu.lock`: a two-thread timing beside other work means nothing.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { DDPG, SAC, TD3, disposeThreads, initThreads, makeEnv } from '../src/index.js';
import { Arena, createKernels, type Kernels } from '../src/kernels/index.js';
import { ELEMENT_MIN, GEMM_MIN_WORK, stats, thresholds } from '../src/kernels/threads.js';
import { ROOT } from './dist.js';
import { section, sig, table } from './harness.js';

const BYTES = readFileSync(join(ROOT, 'build/kernels-threads.wasm'));
const ROUNDS = 15;
const TRAIN_STEPS = Number(process.env.THREADS_BENCH_STEPS ?? 20_000);

type Agent = DDPG | TD3 | SAC;
const ALGOS = [
  ['DDPG keras (256-256, batch 64)', (): Agent => new DDPG(makeEnv('Pendulum-v1'), { preset: 'keras', seed: 0, gradientSteps: 0 })],
  ['TD3 default (64-64)', (): Agent => new TD3(makeEnv('Pendulum-v1'), { seed: 0, gradientSteps: 0 })],
  ['SAC default (64-64)', (): Agent => new SAC(makeEnv('Pendulum-v1'), { seed: 0, gradientSteps: 0 })],
] as const;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** ms per call of `fn`, median of ROUNDS rounds of `n` calls, rounds of all `fns` alternating. */
function alternate(fns: readonly (() => void)[], n: number): number[] {
  const times = fns.map(() => [] as number[]);
  for (const fn of fns) for (let i = 0; i < n; i++) fn(); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    fns.forEach((fn, i) => {
      const t0 = performance.now();
      for (let j = 0; j < n; j++) fn();
      times[i]!.push((performance.now() - t0) / n);
    });
  }
  return times.map(median);
}

async function agentWith(threads: number, make: () => Agent): Promise<Agent> {
  disposeThreads();
  if (threads > 1) await initThreads(threads, BYTES);
  const a = make();
  await a.learn(2000); // gradientSteps 0: fills the buffer, no updates
  return a;
}

/** A GEMM (NN layout, m×n×k, ReLU epilogue) on fresh kernels of the current mode. */
function gemmTask(k: Kernels, m: number, n: number, kk: number): () => void {
  const arena = new Arena(k);
  const a = arena.alloc('a', m * kk), b = arena.alloc('b', kk * n), c = arena.alloc('c', m * n), bias = arena.alloc('bias', n);
  arena.requireScratch(kk);
  arena.commit();
  a.f32.fill(0.5); b.f32.fill(0.25);
  return () => { k.gemmEx(0, 0, m, n, kk, 1, a.ptr, b.ptr, 0, c.ptr, bias.ptr, 1, 1); };
}

function adamTask(k: Kernels, n: number): () => void {
  const arena = new Arena(k);
  const [p, g, m, v] = ['p', 'g', 'm', 'v'].map((s) => arena.alloc(s, n));
  arena.commit();
  return () => { k.adam(n, p!.ptr, g!.ptr, m!.ptr, v!.ptr, 0.9, 0.999, 1e-3, 1e-7, 0); };
}

export default async function threadsBench(): Promise<string> {
  const cores = availableParallelism();
  const counts = Array.from({ length: Math.max(2, cores) }, (_, i) => i + 1);
  const parts: string[] = [];

  // 1. update(): every thread count against one thread, in alternating rounds.
  const rows: (string | number)[][] = [];
  const where: (string | number)[][] = [];
  for (const [name, make] of ALGOS) {
    const agents: Agent[] = [];
    for (const t of counts) agents.push(await agentWith(t, make));
    const n = name.startsWith('DDPG') ? 50 : 200;
    stats.calls = stats.ownMs = stats.joinMs = stats.blocks = stats.ownBlocks = 0;
    const ms = alternate(agents.map((a) => () => { a.update(); }), n);
    rows.push([name, ...ms.map((x, i) => `${sig(x)}${i === 0 ? '' : ` (${sig(ms[0]! / x)}×)`}`)]);
    if (counts.length >= 2) {
      // The split calls' share, over every threaded round (all thread counts > 1 together).
      const updates = (ROUNDS + 1) * n * (counts.length - 1);
      where.push([name, sig(stats.calls / updates), sig((stats.ownMs / updates) * 1e3), sig((stats.joinMs / updates) * 1e3),
        `${sig((100 * stats.ownBlocks) / Math.max(1, stats.blocks))}% of ${sig(stats.blocks / Math.max(1, stats.calls))}`]);
    }
  }
  parts.push(table(['update() (ms)', ...counts.map((t) => `${t} thread${t === 1 ? '' : 's'}`)], rows));
  parts.push(`Where the calling thread's time goes in split calls (per update, all thread counts > 1 pooled): ` +
    'its own blocks (kernel work) and the wait for the helpers\' blocks still in progress after them; the blocks per call and the caller\'s share. ' +
    'The rest of an update is JavaScript and the calls below the thresholds.');
  parts.push(table(['agent', 'split calls', 'own blocks (µs)', 'waiting for helpers (µs)', 'blocks run by the caller'], where));

  // 2. Thresholds: one kernel split over 2 threads against the same kernel unsplit.
  disposeThreads();
  await initThreads(2, BYTES);
  const k = createKernels('wasm');
  thresholds.backoff = false; // measure the split itself
  const th: (string | number)[][] = [];
  for (const [m, n, kk] of [[16, 32, 64], [32, 64, 64], [64, 64, 64], [64, 128, 64], [64, 256, 64], [64, 256, 256]] as const) {
    const f = gemmTask(k, m, n, kk);
    const [split, one] = alternate([
      () => { thresholds.gemm = 0; f(); },
      () => { thresholds.gemm = Infinity; f(); },
    ], 200);
    th.push([`GEMM ${m}×${n}×${kk} (work ${m * n * kk})`, sig(one! * 1e3), sig(split! * 1e3), `${sig(one! / split!)}×`]);
  }
  for (const n of [4096, 16_384, 65_536]) {
    const f = adamTask(k, n);
    const [split, one] = alternate([
      () => { thresholds.element = 0; f(); },
      () => { thresholds.element = Infinity; f(); },
    ], 200);
    th.push([`adam n = ${n}`, sig(one! * 1e3), sig(split! * 1e3), `${sig(one! / split!)}×`]);
  }
  thresholds.gemm = GEMM_MIN_WORK;
  thresholds.element = ELEMENT_MIN;
  thresholds.backoff = true;
  parts.push(table(['kernel call', '1 thread (µs)', '2 threads (µs)', 'speed-up'], th));
  parts.push(`Thresholds in use: GEMMs of at least ${GEMM_MIN_WORK} multiply-adds and element-wise calls of at least ${ELEMENT_MIN} floats are split.`);

  // 3. End to end: a fresh keras DDPG agent learning TRAIN_STEPS steps (one update per step).
  const sps: number[] = [];
  for (const t of [1, 2]) {
    disposeThreads();
    if (t > 1) await initThreads(t, BYTES);
    const a = new DDPG(makeEnv('Pendulum-v1'), { preset: 'keras', seed: 0 });
    const t0 = performance.now();
    await a.learn(TRAIN_STEPS);
    sps.push(TRAIN_STEPS / ((performance.now() - t0) / 1000));
  }
  disposeThreads();
  parts.push(table(['training (DDPG keras, Pendulum-v1)', 'steps', '1 thread (steps/s)', '2 threads (steps/s)', 'ratio'],
    [['learn()', TRAIN_STEPS, sig(sps[0]!), sig(sps[1]!), `${sig(sps[1]! / sps[0]!)}×`]]));
  return section('Threads (issue 17, initThreads)', ...parts);
}

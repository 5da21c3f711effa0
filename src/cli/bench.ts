/**
 * `ddpg-wasm bench`: the headline numbers of this machine in about ten seconds.
 * Each figure is a median over timed samples (robust to a busy machine); the
 * full suites with their tables live in bench/ (`npm run bench`).
 */
import { cpus } from 'node:os';
import { DDPG } from '../agents/ddpg.js';
import { Arena, createKernels } from '../kernels/index.js';
import { makeEnv } from '../envs/make.js';
import { Rng } from '../rng.js';
import { VERSION } from '../version.js';
import { type CommandSpec, parseArgs } from './args.js';
import type { CliIO } from './io.js';

export const BENCH: CommandSpec = {
  name: 'bench',
  summary: 'Measure the headline numbers on this machine (about 10 s): GEMM GFLOP/s, update and act time, env and training steps/s.',
  usage: 'ddpg-wasm bench [--json]',
  flags: [{ name: 'json', type: 'boolean', help: 'print one JSON object on stdout' }],
  notes: ['Full benchmark tables: npm run bench (bench/RESULTS.md).'],
};

export interface BenchResult {
  /** 64×256·256×256, forward layout (Y = X·W), GFLOP/s. */
  readonly gemmGflops: number;
  /** One DDPG update, keras preset, batch 64, milliseconds. */
  readonly updateMs: number;
  /** One deterministic act() at batch 1, microseconds. */
  readonly actMicros: number;
  readonly envStepsPerSecond: number;
  /** Environment steps per second of learn() with one update per step (keras preset). */
  readonly trainStepsPerSecond: number;
  readonly node: string;
  readonly cpu: string;
  readonly version: string;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Median milliseconds per call over `samples` samples of `reps` calls each, after `warmup` calls. */
function timeMs(fn: () => void, reps: number, samples: number, warmup: number): number {
  for (let i = 0; i < warmup; i++) fn();
  const t: number[] = [];
  for (let s = 0; s < samples; s++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    t.push((performance.now() - t0) / reps);
  }
  return median(t);
}

// The shape of the notebook's 256→256 layers at batch 64 (ARCHITECTURE.md, "Numbers").
const M = 64, K = 256, N = 256;

function gemmGflops(): number {
  const k = createKernels('wasm');
  const arena = new Arena(k);
  const a = arena.alloc('A', M * K), b = arena.alloc('B', K * N), c = arena.alloc('C', M * N);
  arena.commit();
  const rng = new Rng(2, 'cli/bench');
  for (const blk of [a, b]) arena.f32(blk).forEach((_, i, v) => { v[i] = rng.normal(); });
  const ms = timeMs(() => k.gemm(0, 0, M, N, K, 1, a.ptr, b.ptr, 0, c.ptr), 20, 40, 200);
  return (2 * M * N * K) / (ms * 1e6);
}

/** A keras-preset agent on Pendulum with `fill` random transitions in its buffer. */
function agentWithBuffer(fill: number): DDPG {
  const env = makeEnv('Pendulum-v1');
  const agent = new DDPG(env, { preset: 'keras', seed: 0 });
  const rng = new Rng(3, 'cli/bench');
  let obs = env.reset(0);
  for (let i = 0; i < fill; i++) {
    const action = [rng.uniform(-2, 2)];
    const r = env.step(action);
    agent.buffer.add(obs, action, r.reward, r.obs, r.terminated);
    obs = r.terminated || r.truncated ? env.reset() : r.obs;
  }
  return agent;
}

function envStepsPerSecond(): number {
  const env = makeEnv('Pendulum-v1'), action = [0.5];
  env.reset(0);
  const ms = timeMs(() => {
    const r = env.step(action);
    if (r.truncated || r.terminated) env.reset();
  }, 2000, 30, 2000);
  return 1000 / ms;
}

async function trainStepsPerSecond(): Promise<number> {
  const agent = new DDPG(makeEnv('Pendulum-v1'), { preset: 'keras', seed: 0 });
  await agent.learn(200); // warm-up: JIT tiers and a non-trivial buffer
  const t0 = performance.now();
  await agent.learn(800);
  return 800 / ((performance.now() - t0) / 1000);
}

export async function runBench(): Promise<BenchResult> {
  const gemm = gemmGflops();
  const agent = agentWithBuffer(1000);
  const updateMs = timeMs(() => agent.update(), 1, 150, 20);
  const out = new Float32Array(1), obs = Float32Array.of(0.5, -0.2, 0.3);
  const actMicros = 1000 * timeMs(() => agent.act(obs, { out }), 200, 50, 500);
  return {
    gemmGflops: Number(gemm.toFixed(2)), updateMs: Number(updateMs.toFixed(3)), actMicros: Number(actMicros.toFixed(2)),
    envStepsPerSecond: Math.round(envStepsPerSecond()), trainStepsPerSecond: Math.round(await trainStepsPerSecond()),
    node: process.version, cpu: cpus()[0]?.model.trim() ?? 'unknown', version: VERSION,
  };
}

export async function benchCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const f = parseArgs(BENCH, argv);
  if (f.bool('help')) return io.help(BENCH);
  if (!f.bool('json')) io.stderr.write('Measuring (about 10 s)…\n');
  const r = await runBench();
  if (f.bool('json')) {
    io.stdout.write(`${JSON.stringify(r)}\n`);
    return 0;
  }
  io.stdout.write([
    `ddpg-wasm ${r.version} · Node ${r.node} · ${r.cpu}`,
    `GEMM 64×256·256×256 (Y = X·W)   ${r.gemmGflops.toFixed(1)} GFLOP/s`,
    `DDPG update (keras, batch 64)    ${r.updateMs.toFixed(2)} ms`,
    `act (batch 1)                    ${r.actMicros.toFixed(1)} µs`,
    `Pendulum-v1 env steps            ${r.envStepsPerSecond} /s`,
    `training (1 update per step)     ${r.trainStepsPerSecond} env steps/s`,
  ].join('\n') + '\n');
  return 0;
}

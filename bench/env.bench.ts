/**
 * Environment, replay buffer and noise costs (issue 4):
 *  - env steps/s for Pendulum-v1 and MountainCarContinuous-v0 (one step per
 *    agent update in training, 20 000 per notebook run), reset included when an
 *    episode ends;
 *  - ReplayBuffer add, and sample(64) (the notebook's batch_size) from a full
 *    100 000-row buffer (the notebook capacity) into preallocated views;
 *  - one OU noise sample.
 * Each task times a block of `REPS` operations so tinybench's per-call overhead
 * does not dominate sub-microsecond work; the table reports per-operation costs.
 */
import { Bench } from 'tinybench';
import { initSync } from '../src/index.js';
import { makeEnv, type Env } from '../src/envs/index.js';
import { ReplayBuffer, type ReplayBatch } from '../src/rl/buffer.js';
import { OrnsteinUhlenbeckNoise } from '../src/rl/noise.js';
import { Rng } from '../src/rng.js';

/** Operations per timed call. */
const REPS = 1000;
/** The notebook's batch_size. */
const BATCH = 64;
/** Replay capacity of the issue text (notebook Buffer default 100 000). */
const CAPACITY = 100_000;

/** A task stepping `env` REPS times with a fixed pseudo-random action sequence. */
function envTask(env: Env, seed: number): () => void {
  const rng = new Rng(seed);
  const hi = env.actionSpace.high[0]!;
  const actions = Float32Array.from({ length: 4096 }, () => rng.uniform(-hi, hi));
  const a = new Float32Array(1);
  let k = 0;
  env.reset(seed);
  return () => {
    for (let i = 0; i < REPS; i++) {
      a[0] = actions[k++ & 4095]!;
      const r = env.step(a);
      if (r.terminated || r.truncated) env.reset();
    }
  };
}

function bufferTasks(): { add: () => void; sample: () => void } {
  const buf = new ReplayBuffer(CAPACITY, 3, 1);
  const obs = Float32Array.of(0.1, -0.2, 0.3), next = Float32Array.of(0.2, -0.1, 0.4), act = Float32Array.of(0.5);
  for (let i = 0; i < CAPACITY; i++) buf.add(obs, act, -1, next, false);
  const into: ReplayBatch = {
    obs: new Float32Array(BATCH * 3), action: new Float32Array(BATCH), reward: new Float32Array(BATCH),
    nextObs: new Float32Array(BATCH * 3), done: new Float32Array(BATCH),
  };
  const rng = new Rng(1, 'replay');
  return {
    add: () => { for (let i = 0; i < REPS; i++) buf.add(obs, act, -1, next, false); },
    sample: () => { for (let i = 0; i < REPS / 10; i++) buf.sample(BATCH, rng, into); },
  };
}

function noiseTask(): () => void {
  const noise = new OrnsteinUhlenbeckNoise({ dim: 1 });
  const rng = new Rng(1, 'noise');
  const out = new Float32Array(1);
  return () => { for (let i = 0; i < REPS; i++) noise.sample(rng, out); };
}

function fmt(ns: number): string {
  return ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`;
}

export default async function (): Promise<string> {
  initSync();
  const buffer = bufferTasks();
  const cases: [string, () => void, number][] = [
    ['Pendulum-v1 step', envTask(makeEnv('Pendulum-v1'), 1), REPS],
    ['MountainCarContinuous-v0 step', envTask(makeEnv('MountainCarContinuous-v0'), 2), REPS],
    ['ReplayBuffer.add (obs 3, action 1)', buffer.add, REPS],
    [`ReplayBuffer.sample(${BATCH}) from ${CAPACITY} rows`, buffer.sample, REPS / 10],
    ['OrnsteinUhlenbeckNoise.sample (dim 1)', noiseTask(), REPS],
  ];
  const bench = new Bench({ time: 500, warmup: true });
  for (const [name, fn] of cases) bench.add(name, fn);
  await bench.run();
  const rows = bench.tasks.map((t, i) => {
    const perOp = ((t.result as { latency?: { mean: number } } | undefined)?.latency?.mean ?? NaN) * 1e6 / cases[i]![2];
    return `| ${t.name} | ${fmt(perOp)} | ${Math.round(1e9 / perOp).toLocaleString('en-US')} |`;
  });
  return ['## Environments, replay buffer, noise', '', '| operation | per op | ops/s |', '| --- | ---: | ---: |', ...rows, ''].join('\n');
}

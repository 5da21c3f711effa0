/**
 * TD3 and SAC update cost in RLtools' Pendulum-v1 configuration (64-64 ReLU
 * actor and critics, batch 100; the agents' 'rltools' presets), next to DDPG
 * on the same networks and on the notebook's ('keras' preset), and whole
 * 20 000-step runs (acting, env steps, buffer, updates, everything learn() does).
 *
 * The RLtools numbers are the measurements on this machine (RLtools
 * compiled to wasm SIMD, its browser build, and natively with OpenBLAS and
 * AVX-512). Targets (issue 9): TD3 ≤ 0.6 ms and SAC ≤ 0.9 ms per update, a
 * whole 20 000-step TD3 run under 15 s.
 */
import { DDPG } from '../src/agents/ddpg.js';
import { SAC } from '../src/agents/sac.js';
import { TD3 } from '../src/agents/td3.js';
import { makeEnv } from '../src/envs/make.js';
import { measure, section, sig, table } from './harness.js';

/** Issue 9: RLtools on this machine, ms per update (wasm SIMD / native OpenBLAS AVX-512). */
const RLTOOLS = { td3: { wasm: 2.4, native: 0.16 }, sac: { wasm: 3.5, native: 0.2 } } as const;
const TARGET_MS = { td3: 0.6, sac: 0.9 } as const;
/** Issue 9: whole 20 000-step TD3 run under 15 s (RLtools wasm: 48 s). */
const RUN_TARGET_S = 15;
const RUN_STEPS = 20_000;

interface Agent {
  update(): unknown;
  learn(n: number): Promise<unknown>;
}

/** An agent with 1 000 steps of experience (so update() samples a realistic buffer). */
async function warm<A extends Agent>(make: () => A): Promise<A> {
  const a = make();
  await a.learn(1000);
  return a;
}

const pendulum = () => makeEnv('Pendulum-v1');
/** DDPG with RLtools' networks: 64-64 actor, critic with the action concatenated at the input, batch 100. */
const DDPG_64 = { actorLayers: [64, 64], criticStateLayers: [], criticActionLayers: [], criticLayers: [64, 64], batchSize: 100 } as const;

async function wholeRun(make: () => Agent): Promise<number> {
  const a = make();
  const t0 = performance.now();
  await a.learn(RUN_STEPS);
  return (performance.now() - t0) / 1000;
}

export default async function (): Promise<string> {
  const td3 = await warm(() => new TD3(pendulum(), { preset: 'rltools', seed: 0 }));
  const sac = await warm(() => new SAC(pendulum(), { preset: 'rltools', seed: 0 }));
  const ddpg64 = await warm(() => new DDPG(pendulum(), { ...DDPG_64, seed: 0 }));
  const ddpgKeras = await warm(() => new DDPG(pendulum(), { preset: 'keras', seed: 0 }));
  const rows = await measure([
    { name: 'TD3 update (rltools: 64-64, batch 100)', fn: () => td3.update() },
    { name: 'SAC update (rltools: 64-64, batch 100)', fn: () => sac.update() },
    { name: 'DDPG update (64-64, batch 100)', fn: () => ddpg64.update() },
    { name: 'DDPG update (keras preset: 256-256, batch 64)', fn: () => ddpgKeras.update() },
  ], { timeMs: 2000, warmupMs: 300 });
  const ms = rows.map((r) => r.medianUs / 1000);
  const ref = (algo: 'td3' | 'sac', i: number): string[] => [
    sig(RLTOOLS[algo].wasm), sig(RLTOOLS[algo].native), `${sig(RLTOOLS[algo].wasm / ms[i]!)}×`, `≤ ${TARGET_MS[algo]}`, ms[i]! <= TARGET_MS[algo] ? 'yes' : 'no',
  ];
  const updates = table(
    ['update', 'ms (median)', '±rme', 'RLtools wasm ms', 'RLtools native ms', 'vs RLtools wasm', 'target ms', 'met'],
    rows.map((r, i) => [r.name, sig(ms[i]!), `±${sig(r.rme, 2)}%`, ...(i === 0 ? ref('td3', 0) : i === 1 ? ref('sac', 1) : ['', '', '', '', ''])]),
  );
  const runTd3 = await wholeRun(() => new TD3(pendulum(), { preset: 'rltools', seed: 0 }));
  const runSac = await wholeRun(() => new SAC(pendulum(), { preset: 'rltools', seed: 0 }));
  const runs = table(
    ['whole run', 'seconds', 'ms per step', 'target'],
    [
      [`TD3 rltools, ${RUN_STEPS} steps`, sig(runTd3), sig((1000 * runTd3) / RUN_STEPS), `< ${RUN_TARGET_S} s (RLtools wasm: 48 s)`],
      [`SAC rltools, ${RUN_STEPS} steps`, sig(runSac), sig((1000 * runSac) / RUN_STEPS), ''],
    ],
  );
  return section('TD3 and SAC (bench/td3sac.bench.ts)', updates, runs,
    'Median of ≥ 2 s of update() calls on an agent with 1 000 steps of experience; a whole run is one learn(20 000) ' +
    'from scratch (100 random warm-up steps, then one update per step), wall time on a shared machine.');
}

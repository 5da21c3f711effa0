/**
 * The DDPG agent (issue 5, "Performance"): one update() of the keras preset at
 * batch 64 on both backends, act() at batch 1, and the training throughput of
 * the whole loop (act + env step + buffer + one update per step).
 *
 * Targets and peers (issue 5; ARCHITECTURE.md "Numbers to keep in mind"): one
 * update ≤ 4 ms; PyTorch on one core ≈ 3.1 ms; TF.js 4.22 wasm backend ≈ 27 ms.
 * `DDPG_BENCH_STEPS` sets the throughput run's length (default 2 000; the issue
 * quotes 20 000).
 */
import { DDPG } from '../src/agents/ddpg.js';
import { makeEnv } from '../src/envs/make.js';
import type { Backend } from '../src/kernels/index.js';
import { measure, section, sig, table } from './harness.js';

/** Issue 5 target for one update() of the keras preset. */
const UPDATE_TARGET_US = 4000;
/** Measured peers (ARCHITECTURE.md and issue 5). */
const PYTORCH_US = 3100, TFJS_WASM_US = 27_000;
/** Transitions in the buffer before timing updates: more than the batch, like a run in progress. */
const FILL = 2000;
const STEPS = Number(process.env.DDPG_BENCH_STEPS ?? 2000);

/** A keras-preset agent with FILL transitions collected (no updates yet). */
async function filled(backend: Backend): Promise<DDPG> {
  const agent = new DDPG(makeEnv('Pendulum-v1'), { preset: 'keras', seed: 0, gradientSteps: 0, backend });
  await agent.learn(FILL);
  return agent;
}

/** Env steps per second of a fresh keras agent learning `steps` steps, and the RSS growth. */
async function throughput(steps: number): Promise<{ sps: number; seconds: number; rssMb: number; rssGrowthMb: number }> {
  const rss0 = process.memoryUsage().rss;
  const agent = new DDPG(makeEnv('Pendulum-v1'), { preset: 'keras', seed: 0 });
  const t0 = performance.now();
  await agent.learn(steps);
  const seconds = (performance.now() - t0) / 1000;
  const rss = process.memoryUsage().rss;
  return { sps: steps / seconds, seconds, rssMb: rss / 2 ** 20, rssGrowthMb: (rss - rss0) / 2 ** 20 };
}

export default async function ddpgBench(): Promise<string> {
  const wasm = await filled('wasm');
  const ref = await filled('reference');
  const obs = Float32Array.of(0.6, -0.8, 1.5);
  const out = new Float32Array(1), det = { out }, explore = { out, explore: true };
  const [upd, act, actExplore] = await measure([
    { name: 'update(), keras preset, batch 64 (wasm)', fn: () => { wasm.update(); } },
    { name: 'act(obs, { out }), batch 1', fn: () => { wasm.act(obs, det); } },
    { name: 'act(obs, { out, explore: true })', fn: () => { wasm.act(obs, explore); } },
  ], { timeMs: 1500, warmupMs: 300 });
  // ≈ 60–80× slower: a few samples are enough for a median.
  const [refUpd] = await measure([{ name: 'update(), keras preset, batch 64 (reference)', fn: () => { ref.update(); } }],
    { timeMs: 3000, warmupMs: 500, batchMs: 1 });
  const tp = await throughput(STEPS);
  const u = upd!.medianUs, r = refUpd!.medianUs;
  const rows = [
    [upd!.name, sig(u), `±${sig(upd!.rme, 2)}%`, upd!.samples],
    [refUpd!.name, sig(r), `±${sig(refUpd!.rme, 2)}%`, refUpd!.samples],
    [act!.name, sig(act!.medianUs), `±${sig(act!.rme, 2)}%`, act!.samples],
    [actExplore!.name, sig(actExplore!.medianUs), `±${sig(actExplore!.rme, 2)}%`, actExplore!.samples],
  ];
  return section('DDPG agent (issue 5)',
    table(['work', 'median µs', 'rme', 'samples'], rows),
    `update(): target ≤ ${UPDATE_TARGET_US} µs → ${u <= UPDATE_TARGET_US ? 'met' : 'NOT met'}; ` +
      `${sig(PYTORCH_US / u)}× PyTorch's ${PYTORCH_US} µs, ${sig(TFJS_WASM_US / u)}× TF.js-wasm's ${TFJS_WASM_US} µs ` +
      `(times faster, > 1 is better); wasm is ${sig(r / u)}× the reference backend.`,
    table(['training run (keras, Pendulum-v1, 1 update per step)', 'steps', 'seconds', 'env steps/s', 'RSS after (MB)', 'RSS growth (MB)'],
      [['learn() from a fresh agent, wasm', STEPS, sig(tp.seconds), sig(tp.sps), sig(tp.rssMb), sig(tp.rssGrowthMb)]]),
    `update() runs on a buffer of ${FILL} transitions (weights keep changing across calls, as in training). ` +
      'act() is the deterministic μ(s) with a caller buffer; explore adds the OU sample and the clip. ' +
      'The training run includes the first steps, where V8 and the wasm tier up.');
}

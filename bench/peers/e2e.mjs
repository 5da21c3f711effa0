/**
 * End to end: Pendulum-v1 steps with one update per step (the notebook's loop:
 * act with OU noise, step, store, update from the first step on), ddpg-wasm's
 * DDPG.learn() vs the same loop with a TF.js wasm learner. The TF.js side uses
 * ddpg-wasm's Pendulum, ReplayBuffer and OU noise, so only the learner (act +
 * update) differs.
 */
import { TfjsDDPG, NOTEBOOK } from './tfjs-ddpg.mjs';
import { batchArrays, sig, table } from './common.mjs';

/** The notebook's OU noise: std_dev 0.2, theta 0.15, dt 1e-2 (keras preset). */
const OU = { sigma: 0.2, theta: 0.15, dt: 1e-2 };

/** ddpg-wasm: `learn(steps)` on the keras preset; wall time and episode returns. */
export async function runOurs(ours, steps) {
  const agent = new ours.DDPG(ours.makeEnv('Pendulum-v1'), { preset: 'keras', seed: 0 });
  const returns = [];
  const t0 = performance.now();
  await agent.learn(steps, { onEpisode: (r) => returns.push(r['rollout/ep_return']) });
  const wallS = (performance.now() - t0) / 1000;
  return { steps, wallS, sps: steps / wallS, returns, updates: agent.loop.updates };
}

/** The same loop with TF.js (backend `backend`) computing μ(s) and the update. */
export async function runTfjs(ours, tf, steps, backend = 'wasm') {
  await tf.setBackend(backend);
  const env = ours.makeEnv('Pendulum-v1');
  const peer = new TfjsDDPG(0);
  const buffer = new ours.ReplayBuffer(50_000, 3, 1); // notebook: Buffer(50000, 64)
  const noise = new ours.OrnsteinUhlenbeckNoise({ dim: 1, ...OU });
  const rngs = { noise: new ours.Rng(0, 'noise'), replay: new ours.Rng(0, 'replay') };
  const batch = batchArrays(NOTEBOOK.batch), eps = new Float32Array(1), action = new Float32Array(1);
  const returns = [];
  let obs = env.reset(0), ret = 0;
  const t0 = performance.now();
  for (let t = 0; t < steps; t++) {
    const mu = peer.act(obs)[0];
    noise.sample(rngs.noise, eps);
    action[0] = Math.min(NOTEBOOK.bound, Math.max(-NOTEBOOK.bound, mu + eps[0])); // np.clip(μ(s) + 𝒩)
    const res = env.step(action);
    buffer.add(obs, action, res.reward, res.obs, res.terminated);
    ret += res.reward;
    buffer.sample(NOTEBOOK.batch, rngs.replay, batch);
    peer.update(batch);
    if (res.terminated || res.truncated) {
      returns.push(ret);
      ret = 0;
      obs = env.reset();
      await new Promise((r) => setTimeout(r, 0)); // as learn() does between episodes
    } else obs = res.obs;
  }
  const wallS = (performance.now() - t0) / 1000;
  peer.dispose();
  return { steps, wallS, sps: steps / wallS, returns };
}

/**
 * @param {{ ours: any, tf: any, oursSteps?: number, tfjsSteps?: number, target?: number }} o
 */
export async function runE2E({ ours, tf, oursSteps = 20_000, tfjsSteps = 2_000, target = 20_000 }) {
  const a = await runOurs(ours, oursSteps);
  const b = await runTfjs(ours, tf, tfjsSteps);
  const extrap = (r) => (r.steps === target ? '' : ` (${r.steps} measured, × ${sig(target / r.steps)})`);
  const rows = [
    ['ddpg-wasm', a.steps, sig(a.sps), `${sig(a.wallS * target / a.steps)} s${extrap(a)}`, '1×'],
    ['TF.js wasm (same env, buffer, noise)', b.steps, sig(b.sps), `${sig(b.wallS * target / b.steps)} s${extrap(b)}`, `${sig(a.sps / b.sps)}×`],
  ];
  const eps = (r, from, to) => `episodes ${from + 1}–${to}: ${r.returns.slice(from, to).map((x) => Math.round(x)).join(', ')}`;
  const nb = b.returns.length, from = Math.max(0, nb - 5);
  const md = [
    table(['learner', 'steps run', 'env steps/s', `wall time for ${target} steps`, 'slower than ddpg-wasm'], rows),
    `Episode returns (Pendulum-v1, 200 steps per episode; a sanity check that both loops train, not a learning ` +
      `comparison: the TF.js networks start from other random weights): TF.js wasm ${eps(b, from, nb)}; ` +
      `ddpg-wasm ${eps(a, from, nb)}, and ${eps(a, a.returns.length - 5, a.returns.length)}.`,
  ].join('\n\n');
  return { markdown: md, data: { ours: a, tfjs: b, target } };
}

#!/usr/bin/env node
/**
 * Trains the policy the Worker embeds (Node): DDPG, keras preset, on
 * Pendulum-v1, and writes the actor-only checkpoint to examples/worker/policy.bin.
 *
 *   npm run build && node examples/worker/make-policy.mjs [steps=20000] [seed=7] [out]
 *
 * 20 000 steps (the notebook's 100 episodes) take about 70 s and swing up
 * (episode returns around −150).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DDPG, init, makeEnv } from '../../dist/index.js';

const [steps = '20000', seed = '7', out = fileURLToPath(new URL('./policy.bin', import.meta.url))] = process.argv.slice(2);
await init();
const agent = new DDPG(makeEnv('Pendulum-v1'), { preset: 'keras', seed: Number(seed) });
await agent.learn(Number(steps), {
  onEpisode: (r) => process.stderr.write(`\repisode ${r['time/episodes']}  return ${r['rollout/ep_return'].toFixed(1)}   `),
});
const eval_ = await agent.evaluate(5);
const bytes = agent.save({ kind: 'policy' });
writeFileSync(out, bytes);
process.stderr.write(`\nwrote ${out}: ${bytes.length} bytes, eval mean return ${eval_['eval/mean_return'].toFixed(1)}, weights ${agent.weightsHash()}\n`);

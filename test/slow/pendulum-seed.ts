// Child process of ddpg-pendulum.test.ts: one keras-preset DDPG run on
// Pendulum-v1 for the seed in argv[2]; prints one JSON line
// { seed, returns, evalReturns, seconds } on stdout.
import { initSync, DDPG, makeEnv } from '../../src/index.js';

/** 100 episodes × Pendulum-v1's 200-step time limit (Gymnasium's registration). */
const STEPS = 20_000;
/** Episodes of the final deterministic evaluation (the acceptance test). */
const EVAL_EPISODES = 10;

async function main(seed: number): Promise<void> {
  initSync();
  const t0 = performance.now();
  const agent = new DDPG(makeEnv('Pendulum-v1', { seed }), { preset: 'keras', seed });
  const returns: number[] = [];
  await agent.learn(STEPS, { onEpisode: (r) => { returns.push(r['rollout/ep_return']); } });
  const ev = await agent.evaluate(EVAL_EPISODES);
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(`${JSON.stringify({ seed, returns, evalReturns: ev['eval/returns'], hash: agent.weightsHash(), seconds })}\n`);
}

void main(Number(process.argv[2]));

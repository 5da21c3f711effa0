// Opt-in learning test (npm run test:slow): TD3 with its default 'rltools'
// preset reaches a deterministic evaluation return ≥ −200 on Pendulum-v1 within
// 15 000 environment steps, on at least 4 of 5 seeds (issue 9). Evaluation: 10
// episodes of π(s) after exactly 15 000 steps, seeds config.seed + 10^6 + k.
// Measured when written (Node 20, this repo's machine): seeds 0–4 gave
// −177.3, −182.8, −172.4, −159.3, −139.6; about 7–10 s per seed (two test files in parallel).
import { describe, expect, it } from 'vitest';
import { TD3 } from '../../src/agents/td3.js';
import { makeEnv } from '../../src/envs/make.js';

const SEEDS = [0, 1, 2, 3, 4];
const STEPS = 15_000;
/** Issue 9's bar; Gymnasium registers no reward threshold for Pendulum-v1. */
const THRESHOLD = -200;

describe('TD3 learns Pendulum-v1 (slow)', () => {
  it('reaches an evaluation return ≥ −200 within 15 000 steps on ≥ 4 of 5 seeds', async () => {
    const returns: number[] = [];
    for (const seed of SEEDS) {
      const agent = new TD3(makeEnv('Pendulum-v1'), { seed });
      await agent.learn(STEPS);
      returns.push((await agent.evaluate(10))['eval/mean_return']);
    }
    console.log(`TD3 rltools, Pendulum-v1, ${STEPS} steps, eval returns by seed: ${returns.map((r) => r.toFixed(1)).join(', ')}`);
    expect(returns.filter((r) => r >= THRESHOLD).length).toBeGreaterThanOrEqual(4);
  });
});

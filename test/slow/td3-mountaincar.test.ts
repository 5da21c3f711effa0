// Opt-in learning test (npm run test:slow): MountainCarContinuous-v0, the
// exploration trap where weak agents learn to do nothing (return ≈ 0) because
// the +100 at the goal is only seen if exploration gets there first.
//
// Settings: TD3's 'rltools' preset with the RL Zoo's exploration noise for this
// env (rl-baselines3-zoo hyperparams/td3.yml, MountainCarContinuous-v0:
// noise_type 'ornstein-uhlenbeck', noise_std 0.5; SB3's OU defaults θ 0.15,
// dt 1e-2), reset at every episode start, for 100 000 steps (the zoo runs
// 300 000 with 400-300 networks). The slowly varying OU noise (correlation time
// 1/(θ·dt) ≈ 670 steps, stationary σ ≈ 0.9) rocks the car to the goal in about
// one episode of ten early on; uniform noise rarely does.
//
// Bar: a deterministic evaluation (10 episodes) ≥ 90 after 100 000 steps on at
// least 2 of seeds 0–2 (issue 9 asks for ≥ 90 with documented settings).
// Measured when written: 10-episode evaluations at 100 000 steps 90.6, 93.8, 92.0
// (before Adam's float32-β change: 93.2, 92.8, 93.3, and in 150 000-step runs
// every evaluation from 90 000 steps on was ≥ 91.8); about 40 s per seed.
import { describe, expect, it } from 'vitest';
import { TD3 } from '../../src/agents/td3.js';
import type { TD3Options } from '../../src/agents/td3-config.js';
import { makeEnv } from '../../src/envs/make.js';

const SEEDS = [0, 1, 2];
const STEPS = 100_000;
/** Gymnasium registers MountainCarContinuous-v0 with reward_threshold 90. */
const THRESHOLD = 90;
const MOUNTAIN_CAR_TD3: TD3Options = Object.freeze({
  preset: 'rltools',
  actionNoise: Object.freeze({ type: 'ou', sigma: 0.5, theta: 0.15, dt: 1e-2 }),
  noiseResetOnEpisode: true,
});

describe('TD3 solves MountainCarContinuous-v0 (slow)', () => {
  it('reaches an evaluation return ≥ 90 within 100 000 steps on ≥ 2 of seeds 0–2', async () => {
    const returns: number[] = [];
    for (const seed of SEEDS) {
      const agent = new TD3(makeEnv('MountainCarContinuous-v0'), { ...MOUNTAIN_CAR_TD3, seed });
      await agent.learn(STEPS);
      returns.push((await agent.evaluate(10))['eval/mean_return']);
    }
    console.log(`TD3 rltools + OU σ 0.5, MountainCarContinuous-v0, ${STEPS} steps, eval returns by seed: ${returns.map((r) => r.toFixed(1)).join(', ')}`);
    expect(returns.filter((r) => r >= THRESHOLD).length).toBeGreaterThanOrEqual(2);
  });
});

// A full checkpoint saved from inside a learn() callback resumes bit for bit:
// the loop finishes its bookkeeping (next observation, new episode) before it
// calls onStep/onEpisode, so the file holds the state the next step starts from.
import { describe, expect, it } from 'vitest';
import { DDPG } from '../../src/agents/ddpg.js';
import { evalSeed, EVAL_SEED_OFFSET } from '../../src/agents/loop.js';
import { makeEnv } from '../../src/envs/make.js';
import { SHORT_PENDULUM, smallAgent, ToyEnv } from './helpers.js';

const TOTAL = 160; // SHORT_PENDULUM episodes are 50 steps: 3 full episodes and a partial one

async function straight(): Promise<string> {
  const a = smallAgent(5);
  await a.learn(TOTAL);
  return a.weightsHash();
}

async function resumedFrom(save: (a: DDPG, capture: (b: Uint8Array) => void) => Parameters<DDPG['learn']>[1]): Promise<string> {
  const a = smallAgent(5);
  let bytes: Uint8Array | null = null;
  await a.learn(TOTAL, save(a, (b) => { bytes ??= b; }));
  expect(bytes).not.toBeNull();
  const b = DDPG.load(bytes!, makeEnv('Pendulum-v1', SHORT_PENDULUM));
  await b.learn(TOTAL - b.loop.steps);
  return b.weightsHash();
}

describe('checkpoints saved from callbacks', () => {
  it('onStep mid-episode (step 73) resumes to the uninterrupted weights', async () => {
    const want = await straight();
    const got = await resumedFrom((a, capture) => ({ onStep: (r) => { if (r.step === 73) capture(a.save()); } }));
    expect(got).toBe(want);
  });

  it('onStep on the last step of an episode (step 100) resumes to the uninterrupted weights', async () => {
    const want = await straight();
    const got = await resumedFrom((a, capture) => ({ onStep: (r) => { if (r.step === 100) capture(a.save()); } }));
    expect(got).toBe(want);
  });

  it('onEpisode (after episode 2) resumes to the uninterrupted weights', async () => {
    const want = await straight();
    const got = await resumedFrom((a, capture) => ({ onEpisode: (r) => { if (r['time/episodes'] === 2) capture(a.save()); } }));
    expect(got).toBe(want);
  });
});

describe('evaluation seeds', () => {
  it('are seed + EVAL_SEED_OFFSET + k for ordinary seeds', () => {
    expect(evalSeed(7, 3)).toBe(7 + EVAL_SEED_OFFSET + 3);
  });

  it('stay valid seeds at the top of the accepted range (wrapping below 2^53)', async () => {
    const top = Number.MAX_SAFE_INTEGER;
    expect(evalSeed(top, 0)).toBe(EVAL_SEED_OFFSET - 1); // top + OFFSET ≡ OFFSET − 1 (mod 2^53)
    const agent = new DDPG(makeEnv('Pendulum-v1', { maxEpisodeSteps: 5 }), { seed: top, actorLayers: [4], criticStateLayers: [4], criticActionLayers: [4], criticLayers: [4] });
    const r = await agent.evaluate(2);
    expect(r['eval/returns'].length).toBe(2);
  });
});

describe('evaluate() on a custom environment', () => {
  it('asks for the env argument by name (not for load())', async () => {
    const custom = new ToyEnv();
    const agent = new DDPG(custom, { actorLayers: [4], criticStateLayers: [4], criticActionLayers: [4], criticLayers: [4] });
    await expect(agent.evaluate(1)).rejects.toThrow(new RegExp(`evaluate\\(\\) needs an env argument for the custom environment "${custom.id}"`));
  });
});

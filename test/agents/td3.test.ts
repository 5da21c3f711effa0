// The TD3 agent's behaviour: presets, determinism (same seed, both backends),
// the delayed policy update, exploration, save/load. Small networks keep each
// test to milliseconds; update() itself is gradient-checked in
// td3-update-gradcheck.test.ts.
import { describe, expect, it } from 'vitest';
import { SAC } from '../../src/agents/sac.js';
import { TD3 } from '../../src/agents/td3.js';
import { TD3_PRESETS, resolveTD3Config, type TD3Options } from '../../src/agents/td3-config.js';
import { makeEnv } from '../../src/envs/make.js';
import type { Backend } from '../../src/kernels/index.js';
import { Policy } from '../../src/policy/policy.js';
import { SHORT_PENDULUM, describeDeterminism, firstByteDifference, resumeEqualsStraight } from './helpers.js';

/** Odd widths so the GEMM's row (4) and column (8) tails run; 20 warm-up steps, then one update per step. */
const SMALL: TD3Options = Object.freeze({ actorLayers: [13, 9], criticLayers: [17, 10], batchSize: 7, bufferSize: 1000, learningStarts: 20 });

function small(seed = 0, extra: TD3Options & { backend?: Backend } = {}): TD3 {
  return new TD3(makeEnv('Pendulum-v1', SHORT_PENDULUM), { ...SMALL, seed, ...extra });
}

const OBS = [[1, 0, 0], [0.3, -0.95, 4], [-0.8, 0.6, -7.5]] as const;

describe('TD3: configuration', () => {
  it("defaults to the 'rltools' preset: 64-64, batch 100, Adam 1e-3, γ 0.99, τ 0.005, 100 warm-up steps, σ 0.1, σ̃ 0.2, c 0.5, d 2", () => {
    const c = resolveTD3Config();
    expect(c).toEqual(TD3_PRESETS.rltools);
    expect({ ...c, actionNoise: { ...c.actionNoise } }).toMatchObject({
      actorLayers: [64, 64], criticLayers: [64, 64], batchSize: 100, actorLr: 1e-3, criticLr: 1e-3, gamma: 0.99, tau: 0.005,
      learningStarts: 100, actionNoise: { type: 'gaussian', sigma: 0.1 }, targetPolicyNoise: 0.2, targetNoiseClip: 0.5, policyDelay: 2,
    });
  });

  it('averages the episode actor loss over the updates that ran an actor step (never NaN once one did)', async () => {
    // SHORT_PENDULUM episodes; the first one already holds updates 1.. after the 20 warm-up steps,
    // and update 1 has no actor step (t mod d ≠ 0): its NaN must not poison the average.
    const agent = small(0);
    const losses: number[] = [];
    await agent.learn(SHORT_PENDULUM.maxEpisodeSteps * 2, { onEpisode: (r) => losses.push(r['train/actor_loss']) });
    expect(losses.length).toBe(2);
    expect(losses.every(Number.isFinite)).toBe(true);
  });

  it('refuses an unknown field by name', () => {
    expect(() => resolveTD3Config({ policyDelai: 2 } as TD3Options)).toThrow(/unknown field "policyDelai"/);
  });

  it('refuses an out-of-range value naming the field and the range', () => {
    expect(() => resolveTD3Config({ policyDelay: 0 })).toThrow(/TD3 config: policyDelay must be an integer in \[1, 1000000\], got 0/);
  });

  it('runs 300 steps of the default preset: one update per step after the 100 warm-up steps, finite losses', async () => {
    const agent = new TD3(makeEnv('Pendulum-v1'), { seed: 0 });
    const critic: number[] = [], actor: number[] = [], updated: boolean[] = [];
    await agent.learn(300, {
      onStep: (r) => {
        if (!r.update) return;
        critic.push(r.update.criticLoss);
        actor.push(r.update.actorLoss);
        updated.push(r.update.actorUpdated);
      },
    });
    expect(agent.loop.updates).toBe(200);
    expect(critic.every(Number.isFinite)).toBe(true);
    // t mod d = 0 with d = 2: the actor steps on updates 2, 4, 6, …, and says so; a finite loss then, none between.
    expect(updated).toEqual(Array.from({ length: 200 }, (_, i) => i % 2 === 1));
    expect(actor.every((l, i) => (updated[i] ? Number.isFinite(l) : Number.isNaN(l)))).toBe(true);
  });
});

describeDeterminism('TD3', small);


describe('TD3: delayed policy updates (Alg. 1 lines 11–17)', () => {
  it('moves the critics on every update but the actor and all three targets only on every d-th (d = 2)', async () => {
    const agent = small(6, { learningStarts: 30, gradientSteps: 0 });
    await agent.learn(30); // fills the buffer, no updates
    const snap = (): Float32Array[] => [agent.critic1, agent.critic2, agent.actor, agent.actorTarget, agent.critic1Target, agent.critic2Target].map((n) => n.getParams());
    const same = (x: Float32Array, y: Float32Array): boolean => firstByteDifference(new Uint8Array(x.buffer), new Uint8Array(y.buffer)) === -1;
    const s0 = snap();
    agent.update();
    const s1 = snap();
    agent.update();
    const s2 = snap();
    expect(s1.map((p, i) => same(p, s0[i]!))).toEqual([false, false, true, true, true, true]);
    expect(s2.map((p, i) => same(p, s1[i]!))).toEqual([false, false, false, false, false, false]);
  });
});

describe('TD3: acting', () => {
  it('explores within the action bounds, around the deterministic action', async () => {
    const agent = small(7);
    await agent.learn(60);
    for (const obs of OBS) {
      const mu = agent.act(obs)[0]!;
      const xs = Array.from({ length: 50 }, () => agent.act(obs, { explore: true })[0]!);
      expect(xs.every((x) => x >= -2 && x <= 2)).toBe(true);
      expect(new Set(xs).size).toBeGreaterThan(40);
      // σ = 0.1·h = 0.2: the mean of 50 draws is within 5 standard errors (0.14) of μ unless clipped.
      if (Math.abs(mu) < 1.5) expect(Math.abs(xs.reduce((s, x) => s + x, 0) / 50 - mu)).toBeLessThan(0.15);
    }
  });
});

describe('TD3: save and load', () => {
  it('save, load, learn ≡ learn straight through (mid-episode, bit for bit)', async () => {
    await resumeEqualsStraight(small, (bytes, env) => TD3.load(bytes, env));
  });

  it("a 'policy' file loads in Policy and acts with the same bits as the agent", async () => {
    const agent = small(9);
    await agent.learn(60);
    const policy = Policy.load(agent.save({ kind: 'policy' }));
    expect(policy.algo).toBe('td3');
    for (const obs of OBS) expect(Array.from(policy.act(obs))).toEqual(Array.from(agent.act(obs)));
  });

  it('refuses a SAC checkpoint, naming both algorithms', () => {
    const sac = new SAC(makeEnv('Pendulum-v1'), { actorLayers: [4], criticLayers: [4], batchSize: 4, bufferSize: 10 });
    expect(() => TD3.load(sac.save())).toThrow(/holds a sac agent, not td3/);
  });

  it('refuses a policy-only file, pointing to Policy.load()', () => {
    expect(() => TD3.load(small(10).save({ kind: 'policy' }))).toThrow(/policy-only file.*Policy\.load/);
  });
});

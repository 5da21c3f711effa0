// The SAC agent's behaviour: presets, determinism (same seed, both backends),
// the temperature, stochastic and deterministic acting, save/load and the
// deterministic policy Policy.load() reads. Small networks keep each test to
// milliseconds; update() itself is gradient-checked in sac-update-gradcheck.test.ts
// and the squashed Gaussian kernels in sac-kernels.test.ts.
import { describe, expect, it } from 'vitest';
import { SAC } from '../../src/agents/sac.js';
import { SAC_PRESETS, resolveSACConfig, type SACOptions } from '../../src/agents/sac-config.js';
import { TD3 } from '../../src/agents/td3.js';
import { makeEnv } from '../../src/envs/make.js';
import type { Backend } from '../../src/kernels/index.js';
import { Policy } from '../../src/policy/policy.js';
import { SHORT_PENDULUM, describeDeterminism, firstByteDifference, resumeEqualsStraight } from './helpers.js';

const SMALL: SACOptions = Object.freeze({ actorLayers: [13, 9], criticLayers: [17, 10], batchSize: 7, bufferSize: 1000, learningStarts: 20 });

function small(seed = 0, extra: SACOptions & { backend?: Backend } = {}): SAC {
  return new SAC(makeEnv('Pendulum-v1', SHORT_PENDULUM), { ...SMALL, seed, ...extra });
}

const OBS = [[1, 0, 0], [0.3, -0.95, 4], [-0.8, 0.6, -7.5]] as const;

describe('SAC: configuration', () => {
  it("defaults to the 'rltools' preset: 64-64, batch 100, Adam 1e-3, γ 0.99, τ 0.005, 100 warm-up steps, α₀ 0.5 learned", () => {
    const c = resolveSACConfig();
    expect(c).toEqual(SAC_PRESETS.rltools);
    expect(c).toMatchObject({
      actorLayers: [64, 64], criticLayers: [64, 64], batchSize: 100, actorLr: 1e-3, criticLr: 1e-3, alphaLr: 1e-3,
      gamma: 0.99, tau: 0.005, learningStarts: 100, initialAlpha: 0.5, autoAlpha: true, targetEntropy: 'auto',
    });
  });

  it("'auto' target entropy is −|A| and α starts at initialAlpha", () => {
    const agent = small(0, { initialAlpha: 0.25 });
    expect(agent.targetEntropy).toBe(-1);
    expect(agent.alpha).toBeCloseTo(0.25, 6);
  });

  it('refuses a non-positive initial α naming the field', () => {
    expect(() => resolveSACConfig({ initialAlpha: 0 })).toThrow(/SAC config: initialAlpha must be a finite number in \(0, 1000000\]/);
  });

  it('runs 300 steps of the default preset: one update per step after the 100 warm-up steps, finite losses', async () => {
    const agent = new SAC(makeEnv('Pendulum-v1'), { seed: 0 });
    const losses: number[] = [];
    await agent.learn(300, { onStep: (r) => { if (r.update) losses.push(r.update.criticLoss, r.update.actorLoss); } });
    expect(agent.loop.updates).toBe(200);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(agent.alpha) && agent.alpha > 0).toBe(true);
  });
});

describeDeterminism('SAC', small);


describe('SAC: the temperature', () => {
  it('α changes with autoAlpha (the default)', async () => {
    const agent = small(6);
    await agent.learn(60);
    expect(agent.alpha).not.toBeCloseTo(0.5, 6);
  });

  it('α stays at initialAlpha with autoAlpha false', async () => {
    const agent = small(6, { autoAlpha: false, initialAlpha: 0.2 });
    const before = agent.alpha;
    await agent.learn(60);
    expect(agent.alpha).toBe(before);
  });
});

describe('SAC: acting', () => {
  it('the deterministic action is h·tanh(μ(s)): within (−h, h) and the same on every call', async () => {
    const agent = small(7);
    await agent.learn(60);
    for (const obs of OBS) {
      const a = agent.act(obs)[0]!;
      expect(Math.abs(a)).toBeLessThan(2);
      expect(agent.act(obs)[0]).toBe(a);
    }
  });

  it('explores by sampling the policy: different actions, all within [−h, h]', async () => {
    const agent = small(7);
    await agent.learn(60);
    const xs = Array.from({ length: 50 }, () => agent.act(OBS[1], { explore: true })[0]!);
    expect(xs.every((x) => x >= -2 && x <= 2)).toBe(true);
    expect(new Set(xs).size).toBeGreaterThan(40);
  });
});

describe('SAC: save and load', () => {
  it('save, load, learn ≡ learn straight through (mid-episode, temperature included, bit for bit)', async () => {
    const { straight, resumed } = await resumeEqualsStraight(small, (bytes, env) => SAC.load(bytes, env));
    expect(resumed.alpha).toBe(straight.alpha);
  });

  it("a 'policy' file loads in Policy and acts with the same bits as the agent's deterministic action", async () => {
    const agent = small(9);
    await agent.learn(60);
    const policy = Policy.load(agent.save({ kind: 'policy' }));
    expect(policy.algo).toBe('sac');
    for (const obs of OBS) expect(Array.from(policy.act(obs))).toEqual(Array.from(agent.act(obs)));
  });

  it("a 'full' file also loads in Policy, with the same actions", async () => {
    const agent = small(9);
    await agent.learn(60);
    const policy = Policy.load(agent.save());
    for (const obs of OBS) expect(Array.from(policy.act(obs))).toEqual(Array.from(agent.act(obs)));
  });

  it('refuses a TD3 checkpoint, naming both algorithms', () => {
    const td3 = new TD3(makeEnv('Pendulum-v1'), { actorLayers: [4], criticLayers: [4], batchSize: 4, bufferSize: 10 });
    expect(() => SAC.load(td3.save())).toThrow(/holds a td3 agent, not sac/);
  });
});

// The off-policy core (src/agents/core.ts) as every algorithm sees it: one
// config schema for the shared fields, one noise-unit rule, no fake noise for
// SAC, explicit actorUpdated flags, and the shared API (act, save/load,
// weightsHash) behaving the same for DDPG, TD3 and SAC.
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src/agents/agent.js';
import { OffPolicyAgent } from '../../src/agents/core.js';
import { CONFIG_FIELDS, type DDPGConfig } from '../../src/agents/ddpg-config.js';
import { DDPG } from '../../src/agents/ddpg.js';
import { SAC_CONFIG_FIELDS } from '../../src/agents/sac-config.js';
import { SAC } from '../../src/agents/sac.js';
import { TD3_CONFIG_FIELDS, type TD3Config } from '../../src/agents/td3-config.js';
import { TD3 } from '../../src/agents/td3.js';
import type { Env } from '../../src/envs/env.js';
import { makeEnv } from '../../src/envs/make.js';
import { GaussianNoise, OrnsteinUhlenbeckNoise } from '../../src/rl/noise.js';
import { Rng } from '../../src/rng.js';
import { SHORT_PENDULUM, SMALL } from './helpers.js';

const TINY = { actorLayers: [8], criticLayers: [8], batchSize: 5, bufferSize: 500, learningStarts: 20 } as const;
const ALGOS = [
  { name: 'DDPG', make: (o: object = {}) => new DDPG(makeEnv('Pendulum-v1', SHORT_PENDULUM), { ...SMALL, ...o }), load: DDPG.load.bind(DDPG) },
  { name: 'TD3', make: (o: object = {}) => new TD3(makeEnv('Pendulum-v1', SHORT_PENDULUM), { ...TINY, ...o }), load: TD3.load.bind(TD3) },
  { name: 'SAC', make: (o: object = {}) => new SAC(makeEnv('Pendulum-v1', SHORT_PENDULUM), { ...TINY, ...o }), load: SAC.load.bind(SAC) },
] as const;

/** The fields OffPolicyConfig declares once for all three. */
const SHARED = ['actorLayers', 'criticLayers', 'actorLr', 'criticLr', 'adamEps', 'gamma', 'tau', 'batchSize', 'bufferSize',
  'learningStarts', 'trainFreq', 'gradientSteps', 'seed'];

describe('one config schema', () => {
  it('every algorithm has the shared fields; DDPG and TD3 add the exploration fields, SAC does not', () => {
    const exploration = ['actionNoise', 'noiseFinalScale', 'noiseDecaySteps', 'noiseResetOnEpisode'];
    for (const fields of [CONFIG_FIELDS, TD3_CONFIG_FIELDS, SAC_CONFIG_FIELDS] as readonly (readonly string[])[]) {
      expect(fields).toEqual(expect.arrayContaining(SHARED));
    }
    expect(CONFIG_FIELDS).toEqual(expect.arrayContaining(exploration));
    expect(TD3_CONFIG_FIELDS).toEqual(expect.arrayContaining(exploration));
    expect(SAC_CONFIG_FIELDS.filter((f) => exploration.includes(f))).toEqual([]);
  });

  for (const { name, make } of ALGOS) {
    it(`${name} refuses a bad shared field with the same message as the others, prefixed by its name`, () => {
      expect(() => make({ gamma: 1.5 })).toThrow(new RangeError(`${name} config: gamma must be a finite number in [0, 1], got 1.5`));
      expect(() => make({ batchSize: 0 })).toThrow(new RangeError(`${name} config: batchSize must be an integer in [1, 65536], got 0`));
    });
  }
});

describe('one noise-unit rule: σ is a fraction of the action bound h', () => {
  // MountainCarContinuous-v0 has h = 1, Pendulum-v1 h = 2: the same config gives σ·h in action units.
  const builders = [
    { name: 'DDPG', build: (env: Env, o: Partial<DDPGConfig>) => new DDPG(env, { ...SMALL, ...o }) },
    { name: 'TD3', build: (env: Env, o: Partial<TD3Config>) => new TD3(env, { ...TINY, ...o }) },
  ];
  for (const { name, build } of builders) {
    it(`${name} builds its noise with σ·h (Gaussian and OU)`, () => {
      const gauss = build(makeEnv('Pendulum-v1'), { actionNoise: { type: 'gaussian', sigma: 0.3 } });
      expect(gauss.noise).toBeInstanceOf(GaussianNoise);
      expect((gauss.noise as GaussianNoise).sigma).toBe(0.3 * 2);
      const ou = build(makeEnv('MountainCarContinuous-v0'), { actionNoise: { type: 'ou', sigma: 0.3, theta: 0.15, dt: 0.01 } });
      expect(ou.noise).toBeInstanceOf(OrnsteinUhlenbeckNoise);
      expect((ou.noise as OrnsteinUhlenbeckNoise).sigma).toBe(0.3);
    });
  }

  it("the keras preset's σ = 0.1 of h is the notebook's std_dev 0.2 on Pendulum, to the bit", () => {
    const agent = new DDPG(makeEnv('Pendulum-v1'), { ...SMALL });
    expect((agent.noise as OrnsteinUhlenbeckNoise).sigma).toBe(0.2);
  });
});

describe('no sentinels', () => {
  it("SAC has no action noise (it samples its policy), and { type: 'none' } gives DDPG and TD3 none either", () => {
    expect(ALGOS[2].make().noise).toBeNull();
    expect(ALGOS[0].make({ actionNoise: { type: 'none' } }).noise).toBeNull();
    expect(ALGOS[1].make({ actionNoise: { type: 'none' } }).noise).toBeNull();
  });

  it("with { type: 'none' }, exploring acts with μ(s) and draws nothing from the noise stream", () => {
    const agent = ALGOS[0].make({ actionNoise: { type: 'none' } });
    const obs = [0.3, -0.9, 1.5];
    const before = agent.rngs.noise.getState();
    expect(agent.act(obs, { explore: true })).toEqual(agent.act(obs));
    expect(agent.rngs.noise.getState()).toEqual(before);
  });

  it("a DDPG without noise saves noise: null and loads back to the same bytes", async () => {
    const agent = ALGOS[0].make({ actionNoise: { type: 'none' }, seed: 4 });
    await agent.learn(60);
    const bytes = agent.save();
    expect(DDPG.load(bytes).save()).toEqual(bytes);
  });

  it('every update says whether it took an actor step: always for DDPG and SAC, every policyDelay-th for TD3', async () => {
    const cases = [
      { algo: ALGOS[0], extra: {}, want: (): boolean => true },
      { algo: ALGOS[1], extra: { policyDelay: 3 }, want: (k: number): boolean => k % 3 === 2 }, // t mod d = 0, t = k + 1
      { algo: ALGOS[2], extra: {}, want: (): boolean => true },
    ];
    for (const { algo, extra, want } of cases) {
      const agent = algo.make({ learningStarts: 10, seed: 1, ...extra });
      const flags: boolean[] = [], losses: number[] = [];
      await agent.learn(40, { onStep: (r) => { if (r.update) { flags.push(r.update.actorUpdated); losses.push(r.update.actorLoss); } } });
      expect(flags).toEqual(flags.map((_, k) => want(k)));
      expect(losses.every((l, k) => (flags[k] ? Number.isFinite(l) : Number.isNaN(l)))).toBe(true);
    }
  });

  it('the episode records average the actor loss over actor steps only (TD3, d = 3)', async () => {
    const agent = ALGOS[1].make({ policyDelay: 3, learningStarts: 10, seed: 2 });
    const actor: number[] = [];
    const records: number[] = [];
    await agent.learn(100, {
      onStep: (r) => { if (r.update?.actorUpdated) actor.push(r.update.actorLoss); },
      onEpisode: (e) => records.push(e['train/actor_loss']),
    });
    // Episode 1 (steps 1–50): updates on steps 11–50, actor steps on updates 3, 6, …, 39.
    const first = actor.slice(0, 13);
    expect(records[0]).toBeCloseTo(first.reduce((s, x) => s + x, 0) / first.length, 12);
  });
});

describe('the shared API', () => {
  for (const { name, make, load } of ALGOS) {
    it(`${name} is an OffPolicyAgent and an Agent: save → load gives the same hash, the same actions and the same bytes`, async () => {
      const agent: Agent = make({ seed: 3 });
      expect(agent).toBeInstanceOf(OffPolicyAgent);
      await agent.learn(70);
      const again = load(agent.save());
      expect(again.weightsHash()).toBe(agent.weightsHash());
      const obs = [0.1, 0.99, -0.4];
      expect(again.act(obs)).toEqual(agent.act(obs));
      expect(again.save()).toEqual(agent.save());
    });

    it(`${name}.act validates the observation with the algorithm's name`, () => {
      expect(() => make().act([1, 2])).toThrow(new RangeError(`${name}.act: obs must have length 3, got 2`));
    });

    it(`${name}.update refuses an empty buffer, naming the algorithm`, () => {
      expect(() => make().update()).toThrow(`${name}.update: the replay buffer is empty`);
    });

    it(`${name}: the exploring act draws from the noise stream only`, () => {
      const agent = make({ seed: 5 });
      const others = ['replay', 'explore'].map((k) => (agent.rngs as unknown as Record<string, Rng>)[k]!.getState());
      agent.act([0.2, 0.3, 0.4], { explore: true });
      expect(['replay', 'explore'].map((k) => (agent.rngs as unknown as Record<string, Rng>)[k]!.getState())).toEqual(others);
    });
  }

  it('the algorithms do not load each other’s checkpoints', () => {
    const bytes = ALGOS[1].make().save();
    expect(() => DDPG.load(bytes)).toThrow(/holds a td3 agent, not ddpg/);
    expect(() => SAC.load(bytes)).toThrow(/holds a td3 agent, not sac/);
  });
});

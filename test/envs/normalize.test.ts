// NormalizeEnv (issue 16: SB3's VecNormalize): running statistics as SB3's
// RunningMeanStd computes them, frozen evaluation copies, statistics in
// checkpoints (resume is bit-identical) and policy files (Policy.load gives the
// agent's actions bit for bit), and untouched files for runs without it.
import { describe, expect, it } from 'vitest';
import { DDPG } from '../../src/agents/ddpg.js';
import { TD3 } from '../../src/agents/td3.js';
import { makeEnv } from '../../src/envs/make.js';
import { NormalizeEnv, type NormalizeOptions } from '../../src/envs/normalize.js';
import { Policy } from '../../src/policy/policy.js';
import { SHORT_PENDULUM, smallAgent, ToyEnv } from '../agents/helpers.js';

const pendulum = (): ReturnType<typeof makeEnv> => makeEnv('Pendulum-v1', SHORT_PENDULUM);
const wrapped = (o: NormalizeOptions = {}): NormalizeEnv => new NormalizeEnv(pendulum(), o);

/**
 * SB3's RunningMeanStd.update_from_moments, written out for general batches
 * (stable_baselines3/common/running_mean_std.py): the reference the wrapper's
 * batch-of-one form must equal bit for bit.
 */
class RunningMeanStd {
  mean: number[];
  var: number[];
  count = 1e-4;
  constructor(n: number) { this.mean = new Array(n).fill(0); this.var = new Array(n).fill(1); }
  update(x: ArrayLike<number>): void {
    const batchCount = 1, batchVar = 0, tot = this.count + batchCount;
    for (let i = 0; i < this.mean.length; i++) {
      const delta = x[i]! - this.mean[i]!;
      const mA = this.var[i]! * this.count, mB = batchVar * batchCount;
      const m2 = mA + mB + delta * delta * this.count * batchCount / tot;
      this.mean[i] = this.mean[i]! + delta * batchCount / tot;
      this.var[i] = m2 / tot;
    }
    this.count = tot;
  }
}

describe('NormalizeEnv statistics', () => {
  it('equal SB3\'s RunningMeanStd over resets and steps, and normalize as clip((o − μ)/√(σ² + ε))', () => {
    const inner = pendulum(), env = new NormalizeEnv(pendulum()), ref = new RunningMeanStd(3), ret = new RunningMeanStd(1);
    let R = 0;
    const check = (raw: Float32Array, got: Float32Array): void => {
      ref.update(raw);
      const s = env.getStats();
      expect(s.obsMean).toEqual(ref.mean);
      expect(s.obsVar).toEqual(ref.var);
      for (let i = 0; i < 3; i++) {
        const v = (raw[i]! - Math.fround(ref.mean[i]!)) / Math.fround(Math.sqrt(ref.var[i]! + 1e-8));
        expect(got[i]).toBe(Math.fround(Math.min(10, Math.max(-10, v))));
      }
    };
    check(inner.reset(4), env.reset(4));
    for (let t = 0; t < 120; t++) {
      const a = [Math.sin(t) * 2];
      const r = inner.step(a), n = env.step(a);
      check(r.obs, n.obs);
      R = R * 0.99 + r.reward;
      ret.update([R]);
      expect(env.getStats().retVar).toBe(ret.var[0]);
      expect(n.reward).toBe(Math.min(10, Math.max(-10, r.reward / Math.sqrt(ret.var[0]! + 1e-8))));
      if (r.truncated) {
        R = 0;
        check(inner.reset(), env.reset());
      }
    }
    expect(env.getStats().obsCount).toBeCloseTo(1e-4 + 123, 9); // 3 resets + 120 steps
  });

  it('are frozen with training = false and in evaluation copies, which report the env\'s own rewards', () => {
    const env = wrapped();
    env.reset(1);
    for (let t = 0; t < 30; t++) env.step([1]);
    const before = JSON.stringify(env.getStats());
    const inner = pendulum(), ev = env.evalEnv(pendulum());
    inner.reset(9);
    const o = ev.reset(9);
    expect(o).toEqual(env.normalize(inner.reset(9)));
    const r = ev.step([0.5]), ri = inner.step([0.5]);
    expect(r.reward).toBe(ri.reward);
    env.training = false;
    env.step([1]);
    expect(JSON.stringify(env.getStats())).toBe(before);
  });

  it('refuse bad options naming field, value and range', () => {
    expect(() => wrapped({ clipObs: 0 })).toThrow('NormalizeEnv: clipObs must be a number in (0, 1e6], got 0');
    expect(() => wrapped({ gamma: 1.5 })).toThrow('NormalizeEnv: gamma must be a number in [0, 1], got 1.5');
    expect(() => wrapped({ epsilon: -1 })).toThrow('NormalizeEnv: epsilon must be a number in (0, 1], got -1');
    expect(() => wrapped({ obs: 'yes' as never })).toThrow('NormalizeEnv: obs must be true or false, got "yes"');
    expect(() => wrapped({ obs: false, reward: false })).toThrow('obs and reward are both false');
    expect(() => wrapped({ clipobs: 3 } as never)).toThrow('NormalizeEnv: unknown option "clipobs"; known: obs, reward, clipObs, clipReward, gamma, epsilon');
    expect(() => new NormalizeEnv(null as never)).toThrow(TypeError);
  });

  it('refuse a non-finite observation of the wrapped env before it reaches the statistics', () => {
    const env = new NormalizeEnv(new ToyEnv({ nanObsAt: 3 }));
    env.reset(0);
    env.step([0]);
    env.step([0]);
    const before = JSON.stringify(env.getStats());
    expect(() => env.step([0])).toThrow(/Toy-v0\.step\(\) returned .*NormalizeEnv needs a fresh Float32Array of 2 finite numbers/);
    expect(JSON.stringify(env.getStats())).toBe(before);
  });
});

describe('agents on a NormalizeEnv', () => {
  it('Policy.load of the policy file acts on raw observations as the agent on normalized ones, bit for bit (format 3)', async () => {
    const env = wrapped(), agent = new TD3(env, { seed: 2, actorLayers: [16, 16], criticLayers: [16, 16], learningStarts: 50 });
    await agent.learn(300);
    for (const kind of ['policy', 'full'] as const) {
      const bytes = agent.save({ kind });
      expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true)).toBe(3);
      const p = Policy.load(bytes), raw = pendulum();
      let obs = raw.reset(11);
      for (let t = 0; t < 50; t++) {
        const a = p.act(obs);
        expect(a).toEqual(agent.act(env.normalize(obs)));
        obs = raw.step(a).obs;
      }
    }
  });

  it('train N, save, load on a fresh NormalizeEnv, train M ≡ train N + M, to the byte', async () => {
    const a = smallAgent(5, {}, wrapped({ clipObs: 5 }));
    await a.learn(175); // mid-episode (50-step episodes)
    const b = DDPG.load(a.save(), wrapped());
    expect(b.env).toBeInstanceOf(NormalizeEnv);
    const straight = smallAgent(5, {}, wrapped({ clipObs: 5 }));
    await straight.learn(300);
    await b.learn(125);
    expect(b.weightsHash()).toBe(straight.weightsHash());
    expect(Buffer.from(b.save()).equals(Buffer.from(straight.save()))).toBe(true);
  });

  it('refuses to load a normalized checkpoint without a NormalizeEnv, and a plain one with one', async () => {
    const a = smallAgent(1, {}, wrapped());
    await a.learn(20);
    expect(() => DDPG.load(a.save())).toThrow('pass load() a NormalizeEnv (ddpg-wasm/normalize) exactly when the file has a normalize section (it has one)');
    const plain = smallAgent(1);
    await plain.learn(20);
    expect(new DataView(plain.save().buffer).getUint32(8, true)).toBe(2); // runs without it keep format 2 and their bytes
    expect(() => DDPG.load(plain.save(), wrapped())).toThrow('pass load() a NormalizeEnv (ddpg-wasm/normalize) exactly when the file has a normalize section (it has none)');
  });

  it('works on a custom env: the evaluation env is wrapped in the frozen copy, returns in the env\'s own units', async () => {
    const env = new NormalizeEnv(new ToyEnv({ maxEpisodeSteps: 20 })), agent = smallAgent(3, { learningStarts: 10 }, env);
    const evals: number[] = [];
    await agent.learn(60, { evalEvery: 30, evalEpisodes: 1, evalEnv: new ToyEnv({ maxEpisodeSteps: 20 }), onEval: (r) => evals.push(r['eval/mean_return']) });
    // Independent check of the last evaluation: the deterministic policy on the raw env, obs normalized by the frozen statistics.
    const raw = new ToyEnv({ maxEpisodeSteps: 20 });
    let obs = raw.reset(), ret = 0; // ToyEnv has no randomness: the seed evaluate() passes changes nothing
    for (let t = 0; t < 20; t++) {
      const r = raw.step(agent.act(env.normalize(obs)));
      ret += r.reward;
      obs = r.obs;
      if (r.truncated || r.terminated) break;
    }
    expect(evals[1]).toBe(ret);
  });
});

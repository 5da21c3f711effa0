// The DDPG agent's behaviour: a smoke run, determinism, resumable learn(),
// act(), the training-loop options and the error paths. Small networks
// (helpers.ts SMALL) keep each test to milliseconds; the keras preset runs once.
import { GCProfiler } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { DDPG } from '../../src/agents/ddpg.js';
import type { StepRecord } from '../../src/agents/agent.js';
import { makeEnv } from '../../src/envs/make.js';
import { decodeContainer } from '../../src/nn/container.js';
import { GaussianNoise } from '../../src/rl/noise.js';
import { Rng } from '../../src/rng.js';
import { paramIndices, shadowForward } from '../nn/helpers.js';
import { SHORT_PENDULUM, SMALL, ToyEnv, firstByteDifference, smallAgent } from './helpers.js';
import { DEFAULT_EVAL_EPISODES } from '../../src/cli/train-setup.js';

/** Every replay row of a buffer (in insertion order while it has not wrapped). */
function bufferRows(agent: DDPG): { action: Float32Array; reward: Float32Array; done: Float32Array } {
  const b = agent.buffer as unknown as { action: Float32Array; reward: Float32Array; terminated: Uint8Array };
  const n = agent.buffer.size;
  return { action: b.action.slice(0, n * agent.actDim), reward: b.reward.slice(0, n), done: Float32Array.from(b.terminated.subarray(0, n)) };
}

describe('DDPG: smoke run', () => {
  it('runs 400 steps of the keras preset on Pendulum-v1: two 200-step episodes, one update per step, finite losses', async () => {
    const agent = new DDPG(makeEnv('Pendulum-v1'), { preset: 'keras', seed: 0 });
    const episodes: Record<string, number>[] = [];
    await agent.learn(400, { onEpisode: (r) => episodes.push({ ...r }) });
    expect(episodes.map((e) => e['rollout/ep_len'])).toEqual([200, 200]);
    expect(agent.loop.updates).toBe(400);
    for (const e of episodes) {
      for (const k of ['rollout/ep_return', 'train/critic_loss', 'train/actor_loss', 'train/q_mean', 'time/sps']) expect(Number.isFinite(e[k])).toBe(true);
      // Pendulum's reward lies in [−(π² + 0.1·8² + 0.001·2²), 0] = [−16.27, 0] per step.
      expect(e['rollout/ep_return']).toBeLessThanOrEqual(0);
      expect(e['rollout/ep_return']).toBeGreaterThanOrEqual(-16.28 * 200);
    }
    expect(agent.actor.paramsFinite() && agent.critic.paramsFinite()).toBe(true);
  });
});

describe('DDPG: determinism', () => {
  it('gives the same weightsHash and the same save() bytes for the same seed', async () => {
    const a = smallAgent(7), b = smallAgent(7);
    await a.learn(300);
    await b.learn(300);
    expect(a.weightsHash()).toBe(b.weightsHash());
    expect(firstByteDifference(a.save(), b.save())).toBe(-1);
  });

  it('gives a different weightsHash for a different seed', async () => {
    const a = smallAgent(7), b = smallAgent(8);
    await a.learn(300);
    await b.learn(300);
    expect(a.weightsHash()).not.toBe(b.weightsHash());
  });

  it('weightsHash is FNV-1a 32 over the little-endian float32 bytes of actor, critic, target actor, target critic', () => {
    const agent = smallAgent(7);
    // FNV-1a 32: offset basis 2166136261, prime 16777619, over every byte in order.
    let h = 2166136261;
    for (const net of [agent.actor, agent.critic, agent.actorTarget, agent.criticTarget]) {
      const p = net.getParams();
      for (const byte of new Uint8Array(p.buffer, p.byteOffset, p.byteLength)) h = Math.imul(h ^ byte, 16777619) >>> 0;
    }
    expect(agent.weightsHash()).toBe(h.toString(16).padStart(8, '0'));
  });

  it('changes the weights when it trains (the hash is not constant)', async () => {
    const a = smallAgent(7);
    const before = a.weightsHash();
    await a.learn(20);
    expect(a.weightsHash()).not.toBe(before);
  });

  it('learn(130) then learn(170) ≡ learn(300), mid-episode split included', async () => {
    const split = smallAgent(3), straight = smallAgent(3);
    await split.learn(130); // 130 = 2 episodes of 50 + 30 steps into the third
    await split.learn(170);
    await straight.learn(300);
    expect(split.weightsHash()).toBe(straight.weightsHash());
    expect(firstByteDifference(split.save(), straight.save())).toBe(-1);
  });

  // The backends are designed bit-identical (reference.ts rounds every op to
  // float32 in the wasm kernels' order). Checked here on the small networks;
  // the keras preset gave the same weightsHash after 300 steps on both (4db2951d, seed 0).
  it("trains bit-identically on the 'reference' and 'wasm' backends", async () => {
    const w = smallAgent(5, { backend: 'wasm' }), r = smallAgent(5, { backend: 'reference' });
    expect(r.backend).toBe('reference');
    await w.learn(60);
    await r.learn(60);
    expect(r.weightsHash()).toBe(w.weightsHash());
  });
});

describe('DDPG.act', () => {
  const obs = Float32Array.of(0.6, -0.8, 1.5);

  it('returns μ(s) deterministically without explore, and does not advance the noise stream', () => {
    const agent = smallAgent(1);
    const noiseBefore = JSON.stringify(agent.rngs.noise.getState());
    const a1 = agent.act(obs), a2 = agent.act(obs);
    expect(Array.from(a1)).toEqual(Array.from(a2));
    expect(JSON.stringify(agent.rngs.noise.getState())).toBe(noiseBefore);
  });

  it('equals μ(s) = 2·tanh(…) of the actor computed independently in float64', () => {
    const agent = smallAgent(1);
    // The init's output layer is U(±3e-3), so μ(s) starts near 0: give it weights of order 1.
    const p = agent.actor.getParams(), rng = new Rng(8);
    for (const i of paramIndices(agent.actor.layout)) p[i] = rng.uniform(-0.5, 0.5);
    agent.actor.setParams(p);
    const mu = shadowForward(agent.actor.spec, agent.actor.layout, p, [obs], 1).y[0]!;
    expect(Math.abs(mu)).toBeGreaterThan(0.1); // not a vacuous comparison of two near-zeros
    // float32 forward vs float64: ~30 roundings of u = 6e-8 relative to |μ| ≤ 2.
    expect(Math.abs(agent.act(obs)[0]! - mu)).toBeLessThan(1e-5);
  });

  it('writes into `out` and returns it', () => {
    const agent = smallAgent(1);
    const out = new Float32Array(1);
    expect(agent.act(obs, { out })).toBe(out);
    expect(out[0]).toBe(agent.act(obs)[0]);
  });

  it('allocates nothing with `out` (a 200 000-call window without garbage collection, unlike without `out`)', () => {
    const agent = smallAgent(1);
    const out = new Float32Array(1), opts = { out }, noOpts = {};
    /** Fewest GCs over `tries` windows of 200 000 calls: later windows run V8's optimised code. */
    const fewestGcs = (o: { out?: Float32Array }, tries: number): number => {
      let best = Infinity;
      for (let t = 0; t < tries && best > 0; t++) {
        const prof = new GCProfiler();
        prof.start();
        for (let i = 0; i < 200_000; i++) agent.act(obs, o);
        best = Math.min(best, prof.stop()?.statistics.length ?? 0);
      }
      return best;
    };
    expect(fewestGcs(opts, 5)).toBe(0);
    // Control: the allocating form fills the young generation in every window (200 000 × ≥ 64 B = 12.8 MB).
    expect(fewestGcs(noOpts, 2)).toBeGreaterThan(0);
  });

  it('with explore, returns clip(μ(s) + h·𝒩, −h, h) with the noise drawn from the noise stream', () => {
    const agent = smallAgent(2, { actionNoise: { type: 'gaussian', sigma: 1.5 } });
    const mu = agent.act(obs)[0]!;
    const replay = new Rng(0);
    replay.setState(agent.rngs.noise.getState());
    // σ = 1.5 of the bound h = 2: a torque noise of standard deviation 3.
    const noise = new GaussianNoise({ dim: 1, sigma: 3 }).sample(replay, new Float32Array(1))[0]!;
    const expected = Math.fround(Math.min(2, Math.max(-2, Math.fround(mu + noise))));
    expect(agent.act(obs, { explore: true })[0]).toBe(expected);
  });

  it('with explore, keeps every action inside [−h, h] even when the noise is far larger than h', () => {
    const agent = smallAgent(2, { actionNoise: { type: 'gaussian', sigma: 100 } });
    const out = new Float32Array(1);
    let clipped = 0;
    for (let i = 0; i < 200; i++) {
      const a = agent.act(obs, { explore: true, out })[0]!;
      expect(Math.abs(a)).toBeLessThanOrEqual(2);
      if (Math.abs(a) === 2) clipped++;
    }
    // P(|μ + N(0, 100²)| < 2) ≈ 1.6 %: nearly every draw is clipped to exactly ±2.
    expect(clipped).toBeGreaterThan(180);
  });

  it('rejects an observation of the wrong length or with a NaN', () => {
    const agent = smallAgent(1);
    expect(() => agent.act([0, 1])).toThrow(/length 3/);
    expect(() => agent.act([0, NaN, 1])).toThrow(/obs\[1\] is NaN/);
  });
});

describe('DDPG.learn: the training loop', () => {
  it('stores terminated transitions with done = 1 and truncated ones with done = 0', async () => {
    // Terminates at step 3 of each episode; time limit 5 never reached.
    const agent = smallAgent(0, {}, new ToyEnv({ terminateAt: 3, maxEpisodeSteps: 5 }));
    await agent.learn(9);
    expect(Array.from(bufferRows(agent).done)).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 1]);
  });

  it('stores time-limit truncations as non-terminal (done = 0): Pendulum only truncates', async () => {
    const agent = smallAgent(0);
    const ends: boolean[] = [];
    await agent.learn(100, { onStep: (r) => { if (r.truncated) ends.push(r.terminated); } });
    expect(ends).toEqual([false, false]); // steps 50 and 100
    expect(bufferRows(agent).done.every((d) => d === 0)).toBe(true);
  });

  it('ends an episode on truncation and starts the next (the notebook never ends one)', async () => {
    const agent = smallAgent(0);
    const lens: number[] = [];
    await agent.learn(150, { onEpisode: (r) => lens.push(r['rollout/ep_len']) });
    expect(lens).toEqual([50, 50, 50]);
  });

  it('uses uniform random actions from the explore stream for the first learningStarts steps', async () => {
    const agent = smallAgent(4, { learningStarts: 20 });
    await agent.learn(20);
    const rng = new Rng(4, 'explore');
    // Alg: a = U(−h, h) drawn as rng.uniform(−2, 2), stored in float32.
    const expected = Array.from({ length: 20 }, () => Math.fround(rng.uniform(-2, 2)));
    expect(Array.from(bufferRows(agent).action)).toEqual(expected);
  });

  it('runs no update before learningStarts (weights unchanged, update records null)', async () => {
    const agent = smallAgent(4, { learningStarts: 20 });
    const before = agent.weightsHash();
    const updates: boolean[] = [];
    await agent.learn(20, { onStep: (r) => updates.push(r.update !== null) });
    expect(agent.weightsHash()).toBe(before);
    expect(updates.every((u) => !u)).toBe(true);
    expect(agent.loop.updates).toBe(0);
  });

  it('starts updating on the step after learningStarts (SB3: num_timesteps > learning_starts)', async () => {
    const agent = smallAgent(4, { learningStarts: 20 });
    const steps: number[] = [];
    await agent.learn(25, { onStep: (r) => { if (r.update) steps.push(r.step); } });
    expect(steps).toEqual([21, 22, 23, 24, 25]);
  });

  it('runs gradientSteps updates every trainFreq steps', async () => {
    const agent = smallAgent(0, { trainFreq: 4, gradientSteps: 3 });
    const steps: number[] = [];
    await agent.learn(18, { onStep: (r) => { if (r.update) steps.push(r.step); } });
    expect(steps).toEqual([4, 8, 12, 16]);
    expect(agent.loop.updates).toBe(12); // 4 rounds × 3 gradient steps
  });

  it('with gradientSteps 0 only collects data', async () => {
    const agent = smallAgent(0, { gradientSteps: 0 });
    const before = agent.weightsHash();
    await agent.learn(30);
    expect([agent.loop.updates, agent.buffer.size, agent.weightsHash()]).toEqual([0, 30, before]);
  });

  it('stops between steps when the AbortSignal fires, and resolves normally', async () => {
    const agent = smallAgent(0);
    const ctl = new AbortController();
    await agent.learn(1000, { signal: ctl.signal, onStep: (r: StepRecord) => { if (r.step === 37) ctl.abort(); } });
    expect([agent.loop.steps, agent.buffer.size, agent.loop.updates]).toEqual([37, 37, 37]);
  });

  it('takes no step with an already aborted signal', async () => {
    const agent = smallAgent(0);
    await agent.learn(100, { signal: AbortSignal.abort() });
    expect(agent.loop.steps).toBe(0);
  });

  it('evaluates every evalEvery steps without disturbing training (same weights as without evaluation)', async () => {
    const withEval = smallAgent(6), without = smallAgent(6);
    const evals: number[] = [];
    await withEval.learn(240, { evalEvery: 80, evalEpisodes: 2, onEval: (r) => evals.push(r['time/total_timesteps']) });
    await without.learn(240);
    expect(evals).toEqual([80, 160, 240]);
    expect(withEval.weightsHash()).toBe(without.weightsHash());
    // The full checkpoints differ only by the best evaluation's return (kept for onNewBest).
    const w = decodeContainer(withEval.save(), 'checkpoint', ['full']), wo = decodeContainer(without.save(), 'checkpoint', ['full']);
    const { bestMeanReturn, ...loop } = (w.header.state as { loop: { bestMeanReturn: number } }).loop;
    expect(bestMeanReturn).toBe(withEval.loop.bestMeanReturn);
    expect({ ...w.header, state: { ...(w.header.state as object), loop } }).toEqual(wo.header);
    expect([...w.blocks]).toEqual([...wo.blocks]);
  });

  it('is not disturbed by a call to evaluate() between two learn() calls', async () => {
    const a = smallAgent(6), b = smallAgent(6);
    await a.learn(70);
    await a.evaluate(2);
    await a.learn(70);
    await b.learn(140);
    expect(a.weightsHash()).toBe(b.weightsHash());
  });

  it('evaluate() runs deterministic episodes: the same agent gives the same returns twice', async () => {
    const a = smallAgent(6);
    await a.learn(60);
    const r1 = await a.evaluate(3), r2 = await a.evaluate(3);
    expect(r1['eval/returns']).toEqual(r2['eval/returns']);
  });

  it("evaluates 5 episodes by default in learn(), as the CLI's --eval-episodes (issue 16)", async () => {
    const a = smallAgent(6);
    const counts: number[] = [];
    await a.learn(50, { evalEvery: 50, onEval: (r) => counts.push(r['eval/returns'].length) });
    expect(counts).toEqual([5]);
    expect(DEFAULT_EVAL_EPISODES).toBe(5);
  });

  it("evaluates on a fresh env with the training env's time limit, in evaluate() and in learn()", async () => {
    const a = smallAgent(6); // Pendulum-v1 with maxEpisodeSteps 50
    const lens: number[] = [];
    await a.learn(50, { evalEvery: 50, evalEpisodes: 1, onEval: (r) => lens.push(r['eval/mean_ep_len']) });
    lens.push((await a.evaluate(1))['eval/mean_ep_len']);
    expect(lens).toEqual([50, 50]);
  });

  it("evaluates on the training env's physics by default (Pendulum g), in evaluate() and in learn()", async () => {
    const env = makeEnv('Pendulum-v1', { g: 2, maxEpisodeSteps: 50 });
    expect(env.options).toEqual({ g: 2, maxEpisodeSteps: 50 });
    const a = smallAgent(6, {}, env);
    const inLearn: (readonly number[])[] = [];
    await a.learn(50, { evalEvery: 50, evalEpisodes: 2, onEval: (r) => inLearn.push(r['eval/returns']) });
    const byDefault = (await a.evaluate(2))['eval/returns'];
    const sameG = (await a.evaluate(2, makeEnv('Pendulum-v1', { g: 2, maxEpisodeSteps: 50 })))['eval/returns'];
    const otherG = (await a.evaluate(2, makeEnv('Pendulum-v1', { maxEpisodeSteps: 50 })))['eval/returns'];
    expect(byDefault).toEqual(sameG);
    expect(inLearn).toEqual([sameG]);
    expect(otherG).not.toEqual(sameG);
  });
});

describe('DDPG.learn: a misbehaving custom environment', () => {
  it('names the step when the observation is NaN', async () => {
    const agent = smallAgent(0, {}, new ToyEnv({ nanObsAt: 7 }));
    await expect(agent.learn(20)).rejects.toThrow(/Toy-v0 returned a non-finite observation \(obs\[1\] = NaN\) at step 7/);
  });

  it('names the step when the reward is NaN', async () => {
    const agent = smallAgent(0, {}, new ToyEnv({ nanRewardAt: 12 }));
    await expect(agent.learn(20)).rejects.toThrow(/non-finite reward \(NaN\) at step 12/);
  });

  it('names the step when the reward is infinite', async () => {
    const agent = smallAgent(0, {}, new ToyEnv({ infRewardAt: 3 }));
    await expect(agent.learn(20)).rejects.toThrow(/non-finite reward \(Infinity\) at step 3/);
  });

  it('stores nothing from the bad step', async () => {
    const agent = smallAgent(0, {}, new ToyEnv({ nanObsAt: 7 }));
    await agent.learn(20).catch(() => undefined);
    expect([agent.buffer.size, agent.loop.steps]).toEqual([6, 6]);
  });

  it('refuses evalEvery without an evalEnv for a custom environment', async () => {
    const agent = smallAgent(0, {}, new ToyEnv());
    await expect(agent.learn(10, { evalEvery: 5, onEval: () => {} })).rejects.toThrow(/needs options\.evalEnv/);
  });
});

describe('DDPG construction', () => {
  it('refuses an asymmetric action space, naming the env', () => {
    const env = makeEnv('Pendulum-v1');
    const skew = { ...env, id: 'Skew-v0', actionSpace: { ...env.actionSpace, low: Float32Array.of(-1), high: Float32Array.of(2) } };
    expect(() => new DDPG(skew as never, SMALL)).toThrow(/symmetric action space.*Skew-v0/);
  });
});

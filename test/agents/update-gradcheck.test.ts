// Gradient check of DDPG.update() as a whole (Alg. 1 lines 11–14): after one
// update on a tiny agent, the critic's gradient block must be the gradient of
//   L(θ^Q)  = (1/N)·Σ_i (Q(s_i, a_i|θ^Q) − y_i)²,  y_i = r_i + γ·(1 − d_i)·Q′(s′_i, μ′(s′_i))
// at the pre-update critic, and the actor's gradient block the gradient of
//   J(θ^μ) = −(1/N)·Σ_i Q(s_i, μ(s_i|θ^μ)|θ^Q)
// through the *updated* critic, both against central differences of an
// independent float64 shadow (test/nn/helpers.ts) that reads only the specs,
// the layout tables and getParams(). The minibatch is replayed from a copy of
// the replay stream, so the test sees exactly the transitions update() saw.
import { describe, expect, it } from 'vitest';
import { DDPG } from '../../src/agents/ddpg.js';
import type { Network } from '../../src/nn/network.js';
import type { ReplayBatch } from '../../src/rl/buffer.js';
import { makeEnv } from '../../src/envs/make.js';
import { Rng } from '../../src/rng.js';
import { centralDifferences, paramIndices, relError, shadowForward } from '../nn/helpers.js';
import { ToyEnv } from './helpers.js';

/** Central-difference step (float64; see test/nn/gradcheck.test.ts for the error budget). */
const H = 1e-6;
const fd = (f: (t: Float64Array) => number, theta: Float64Array, idx: readonly number[]): Float64Array => centralDifferences(f, theta, idx, H);
/** The tiny config of the brief: actor [8], critic [4]/[4]/[8], batch 4. */
const TINY = { actorLayers: [8], criticStateLayers: [4], criticActionLayers: [4], criticLayers: [8], batchSize: 4, bufferSize: 64 } as const;
const N = TINY.batchSize;
/** ReLU pre-activations must stay this far from 0 so no ±H probe crosses a kink. */
const RELU_MARGIN = 1e-3;
/**
 * |analytic − FD| ≤ TOL·max|FD|. A float32 gradient of these 2–3 layer, ≤ 8-wide
 * networks carries ~100 roundings of u = 2^-24 ≈ 6e-8 relative to its scale
 * (≈ 6e-6 at worst). Measured over seeds 11–14: 6e-8 … 9e-7. The wrong variants
 * checked below are off by 3e-3 (actor through the pre-update critic) to 1
 * (unmasked target).
 */
const TOL = 1e-5;

interface Rig {
  agent: DDPG;
  batch: { s: Float64Array; a: Float64Array; r: Float64Array; s2: Float64Array; d: Float64Array };
  before: { actor: Float64Array; critic: Float64Array; actorTarget: Float64Array; criticTarget: Float64Array };
  after: { critic: Float64Array };
  grads: { actor: Float32Array; critic: Float32Array };
  margin: number;
}

/** Random values on the real parameters (padding stays zero): the default init leaves biases 0 and targets = online. */
function randomize(net: Network, rng: Rng, scale: number): void {
  const p = new Float32Array(net.size);
  for (const i of paramIndices(net.layout)) p[i] = rng.uniform(-scale, scale);
  net.setParams(p);
}

const q64 = (net: Network, theta: ArrayLike<number>, s: ArrayLike<number>, a: ArrayLike<number>) =>
  shadowForward(net.spec, net.layout, theta, [s, a], N);
const mu64 = (net: Network, theta: ArrayLike<number>, s: ArrayLike<number>) => shadowForward(net.spec, net.layout, theta, [s], N);

function setup(seed: number): Rig {
  const agent = new DDPG(makeEnv('Pendulum-v1'), { ...TINY, seed });
  const rng = new Rng(seed, 'gradcheck');
  for (const [net, scale] of [[agent.actor, 0.7], [agent.critic, 0.7], [agent.actorTarget, 0.7], [agent.criticTarget, 0.7]] as const) {
    randomize(net, rng, scale);
  }
  // Six transitions, half of them terminal, rewards of Pendulum's size.
  for (let i = 0; i < 6; i++) {
    const s = [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-8, 8)];
    const s2 = [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-8, 8)];
    agent.buffer.add(s, [rng.uniform(-2, 2)], rng.uniform(-16, 0), s2, i % 2 === 1);
  }
  // Replay the minibatch update() will draw: same stream state, same sampler.
  const replay = new Rng(0);
  replay.setState(agent.rngs.replay.getState());
  const into: ReplayBatch = { obs: new Float32Array(N * 3), action: new Float32Array(N), reward: new Float32Array(N), nextObs: new Float32Array(N * 3), done: new Float32Array(N) };
  agent.buffer.sample(N, replay, into);
  const f64 = (x: ArrayLike<number>): Float64Array => Float64Array.from(x);
  const before = {
    actor: f64(agent.actor.getParams()), critic: f64(agent.critic.getParams()),
    actorTarget: f64(agent.actorTarget.getParams()), criticTarget: f64(agent.criticTarget.getParams()),
  };
  agent.update();
  const batch = { s: f64(into.obs), a: f64(into.action), r: f64(into.reward), s2: f64(into.nextObs), d: f64(into.done) };
  const margin = Math.min(q64(agent.critic, before.critic, batch.s, batch.a).reluMargin,
    q64(agent.critic, agent.critic.getParams(), batch.s, mu64(agent.actor, before.actor, batch.s).y).reluMargin,
    mu64(agent.actor, before.actor, batch.s).reluMargin);
  return {
    agent, batch, before, margin,
    after: { critic: f64(agent.critic.getParams()) },
    grads: { actor: agent.actor.getGrads(), critic: agent.critic.getGrads() },
  };
}

/** y_i = r_i + γ·(1 − d_i)·Q′(s′_i, μ′(s′_i)), in float64 from the pre-update targets; `mask` false drops (1 − d). */
function targets(r: Rig, gamma: number, mask = true): Float64Array {
  const { agent, batch: b, before } = r;
  const muNext = mu64(agent.actorTarget, before.actorTarget, b.s2).y;
  const qNext = q64(agent.criticTarget, before.criticTarget, b.s2, muNext).y;
  return Float64Array.from(b.r, (ri, i) => ri + gamma * (mask ? 1 - b.d[i]! : 1) * qNext[i]!);
}

function criticLoss(r: Rig, y: Float64Array): (theta: Float64Array) => number {
  return (theta) => {
    const q = q64(r.agent.critic, theta, r.batch.s, r.batch.a).y;
    let L = 0;
    for (let i = 0; i < N; i++) L += (q[i]! - y[i]!) ** 2;
    return L / N;
  };
}

function actorLoss(r: Rig, criticTheta: Float64Array): (theta: Float64Array) => number {
  return (theta) => {
    const mu = mu64(r.agent.actor, theta, r.batch.s).y;
    const q = q64(r.agent.critic, criticTheta, r.batch.s, mu).y;
    return -q.reduce((s, x) => s + x, 0) / N;
  };
}



describe('DDPG.update(): gradients against float64 central differences', () => {
  const rig = setup(11);
  const cIdx = paramIndices(rig.agent.critic.layout), aIdx = paramIndices(rig.agent.actor.layout);
  const gamma = rig.agent.config.gamma;

  it('draws a minibatch with terminal and non-terminal rows, away from ReLU kinks (the check is meaningful)', () => {
    expect(Array.from(rig.batch.d)).toContain(1);
    expect(Array.from(rig.batch.d)).toContain(0);
    expect(rig.margin).toBeGreaterThan(RELU_MARGIN);
  });

  it('critic gradient = ∇ of the MSE to y = r + γ·(1 − d)·Q′(s′, μ′(s′)) at the pre-update critic', () => {
    const ref = fd(criticLoss(rig, targets(rig, gamma)), rig.before.critic, cIdx);
    expect(relError(rig.grads.critic, cIdx, ref)).toBeLessThan(TOL);
  });

  it('critic gradient differs from the unmasked target y = r + γ·Q′ (terminated rows do not bootstrap)', () => {
    const ref = fd(criticLoss(rig, targets(rig, gamma, false)), rig.before.critic, cIdx);
    expect(relError(rig.grads.critic, cIdx, ref)).toBeGreaterThan(10 * TOL);
  });

  it('actor gradient = ∇ of −mean Q(s, μ(s)) through the updated critic', () => {
    const ref = fd(actorLoss(rig, rig.after.critic), rig.before.actor, aIdx);
    expect(relError(rig.grads.actor, aIdx, ref)).toBeLessThan(TOL);
  });

  it('actor gradient differs from the one through the pre-update critic (the check can tell them apart)', () => {
    const ref = fd(actorLoss(rig, rig.before.critic), rig.before.actor, aIdx);
    expect(relError(rig.grads.actor, aIdx, ref)).toBeGreaterThan(10 * TOL);
  });

  it('the update moved the critic (so "updated" and "pre-update" are different critics)', () => {
    expect(Array.from(rig.after.critic)).not.toEqual(Array.from(rig.before.critic));
  });
});

describe('DDPG.update(): the target y through learn() on a custom env', () => {
  /**
   * Collects 12 transitions from a ToyEnv (one-step episodes, ended by
   * `terminated` or by the time limit), then runs one update() and returns its
   * critic loss and the float64 losses against masked and unmasked targets.
   */
  async function oneUpdate(env: ToyEnv): Promise<{ loss: number; masked: number; unmasked: number; done: number[] }> {
    const agent = new DDPG(env, { ...TINY, seed: 3, gradientSteps: 0 });
    await agent.learn(12);
    const replay = new Rng(0);
    replay.setState(agent.rngs.replay.getState());
    const into: ReplayBatch = { obs: new Float32Array(N * 2), action: new Float32Array(N), reward: new Float32Array(N), nextObs: new Float32Array(N * 2), done: new Float32Array(N) };
    agent.buffer.sample(N, replay, into);
    const p = { a: agent.actor.getParams(), c: agent.critic.getParams(), at: agent.actorTarget.getParams(), ct: agent.criticTarget.getParams() };
    const q = shadowForward(agent.critic.spec, agent.critic.layout, p.c, [into.obs, into.action], N).y;
    const muNext = shadowForward(agent.actorTarget.spec, agent.actorTarget.layout, p.at, [into.nextObs], N).y;
    const qNext = shadowForward(agent.criticTarget.spec, agent.criticTarget.layout, p.ct, [into.nextObs, muNext], N).y;
    const mse = (mask: boolean): number => q.reduce((L, qi, i) => {
      const y = into.reward[i]! + 0.99 * (mask ? 1 - into.done[i]! : 1) * qNext[i]!;
      return L + (qi - y) ** 2 / N;
    }, 0);
    return { loss: agent.update().criticLoss, masked: mse(true), unmasked: mse(false), done: Array.from(into.done) };
  }

  it('a terminated transition does not bootstrap: y = r', async () => {
    const r = await oneUpdate(new ToyEnv({ terminateAt: 1 }));
    expect(r.done).toEqual([1, 1, 1, 1]);
    expect(Math.abs(r.loss - r.masked) / r.masked).toBeLessThan(TOL);
    expect(Math.abs(r.loss - r.unmasked) / r.unmasked).toBeGreaterThan(10 * TOL);
  });

  it('a truncated transition bootstraps: y = r + γ·Q′(s′, μ′(s′))', async () => {
    const r = await oneUpdate(new ToyEnv({ maxEpisodeSteps: 1 }));
    expect(r.done).toEqual([0, 0, 0, 0]);
    expect(Math.abs(r.loss - r.unmasked) / r.unmasked).toBeLessThan(TOL);
  });
});

// Gradient check of TD3.update() (Fujimoto et al. 2018, Algorithm 1 lines 7–13):
// after one update on a tiny agent, the critics' gradient blocks must be the
// gradient of
//   L(θ_i) = mean((Q_θi(s, a) − y)²),  y = r + γ·(1 − d)·min_k Q_θ′k(s′, ã),
//   ã = clip(π_φ′(s′) + clip(h·σ̃·ε, −h·c, h·c), −h, h)
// at the pre-update critics, and the actor's the gradient of −mean Q_θ1(s, π_φ(s))
// through the updated Q_θ1, against central differences of an independent
// float64 shadow (test/nn/helpers.ts). The minibatch and the smoothing noise
// are replayed from copies of the agent's generators.
import { describe, expect, it } from 'vitest';
import { TD3 } from '../../src/agents/td3.js';
import type { Network } from '../../src/nn/network.js';
import type { ReplayBatch } from '../../src/rl/buffer.js';
import { makeEnv } from '../../src/envs/make.js';
import { Rng } from '../../src/rng.js';
import { centralDifferences, paramIndices, relError, shadowForward } from '../nn/helpers.js';

const H = 1e-6;
const fd = (f: (t: Float64Array) => number, theta: Float64Array, idx: readonly number[]): Float64Array => centralDifferences(f, theta, idx, H);
/** policyDelay 1 so the first update also runs the actor step (the delay itself is tested in td3.test.ts). */
const TINY = { actorLayers: [8], criticLayers: [8], batchSize: 4, bufferSize: 64, policyDelay: 1 } as const;
const N = TINY.batchSize;
const BOUND = 2;
const RELU_MARGIN = 1e-3;
/** As DDPG's update gradcheck: ~100 float32 roundings of u = 2^-24 relative to the gradient's scale. */
const TOL = 1e-5;

type F64 = Float64Array;
const f64 = (x: ArrayLike<number>): F64 => Float64Array.from(x);

interface Rig {
  agent: TD3;
  batch: { s: F64; a: F64; r: F64; s2: F64; d: F64 };
  eps: F64;
  before: Record<'actor' | 'critic1' | 'critic2' | 'actorTarget' | 'critic1Target' | 'critic2Target', F64>;
  after: { critic1: F64 };
  grads: { actor: Float32Array; critic1: Float32Array; critic2: Float32Array };
  margin: number;
}

function randomize(net: Network, rng: Rng, scale: number): void {
  const p = new Float32Array(net.size);
  for (const i of paramIndices(net.layout)) p[i] = rng.uniform(-scale, scale);
  net.setParams(p);
}

const q64 = (net: Network, theta: ArrayLike<number>, s: ArrayLike<number>, a: ArrayLike<number>): F64 => shadowForward(net.spec, net.layout, theta, [s, a], N).y;
const pi64 = (net: Network, theta: ArrayLike<number>, s: ArrayLike<number>): F64 => shadowForward(net.spec, net.layout, theta, [s], N).y;

function setup(seed: number): Rig {
  const agent = new TD3(makeEnv('Pendulum-v1'), { ...TINY, seed });
  const rng = new Rng(seed, 'gradcheck');
  for (const net of [agent.actor, agent.critic1, agent.critic2, agent.actorTarget, agent.critic1Target, agent.critic2Target]) randomize(net, rng, 0.7);
  for (let i = 0; i < 6; i++) {
    const s = [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-8, 8)];
    const s2 = [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-8, 8)];
    agent.buffer.add(s, [rng.uniform(-2, 2)], rng.uniform(-16, 0), s2, i % 2 === 1);
  }
  const replay = new Rng(0), smoothing = new Rng(0);
  replay.setState(agent.rngs.replay.getState());
  smoothing.setState(agent.rngs.smoothing.getState());
  const into: ReplayBatch = { obs: new Float32Array(N * 3), action: new Float32Array(N), reward: new Float32Array(N), nextObs: new Float32Array(N * 3), done: new Float32Array(N) };
  agent.buffer.sample(N, replay, into);
  const eps = Float64Array.from({ length: N }, () => smoothing.normal());
  const before = {
    actor: f64(agent.actor.getParams()), critic1: f64(agent.critic1.getParams()), critic2: f64(agent.critic2.getParams()),
    actorTarget: f64(agent.actorTarget.getParams()), critic1Target: f64(agent.critic1Target.getParams()), critic2Target: f64(agent.critic2Target.getParams()),
  };
  agent.update();
  const batch = { s: f64(into.obs), a: f64(into.action), r: f64(into.reward), s2: f64(into.nextObs), d: f64(into.done) };
  const after = { critic1: f64(agent.critic1.getParams()) };
  const mu = shadowForward(agent.actor.spec, agent.actor.layout, before.actor, [batch.s], N);
  const margin = Math.min(mu.reluMargin,
    shadowForward(agent.critic1.spec, agent.critic1.layout, after.critic1, [batch.s, mu.y], N).reluMargin,
    shadowForward(agent.critic1.spec, agent.critic1.layout, before.critic1, [batch.s, batch.a], N).reluMargin);
  return { agent, batch, eps, before, after, margin, grads: { actor: agent.actor.getGrads(), critic1: agent.critic1.getGrads(), critic2: agent.critic2.getGrads() } };
}

/** ã in float64; `smooth` false is the plain DDPG target action π_φ′(s′). */
function targetActions(r: Rig, smooth = true): F64 {
  const c = r.agent.config, mu = pi64(r.agent.actorTarget, r.before.actorTarget, r.batch.s2);
  const clip = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
  return mu.map((m, i) => (smooth ? clip(m + clip(BOUND * c.targetPolicyNoise * r.eps[i]!, -BOUND * c.targetNoiseClip, BOUND * c.targetNoiseClip), -BOUND, BOUND) : m));
}

/** y in float64; `minimum` false uses Q_θ′1 alone. */
function targets(r: Rig, aNext: F64, minimum = true): F64 {
  const { agent, batch: b, before } = r;
  const q1 = q64(agent.critic1Target, before.critic1Target, b.s2, aNext), q2 = q64(agent.critic2Target, before.critic2Target, b.s2, aNext);
  return Float64Array.from(b.r, (ri, i) => ri + agent.config.gamma * (1 - b.d[i]!) * (minimum ? Math.min(q1[i]!, q2[i]!) : q1[i]!));
}

function criticLoss(r: Rig, net: Network, y: F64): (theta: F64) => number {
  return (theta) => q64(net, theta, r.batch.s, r.batch.a).reduce((L, q, i) => L + (q - y[i]!) ** 2, 0) / N;
}

function actorLoss(r: Rig): (theta: F64) => number {
  return (theta) => -q64(r.agent.critic1, r.after.critic1, r.batch.s, pi64(r.agent.actor, theta, r.batch.s)).reduce((s, x) => s + x, 0) / N;
}



describe('TD3.update(): gradients against float64 central differences', () => {
  const rig = setup(32);
  const cIdx = paramIndices(rig.agent.critic1.layout), aIdx = paramIndices(rig.agent.actor.layout);
  const aNext = targetActions(rig);

  it('draws a meaningful minibatch: terminal and non-terminal rows, away from ReLU kinks, both target critics the minimum somewhere', () => {
    expect(Array.from(rig.batch.d)).toContain(1);
    expect(Array.from(rig.batch.d)).toContain(0);
    expect(rig.margin).toBeGreaterThan(RELU_MARGIN);
    const q1 = q64(rig.agent.critic1Target, rig.before.critic1Target, rig.batch.s2, aNext);
    const q2 = q64(rig.agent.critic2Target, rig.before.critic2Target, rig.batch.s2, aNext);
    const firstIsMin = Array.from(q1, (q, i) => q <= q2[i]!);
    expect(firstIsMin).toContain(true);
    expect(firstIsMin).toContain(false);
  });

  it('critic 1 gradient = ∇ of mean((Q1 − y)²), y with the twin minimum and the smoothed, clipped target action', () => {
    const ref = fd(criticLoss(rig, rig.agent.critic1, targets(rig, aNext)), rig.before.critic1, cIdx);
    expect(relError(rig.grads.critic1, cIdx, ref)).toBeLessThan(TOL);
  });

  it('critic 2 gradient = ∇ of mean((Q2 − y)²) with the same y', () => {
    const ref = fd(criticLoss(rig, rig.agent.critic2, targets(rig, aNext)), rig.before.critic2, cIdx);
    expect(relError(rig.grads.critic2, cIdx, ref)).toBeLessThan(TOL);
  });

  it('critic 1 gradient differs from the one with Q′1 alone in the target (the check sees the minimum)', () => {
    const ref = fd(criticLoss(rig, rig.agent.critic1, targets(rig, aNext, false)), rig.before.critic1, cIdx);
    expect(relError(rig.grads.critic1, cIdx, ref)).toBeGreaterThan(10 * TOL);
  });

  it('critic 1 gradient differs from the one without target policy smoothing (the check sees the noise)', () => {
    const ref = fd(criticLoss(rig, rig.agent.critic1, targets(rig, targetActions(rig, false))), rig.before.critic1, cIdx);
    expect(relError(rig.grads.critic1, cIdx, ref)).toBeGreaterThan(10 * TOL);
  });

  it('actor gradient = ∇ of −mean Q1(s, π(s)) through the updated critic 1', () => {
    const ref = fd(actorLoss(rig), rig.before.actor, aIdx);
    expect(relError(rig.grads.actor, aIdx, ref)).toBeLessThan(TOL);
  });
});

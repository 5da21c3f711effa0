// Gradient check of SAC.update() as a whole (Algorithm 1 lines 11–13 of
// Haarnoja et al. 2018b): after one update on a tiny agent, the gradient blocks
// must be the gradients, against central differences of an independent float64
// shadow (test/nn/helpers.ts shadowForward + the textbook squashed Gaussian), of
//   J_Q(θ1)  = ½·mean((Q_θ1(s, a) − Q̂)²),  Q̂ = r + γ·(1 − d)·(min_i Q_θ̄i(s′, a′) − α·log π(a′|s′))
//   J_π(φ)   = mean(α·log π(ã|s) − min_i Q_θi(s, ã)),  ã = h·tanh(μ_φ(s) + σ_φ(s)·ε)  (updated critics)
//   J(log α) = −log α·mean(log π(ã|s) + H̄)  (the temperature loss)
// The minibatch and both draws of ε are replayed from copies of the agent's
// generators, so the test sees exactly what update() saw.
import { describe, expect, it } from 'vitest';
import { LOG_STD_MAX, LOG_STD_MIN, SAC } from '../../src/agents/sac.js';
import type { Tensor } from '../../src/kernels/arena.js';
import type { Network } from '../../src/nn/network.js';
import type { ReplayBatch } from '../../src/rl/buffer.js';
import { makeEnv } from '../../src/envs/make.js';
import { Rng } from '../../src/rng.js';
import { centralDifferences, paramIndices, relError, shadowForward } from '../nn/helpers.js';

/** Central-difference step (float64; see test/nn/gradcheck.test.ts for the error budget). */
const H = 1e-6;
const fd = (f: (t: Float64Array) => number, theta: Float64Array, idx: readonly number[]): Float64Array => centralDifferences(f, theta, idx, H);
const TINY = { actorLayers: [8], criticLayers: [8], batchSize: 4, bufferSize: 64 } as const;
const N = TINY.batchSize;
const A = 1;
const BOUND = 2;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
/** ReLU pre-activations must stay this far from 0 so no ±H probe crosses a kink. */
const RELU_MARGIN = 1e-3;
/** |analytic − FD| ≤ TOL·max|FD|: as DDPG's update gradcheck (~100 float32 roundings plus expf/tanhf/log1pf). */
const TOL = 1e-5;

type F64 = Float64Array;
const f64 = (x: ArrayLike<number>): F64 => Float64Array.from(x);

interface Rig {
  agent: SAC;
  batch: { s: F64; a: F64; r: F64; s2: F64; d: F64 };
  epsNext: F64;
  epsPi: F64;
  alpha: number;
  logAlpha: number;
  before: { actor: F64; critic1: F64; critic2: F64; critic1Target: F64; critic2Target: F64 };
  after: { critic1: F64; critic2: F64; logAlpha: number };
  grads: { actor: Float32Array; critic1: Float32Array; critic2: Float32Array; logAlpha: number };
  margin: number;
}

function randomize(net: Network, rng: Rng, scale: number): void {
  const p = new Float32Array(net.size);
  for (const i of paramIndices(net.layout)) p[i] = rng.uniform(-scale, scale);
  net.setParams(p);
}

/** log α and its gradient (a private free parameter of SAC, read here to check the temperature step). */
const logAlphaParam = (agent: SAC): { params: Tensor; grads: Tensor } => (agent as unknown as { logAlpha: { params: Tensor; grads: Tensor } }).logAlpha;

/** a = h·tanh(μ + exp(clamp(log σ))·ε) and log π = log N(u; μ, σ) − Σ log(1 − tanh² u) per row, in float64. */
function squash(dist: ArrayLike<number>, eps: ArrayLike<number>): { a: F64; logp: F64 } {
  const a = new Float64Array(N * A), logp = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < A; j++) {
      const ls = Math.min(LOG_STD_MAX, Math.max(LOG_STD_MIN, dist[i * 2 * A + A + j]!));
      const e = eps[i * A + j]!, u = dist[i * 2 * A + j]! + Math.exp(ls) * e;
      a[i * A + j] = BOUND * Math.tanh(u);
      // log(1 − tanh² u) = log sech² u = −2·log cosh u (accurate where 1 − tanh² u cancels in float64 too)
      logp[i] = logp[i]! - 0.5 * e * e - ls - HALF_LOG_2PI + 2 * Math.log(Math.cosh(u));
    }
  }
  return { a, logp };
}

function setup(seed: number): Rig {
  const agent = new SAC(makeEnv('Pendulum-v1'), { ...TINY, seed });
  const rng = new Rng(seed, 'gradcheck');
  for (const net of [agent.actor, agent.critic1, agent.critic2, agent.critic1Target, agent.critic2Target]) randomize(net, rng, 0.7);
  for (let i = 0; i < 6; i++) {
    const s = [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-8, 8)];
    const s2 = [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-8, 8)];
    agent.buffer.add(s, [rng.uniform(-2, 2)], rng.uniform(-16, 0), s2, i % 2 === 1);
  }
  const replay = new Rng(0), normals = new Rng(0);
  replay.setState(agent.rngs.replay.getState());
  normals.setState(agent.rngs.update.getState());
  const into: ReplayBatch = { obs: new Float32Array(N * 3), action: new Float32Array(N), reward: new Float32Array(N), nextObs: new Float32Array(N * 3), done: new Float32Array(N) };
  agent.buffer.sample(N, replay, into);
  // update() draws N·A normals for a′ (target), then N·A for ã (policy step), rounded to float32.
  const epsNext = Float64Array.from({ length: N * A }, () => Math.fround(normals.normal()));
  const epsPi = Float64Array.from({ length: N * A }, () => Math.fround(normals.normal()));
  const T = logAlphaParam(agent);
  const before = {
    actor: f64(agent.actor.getParams()), critic1: f64(agent.critic1.getParams()), critic2: f64(agent.critic2.getParams()),
    critic1Target: f64(agent.critic1Target.getParams()), critic2Target: f64(agent.critic2Target.getParams()),
  };
  const alpha = agent.alpha, logAlpha = T.params.f32[0]!;
  agent.update();
  const batch = { s: f64(into.obs), a: f64(into.action), r: f64(into.reward), s2: f64(into.nextObs), d: f64(into.done) };
  const after = { critic1: f64(agent.critic1.getParams()), critic2: f64(agent.critic2.getParams()), logAlpha: T.params.f32[0]! };
  const dist = shadowForward(agent.actor.spec, agent.actor.layout, before.actor, [batch.s], N);
  const { a } = squash(dist.y, epsPi);
  const margin = Math.min(dist.reluMargin,
    ...[agent.critic1, agent.critic2].map((c, k) => shadowForward(c.spec, c.layout, k === 0 ? after.critic1 : after.critic2, [batch.s, a], N).reluMargin),
    shadowForward(agent.critic1.spec, agent.critic1.layout, before.critic1, [batch.s, batch.a], N).reluMargin);
  return {
    agent, batch, epsNext, epsPi, alpha, logAlpha, before, after, margin,
    grads: { actor: agent.actor.getGrads(), critic1: agent.critic1.getGrads(), critic2: agent.critic2.getGrads(), logAlpha: T.grads.f32[0]! },
  };
}

const q64 = (net: Network, theta: ArrayLike<number>, s: ArrayLike<number>, a: ArrayLike<number>): F64 =>
  shadowForward(net.spec, net.layout, theta, [s, a], N).y;

/** Q̂ in float64 from the pre-update actor and target critics; `minimum` false uses Q̄1 alone. */
function softTargets(r: Rig, minimum = true): F64 {
  const { agent, batch: b, before } = r;
  const next = squash(shadowForward(agent.actor.spec, agent.actor.layout, before.actor, [b.s2], N).y, r.epsNext);
  const q1 = q64(agent.critic1Target, before.critic1Target, b.s2, next.a), q2 = q64(agent.critic2Target, before.critic2Target, b.s2, next.a);
  const gamma = agent.config.gamma;
  return Float64Array.from(b.r, (ri, i) => ri + gamma * (1 - b.d[i]!) * ((minimum ? Math.min(q1[i]!, q2[i]!) : q1[i]!) - r.alpha * next.logp[i]!));
}

function criticLoss(r: Rig, y: F64): (theta: F64) => number {
  return (theta) => q64(r.agent.critic1, theta, r.batch.s, r.batch.a).reduce((L, q, i) => L + 0.5 * (q - y[i]!) ** 2, 0) / N;
}

/** J_π through the updated critics; `minimum` false uses Q1 alone. */
function actorLoss(r: Rig, minimum = true): (theta: F64) => number {
  return (theta) => {
    const { a, logp } = squash(shadowForward(r.agent.actor.spec, r.agent.actor.layout, theta, [r.batch.s], N).y, r.epsPi);
    const q1 = q64(r.agent.critic1, r.after.critic1, r.batch.s, a), q2 = q64(r.agent.critic2, r.after.critic2, r.batch.s, a);
    let J = 0;
    for (let i = 0; i < N; i++) J += r.alpha * logp[i]! - (minimum ? Math.min(q1[i]!, q2[i]!) : q1[i]!);
    return J / N;
  };
}



describe('SAC.update(): gradients against float64 central differences', () => {
  const rig = setup(21);
  const cIdx = paramIndices(rig.agent.critic1.layout), aIdx = paramIndices(rig.agent.actor.layout);

  it('draws a meaningful minibatch: terminal and non-terminal rows, away from ReLU kinks, both critics the minimum somewhere', () => {
    expect(Array.from(rig.batch.d)).toContain(1);
    expect(Array.from(rig.batch.d)).toContain(0);
    expect(rig.margin).toBeGreaterThan(RELU_MARGIN);
    const { a } = squash(shadowForward(rig.agent.actor.spec, rig.agent.actor.layout, rig.before.actor, [rig.batch.s], N).y, rig.epsPi);
    const q1 = q64(rig.agent.critic1, rig.after.critic1, rig.batch.s, a), q2 = q64(rig.agent.critic2, rig.after.critic2, rig.batch.s, a);
    const firstIsMin = Array.from(q1, (q, i) => q <= q2[i]!);
    expect(firstIsMin).toContain(true);
    expect(firstIsMin).toContain(false);
  });

  it('critic gradient = ∇ of ½·mean((Q1 − Q̂)²), Q̂ with the minimum of the target critics and the entropy term', () => {
    const ref = fd(criticLoss(rig, softTargets(rig)), rig.before.critic1, cIdx);
    expect(relError(rig.grads.critic1, cIdx, ref)).toBeLessThan(TOL);
  });

  it('critic gradient differs from the one with Q̄1 alone in the target (the check sees the minimum)', () => {
    const ref = fd(criticLoss(rig, softTargets(rig, false)), rig.before.critic1, cIdx);
    expect(relError(rig.grads.critic1, cIdx, ref)).toBeGreaterThan(10 * TOL);
  });

  it('actor gradient = ∇ of mean(α·log π(ã|s) − min_i Q_i(s, ã)) through the reparameterised sample and the updated critics', () => {
    const ref = fd(actorLoss(rig), rig.before.actor, aIdx);
    expect(relError(rig.grads.actor, aIdx, ref)).toBeLessThan(TOL);
  });

  it('actor gradient differs from the one through Q1 alone (the check sees the minimum)', () => {
    const ref = fd(actorLoss(rig, false), rig.before.actor, aIdx);
    expect(relError(rig.grads.actor, aIdx, ref)).toBeGreaterThan(10 * TOL);
  });

  it('temperature gradient = ∂/∂log α of −log α·mean(log π(ã|s) + H̄)', () => {
    const { logp } = squash(shadowForward(rig.agent.actor.spec, rig.agent.actor.layout, rig.before.actor, [rig.batch.s], N).y, rig.epsPi);
    const m = logp.reduce((s, x) => s + x + rig.agent.targetEntropy, 0) / N;
    const J = (la: number): number => -la * m;
    const ref = (J(rig.logAlpha + H) - J(rig.logAlpha - H)) / (2 * H);
    expect(Math.abs(rig.grads.logAlpha - ref)).toBeLessThan(TOL * Math.max(1, Math.abs(ref)));
  });

  it('the temperature step moves α towards the target entropy (up when −mean log π < H̄, down otherwise)', () => {
    const entropyBelowTarget = rig.grads.logAlpha < 0; // ∂J/∂log α = −mean(log π + H̄) < 0 ⇔ −mean log π < H̄
    expect(rig.after.logAlpha > rig.logAlpha).toBe(entropyBelowTarget);
  });
});

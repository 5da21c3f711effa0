/**
 * TD3 — Twin Delayed Deep Deterministic policy gradient (Fujimoto, van Hoof &
 * Meger 2018, "Addressing Function Approximation Error in Actor-Critic
 * Methods", arXiv:1802.09477). Read it as a diff of ddpg.ts: twin critics with
 * the minimum in the target, target policy smoothing, delayed actor and
 * target updates.
 *
 * Notation (code ↔ paper):
 *   actor          π_φ(s)            actorTarget     π_φ′(s)
 *   critic1/2      Q_θ1, Q_θ2        critic1/2Target Q_θ′1, Q_θ′2
 *   gamma          γ                 tau             τ
 *   batchSize      N                 policyDelay     d
 *   targetPolicyNoise  σ̃ (× h)       targetNoiseClip c (× h)
 *   actionNoise.sigma  σ (× h)       actBound        h, the action bound
 *   aNext          ã                 y               y
 *   q1, q2         Q_θ1(s, a), Q_θ2(s, a)            dQda  ∇_a Q_θ1(s, a)|_{a=π_φ(s)}
 *
 * Algorithm 1 (paper), numbered as the comments below cite it:
 *   1  Initialize critic networks Q_θ1, Q_θ2, and actor network π_φ with random parameters θ1, θ2, φ
 *   2  Initialize target networks θ′1 ← θ1, θ′2 ← θ2, φ′ ← φ
 *   3  Initialize replay buffer B
 *   4  for t = 1 to T do
 *   5    Select action with exploration noise a ~ π_φ(s) + ε, ε ~ N(0, σ),
 *          and observe reward r and new state s′
 *   6    Store transition tuple (s, a, r, s′) in B
 *   7    Sample mini-batch of N transitions (s, a, r, s′) from B
 *   8    ã ← π_φ′(s′) + ε,  ε ~ clip(N(0, σ̃), −c, c)
 *   9    y ← r + γ·min_{i=1,2} Q_θ′i(s′, ã)
 *  10    Update critics θ_i ← argmin_θi N⁻¹·Σ (y − Q_θi(s, a))²
 *  11    if t mod d then
 *  12      Update φ by the deterministic policy gradient:
 *  13        ∇_φ J(φ) = N⁻¹·Σ ∇_a Q_θ1(s, a)|_{a=π_φ(s)} · ∇_φ π_φ(s)
 *  14      Update target networks:
 *  15        θ′_i ← τθ_i + (1 − τ)θ′_i
 *  16        φ′ ← τφ + (1 − τ)φ′
 *  17    end if
 *  18  end for
 *
 * As in the authors' code (and SB3): t counts critic updates; line 10 is one
 * Adam step on MSE(Q1, y) + MSE(Q2, y); ã is clipped to the action bounds after
 * line 8; line 9 is masked by `terminated` (y = r + γ·(1 − done)·min Q′), and a
 * time-limit truncation still bootstraps; actions are clipped to the bounds
 * after line 5. Lines 4–6 live in loop.ts (RunLoop), lines 7–17 in update().
 *
 * The diff against ddpg.ts: two critics and their targets (lines 1–2), the
 * smoothed target action ã (line 8), the minimum in y (line 9), and the actor
 * and targets moving only every d-th update (lines 11–17), which update()
 * reports as `actorUpdated`.
 */
import type { Backend } from '../kernels/index.js';
import type { Tensor } from '../kernels/arena.js';
import { Adam } from '../nn/adam.js';
import { mse, negMeanQ } from '../nn/losses.js';
import type { Network } from '../nn/network.js';
import type { NetworkSpec } from '../nn/spec.js';
import type { Env } from '../envs/env.js';
import { mean, minimum, tdTarget } from '../rl/td.js';
import type { Rng } from '../rng.js';
import type { UpdateStats } from './agent.js';
import { OffPolicyAgent, splitOptions } from './core.js';
import { torchActor, torchCritic } from './networks.js';
import { type TD3Config, type TD3Options, resolveTD3Config } from './td3-config.js';

/** Specs of the actor π(s) = h·tanh(·) and a critic Q(s, a) (state and action concatenated at the input). */
export function td3Networks(c: Pick<TD3Config, 'actorLayers' | 'criticLayers'>, obsDim: number, actDim: number, actBound: number): { actor: NetworkSpec; critic: NetworkSpec } {
  return {
    actor: torchActor(c.actorLayers, obsDim, { units: actDim, activation: 'tanh', scale: actBound }),
    critic: torchCritic(c.criticLayers, obsDim, actDim),
  };
}

/**
 * TD3 (Fujimoto et al. 2018): DDPG with twin critics (the minimum in the target),
 * target policy smoothing, and delayed actor and target updates. Explores with
 * Gaussian action noise.
 */
export class TD3 extends OffPolicyAgent<TD3Config, 'smoothing'> {
  static readonly algo = 'td3';
  readonly actor: Network;
  readonly critic1: Network;
  readonly critic2: Network;
  readonly actorTarget: Network;
  readonly critic1Target: Network;
  readonly critic2Target: Network;
  readonly actorOptim: Adam;
  readonly critic1Optim: Adam;
  readonly critic2Optim: Adam;
  /** ã, the smoothed target action of line 8. @internal */
  private readonly aNext: Tensor;

  constructor(env: Env, options: TD3Options & { backend?: Backend } = {}) {
    const { setup, rest } = splitOptions('TD3', options);
    const c = resolveTD3Config(rest);
    super('td3', env, c, setup, c, ['smoothing']);
    const specs = td3Networks(c, this.obsDim, this.actDim, this.actBound);
    this.actor = this.network('actor', specs.actor);
    // Only Q_θ1 feeds the actor's gradient (line 13), so only it keeps ∂Q/∂a.
    this.critic1 = this.network('critic1', specs.critic, { inputGrads: [false, true] });
    this.critic2 = this.network('critic2', specs.critic);
    this.actorTarget = this.network('actorTarget', specs.actor, { trainable: false });
    this.critic1Target = this.network('critic1Target', specs.critic, { trainable: false });
    this.critic2Target = this.network('critic2Target', specs.critic, { trainable: false });
    const adam = { eps: c.adamEps, epsMode: 'pytorch' } as const;
    this.actorOptim = this.adam(this.actor, { lr: c.actorLr, ...adam }, 'actorLr');
    this.critic1Optim = this.adam(this.critic1, { lr: c.criticLr, ...adam }, 'criticLr');
    this.critic2Optim = this.adam(this.critic2, { lr: c.criticLr, ...adam }, 'criticLr');
    this.aNext = this.tensor('batch.aNext', c.batchSize * this.actDim);
    const init = this.commit();
    // Alg. 1 line 1: random θ1, θ2, φ; line 2: θ′_i ← θ_i, φ′ ← φ
    this.actor.init(init);
    this.critic1.init(init);
    this.critic2.init(init);
    this.actorTarget.copyFrom(this.actor);
    this.critic1Target.copyFrom(this.critic1);
    this.critic2Target.copyFrom(this.critic2);
  }

  /** Alg. 1 line 5: π(s), or clip(π(s) + ε, −h, h), ε ~ N(0, σ) while exploring. @internal */
  protected policyAct(obs: Tensor, explore: boolean, out: Float32Array): Float32Array {
    return this.deterministicAct(this.actor, obs, explore, out);
  }

  /** One critic update of Algorithm 1 (lines 7–10), plus the delayed lines 11–17 every d-th call. */
  update(): UpdateStats {
    const c = this.config, N = c.batchSize;
    const { actor, actorTarget, critic1, critic2, critic1Target, critic2Target, aNext } = this;
    // Alg. 1 line 7: N transitions (s, a, r, s′, done), uniformly with replacement
    const { s, a, r, s2, done, y } = this.sampleBatch();
    // Alg. 1 line 8: ã = clip(π_φ′(s′) + clip(h·σ̃·N(0, 1), −h·c, h·c), −h, h)
    const muNext = actorTarget.forward(N, s2.ptr);
    smoothedAction(N * this.actDim, aNext.f32, muNext.f32, this.rngs.smoothing, c.targetPolicyNoise, c.targetNoiseClip, this.actBound);
    // Alg. 1 line 9: y = r + γ·(1 − done)·min(Q_θ′1(s′, ã), Q_θ′2(s′, ã))
    const q1Next = critic1Target.forward(N, s2.ptr, aNext.ptr);
    const q2Next = critic2Target.forward(N, s2.ptr, aNext.ptr);
    minimum(N, q1Next.f32, q2Next.f32, y.f32);
    tdTarget(N, y.f32, r.f32, done.f32, y.f32, c.gamma);
    // Alg. 1 line 10: minimise MSE(Q_θ1(s, a), y) + MSE(Q_θ2(s, a), y)
    const q1 = critic1.forward(N, s.ptr, a.ptr);
    const q2 = critic2.forward(N, s.ptr, a.ptr);
    const qMean = mean(N, q1.f32);
    const criticLoss = mse(N, q1.f32, y.f32, critic1.outputGrad.f32) + mse(N, q2.f32, y.f32, critic2.outputGrad.f32);
    this.finiteLoss('critic', criticLoss);
    critic1.backward(N, true);
    critic2.backward(N, true);
    Adam.stepAll([this.critic1Optim, this.critic2Optim]); // both or neither
    // Alg. 1 line 11: t counts critic updates (the Adam step counter)
    if (this.critic1Optim.steps % c.policyDelay !== 0) return this.updated(criticLoss, null, qMean);
    // Alg. 1 lines 12–13: ascend N⁻¹·Σ Q_θ1(s, π_φ(s)); backprop through Q_θ1 stops at dQda
    const mu = actor.forward(N, s.ptr);
    const qPi = critic1.forward(N, s.ptr, mu.ptr);
    const actorLoss = negMeanQ(N, qPi.f32, critic1.outputGrad.f32);
    critic1.backward(N, false);
    const dQda = critic1.inputGrad[1]!;
    this.kernels.copy(N * this.actDim, dQda.ptr, actor.outputGrad.ptr);
    this.finiteLoss('actor', actorLoss);
    actor.backward(N, true);
    this.actorOptim.step();
    // Alg. 1 lines 14–16: θ′ ← τθ + (1 − τ)θ′
    critic1Target.polyakFrom(critic1, c.tau);
    critic2Target.polyakFrom(critic2, c.tau);
    actorTarget.polyakFrom(actor, c.tau);
    return this.updated(criticLoss, actorLoss, qMean);
  }
}

/**
 * Target policy smoothing (Alg. 1 line 8), row-major over n = N·|A| entries:
 * ã = clip(μ′ + clip(h·σ̃·ε, −h·c, h·c), −h, h), ε ~ N(0, 1) from `rng`.
 */
function smoothedAction(n: number, out: Float32Array, mu: Float32Array, rng: Rng, sigmaFrac: number, clipFrac: number, h: number): void {
  const sigma = sigmaFrac * h, clip = clipFrac * h;
  for (let i = 0; i < n; i++) {
    let eps = sigma * rng.normal();
    eps = eps < -clip ? -clip : eps > clip ? clip : eps;
    const v = mu[i]! + eps;
    out[i] = v < -h ? -h : v > h ? h : v;
  }
}

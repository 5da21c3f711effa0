/**
 * SAC — Soft Actor-Critic with automatic entropy tuning (Haarnoja, Zhou,
 * Hartikainen, Tucker, Ha, Tan, Kumar, Zhu, Gupta, Abbeel & Levine 2018,
 * "Soft Actor-Critic Algorithms and Applications", arXiv:1812.05905).
 *
 * Notation (code ↔ paper):
 *   actor            π_φ(a|s): outputs [μ | log σ] per row; a = h·tanh(μ + σ·ε)
 *   critic1/2        Q_θ1, Q_θ2           critic1/2Target  Q_θ̄1, Q_θ̄2
 *   alpha            α (learned as log α) targetEntropy    H̄ (−|A| by default)
 *   gamma            γ                    tau              τ
 *   actorLr, criticLr, alphaLr           λ_π, λ_Q, λ
 *   eps              ε ~ N(0, I)          logp             log π_φ(a|s)
 *   y                Q̂ = r + γ·(min_i Q_θ̄i(s′, a′) − α·log π_φ(a′|s′)),  a′ ~ π_φ(·|s′)
 *
 * Algorithm 1 (paper), numbered as the comments below cite it:
 *   1  Input: θ1, θ2, φ                                  ▷ initial parameters
 *   2  θ̄1 ← θ1, θ̄2 ← θ2                                 ▷ initialize target network weights
 *   3  D ← ∅                                             ▷ initialize an empty replay pool
 *   4  for each iteration do
 *   5    for each environment step do
 *   6      a_t ~ π_φ(a_t|s_t)                            ▷ sample action from the policy
 *   7      s_{t+1} ~ p(s_{t+1}|s_t, a_t)                 ▷ sample transition from the environment
 *   8      D ← D ∪ {(s_t, a_t, r(s_t, a_t), s_{t+1})}    ▷ store the transition in the replay pool
 *   9    end for
 *  10    for each gradient step do
 *  11      θ_i ← θ_i − λ_Q·∇̂_θi J_Q(θ_i) for i ∈ {1, 2}  ▷ update the Q-function parameters
 *  12      φ ← φ − λ_π·∇̂_φ J_π(φ)                         ▷ update policy weights
 *  13      α ← α − λ·∇̂_α J(α)                             ▷ adjust temperature
 *  14      θ̄_i ← τθ_i + (1 − τ)θ̄_i for i ∈ {1, 2}        ▷ update target network weights
 *  15    end for
 *  16  end for
 *
 * with (eqs. 5, 7, 18 and §5; the minimum of the two Q-functions is used in
 * both the target and the policy objective, §6):
 *   J_Q(θ) = E[½·(Q_θ(s, a) − Q̂)²]
 *   J_π(φ) = E[α·log π_φ(f_φ(ε; s)|s) − min_i Q_θi(s, f_φ(ε; s))]
 *   J(α)   = E[−α·log π(a|s) − α·H̄]
 *
 * Implementation choices, as SB3 and the authors' softlearning make them:
 * log α is the optimised variable (∂J/∂log α = −mean(log π + H̄)); the α used
 * in a step's losses is the value at the start of the step; J(α) reuses the
 * log π of line 12's sample; log σ is clamped to [−20, 2] (SB3
 * sac/policies.py LOG_STD_MIN/MAX; Spinning Up sac/core.py); Q̂ is masked by
 * `terminated`, truncation bootstraps. The Gaussian sampling, log π with the
 * tanh correction and their gradients run in wasm (assembly/sac.ts); log α is
 * a free parameter moved by the same Adam as the networks. Lines 5–9 live in
 * loop.ts (RunLoop), lines 10–15 in update(). SAC explores by sampling its
 * policy (line 6), so it has no action noise.
 */
import type { Backend } from '../kernels/index.js';
import type { Tensor } from '../kernels/arena.js';
import { detMath } from '../kernels/loader.js';
import { Adam, type Trainable } from '../nn/adam.js';
import { halfMse } from '../nn/losses.js';
import { type Network, networkLayout } from '../nn/network.js';
import type { NetworkSpec } from '../nn/spec.js';
import type { Env } from '../envs/env.js';
import { mean } from '../rl/td.js';
import type { Rng } from '../rng.js';
import type { NetInfo, UpdateStats } from './agent.js';
import { OffPolicyAgent, splitOptions } from './core.js';
import { torchActor, torchCritic } from './networks.js';
import { type SACConfig, type SACOptions, resolveSACConfig } from './sac-config.js';

/** Clamp of the actor's log σ output: SB3 (sac/policies.py) and Spinning Up (sac/core.py) use [−20, 2]. */
export const LOG_STD_MIN = -20;
export const LOG_STD_MAX = 2;

/** Specs of the Gaussian actor (outputs [μ | log σ], 2·|A| linear units) and a critic Q(s, a). */
export function sacNetworks(c: Pick<SACConfig, 'actorLayers' | 'criticLayers'>, obsDim: number, actDim: number): { actor: NetworkSpec; critic: NetworkSpec } {
  return { actor: torchActor(c.actorLayers, obsDim, { units: 2 * actDim }), critic: torchCritic(c.criticLayers, obsDim, actDim) };
}

type Parameter = Trainable & { readonly params: Tensor; readonly grads: Tensor };

export class SAC extends OffPolicyAgent<SACConfig, 'update'> {
  static readonly algo = 'sac';
  /** H̄ in nats. */
  readonly targetEntropy: number;
  readonly actor: Network;
  readonly critic1: Network;
  readonly critic2: Network;
  readonly critic1Target: Network;
  readonly critic2Target: Network;
  readonly actorOptim: Adam;
  readonly critic1Optim: Adam;
  readonly critic2Optim: Adam;
  /** log α (1 float) and ∂J/∂log α. @internal */
  private readonly logAlpha: Parameter;
  private readonly alphaOptim: Adam;
  /** ε ~ N(0, I), the sampled action a and its log π(a|s): N rows for update(), one for act(). @internal */
  private readonly eps: Tensor;
  private readonly aPi: Tensor;
  private readonly logp: Tensor;
  private readonly eps1: Tensor;
  private readonly act1: Tensor;
  private readonly logp1: Tensor;

  constructor(env: Env, options: SACOptions & { backend?: Backend } = {}) {
    const { setup, rest } = splitOptions('SAC', options);
    const c = resolveSACConfig(rest);
    super('sac', env, c, setup, null, ['update']);
    const A = this.actDim, N = c.batchSize;
    this.targetEntropy = c.targetEntropy === 'auto' ? -A : c.targetEntropy;
    const specs = sacNetworks(c, this.obsDim, A);
    this.actor = this.network('gaussianActor', specs.actor, { name: 'actor' });
    // Both critics feed J_π through the minimum, so both keep ∂Q/∂a.
    this.critic1 = this.network('critic1', specs.critic, { inputGrads: [false, true] });
    this.critic2 = this.network('critic2', specs.critic, { inputGrads: [false, true] });
    this.critic1Target = this.network('critic1Target', specs.critic, { trainable: false });
    this.critic2Target = this.network('critic2Target', specs.critic, { trainable: false });
    this.logAlpha = this.parameter('logAlpha', 1);
    const adam = { eps: c.adamEps, epsMode: 'pytorch' } as const;
    this.actorOptim = this.adam(this.actor, { lr: c.actorLr, ...adam }, 'actorLr');
    this.critic1Optim = this.adam(this.critic1, { lr: c.criticLr, ...adam }, 'criticLr');
    this.critic2Optim = this.adam(this.critic2, { lr: c.criticLr, ...adam }, 'criticLr');
    this.alphaOptim = this.adam(this.logAlpha, { lr: c.alphaLr, ...adam }, 'alphaLr');
    this.eps = this.tensor('batch.eps', N * A);
    this.aPi = this.tensor('batch.aPi', N * A);
    this.logp = this.tensor('batch.logp', N);
    this.eps1 = this.tensor('act.eps', A);
    this.act1 = this.tensor('act.action', A);
    this.logp1 = this.tensor('act.logp', 1);
    const init = this.commit();
    // Alg. 1 line 1: random θ1, θ2, φ; line 2: θ̄_i ← θ_i
    this.actor.init(init);
    this.critic1.init(init);
    this.critic2.init(init);
    this.critic1Target.copyFrom(this.critic1);
    this.critic2Target.copyFrom(this.critic2);
    this.logAlpha.params.f32[0] = detMath().log(c.initialAlpha);
  }

  /** The current temperature α = exp(log α). */
  get alpha(): number {
    return detMath().expf(this.logAlpha.params.f32[0]!);
  }

  /** Alg. 1 line 6: the deterministic h·tanh(μ(s)), or while exploring a sample a ~ π(·|s). @internal */
  protected policyAct(obs: Tensor, explore: boolean, out: Float32Array): Float32Array {
    const A = this.actDim, K = this.kernels, act = this.act1;
    const dist = this.actor.forward(1, obs.ptr);
    if (explore) {
      normals(this.rngs.noise, this.eps1.f32, A);
      K.sacSample(1, A, dist.ptr, this.eps1.ptr, LOG_STD_MIN, LOG_STD_MAX, this.actBound, act.ptr, this.logp1.ptr);
    } else {
      K.sacMean(1, A, dist.ptr, this.actBound, act.ptr);
    }
    out.set(act.f32);
    return out;
  }

  /** One gradient step of Algorithm 1 (lines 11–14) on a minibatch from the buffer. */
  update(): UpdateStats {
    const c = this.config, N = c.batchSize, A = this.actDim, K = this.kernels, h = this.actBound;
    const { actor, critic1, critic2, critic1Target, critic2Target, eps, aPi, logp } = this;
    const alpha = this.alpha, rng = this.rngs.update;
    const { s, a, r, s2, done, y } = this.sampleBatch();
    // Alg. 1 line 11, target: Q̂ = r + γ·(1 − done)·(min_i Q_θ̄i(s′, a′) − α·log π(a′|s′)), a′ ~ π(·|s′)
    let dist = actor.forward(N, s2.ptr);
    normals(rng, eps.f32, N * A);
    K.sacSample(N, A, dist.ptr, eps.ptr, LOG_STD_MIN, LOG_STD_MAX, h, aPi.ptr, logp.ptr);
    const q1Next = critic1Target.forward(N, s2.ptr, aPi.ptr);
    const q2Next = critic2Target.forward(N, s2.ptr, aPi.ptr);
    softTdTarget(N, y.f32, r.f32, done.f32, q1Next.f32, q2Next.f32, logp.f32, alpha, c.gamma);
    // Alg. 1 line 11: θ_i ← θ_i − λ_Q·∇J_Q(θ_i), J_Q = ½·mean((Q_θi(s, a) − Q̂)²)
    const q1 = critic1.forward(N, s.ptr, a.ptr);
    const q2 = critic2.forward(N, s.ptr, a.ptr);
    const qMean = mean(N, q1.f32);
    const criticLoss = halfMse(N, q1.f32, y.f32, critic1.outputGrad.f32) + halfMse(N, q2.f32, y.f32, critic2.outputGrad.f32);
    this.finiteLoss('critic', criticLoss);
    critic1.backward(N, true);
    critic2.backward(N, true);
    Adam.stepAll([this.critic1Optim, this.critic2Optim]); // both or neither
    // Alg. 1 line 12: φ ← φ − λ_π·∇J_π(φ), J_π = mean(α·log π(ã|s) − min_i Q_θi(s, ã)), ã = f_φ(ε; s)
    dist = actor.forward(N, s.ptr);
    normals(rng, eps.f32, N * A);
    K.sacSample(N, A, dist.ptr, eps.ptr, LOG_STD_MIN, LOG_STD_MAX, h, aPi.ptr, logp.ptr);
    const q1Pi = critic1.forward(N, s.ptr, aPi.ptr), q2Pi = critic2.forward(N, s.ptr, aPi.ptr);
    const actorLoss = minQSeeds(N, q1Pi.f32, q2Pi.f32, logp.f32, alpha, critic1.outputGrad.f32, critic2.outputGrad.f32);
    critic1.backward(N, false);
    critic2.backward(N, false);
    // ∂J_π/∂ã = Σ_i ∂J_π/∂Q_i·∂Q_i/∂ã (only the minimum's critic has a non-zero seed per row)
    const dQda = critic1.inputGrad[1]!.ptr;
    K.axpy(N * A, 1, critic2.inputGrad[1]!.ptr, dQda);
    K.sacBackward(N, A, dist.ptr, eps.ptr, LOG_STD_MIN, LOG_STD_MAX, h, dQda, alpha / N, actor.outputGrad.ptr);
    this.finiteLoss('actor', actorLoss);
    actor.backward(N, true);
    this.actorOptim.step();
    // Alg. 1 line 13: log α ← log α − λ·∂J/∂log α, ∂J/∂log α = −mean(log π(ã|s) + H̄)
    if (c.autoAlpha) {
      this.logAlpha.grads.f32[0] = -(sumPlus(N, logp.f32, this.targetEntropy) / N);
      this.alphaOptim.step();
    }
    // Alg. 1 line 14: θ̄_i ← τθ_i + (1 − τ)θ̄_i
    critic1Target.polyakFrom(critic1, c.tau);
    critic2Target.polyakFrom(critic2, c.tau);
    if (!Number.isFinite(this.alpha)) this.nonFinite(`critic ${criticLoss}, actor ${actorLoss}, α ${this.alpha}`);
    return this.updated(criticLoss, actorLoss, qMean);
  }

  /**
   * The deterministic policy h·tanh(μ(s)) as a plain network Policy.load() can
   * run: the actor's hidden layers, and its last layer cut to the μ columns
   * with a tanh × h activation. Policy.act then returns the same bits as
   * act(obs) (each output is the same dot product, bias and tanhf).
   *
   * @internal
   */
  protected override policy(): { info: NetInfo; params: Float32Array } {
    const a = this.actDim, src = this.actor.getParams(), sl = this.actor.layout;
    const layers = this.actor.spec.layers;
    const last = layers[layers.length - 1]!;
    const spec: NetworkSpec = { inputs: this.actor.spec.inputs, layers: [...layers.slice(0, -1), { ...last, units: a, activation: 'tanh', scale: this.actBound }] };
    const { layout, size } = networkLayout(spec, 'policy');
    const params = new Float32Array(size);
    const lastName = `layers.${layers.length - 1}`;
    for (const t of layout) {
      const from = sl.find((e) => e.name === t.name)!;
      if (t.name === `${lastName}.W`) {
        const [fanIn] = t.shape as [number, number];
        for (let r = 0; r < fanIn; r++) for (let j = 0; j < a; j++) params[t.offset + r * a + j] = src[from.offset + r * 2 * a + j]!;
      } else {
        const n = t.shape.reduce((x, y) => x * y, 1);
        params.set(src.subarray(from.offset, from.offset + n), t.offset);
      }
    }
    return { info: { spec, layout, size }, params };
  }
}

/** Q̂_i = r_i + γ·(1 − done_i)·(min(q1_i, q2_i) − α·logp_i) (Alg. 1 line 11's target; masked by `terminated` only). */
function softTdTarget(n: number, y: Float32Array, r: Float32Array, done: Float32Array, q1: Float32Array, q2: Float32Array,
                      logp: Float32Array, alpha: number, gamma: number): void {
  for (let i = 0; i < n; i++) {
    const qa = q1[i]!, qb = q2[i]!;
    y[i] = r[i]! + gamma * (1 - done[i]!) * ((qa < qb ? qa : qb) - alpha * logp[i]!);
  }
}

/**
 * J_π = mean(α·log π(ã|s) − min(Q_θ1, Q_θ2)) for the sampled ã, and its seeds at
 * the critics' outputs: −1/N at the smaller of the two per row (the first on
 * ties, as torch.min), 0 at the other.
 */
function minQSeeds(n: number, q1: Float32Array, q2: Float32Array, logp: Float32Array, alpha: number, g1: Float32Array, g2: Float32Array): number {
  const seed = -1 / n;
  let j = 0;
  for (let i = 0; i < n; i++) {
    const qa = q1[i]!, qb = q2[i]!, first = qa <= qb;
    g1[i] = first ? seed : 0;
    g2[i] = first ? 0 : seed;
    j += alpha * logp[i]! - (first ? qa : qb);
  }
  return j / n;
}

/** Σ_i (x_i + c), summed in double in index order. */
function sumPlus(n: number, x: Float32Array, c: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]! + c;
  return s;
}

/** n standard normals from `rng` into `out` (float32). */
function normals(rng: Rng, out: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = rng.normal();
}

/**
 * DDPG — Deep Deterministic Policy Gradient (Lillicrap et al. 2015,
 * arXiv:1509.02971), as the Keras "DDPG on Pendulum" notebook implements it.
 *
 * Notation (code ↔ paper):
 *   actor        μ(s|θ^μ)        actorTarget   μ′(s|θ^μ′)
 *   critic       Q(s,a|θ^Q)      criticTarget  Q′(s,a|θ^Q′)
 *   gamma        γ               tau           τ
 *   batchSize    N               noise         𝒩 (Ornstein-Uhlenbeck by default)
 *   y            y_i             q             Q(s_i, a_i)
 *   qNext        Q′(s_{i+1}, μ′(s_{i+1}))      muNext  μ′(s_{i+1})
 *   dQda         ∇_a Q(s, a)|_{a=μ(s_i)}
 *   done         1 where s_{i+1} is terminal (the notebook has no such mask)
 *
 * Algorithm 1 (paper), numbered as the comments in update() and learn() cite it:
 *   1  Randomly initialize critic Q(s,a|θ^Q) and actor μ(s|θ^μ)
 *   2  Initialize target networks Q′, μ′ with θ^Q′ ← θ^Q, θ^μ′ ← θ^μ
 *   3  Initialize replay buffer R
 *   4  for episode = 1, M do
 *   5    Initialize a random process 𝒩 for action exploration
 *   6    Receive initial observation state s_1
 *   7    for t = 1, T do
 *   8      Select action a_t = μ(s_t|θ^μ) + 𝒩_t
 *   9      Execute a_t, observe reward r_t and new state s_{t+1}
 *  10      Store transition (s_t, a_t, r_t, s_{t+1}) in R
 *  11      Sample a random minibatch of N transitions (s_i, a_i, r_i, s_{i+1}) from R
 *  12      Set y_i = r_i + γ·Q′(s_{i+1}, μ′(s_{i+1}|θ^μ′)|θ^Q′)
 *  13      Update critic by minimizing L = (1/N)·Σ_i (y_i − Q(s_i, a_i|θ^Q))²
 *  14      Update the actor using the sampled policy gradient
 *            ∇_θμ J ≈ (1/N)·Σ_i ∇_a Q(s,a|θ^Q)|_{s=s_i, a=μ(s_i)} · ∇_θμ μ(s|θ^μ)|_{s_i}
 *  15      Update the target networks: θ^Q′ ← τθ^Q + (1−τ)θ^Q′, θ^μ′ ← τθ^μ + (1−τ)θ^μ′
 *  16    end for
 *  17  end for
 *
 * Two corrections to the notebook (docs/ALGORITHMS.md, "Deviations from the notebook"): line 12 is masked by
 * `terminated` (y_i = r_i + γ·(1 − done_i)·Q′(…)); episodes end on terminated OR
 * truncated, and truncation still bootstraps.
 */
import type { Backend } from '../kernels/index.js';
import type { Tensor } from '../kernels/arena.js';
import type { Adam } from '../nn/adam.js';
import { mse, negMeanQ } from '../nn/losses.js';
import type { Network } from '../nn/network.js';
import type { NetworkSpec } from '../nn/spec.js';
import type { Env } from '../envs/env.js';
import type { UpdateStats } from './agent.js';
import { OffPolicyAgent, splitOptions } from './core.js';
import { type DDPGConfig, type DDPGOptions, resolveConfig } from './ddpg-config.js';
import { mean, tdTarget } from '../rl/td.js';

/** Specs of the two networks for a config and the env's dimensions. */
export function ddpgNetworks(c: DDPGConfig, obsDim: number, actDim: number, actBound: number): { actor: NetworkSpec; critic: NetworkSpec } {
  const paper = c.init === 'paper';
  const hidden = paper ? ({ kernelInit: 'fan-in-uniform', biasInit: 'fan-in-uniform' } as const) : {};
  const last = { kernelInit: { uniform: 3e-3 }, biasInit: paper ? { uniform: 3e-3 } : 'zeros' } as const;
  const relu = (units: number) => ({ units, activation: 'relu', ...hidden }) as const;
  return {
    actor: {
      inputs: [obsDim],
      layers: [...c.actorLayers.map(relu), { units: actDim, activation: 'tanh', scale: actBound, ...last }],
    },
    critic: {
      inputs: [obsDim, actDim],
      branches: [c.criticStateLayers.map(relu), c.criticActionLayers.map(relu)],
      // The notebook's critic output keeps Keras's default init; the paper's uses U(±3e-3).
      layers: [...c.criticLayers.map(relu), paper ? { units: 1, ...last } : { units: 1 }],
    },
  };
}

/**
 * DDPG (Lillicrap et al. 2015): a deterministic actor μ(s) and a critic Q(s, a) with
 * target copies, trained off-policy from a replay buffer, exploring with action noise
 * (OU by default, as the Keras notebook). Presets: `'keras'` (the notebook), `'paper'`.
 */
export class DDPG extends OffPolicyAgent<DDPGConfig> {
  static readonly algo = 'ddpg';
  readonly actor: Network;
  readonly critic: Network;
  readonly actorTarget: Network;
  readonly criticTarget: Network;
  readonly actorOptim: Adam;
  readonly criticOptim: Adam;

  constructor(env: Env, options: DDPGOptions & { backend?: Backend } = {}) {
    const { setup, rest } = splitOptions('DDPG', options);
    const c = resolveConfig(rest);
    super('ddpg', env, c, setup, c);
    const specs = ddpgNetworks(c, this.obsDim, this.actDim, this.actBound);
    this.actor = this.network('actor', specs.actor);
    this.critic = this.network('critic', specs.critic, { inputGrads: [false, true] });
    this.actorTarget = this.network('actorTarget', specs.actor, { trainable: false });
    this.criticTarget = this.network('criticTarget', specs.critic, { trainable: false });
    const adam = { eps: c.adamEps, epsMode: c.adamEpsMode } as const;
    this.actorOptim = this.adam(this.actor, { lr: c.actorLr, ...adam }, 'actorLr');
    this.criticOptim = this.adam(this.critic, { lr: c.criticLr, weightDecay: c.criticWeightDecay, ...adam }, 'criticLr');
    const init = this.commit();
    // Alg. 1 line 1: random θ^μ, θ^Q; line 2: θ^Q′ ← θ^Q, θ^μ′ ← θ^μ
    this.actor.init(init);
    this.critic.init(init);
    this.actorTarget.copyFrom(this.actor);
    this.criticTarget.copyFrom(this.critic);
  }

  /** Alg. 1 line 8: μ(s), or a_t = clip(μ(s_t) + 𝒩_t, −h, h) while exploring (the notebook's policy()). @internal */
  protected policyAct(obs: Tensor, explore: boolean, out: Float32Array): Float32Array {
    return this.deterministicAct(this.actor, obs, explore, out);
  }

  /**
   * One gradient step of Algorithm 1 (lines 11–15) on a minibatch from the
   * buffer. Returns the losses in an object reused by every call (no allocation
   * per update): copy the fields you want to keep.
   */
  update(): UpdateStats {
    const c = this.config, N = c.batchSize;
    const { actor, critic, actorTarget, criticTarget } = this;
    // Alg. 1 line 11: N transitions (s_i, a_i, r_i, s_{i+1}, done_i), uniformly with replacement (np.random.choice)
    const { s, a, r, s2, done, y } = this.sampleBatch();
    // Alg. 1 line 12: y_i = r_i + γ·(1 − done_i)·Q′(s_{i+1}, μ′(s_{i+1}))
    const muNext = actorTarget.forward(N, s2.ptr);
    const qNext = criticTarget.forward(N, s2.ptr, muNext.ptr);
    tdTarget(N, y.f32, r.f32, done.f32, qNext.f32, c.gamma);
    // Alg. 1 line 13: minimise L = (1/N)·Σ (y_i − Q(s_i, a_i))²
    const q = critic.forward(N, s.ptr, a.ptr);
    const criticLoss = mse(N, q.f32, y.f32, critic.outputGrad.f32);
    const qMean = mean(N, q.f32);
    this.finiteLoss('critic', criticLoss);
    critic.backward(N, true);
    this.criticOptim.step();
    // Alg. 1 line 14: ascend (1/N)·Σ Q(s_i, μ(s_i)) through the updated critic;
    // backprop through the critic stops at its action input (dQda), no critic grads.
    const mu = actor.forward(N, s.ptr);
    const qPi = critic.forward(N, s.ptr, mu.ptr);
    const actorLoss = negMeanQ(N, qPi.f32, critic.outputGrad.f32);
    critic.backward(N, false);
    const dQda = critic.inputGrad[1]!;
    this.kernels.copy(N * this.actDim, dQda.ptr, actor.outputGrad.ptr);
    this.finiteLoss('actor', actorLoss);
    actor.backward(N, true);
    this.actorOptim.step();
    // Alg. 1 line 15: θ′ ← τθ + (1 − τ)θ′
    actorTarget.polyakFrom(actor, c.tau);
    criticTarget.polyakFrom(critic, c.tau);
    return this.updated(criticLoss, actorLoss, qMean);
  }
}
